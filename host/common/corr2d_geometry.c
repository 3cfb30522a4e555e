/* corr2d_geometry.c: output sizes, index widths and input-gradient phases
 * of a cross-correlation, from its sizes alone. */
#include "common/corr2d_geometry.h"

#include "clconv.h"

int64_t clconv__corr2d_geometry_output_size(int64_t in, int64_t k, int64_t pad,
                                            int64_t stride, int64_t dil) {
  const int64_t padded = in + 2 * pad;
  const int64_t extent = dil * (k - 1) + 1;
  if (extent > padded)
    return -1;
  return (padded - extent) / stride + 1;
}

int clconv__corr2d_geometry_derive(clconv__corr2d_geom *g) {
  const uint64_t limit = (uint64_t)CLCONV__CORR2D_INDEX_LIMIT;
  g->cin_g = g->cin / g->groups;
  g->cout_g = g->cout / g->groups;
  g->hout = clconv__corr2d_geometry_output_size(g->h, g->kh, g->pad_h,
                                                g->stride_h, g->dil_h);
  g->wout = clconv__corr2d_geometry_output_size(g->w, g->kw, g->pad_w,
                                                g->stride_w, g->dil_w);
  if (g->hout < 0 || g->wout < 0)
    return -1;
  /* Kernels index with int unless an index or spatial extent reaches 2^31.
   * Output sizes are at most the padded input, so this bounds them too. */
  g->needs_long_index =
      (uint64_t)g->n * (uint64_t)g->cin * (uint64_t)g->h * (uint64_t)g->w >
          limit ||
      (uint64_t)g->cout * (uint64_t)g->cin_g * (uint64_t)g->kh *
              (uint64_t)g->kw >
          limit ||
      (uint64_t)g->n * (uint64_t)g->cout * (uint64_t)g->hout *
              (uint64_t)g->wout >
          limit ||
      g->h + 2 * g->pad_h + g->stride_h > CLCONV__CORR2D_INDEX_LIMIT ||
      g->w + 2 * g->pad_w + g->stride_w > CLCONV__CORR2D_INDEX_LIMIT;
  return 0;
}

int64_t clconv__corr2d_geometry_terms(const clconv__corr2d_geom *g) {
  return g->cin_g * g->kh * g->kw;
}

clconv__corr2d_geom
clconv__corr2d_geometry_flatten_pointwise(const clconv__corr2d_geom *g) {
  clconv__corr2d_geom f = *g;
  if (g->algo != CLCONV_ALGO_DIRECT && g->kh == 1 && g->kw == 1 &&
      g->stride_h == 1 && g->stride_w == 1 && g->pad_h == 0 && g->pad_w == 0 &&
      g->hout == g->h && g->wout == g->w) {
    f.w = g->h * g->w;
    f.h = 1;
    f.wout = g->hout * g->wout;
    f.hout = 1;
  }
  return f;
}

static int64_t gcd(int64_t a, int64_t b) {
  while (b != 0) {
    const int64_t r = a % b;
    a = b;
    b = r;
  }
  return a;
}

/* One axis of an input-gradient phase: dX index i = stride * a + r gets
 * dY[(i + pad - k * dil) / stride] w[k] for the taps k where that division
 * is exact. Those taps are k = first + m * step, m < *taps; as a
 * correlation over m' = *taps - 1 - m, output a reads dY at
 * a - *new_pad + m' * *new_dil, and there are *outputs values of a.
 * @return 0 when no tap reaches the phase or *new_pad would be negative. */
static int phase_axis(int64_t stride, int64_t dil, int64_t pad, int64_t k,
                      int64_t in, int64_t r, int64_t *first, int64_t *step,
                      int64_t *taps, int64_t *new_pad, int64_t *new_dil,
                      int64_t *outputs) {
  const int64_t common = gcd(stride, dil);
  int64_t k0 = -1, c0;
  *step = stride / common;
  *new_dil = dil / common;
  for (int64_t c = 0; c < *step && c < k; c++) {
    if (((r + pad - c * dil) % stride + stride) % stride == 0) {
      k0 = c;
      break;
    }
  }
  if (k0 < 0)
    return 0;
  *first = k0;
  *taps = (k - 1 - k0) / *step + 1;
  c0 = (r + pad - k0 * dil) / stride; /* exact */
  *new_pad = (*taps - 1) * *new_dil - c0;
  *outputs = in > r ? (in - r + stride - 1) / stride : 0;
  return *new_pad >= 0;
}

int clconv__corr2d_geometry_input_grad_phase(const clconv__corr2d_geom *g,
                                             int64_t row0, int64_t col0,
                                             clconv__input_grad_phase *out) {
  clconv__corr2d_geom *f = &out->f;
  *f = *g;
  out->row0 = row0;
  out->col0 = col0;
  if (!phase_axis(g->stride_h, g->dil_h, g->pad_h, g->kh, g->h, row0,
                  &out->first_h, &out->step_h, &f->kh, &f->pad_h, &f->dil_h,
                  &f->hout) ||
      !phase_axis(g->stride_w, g->dil_w, g->pad_w, g->kw, g->w, col0,
                  &out->first_w, &out->step_w, &f->kw, &f->pad_w, &f->dil_w,
                  &f->wout))
    return 0;
  f->cin = g->cout;
  f->h = g->hout;
  f->w = g->wout;
  f->cout = g->cin;
  f->cin_g = g->cout_g;
  f->cout_g = g->cin_g;
  f->stride_h = 1;
  f->stride_w = 1;
  f->has_bias = 0;
  return 1;
}

int clconv__corr2d_geometry_input_grad_by_phases(const clconv__corr2d_geom *g) {
  clconv__input_grad_phase phase;
  for (int64_t r = 0; r < g->stride_h; r++)
    for (int64_t c = 0; c < g->stride_w; c++)
      if (!clconv__corr2d_geometry_input_grad_phase(g, r, c, &phase))
        return 0;
  return 1;
}
