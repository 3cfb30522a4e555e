/* op_prepare.c: clconv_corr2d_prepare: a problem's specialized programs
 * queued for the background builder before its first op (docs/design.md,
 * "First contact"). */
#include "check/corr2d_check.h"
#include "common/error.h"
#include "core/context.h"
#include "core/tensor.h"
#include "opencl/backend_opencl.h"

clconv_status clconv_corr2d_prepare(clconv_context *ctx,
                                    const clconv_corr2d_params *p,
                                    const clconv_tensor *x,
                                    const clconv_tensor *w, unsigned passes) {
  static const char *fn = "clconv_corr2d_prepare";
  clconv__corr2d_geom g;
  int64_t dims[4];
  clconv_tensor *y = NULL, *dx = NULL, *dw = NULL;
  clconv_status status;
  CLCONV_FORWARD_IF_ERROR(clconv__context_enter(ctx, fn));
  CLCONV_FORWARD_IF_ERROR(
      clconv__corr2d_check_problem(ctx, fn, p, x, "x", w, NULL, &g));
  CLCONV_RETURN_IF(ctx, (passes & ~(unsigned)CLCONV_PREPARE_ALL) != 0,
                   CLCONV_STATUS_INVALID_ARGUMENT,
                   "%s: passes = 0x%x has bits other than CLCONV_PREPARE_*", fn,
                   passes);
  if (ctx->is_reference || passes == 0)
    return CLCONV_STATUS_OK;

  /* The op's outputs, so that the probe takes the very path of the op. */
  dims[0] = g.n, dims[1] = g.cout, dims[2] = g.hout, dims[3] = g.wout;
  status = clconv_tensor_create(ctx, 4, dims, &y);
  if (status == CLCONV_STATUS_OK && (passes & CLCONV_PREPARE_BACKWARD_DATA))
    status = clconv_tensor_create(ctx, 4, x->dims, &dx);
  if (status == CLCONV_STATUS_OK && (passes & CLCONV_PREPARE_BACKWARD_WEIGHT))
    status = clconv_tensor_create(ctx, 4, w->dims, &dw);
  ctx->prepare_only = 1;
  if (status == CLCONV_STATUS_OK && (passes & CLCONV_PREPARE_FORWARD))
    status = clconv__cl_corr2d_fwd(ctx, &g, x, w, NULL, y);
  if (status == CLCONV_STATUS_OK && dx != NULL)
    status = clconv__cl_corr2d_bwd_data(ctx, &g, y, w, dx);
  if (status == CLCONV_STATUS_OK && dw != NULL)
    status = clconv__cl_corr2d_bwd_weight(ctx, &g, x, y, dw, 0);
  ctx->prepare_only = 0;
  clconv_tensor_release(dw);
  clconv_tensor_release(dx);
  clconv_tensor_release(y);
  return status;
}
