/* backend_ref.c: the reference backend's ops, in plain C with double
 * accumulation; built with -ffp-contract=off so no fused multiply-add hides
 * a rounding. */
#include "backend_ref.h"

#include <math.h>

void clconv__ref_corr2d_fwd_at(const clconv__corr2d_geom *g, const float *x,
                               const float *w, const float *b, int64_t index,
                               double *sum_out, double *mag_out) {
  const int64_t ow = index % g->wout, oh = (index / g->wout) % g->hout;
  const int64_t co = (index / (g->wout * g->hout)) % g->cout;
  const int64_t n = index / (g->wout * g->hout * g->cout);
  const int64_t group = co / g->cout_g;
  double sum = 0.0, mag = 0.0;
  /* Sums every product of the window; the padding is a zero that
   * multiplies like any value (0 * Inf is NaN, as in PyTorch). */
  for (int64_t ci = 0; ci < g->cin_g; ci++) {
    const int64_t c = group * g->cin_g + ci;
    for (int64_t kh = 0; kh < g->kh; kh++) {
      const int64_t ih = oh * g->stride_h - g->pad_h + kh * g->dil_h;
      for (int64_t kw = 0; kw < g->kw; kw++) {
        const int64_t iw = ow * g->stride_w - g->pad_w + kw * g->dil_w;
        const int inside = ih >= 0 && ih < g->h && iw >= 0 && iw < g->w;
        const double product =
            (inside ? (double)x[((n * g->cin + c) * g->h + ih) * g->w + iw]
                    : 0.0) *
            (double)w[((co * g->cin_g + ci) * g->kh + kh) * g->kw + kw];
        sum += product;
        mag += fabs(product);
      }
    }
  }
  if (b != NULL) {
    sum += (double)b[co];
    mag += fabs((double)b[co]);
  }
  *sum_out = sum;
  *mag_out = mag;
}

void clconv__ref_corr2d_fwd(const clconv__corr2d_geom *g, const float *x,
                            const float *w, const float *b, float *y,
                            double *y_exact, double *magnitude) {
  const int64_t count = g->n * g->cout * g->hout * g->wout;
  for (int64_t i = 0; i < count; i++) {
    double sum, mag;
    clconv__ref_corr2d_fwd_at(g, x, w, b, i, &sum, &mag);
    if (y != NULL)
      y[i] = (float)sum;
    if (y_exact != NULL)
      y_exact[i] = sum;
    if (magnitude != NULL)
      magnitude[i] = mag;
  }
}

void clconv__ref_corr2d_bwd_data_at(const clconv__corr2d_geom *g,
                                    const float *dy, const float *w,
                                    int64_t index, double *sum_out,
                                    double *mag_out) {
  const int64_t iw = index % g->w, ih = (index / g->w) % g->h;
  const int64_t ci = (index / (g->w * g->h)) % g->cin;
  const int64_t n = index / (g->w * g->h * g->cin);
  const int64_t group = ci / g->cin_g, ci_local = ci % g->cin_g;
  double sum = 0.0, mag = 0.0;
  /* Visits every output whose window put a tap on (ih, iw). */
  for (int64_t col = 0; col < g->cout_g; col++) {
    const int64_t co = group * g->cout_g + col;
    for (int64_t kh = 0; kh < g->kh; kh++) {
      const int64_t th = ih + g->pad_h - kh * g->dil_h;
      if (th < 0 || th % g->stride_h != 0 || th / g->stride_h >= g->hout)
        continue;
      for (int64_t kw = 0; kw < g->kw; kw++) {
        const int64_t tw = iw + g->pad_w - kw * g->dil_w;
        double product;
        if (tw < 0 || tw % g->stride_w != 0 || tw / g->stride_w >= g->wout)
          continue;
        product =
            (double)
                dy[((n * g->cout + co) * g->hout + th / g->stride_h) * g->wout +
                   tw / g->stride_w] *
            (double)w[((co * g->cin_g + ci_local) * g->kh + kh) * g->kw + kw];
        sum += product;
        mag += fabs(product);
      }
    }
  }
  *sum_out = sum;
  *mag_out = mag;
}

void clconv__ref_corr2d_bwd_data(const clconv__corr2d_geom *g, const float *dy,
                                 const float *w, double *dx,
                                 double *magnitude) {
  const int64_t count = g->n * g->cin * g->h * g->w;
  for (int64_t i = 0; i < count; i++) {
    double mag;
    clconv__ref_corr2d_bwd_data_at(g, dy, w, i, &dx[i], &mag);
    if (magnitude != NULL)
      magnitude[i] = mag;
  }
}

void clconv__ref_corr2d_bwd_weight_at(const clconv__corr2d_geom *g,
                                      const float *x, const float *dy,
                                      const float *old, int64_t index,
                                      double *sum_out, double *mag_out) {
  const int64_t kw = index % g->kw, kh = (index / g->kw) % g->kh;
  const int64_t ci = (index / (g->kw * g->kh)) % g->cin_g;
  const int64_t co = index / (g->kw * g->kh * g->cin_g);
  const int64_t c = (co / g->cout_g) * g->cin_g + ci;
  double sum = 0.0, mag = 0.0;
  /* Sums dY * X over the batch and every output; where the tap lands in
   * the padding X is a zero that multiplies (0 * Inf is NaN, as in PyTorch).
   */
  for (int64_t n = 0; n < g->n; n++)
    for (int64_t oh = 0; oh < g->hout; oh++) {
      const int64_t ih = oh * g->stride_h - g->pad_h + kh * g->dil_h;
      for (int64_t ow = 0; ow < g->wout; ow++) {
        const int64_t iw = ow * g->stride_w - g->pad_w + kw * g->dil_w;
        const int inside = ih >= 0 && ih < g->h && iw >= 0 && iw < g->w;
        const double product =
            (double)dy[((n * g->cout + co) * g->hout + oh) * g->wout + ow] *
            (inside ? (double)x[((n * g->cin + c) * g->h + ih) * g->w + iw]
                    : 0.0);
        sum += product;
        mag += fabs(product);
      }
    }
  if (old != NULL) {
    sum += (double)old[index];
    mag += fabs((double)old[index]);
  }
  *sum_out = sum;
  *mag_out = mag;
}

void clconv__ref_corr2d_bwd_weight(const clconv__corr2d_geom *g, const float *x,
                                   const float *dy, const float *old,
                                   double *dw, double *magnitude) {
  const int64_t count = g->cout * g->cin_g * g->kh * g->kw;
  for (int64_t i = 0; i < count; i++) {
    double mag;
    clconv__ref_corr2d_bwd_weight_at(g, x, dy, old, i, &dw[i], &mag);
    if (magnitude != NULL)
      magnitude[i] = mag;
  }
}

void clconv__ref_corr2d_bwd_bias(const clconv__corr2d_geom *g, const float *dy,
                                 const float *old, double *db,
                                 double *magnitude) {
  const int64_t plane = g->hout * g->wout;
  for (int64_t co = 0; co < g->cout; co++) {
    double sum = old != NULL ? (double)old[co] : 0.0;
    double mag = fabs(sum);
    for (int64_t n = 0; n < g->n; n++)
      for (int64_t i = 0; i < plane; i++) {
        const double v = (double)dy[(n * g->cout + co) * plane + i];
        sum += v;
        mag += fabs(v);
      }
    db[co] = sum;
    if (magnitude != NULL)
      magnitude[co] = mag;
  }
}

void clconv__ref_squared_error(const float *y_hat, const float *y, size_t count,
                               float grad_scale, double *loss,
                               double *loss_magnitude, double *grad,
                               double *grad_magnitude) {
  double sum = 0.0;
  for (size_t i = 0; i < count; i++) {
    const double d = (double)y_hat[i] - (double)y[i];
    sum += d * d;
    if (grad != NULL)
      grad[i] = (double)grad_scale * d;
    /* The float difference is rounded once relative to |y_hat| + |y|. */
    if (grad_magnitude != NULL)
      grad_magnitude[i] = fabs((double)grad_scale) *
                          (fabs((double)y_hat[i]) + fabs((double)y[i]));
  }
  if (loss != NULL)
    *loss = sum;
  if (loss_magnitude != NULL)
    *loss_magnitude = sum;
}

void clconv__ref_sgd_update(const clconv__sgd_consts *k, size_t count,
                            const float *w, const float *grad, const float *buf,
                            double *w_new, double *w_mag, double *buf_new,
                            double *buf_mag) {
  const double lr = k->lr, wd = k->weight_decay, m = k->momentum;
  const double damp = k->one_minus_dampening;
  for (size_t i = 0; i < count; i++) {
    /* Each value comes with the sum of the magnitudes that formed it. */
    double g = (double)grad[i] + wd * (double)w[i];
    double g_mag = fabs((double)grad[i]) + fabs(wd * (double)w[i]);
    if (k->use_momentum) {
      double b = g, b_mag = g_mag;
      if (k->buffer_is_set) {
        b = m * (double)buf[i] + damp * g;
        b_mag = fabs(m * (double)buf[i]) + fabs(damp) * g_mag;
      }
      buf_new[i] = b;
      if (buf_mag != NULL)
        buf_mag[i] = b_mag;
      if (k->nesterov) {
        g = g + m * b;
        g_mag = g_mag + fabs(m) * b_mag;
      } else {
        g = b;
        g_mag = b_mag;
      }
    }
    w_new[i] = (double)w[i] - lr * g;
    if (w_mag != NULL)
      w_mag[i] = fabs((double)w[i]) + fabs(lr) * g_mag;
  }
}

void clconv__ref_init_uniform(float *t, size_t count, uint64_t seed, float lo,
                              float scale) {
  for (size_t i = 0; i < count; i++) {
    uint64_t z = seed + ((uint64_t)i + 1u) * 0x9E3779B97F4A7C15ull;
    float u;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    u = (float)(z >> 40) * (1.0f / 16777216.0f);
    t[i] = lo + scale * u;
  }
}
