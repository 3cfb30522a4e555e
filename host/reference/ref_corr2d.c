/* ref_corr2d.c: the reference cross-correlation and its gradients, in plain
 * C with double accumulation; built with -ffp-contract=off so no fused
 * multiply-add hides a rounding. */
#include "reference/backend_ref.h"

#include <math.h>

void clconv__ref_corr2d_fwd_at(const clconv__corr2d_geom *g, const float *x,
                               const float *weight, const float *b,
                               int64_t index, double *sum_out,
                               double *mag_out) {
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
            (double)weight[((co * g->cin_g + ci) * g->kh + kh) * g->kw + kw];
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
                            const float *weight, const float *b, float *y,
                            double *y_exact, double *magnitude) {
  const int64_t count = g->n * g->cout * g->hout * g->wout;
  for (int64_t i = 0; i < count; i++) {
    double sum, mag;
    clconv__ref_corr2d_fwd_at(g, x, weight, b, i, &sum, &mag);
    if (y != NULL)
      y[i] = (float)sum;
    if (y_exact != NULL)
      y_exact[i] = sum;
    if (magnitude != NULL)
      magnitude[i] = mag;
  }
}

void clconv__ref_corr2d_bwd_data_at(const clconv__corr2d_geom *g,
                                    const float *dy, const float *weight,
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
            (double)
                weight[((co * g->cin_g + ci_local) * g->kh + kh) * g->kw + kw];
        sum += product;
        mag += fabs(product);
      }
    }
  }
  *sum_out = sum;
  *mag_out = mag;
}

void clconv__ref_corr2d_bwd_data(const clconv__corr2d_geom *g, const float *dy,
                                 const float *weight, double *dx,
                                 double *magnitude) {
  const int64_t count = g->n * g->cin * g->h * g->w;
  for (int64_t i = 0; i < count; i++) {
    double mag;
    clconv__ref_corr2d_bwd_data_at(g, dy, weight, i, &dx[i], &mag);
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
