/* corr2d_geometry.c: validates a cross-correlation's parameters and tensor
 * shapes once, before any backend runs, and derives the output size. */
#include "corr2d_geometry.h"

#include "error.h"
#include "tensor.h"

#include <string.h>

#define INDEX_LIMIT ((int64_t)INT32_MAX)

/* Checks that a parameter lies in [lo, INT32_MAX]. */
static clconv_status check_param(clconv_context *ctx, const char *fn,
                                 const char *name, int64_t value, int64_t lo) {
  CLCONV_RETURN_IF(ctx, value < lo, CLCONV_STATUS_INVALID_ARGUMENT,
                   "%s: %s must be >= %lld, got %lld", fn, name, (long long)lo,
                   (long long)value);
  CLCONV_RETURN_IF(ctx, value > INDEX_LIMIT, CLCONV_STATUS_INVALID_ARGUMENT,
                   "%s: %s = %lld exceeds %lld", fn, name, (long long)value,
                   (long long)INDEX_LIMIT);
  return CLCONV_STATUS_OK;
}

/* Derives one spatial output size; fails when the kernel does not fit. */
static clconv_status output_size(clconv_context *ctx, const char *fn,
                                 const char *axis, int64_t in, int64_t k,
                                 int64_t pad, int64_t stride, int64_t dil,
                                 int64_t *out) {
  int64_t padded = in + 2 * pad;
  int64_t extent = dil * (k - 1) + 1;
  CLCONV_RETURN_IF(ctx, extent > padded, CLCONV_STATUS_SHAPE_MISMATCH,
                   "%s: the kernel %s extent %lld (size %lld, dilation %lld) "
                   "exceeds the padded input %s %lld (%lld + 2*%lld padding)",
                   fn, axis, (long long)extent, (long long)k, (long long)dil,
                   axis, (long long)padded, (long long)in, (long long)pad);
  *out = (padded - extent) / stride + 1;
  return CLCONV_STATUS_OK;
}

clconv_status clconv__corr2d_check_params(clconv_context *ctx, const char *fn,
                                          const clconv_corr2d_params *p) {
  CLCONV_RETURN_IF(ctx, p == NULL, CLCONV_STATUS_INVALID_ARGUMENT,
                   "%s: params is NULL", fn);
  CLCONV_FORWARD_IF_ERROR(check_param(ctx, fn, "pad_h", p->pad_h, 0));
  CLCONV_FORWARD_IF_ERROR(check_param(ctx, fn, "pad_w", p->pad_w, 0));
  CLCONV_FORWARD_IF_ERROR(check_param(ctx, fn, "stride_h", p->stride_h, 1));
  CLCONV_FORWARD_IF_ERROR(check_param(ctx, fn, "stride_w", p->stride_w, 1));
  CLCONV_FORWARD_IF_ERROR(check_param(ctx, fn, "dilation_h", p->dilation_h, 1));
  CLCONV_FORWARD_IF_ERROR(check_param(ctx, fn, "dilation_w", p->dilation_w, 1));
  CLCONV_FORWARD_IF_ERROR(check_param(ctx, fn, "groups", p->groups, 1));
  return CLCONV_STATUS_OK;
}

clconv_status
clconv__corr2d_geometry(clconv_context *ctx, const char *fn,
                        const clconv_corr2d_params *p, const clconv_tensor *x,
                        const char *x_name, const clconv_tensor *w,
                        const clconv_tensor *b, clconv__corr2d_geom *g) {
  memset(g, 0, sizeof *g);
  CLCONV_FORWARD_IF_ERROR(clconv__corr2d_check_params(ctx, fn, p));

  /* Checks the input and weight shapes against each other. */
  CLCONV_FORWARD_IF_ERROR(clconv__tensor_check(ctx, x, 4, fn, x_name));
  CLCONV_FORWARD_IF_ERROR(clconv__tensor_check(ctx, w, 4, fn, "w"));
  g->n = x->dims[0];
  g->cin = x->dims[1];
  g->h = x->dims[2];
  g->w = x->dims[3];
  g->cout = w->dims[0];
  g->kh = w->dims[2];
  g->kw = w->dims[3];
  g->groups = p->groups;
  CLCONV_RETURN_IF(ctx, g->cin < 1 || g->h < 1 || g->w < 1,
                   CLCONV_STATUS_SHAPE_MISMATCH,
                   "%s: %s (N, Cin, H, W) = (%lld, %lld, %lld, %lld) needs "
                   "Cin, H and W >= 1",
                   fn, x_name, (long long)g->n, (long long)g->cin,
                   (long long)g->h, (long long)g->w);
  CLCONV_RETURN_IF(ctx, g->cout < 1 || w->dims[1] < 1 || g->kh < 1 || g->kw < 1,
                   CLCONV_STATUS_SHAPE_MISMATCH,
                   "%s: w (Cout, Cin/groups, KH, KW) = (%lld, %lld, %lld, "
                   "%lld) needs every size >= 1",
                   fn, (long long)g->cout, (long long)w->dims[1],
                   (long long)g->kh, (long long)g->kw);
  CLCONV_RETURN_IF(ctx, g->cin % g->groups != 0, CLCONV_STATUS_SHAPE_MISMATCH,
                   "%s: %s has %lld channels, not divisible by groups = %lld",
                   fn, x_name, (long long)g->cin, (long long)g->groups);
  CLCONV_RETURN_IF(ctx, g->cout % g->groups != 0, CLCONV_STATUS_SHAPE_MISMATCH,
                   "%s: w has %lld output channels, not divisible by groups = "
                   "%lld",
                   fn, (long long)g->cout, (long long)g->groups);
  g->cin_g = g->cin / g->groups;
  g->cout_g = g->cout / g->groups;
  CLCONV_RETURN_IF(ctx, w->dims[1] != g->cin_g, CLCONV_STATUS_SHAPE_MISMATCH,
                   "%s: w has %lld input channels per group, but %s has %lld "
                   "channels / %lld groups = %lld",
                   fn, (long long)w->dims[1], x_name, (long long)g->cin,
                   (long long)g->groups, (long long)g->cin_g);

  /* Derives the output size. */
  g->stride_h = p->stride_h;
  g->stride_w = p->stride_w;
  g->pad_h = p->pad_h;
  g->pad_w = p->pad_w;
  g->dil_h = p->dilation_h;
  g->dil_w = p->dilation_w;
  CLCONV_FORWARD_IF_ERROR(output_size(ctx, fn, "height", g->h, g->kh, g->pad_h,
                                      g->stride_h, g->dil_h, &g->hout));
  CLCONV_FORWARD_IF_ERROR(output_size(ctx, fn, "width", g->w, g->kw, g->pad_w,
                                      g->stride_w, g->dil_w, &g->wout));

  /* Checks the bias. */
  if (b != NULL) {
    CLCONV_FORWARD_IF_ERROR(clconv__tensor_check(ctx, b, 1, fn, "b"));
    CLCONV_RETURN_IF(ctx, b->dims[0] != g->cout, CLCONV_STATUS_SHAPE_MISMATCH,
                     "%s: b has %lld elements but w has %lld output channels",
                     fn, (long long)b->dims[0], (long long)g->cout);
    g->has_bias = 1;
  }

  /* Kernels index with int unless an index or spatial extent reaches 2^31.
   * Output sizes are at most the padded input, so this bounds them too. */
  g->needs_long_index = x->count > (size_t)INDEX_LIMIT ||
                        w->count > (size_t)INDEX_LIMIT ||
                        (uint64_t)g->n * (uint64_t)g->cout * (uint64_t)g->hout *
                                (uint64_t)g->wout >
                            (uint64_t)INDEX_LIMIT ||
                        g->h + 2 * g->pad_h + g->stride_h > INDEX_LIMIT ||
                        g->w + 2 * g->pad_w + g->stride_w > INDEX_LIMIT;
  return CLCONV_STATUS_OK;
}

clconv_status clconv__corr2d_check_output(clconv_context *ctx, const char *fn,
                                          const clconv__corr2d_geom *g,
                                          const clconv_tensor *y,
                                          const char *y_name) {
  CLCONV_FORWARD_IF_ERROR(clconv__tensor_check(ctx, y, 4, fn, y_name));
  CLCONV_RETURN_IF(ctx,
                   y->dims[0] != g->n || y->dims[1] != g->cout ||
                       y->dims[2] != g->hout || y->dims[3] != g->wout,
                   CLCONV_STATUS_SHAPE_MISMATCH,
                   "%s: %s has dims (%lld, %lld, %lld, %lld) but the output "
                   "is (%lld, %lld, %lld, %lld)",
                   fn, y_name, (long long)y->dims[0], (long long)y->dims[1],
                   (long long)y->dims[2], (long long)y->dims[3],
                   (long long)g->n, (long long)g->cout, (long long)g->hout,
                   (long long)g->wout);
  return CLCONV_STATUS_OK;
}

int64_t clconv__corr2d_terms(const clconv__corr2d_geom *g) {
  return g->cin_g * g->kh * g->kw;
}

clconv__corr2d_geom
clconv__corr2d_flatten_pointwise(const clconv__corr2d_geom *g) {
  clconv__corr2d_geom f = *g;
  if (g->kh == 1 && g->kw == 1 && g->stride_h == 1 && g->stride_w == 1 &&
      g->pad_h == 0 && g->pad_w == 0 && g->hout == g->h && g->wout == g->w) {
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

int clconv__corr2d_input_grad_phase(const clconv__corr2d_geom *g, int64_t row0,
                                    int64_t col0,
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

int clconv__corr2d_input_grad_by_phases(const clconv__corr2d_geom *g) {
  clconv__input_grad_phase phase;
  for (int64_t r = 0; r < g->stride_h; r++)
    for (int64_t c = 0; c < g->stride_w; c++)
      if (!clconv__corr2d_input_grad_phase(g, r, c, &phase))
        return 0;
  return 1;
}
