/* cl_corr2d_fwd.c: the OpenCL forward cross-correlation: Winograd where the
 * algorithm chosen is one, else the local-memory kernel on GPUs where it
 * fits, the blocked kernel elsewhere, the naive kernel when indices need 64
 * bits. */
#include "opencl/backend_opencl.h"

#include "common/corr2d_algo.h"
#include "common/error.h"
#include "common/kernel_options.h"
#include "opencl/cl_corr2d_blocked.h"
#include "opencl/cl_corr2d_winograd.h"
#include "opencl/cl_generic.h"
#include "opencl/cl_launch.h"
#include "opencl/cl_program.h"
#include "opencl/cl_tier.h"

/* The naive kernel: one work-item per output, 64-bit indices when needed. */
static clconv_status
corr2d_fwd_naive(clconv_context *ctx, const clconv__corr2d_geom *g,
                 const clconv_tensor *x, const clconv_tensor *w,
                 const clconv_tensor *b, clconv_tensor *y) {
  clconv__kernel_options options;
  cl_kernel kernel;
  clconv__cl_args a;
  clconv__kernel_options_begin(&options);
  clconv__kernel_options_geometry(&options, g);
  clconv__kernel_options_int(&options, "HAS_BIAS", g->has_bias);
  CLCONV_FORWARD_IF_ERROR(clconv__cl_program_kernel(
      ctx, "corr2d_fwd_naive", clconv__kernel_options_string(&options),
      "corr2d_fwd_naive", &kernel));
  clconv__cl_args_begin(&a, kernel);
  clconv__cl_args_mem(&a, x->mem);
  clconv__cl_args_mem(&a, w->mem);
  clconv__cl_args_mem(&a, b != NULL ? b->mem : NULL);
  clconv__cl_args_mem(&a, y->mem);
  clconv__cl_args_long(&a, (int64_t)y->count);
  clconv__cl_args_geometry(&a, g);
  return clconv__cl_launch_1d(ctx, &a, y->count, CLCONV__ELEMENTWISE_LOCAL,
                              "corr2d_fwd");
}

/* The forward's operands, for cl_tier.h. */
typedef struct fwd_operands {
  const clconv__corr2d_geom *g;
  const clconv_tensor *x, *w, *b;
  clconv_tensor *y;
} fwd_operands;

/* The forward on its specialized programs. */
static clconv_status fwd_specialized(clconv_context *ctx, const void *ops) {
  const fwd_operands *p = ops;
  const clconv__corr2d_geom *g = p->g;
  const clconv_tensor *x = p->x, *w = p->w, *b = p->b;
  clconv_tensor *y = p->y;
  clconv__cl_corr2d_blocked_operands o;
  const int algo =
      clconv__corr2d_algo_resolve(&ctx->caps, g, CLCONV_PASS_FORWARD);
  if (algo == CLCONV_ALGO_WINOGRAD || algo == CLCONV_ALGO_WINOGRAD_4X4)
    return clconv__cl_corr2d_winograd_run(ctx, g, algo, x->mem, w->mem,
                                          b != NULL ? b->mem : NULL, y->mem, 0,
                                          "corr2d_fwd");
  if (g->needs_long_index)
    return corr2d_fwd_naive(ctx, g, x, w, b, y);
  /* GPUs: the tile in local memory, shared by a group's work-items; its
   * tile chosen again if the kernel takes fewer work-items than the device
   * said, and the blocked kernel if it then no longer fits. */
  while (ctx->caps.simt && clconv__cl_corr2d_fwd_local_fits(ctx, g)) {
    const clconv_status status =
        clconv__cl_corr2d_fwd_local(ctx, g, x, w, b, y);
    if (status != CLCONV__STATUS_GROUP_SHRUNK)
      return status;
  }
  o.x = x->mem;
  o.w = w->mem;
  o.b = b != NULL ? b->mem : NULL;
  o.y = y->mem;
  o.w_count = w->count;
  o.nonfinite = NULL;
  o.phase = NULL;
  o.out_h = o.out_w = o.out_sh = o.out_sw = 0;
  o.what = "corr2d_fwd";
  return clconv__cl_corr2d_blocked_run(ctx, g, &o);
}

/* The forward on the generic kernels. */
static clconv_status fwd_generic(clconv_context *ctx, const void *ops) {
  const fwd_operands *p = ops;
  return clconv__cl_generic_fwd(ctx, p->g, p->x->mem, p->w->mem,
                                p->b != NULL ? p->b->mem : NULL, p->y->mem);
}

clconv_status clconv__cl_corr2d_fwd(clconv_context *ctx,
                                    const clconv__corr2d_geom *g,
                                    const clconv_tensor *x,
                                    const clconv_tensor *w,
                                    const clconv_tensor *b, clconv_tensor *y) {
  const fwd_operands ops = {g, x, w, b, y};
  return clconv__cl_tier_run(ctx, g, CLCONV_PASS_FORWARD, fwd_specialized,
                             fwd_generic, &ops);
}
