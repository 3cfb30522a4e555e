/* cl_backward.c: the OpenCL gradients of the cross-correlation: dX (by the
 * forward kernel, one stride phase at a time, where each phase is a
 * stride-1 correlation; else a kernel that walks the phases itself), dW (a
 * blocked kernel, its rows split into chunks when the weight alone has too
 * few blocks to fill the device) and db. */
#include "backend_opencl.h"

#include "bwd_weight_tiles.h"
#include "cl_pad_input.h"
#include "context.h"
#include "corr2d_args.h"
#include "error.h"
#include "program.h"
#include "scratch.h"

#include <stdio.h>

/* Tile sizes of the phase-walking input-gradient kernel: VW columns by CB
 * channels per work-item. CPUs get wide vectors (PoCL maps float16 to one
 * AVX-512 register, float8 to one AVX2 register); GPUs, where a vector is VW
 * scalar registers, get 4 x 4. CB is the largest of 8 (CPU), 4 that divides the
 * channels per group, else 1. Few choices keep the number of programs, and
 * so build time, small. */
typedef struct phase_tiles {
  int vw, cb;
} phase_tiles;

static phase_tiles choose_tiles(const clconv_context *ctx, int64_t columns,
                                int64_t channels_per_group) {
  phase_tiles t;
  const int gpu = ctx->info.type == CLCONV_DEVICE_TYPE_GPU;
  t.vw = gpu ? 4 : columns >= 16 ? 16 : 8;
  t.cb = !gpu && channels_per_group % 8 == 0 ? 8
         : channels_per_group % 4 == 0       ? 4
                                             : 1;
  return t;
}

clconv_status clconv__cl_corr2d_bwd_data(clconv_context *ctx,
                                         const clconv__corr2d_geom *g,
                                         const clconv_tensor *dy,
                                         const clconv_tensor *w,
                                         clconv_tensor *dx) {
  char extra[128], options[256];
  const int vec = !g->needs_long_index;
  clconv__corr2d_geom f;
  phase_tiles t;
  int64_t phase_cols, phase_blocks;
  uint64_t items;
  cl_kernel kernel;
  clconv__args a;

  /* Each stride phase of dX is a forward correlation of dY with some
   * taps of the flipped weights. */
  if (vec && clconv__corr2d_input_grad_by_phases(g))
    return clconv__cl_corr2d_bwd_data_by_forward(ctx, g, dy, w, dx);

  /* Otherwise the kernels that walk the stride phases of dX. */
  f = vec ? clconv__corr2d_flatten_pointwise(g) : *g;

  /* Tiles over dX: VW columns of one stride phase by CB input channels. */
  phase_cols = (f.w + f.stride_w - 1) / f.stride_w;
  t = choose_tiles(ctx, phase_cols, f.cin_g);
  phase_blocks = (phase_cols + t.vw - 1) / t.vw;
  items = vec ? (uint64_t)f.n * (uint64_t)(f.cin / t.cb) * (uint64_t)f.h *
                    (uint64_t)(f.stride_w * phase_blocks)
              : dx->count;
  snprintf(extra, sizeof extra, "-DVW=%d -DCB=%d", t.vw, t.cb);
  clconv__corr2d_options(&f, vec ? extra : "", options, sizeof options);
  CLCONV_FORWARD_IF_ERROR(clconv__kernel_get(
      ctx, vec ? "corr2d_bwd_data_vec" : "corr2d_bwd_data", options,
      vec ? "corr2d_bwd_data_vec" : "corr2d_bwd_data", &kernel));
  clconv__args_begin(&a, kernel);
  clconv__args_mem(&a, dy->mem);
  clconv__args_mem(&a, w->mem);
  clconv__args_mem(&a, dx->mem);
  clconv__args_long(&a, (int64_t)items);
  clconv__args_corr2d_geometry(&a, &f);
  if (vec)
    clconv__args_int(&a, phase_blocks);
  return clconv__launch_1d(ctx, &a, items, CLCONV__ELEMENTWISE_LOCAL,
                           "corr2d_bwd_data");
}

/* Adds the @p chunks partial sums of @p count values in @p partial into
 * @p out (or onto it when @p accumulate). */
static clconv_status sum_chunks(clconv_context *ctx, cl_mem partial, cl_mem out,
                                size_t count, int64_t chunks, int accumulate) {
  char options[64];
  cl_kernel kernel;
  clconv__args a;
  snprintf(options, sizeof options, "-DIDX_T=%s",
           clconv__index_type(count * (size_t)chunks));
  CLCONV_FORWARD_IF_ERROR(
      clconv__kernel_get(ctx, "sum_chunks", options, "sum_chunks", &kernel));
  clconv__args_begin(&a, kernel);
  clconv__args_mem(&a, partial);
  clconv__args_mem(&a, out);
  clconv__args_long(&a, (int64_t)count);
  clconv__args_int(&a, chunks);
  clconv__args_int(&a, accumulate);
  return clconv__launch_1d(ctx, &a, count, CLCONV__ELEMENTWISE_LOCAL,
                           "sum_chunks");
}

/* The naive kernel: one work-item per weight, 64-bit indices when needed. */
static clconv_status
corr2d_bwd_weight_naive(clconv_context *ctx, const clconv__corr2d_geom *g,
                        const clconv_tensor *x, const clconv_tensor *dy,
                        clconv_tensor *dw, int accumulate) {
  char options[256];
  cl_kernel kernel;
  clconv__args a;
  clconv__corr2d_options(g, "", options, sizeof options);
  CLCONV_FORWARD_IF_ERROR(clconv__kernel_get(ctx, "corr2d_bwd_weight", options,
                                             "corr2d_bwd_weight", &kernel));
  clconv__args_begin(&a, kernel);
  clconv__args_mem(&a, x->mem);
  clconv__args_mem(&a, dy->mem);
  clconv__args_mem(&a, dw->mem);
  clconv__args_long(&a, (int64_t)dw->count);
  clconv__args_int(&a, accumulate);
  clconv__args_int(&a, g->n);
  clconv__args_corr2d_geometry(&a, g);
  return clconv__launch_1d(ctx, &a, dw->count, CLCONV__ELEMENTWISE_LOCAL,
                           "corr2d_bwd_weight");
}

clconv_status clconv__cl_corr2d_bwd_weight(clconv_context *ctx,
                                           const clconv__corr2d_geom *g,
                                           const clconv_tensor *x,
                                           const clconv_tensor *dy,
                                           clconv_tensor *dw, int accumulate) {
  char extra[128], options[256];
  clconv__corr2d_geom f;
  clconv__bwd_weight_tiles t;
  cl_mem out = dw->mem, input = x->mem;
  uint64_t items;
  int padded = 0;
  cl_kernel kernel;
  clconv__args a;
  if (g->needs_long_index)
    return corr2d_bwd_weight_naive(ctx, g, x, dy, dw, accumulate);

  /* The tiles; with several chunks the partial sums go to scratch. */
  f = clconv__corr2d_flatten_pointwise(g);
  t = clconv__bwd_weight_tiles_default(ctx->info.type, ctx->info.compute_units,
                                       &f);
  if (t.padded)
    CLCONV_FORWARD_IF_ERROR(
        clconv__cl_pad_input(ctx, x->mem, (f.wout + t.vw - 1) / t.vw * t.vw,
                             f.hout, "corr2d_bwd_weight", &f, &input, &padded));
  if ((uint64_t)t.chunks * dw->count > (uint64_t)INT32_MAX)
    t.chunks = 1;
  items = (uint64_t)t.chunks * (uint64_t)(f.cout / t.cb) *
          (uint64_t)(f.cin_g * f.kh * f.kw / t.tb);
  if (t.chunks > 1)
    CLCONV_FORWARD_IF_ERROR(clconv__scratch_get(ctx, CLCONV__SCRATCH_PARTIAL,
                                                (size_t)t.chunks * dw->bytes,
                                                "corr2d_bwd_weight", &out));

  snprintf(extra, sizeof extra,
           "-DVW=%d -DCB=%d -DTB=%d -DPADDED=%d -DSTRIDE_W=%lld", t.vw, t.cb,
           t.tb, padded, f.stride_w <= 2 ? (long long)f.stride_w : 0LL);
  clconv__corr2d_options(&f, extra, options, sizeof options);
  CLCONV_FORWARD_IF_ERROR(clconv__kernel_get(
      ctx, "corr2d_bwd_weight_vec", options, "corr2d_bwd_weight_vec", &kernel));
  clconv__args_begin(&a, kernel);
  clconv__args_mem(&a, input);
  clconv__args_mem(&a, dy->mem);
  clconv__args_mem(&a, out);
  clconv__args_long(&a, (int64_t)items);
  clconv__args_int(&a, accumulate);
  clconv__args_int(&a, f.n);
  clconv__args_corr2d_geometry(&a, &f);
  clconv__args_int(&a, t.chunks);
  CLCONV_FORWARD_IF_ERROR(
      clconv__launch_1d(ctx, &a, items, 16, "corr2d_bwd_weight"));
  if (t.chunks == 1)
    return CLCONV_STATUS_OK;
  return sum_chunks(ctx, out, dw->mem, dw->count, t.chunks, accumulate);
}

clconv_status clconv__cl_corr2d_bwd_bias(clconv_context *ctx,
                                         const clconv__corr2d_geom *g,
                                         const clconv_tensor *dy,
                                         clconv_tensor *db, int accumulate) {
  char options[64];
  cl_kernel kernel;
  clconv__args a;
  snprintf(options, sizeof options, "-DIDX_T=%s",
           clconv__index_type(dy->count));
  CLCONV_FORWARD_IF_ERROR(clconv__kernel_get(ctx, "corr2d_bwd_bias", options,
                                             "corr2d_bwd_bias", &kernel));
  clconv__args_begin(&a, kernel);
  clconv__args_mem(&a, dy->mem);
  clconv__args_mem(&a, db->mem);
  clconv__args_int(&a, accumulate);
  clconv__args_int(&a, g->n);
  clconv__args_int(&a, g->cout);
  clconv__args_long(&a, g->hout * g->wout);
  return clconv__launch_1d(ctx, &a, db->count, CLCONV__ELEMENTWISE_LOCAL,
                           "corr2d_bwd_bias");
}
