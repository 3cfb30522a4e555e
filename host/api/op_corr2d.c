/* op_corr2d.c: the public cross-correlation entry points: validate once, then
 * dispatch to the reference or OpenCL backend, and verify when asked. */
#include "check/compare.h"
#include "check/corr2d_check.h"
#include "check/self_check.h"
#include "check/verify.h"
#include "check/winograd_bound.h"
#include "common/alloc.h"
#include "common/corr2d_algo.h"
#include "common/error.h"
#include "core/context.h"
#include "core/tensor.h"
#include "opencl/backend_opencl.h"
#include "reference/backend_ref.h"

#include <string.h>

clconv_status clconv_corr2d_output_dims(clconv_context *ctx,
                                        const clconv_corr2d_params *p,
                                        const clconv_tensor *x,
                                        const clconv_tensor *w,
                                        int64_t y_dims[4]) {
  static const char *fn = "clconv_corr2d_output_dims";
  clconv__corr2d_geom g;
  CLCONV_FORWARD_IF_ERROR(clconv__context_enter(ctx, fn));
  CLCONV_RETURN_IF(ctx, y_dims == NULL, CLCONV_STATUS_INVALID_ARGUMENT,
                   "%s: y_dims is NULL", fn);
  CLCONV_FORWARD_IF_ERROR(
      clconv__corr2d_check_problem(ctx, fn, p, x, "x", w, NULL, &g));
  y_dims[0] = g.n;
  y_dims[1] = g.cout;
  y_dims[2] = g.hout;
  y_dims[3] = g.wout;
  return CLCONV_STATUS_OK;
}

/* What the reference needs to compute one forward element; wino_m is 2 or
 * 4 when Winograd F(m x m, 3x3) computed it, else 0. */
typedef struct forward_args {
  const clconv__corr2d_geom *g;
  const float *x, *w, *b;
  int wino_m;
} forward_args;

static void forward_element(const void *p, int64_t index, double *sum,
                            double *mag) {
  const forward_args *a = p;
  clconv__ref_corr2d_fwd_at(a->g, a->x, a->w, a->b, index, sum, mag);
  /* Winograd's result is held to its own bound (docs/design.md). */
  if (a->wino_m != 0)
    *mag = clconv__winograd_bound_magnitude(a->g, a->wino_m, a->x, a->w, a->b,
                                            index);
}

/* Compares @p y with the reference forward of (x, w, b) for geometry @p g;
 * the comparison lands in the context's verification report. */
static clconv_status verify_forward(clconv_context *ctx, const char *fn,
                                    const clconv__corr2d_geom *g,
                                    const clconv_tensor *x,
                                    const clconv_tensor *w,
                                    const clconv_tensor *b,
                                    const clconv_tensor *y) {
  float *hx = NULL, *hw = NULL, *hb = NULL;
  double terms = (double)clconv__corr2d_geometry_terms(g);
  forward_args args;
  clconv_status status;

  /* Reads the inputs back, then compares element by element. */
  clconv__verify_begin(ctx);
  if ((status = clconv__tensor_download(x, &hx)) != CLCONV_STATUS_OK ||
      (status = clconv__tensor_download(w, &hw)) != CLCONV_STATUS_OK ||
      (b != NULL &&
       (status = clconv__tensor_download(b, &hb)) != CLCONV_STATUS_OK))
    goto done;
  args.g = g;
  args.x = hx;
  args.w = hw;
  args.b = hb;
  args.wino_m = clconv__winograd_bound_m(
      clconv__corr2d_algo_resolve(&ctx->caps, g, CLCONV_PASS_FORWARD));
  /* Winograd rounds even integer data (its weights take halves or sixths):
   * always the bounded comparison, with its extra rounding steps. */
  if (args.wino_m != 0)
    terms += clconv__winograd_bound_extra_terms(args.wino_m);
  status = clconv__verify_elements(
      ctx, fn, "y", y, forward_element, &args, terms,
      args.wino_m == 0 &&
          clconv__compare_exact_inputs(hx, x->count, hw, w->count, hb,
                                       b != NULL ? b->count : 0, terms));
done:
  clconv__alloc_free(hb);
  clconv__alloc_free(hw);
  clconv__alloc_free(hx);
  return status;
}

/* A forward's operands, for its self-check. */
typedef struct forward_ops {
  const char *fn;
  const clconv__corr2d_geom *g;
  const clconv_tensor *x, *w, *b;
  clconv_tensor *y;
} forward_ops;

static clconv_status forward_compare(clconv_context *ctx, const void *args) {
  const forward_ops *o = args;
  return verify_forward(ctx, o->fn, o->g, o->x, o->w, o->b, o->y);
}

static clconv_status forward_rerun(clconv_context *ctx, const void *args) {
  const forward_ops *o = args;
  return clconv__cl_corr2d_fwd(ctx, o->g, o->x, o->w, o->b, o->y);
}

clconv_status clconv_corr2d_forward(clconv_context *ctx,
                                    const clconv_corr2d_params *p,
                                    const clconv_tensor *x,
                                    const clconv_tensor *w,
                                    const clconv_tensor *b, clconv_tensor *y) {
  static const char *fn = "clconv_corr2d_forward";
  clconv__corr2d_geom g;
  CLCONV_FORWARD_IF_ERROR(clconv__context_enter(ctx, fn));
  CLCONV_FORWARD_IF_ERROR(
      clconv__corr2d_check_problem(ctx, fn, p, x, "x", w, b, &g));
  CLCONV_FORWARD_IF_ERROR(clconv__tensor_check_distinct(
      ctx, fn, y, "y", (const clconv_tensor *const[]){x, w, b},
      (const char *const[]){"x", "w", "b"}, 3));
  CLCONV_FORWARD_IF_ERROR(clconv__corr2d_check_output(ctx, fn, &g, y, "y"));
  if (y->count == 0)
    return CLCONV_STATUS_OK;

  /* Dispatches to the backend of the context. */
  if (ctx->is_reference) {
    clconv__ref_corr2d_fwd(&g, x->host, w->host, b != NULL ? b->host : NULL,
                           y->host, NULL, NULL);
    return CLCONV_STATUS_OK;
  }
  CLCONV_FORWARD_IF_ERROR(clconv__cl_corr2d_fwd(ctx, &g, x, w, b, y));
  if (ctx->verify)
    return verify_forward(ctx, fn, &g, x, w, b, y);
  {
    const forward_ops ops = {fn, &g, x, w, b, y};
    return clconv__self_check(ctx, fn, CLCONV_PASS_FORWARD, &g, forward_compare,
                              forward_rerun, &ops);
  }
}

clconv_status
clconv_corr2d_verify(clconv_context *ctx, const clconv_corr2d_params *p,
                     const clconv_tensor *x, const clconv_tensor *w,
                     const clconv_tensor *b, const clconv_tensor *y,
                     clconv_verify_report *report) {
  static const char *fn = "clconv_corr2d_verify";
  clconv__corr2d_geom g;
  clconv_status status;
  if (report != NULL)
    memset(report, 0, sizeof *report);
  CLCONV_FORWARD_IF_ERROR(clconv__context_enter(ctx, fn));
  CLCONV_FORWARD_IF_ERROR(
      clconv__corr2d_check_problem(ctx, fn, p, x, "x", w, b, &g));
  CLCONV_RETURN_IF(ctx, y == NULL, CLCONV_STATUS_INVALID_ARGUMENT,
                   "%s: y is NULL", fn);
  CLCONV_FORWARD_IF_ERROR(clconv__corr2d_check_output(ctx, fn, &g, y, "y"));
  status = verify_forward(ctx, fn, &g, x, w, b, y);
  if (report != NULL)
    *report = ctx->verify_report;
  return status;
}
