/* cl_forward_local.c: the forward cross-correlation tiled in local memory
 * (cl/corr2d_fwd_local.cl), the default on GPUs. */
#include "backend_opencl.h"

#include "context.h"
#include "corr2d_args.h"
#include "error.h"
#include "program.h"

#include <stdio.h>

/* Output pixels per work-group along x and y: 128 work-items, four warps. */
#define TILE_X 16
#define TILE_Y 8

/* The input patch one group reads, and the local memory it needs with
 * @p cb channels of weights. */
static void patch_size(const clconv__corr2d_geom *g, int cb, int64_t *ph,
                       int64_t *pw, uint64_t *bytes) {
  *ph = (TILE_Y - 1) * g->stride_h + (g->kh - 1) * g->dil_h + 1;
  *pw = (TILE_X - 1) * g->stride_w + (g->kw - 1) * g->dil_w + 1;
  *bytes = (uint64_t)(*ph * *pw + cb * g->kh * g->kw) * sizeof(float);
}

/* Output channels per work-item: the largest of 4, 2, 1 dividing the
 * output channels per group. */
static int channels_per_item(const clconv__corr2d_geom *g) {
  return g->cout_g % 4 == 0 ? 4 : g->cout_g % 2 == 0 ? 2 : 1;
}

int clconv__cl_fwd_local_fits(const clconv_context *ctx,
                              const clconv__corr2d_geom *g) {
  int64_t ph, pw;
  uint64_t bytes;
  patch_size(g, channels_per_item(g), &ph, &pw, &bytes);
  return !g->needs_long_index &&
         ctx->info.max_work_group_size >= TILE_X * TILE_Y &&
         bytes <= ctx->info.local_mem_bytes && ph * pw <= INT32_MAX;
}

clconv_status
clconv__cl_corr2d_fwd_local(clconv_context *ctx, const clconv__corr2d_geom *g,
                            const clconv_tensor *x, const clconv_tensor *w,
                            const clconv_tensor *b, clconv_tensor *y) {
  const int cb = channels_per_item(g);
  const size_t local[3] = {TILE_X, TILE_Y, 1};
  char extra[96], options[256];
  int64_t ph, pw;
  uint64_t bytes, items[3];
  cl_kernel kernel;
  clconv__args a;
  CLCONV_RETURN_IF(ctx, !clconv__cl_fwd_local_fits(ctx, g),
                   CLCONV_STATUS_TOO_LARGE,
                   "corr2d_fwd_local: the problem's tile does not fit the "
                   "device's local memory or work-group size");
  patch_size(g, cb, &ph, &pw, &bytes);
  snprintf(extra, sizeof extra, "-DLX=%d -DLY=%d -DCB=%d", TILE_X, TILE_Y, cb);
  clconv__corr2d_options(g, extra, options, sizeof options);
  CLCONV_FORWARD_IF_ERROR(clconv__kernel_get(ctx, "corr2d_fwd_local", options,
                                             "corr2d_fwd_local", &kernel));
  items[0] = (uint64_t)g->wout;
  items[1] = (uint64_t)g->hout;
  items[2] = (uint64_t)(g->n * (g->cout / cb));
  clconv__args_begin(&a, kernel);
  clconv__args_mem(&a, x->mem);
  clconv__args_mem(&a, w->mem);
  clconv__args_mem(&a, b != NULL ? b->mem : NULL);
  clconv__args_mem(&a, y->mem);
  clconv__args_long(&a, (int64_t)items[2]);
  clconv__args_corr2d_geometry(&a, g);
  clconv__args_int(&a, b != NULL);
  clconv__args_int(&a, ph);
  clconv__args_int(&a, pw);
  clconv__args_local(&a, (size_t)(ph * pw) * sizeof(float));
  clconv__args_local(&a, (size_t)(cb * g->kh * g->kw) * sizeof(float));
  return clconv__launch_3d_exact(ctx, &a, items, local, "corr2d_fwd_local");
}
