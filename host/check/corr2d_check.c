/* corr2d_check.c: validates a cross-correlation's parameters and tensor
 * shapes once, before any backend runs, and derives its geometry. */
#include "check/corr2d_check.h"

#include "common/abi.h"
#include "common/corr2d_algo.h"
#include "common/error.h"
#include "core/tensor.h"

#include <string.h>

#define INDEX_LIMIT CLCONV__CORR2D_INDEX_LIMIT

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

/* Fails when the dilated kernel does not fit the padded input along one
 * axis. */
static clconv_status check_fit(clconv_context *ctx, const char *fn,
                               const char *axis, int64_t in, int64_t k,
                               int64_t pad, int64_t dil) {
  const int64_t padded = in + 2 * pad;
  const int64_t extent = dil * (k - 1) + 1;
  CLCONV_RETURN_IF(ctx, extent > padded, CLCONV_STATUS_SHAPE_MISMATCH,
                   "%s: the kernel %s extent %lld (size %lld, dilation %lld) "
                   "exceeds the padded input %s %lld (%lld + 2*%lld padding)",
                   fn, axis, (long long)extent, (long long)k, (long long)dil,
                   axis, (long long)padded, (long long)in, (long long)pad);
  return CLCONV_STATUS_OK;
}

/* Public (clconv.h); here because the checks read structs over it. */
void clconv_corr2d_params_init(clconv_corr2d_params *params,
                               size_t struct_size) {
  clconv_corr2d_params p;
  memset(&p, 0, sizeof p);
  p.stride_h = p.stride_w = 1;
  p.dilation_h = p.dilation_w = 1;
  p.groups = 1;
  clconv__abi_init(params, struct_size, &p, sizeof p);
}

clconv_status clconv__corr2d_check_params(clconv_context *ctx, const char *fn,
                                          const clconv_corr2d_params *given,
                                          clconv_corr2d_params *out) {
  const clconv_corr2d_params defaults = clconv_corr2d_params_default();
  const clconv_corr2d_params *p = out;
  CLCONV_FORWARD_IF_ERROR(clconv__abi_read_checked(
      ctx, fn, "params", "clconv_corr2d_params_default", out, sizeof *out,
      &defaults, given));
  CLCONV_FORWARD_IF_ERROR(check_param(ctx, fn, "pad_h", p->pad_h, 0));
  CLCONV_FORWARD_IF_ERROR(check_param(ctx, fn, "pad_w", p->pad_w, 0));
  CLCONV_FORWARD_IF_ERROR(check_param(ctx, fn, "stride_h", p->stride_h, 1));
  CLCONV_FORWARD_IF_ERROR(check_param(ctx, fn, "stride_w", p->stride_w, 1));
  CLCONV_FORWARD_IF_ERROR(check_param(ctx, fn, "dilation_h", p->dilation_h, 1));
  CLCONV_FORWARD_IF_ERROR(check_param(ctx, fn, "dilation_w", p->dilation_w, 1));
  CLCONV_FORWARD_IF_ERROR(check_param(ctx, fn, "groups", p->groups, 1));
  CLCONV_RETURN_IF(
      ctx, p->algo < CLCONV_ALGO_AUTO || p->algo > CLCONV_ALGO_WINOGRAD_4X4,
      CLCONV_STATUS_INVALID_ARGUMENT,
      "%s: params.algo = %d is not a clconv_algo", fn, p->algo);
  return CLCONV_STATUS_OK;
}

clconv_status clconv__corr2d_check_problem(
    clconv_context *ctx, const char *fn, const clconv_corr2d_params *p,
    const clconv_tensor *x, const char *x_name, const clconv_tensor *w,
    const clconv_tensor *b, clconv__corr2d_geom *g) {
  clconv_corr2d_params full;
  memset(g, 0, sizeof *g);
  CLCONV_FORWARD_IF_ERROR(clconv__corr2d_check_params(ctx, fn, p, &full));
  p = &full;

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
  CLCONV_RETURN_IF(ctx, w->dims[1] != g->cin / g->groups,
                   CLCONV_STATUS_SHAPE_MISMATCH,
                   "%s: w has %lld input channels per group, but %s has %lld "
                   "channels / %lld groups = %lld",
                   fn, (long long)w->dims[1], x_name, (long long)g->cin,
                   (long long)g->groups, (long long)(g->cin / g->groups));

  /* Derives the output size. */
  g->stride_h = p->stride_h;
  g->stride_w = p->stride_w;
  g->pad_h = p->pad_h;
  g->pad_w = p->pad_w;
  g->dil_h = p->dilation_h;
  g->dil_w = p->dilation_w;
  CLCONV_FORWARD_IF_ERROR(
      check_fit(ctx, fn, "height", g->h, g->kh, g->pad_h, g->dil_h));
  CLCONV_FORWARD_IF_ERROR(
      check_fit(ctx, fn, "width", g->w, g->kw, g->pad_w, g->dil_w));
  (void)clconv__corr2d_geometry_derive(g); /* fits: checked above */
  if (ctx->naive_kernels)
    g->needs_long_index = 1; /* tests: the 64-bit-index kernels */

  /* Checks that the algorithm asked for can run the problem. */
  g->algo = p->algo;
  CLCONV_RETURN_IF(
      ctx, clconv__corr2d_algo_unfit(g) != NULL, CLCONV_STATUS_INVALID_ARGUMENT,
      "%s: params.algo %s needs %s; this problem has a %lldx%lld "
      "kernel, stride %lldx%lld, dilation %lldx%lld, padding "
      "%lldx%lld",
      fn, clconv_algo_name(g->algo), clconv__corr2d_algo_unfit(g),
      (long long)g->kh, (long long)g->kw, (long long)g->stride_h,
      (long long)g->stride_w, (long long)g->dil_h, (long long)g->dil_w,
      (long long)g->pad_h, (long long)g->pad_w);

  /* Checks the bias. */
  if (b != NULL) {
    CLCONV_FORWARD_IF_ERROR(clconv__tensor_check(ctx, b, 1, fn, "b"));
    CLCONV_RETURN_IF(ctx, b->dims[0] != g->cout, CLCONV_STATUS_SHAPE_MISMATCH,
                     "%s: b has %lld elements but w has %lld output channels",
                     fn, (long long)b->dims[0], (long long)g->cout);
    g->has_bias = 1;
  }

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

void clconv__corr2d_check_test_naive_kernels(clconv_context *ctx, int on) {
  ctx->naive_kernels = on != 0;
}
