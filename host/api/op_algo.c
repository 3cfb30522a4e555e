/* op_algo.c: the public query of which algorithm runs a pass of a problem
 * (corr2d_algo.h decides). */
#include "check/corr2d_check.h"
#include "common/corr2d_algo.h"
#include "common/error.h"
#include "core/context.h"

clconv_status clconv_corr2d_algo_chosen(clconv_context *ctx,
                                        const clconv_corr2d_params *p,
                                        const clconv_tensor *x,
                                        const clconv_tensor *w,
                                        clconv_corr2d_pass pass, int *algo) {
  static const char *fn = "clconv_corr2d_algo_chosen";
  clconv__corr2d_geom g;
  CLCONV_FORWARD_IF_ERROR(clconv__context_enter(ctx, fn));
  CLCONV_RETURN_IF(ctx, algo == NULL, CLCONV_STATUS_INVALID_ARGUMENT,
                   "%s: algo is NULL", fn);
  CLCONV_RETURN_IF(ctx,
                   pass != CLCONV_PASS_FORWARD &&
                       pass != CLCONV_PASS_BACKWARD_DATA &&
                       pass != CLCONV_PASS_BACKWARD_WEIGHT,
                   CLCONV_STATUS_INVALID_ARGUMENT,
                   "%s: pass = %d is not a clconv_corr2d_pass", fn, (int)pass);
  CLCONV_FORWARD_IF_ERROR(
      clconv__corr2d_check_problem(ctx, fn, p, x, "x", w, NULL, &g));
  *algo = clconv__corr2d_algo_resolve(ctx->is_reference ? NULL : &ctx->caps, &g,
                                      pass);
  return CLCONV_STATUS_OK;
}
