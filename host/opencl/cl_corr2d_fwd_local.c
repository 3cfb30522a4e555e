/* cl_corr2d_fwd_local.c: the forward cross-correlation tiled in local memory
 * (cl/corr2d_fwd_local.cl), the default on GPUs; its tiles are in
 * tiles_fwd_local.h. */
#include "opencl/backend_opencl.h"

#include "common/error.h"
#include "common/kernel_options.h"
#include "opencl/cl_launch.h"
#include "opencl/cl_program.h"
#include "tiles/tiles_fwd_local.h"

int clconv__cl_corr2d_fwd_local_fits(const clconv_context *ctx,
                                     const clconv__corr2d_geom *g) {
  const clconv__tiles_fwd_local t =
      clconv__tiles_fwd_local_default(&ctx->caps, g);
  return clconv__tiles_fwd_local_fits(&t, &ctx->caps, g);
}

clconv_status
clconv__cl_corr2d_fwd_local(clconv_context *ctx, const clconv__corr2d_geom *g,
                            const clconv_tensor *x, const clconv_tensor *w,
                            const clconv_tensor *b, clconv_tensor *y) {
  const clconv__tiles_fwd_local t =
      clconv__tiles_fwd_local_default(&ctx->caps, g);
  const size_t local[3] = {(size_t)t.lx, (size_t)t.ly, 1};
  clconv__kernel_options options;
  int64_t patch_h, patch_w;
  uint64_t items[3];
  cl_kernel kernel;
  clconv__cl_args a;
  CLCONV_RETURN_IF(ctx, !clconv__tiles_fwd_local_fits(&t, &ctx->caps, g),
                   CLCONV_STATUS_TOO_LARGE,
                   "corr2d_fwd_local: the problem's tile does not fit the "
                   "device's local memory or work-group size");
  clconv__tiles_fwd_local_patch(&t, g, &patch_h, &patch_w);
  clconv__kernel_options_begin(&options);
  clconv__tiles_fwd_local_options(&t, g, &options);
  /* GROUP_SHRUNK goes back to the caller, who sizes the tile again. */
  CLCONV_FORWARD_IF_ERROR(clconv__cl_program_kernel(
      ctx, "corr2d_fwd_local", clconv__kernel_options_string(&options),
      "corr2d_fwd_local", &kernel));
  items[0] = (uint64_t)g->wout;
  items[1] = (uint64_t)g->hout;
  items[2] = (uint64_t)(g->n * (g->cout / t.cb));
  clconv__cl_args_begin(&a, kernel);
  clconv__cl_args_mem(&a, x->mem);
  clconv__cl_args_mem(&a, w->mem);
  clconv__cl_args_mem(&a, b != NULL ? b->mem : NULL);
  clconv__cl_args_mem(&a, y->mem);
  clconv__cl_args_long(&a, (int64_t)items[2]);
  clconv__cl_args_geometry(&a, g);
  clconv__cl_args_int(&a, b != NULL);
  clconv__cl_args_int(&a, patch_h);
  clconv__cl_args_int(&a, patch_w);
  clconv__cl_args_local(&a, (size_t)(patch_h * patch_w) * sizeof(float));
  clconv__cl_args_local(&a, (size_t)(t.cb * g->kh * g->kw) * sizeof(float));
  return clconv__cl_launch_3d_exact(ctx, &a, items, local, "corr2d_fwd_local");
}
