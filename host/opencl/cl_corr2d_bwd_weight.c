/* cl_corr2d_bwd_weight.c: the OpenCL weight gradient of the
 * cross-correlation: on CPU-like devices with many output channels, a kernel
 * vectorized across output channels (dY reordered into channel blocks);
 * otherwise a blocked kernel vectorized across output columns; either with
 * its rows split into chunks (the chunks' partial sums added up in order by
 * a second kernel); the naive kernel when indices need 64 bits. */
#include "opencl/backend_opencl.h"

#include "opencl/cl_generic.h"
#include "opencl/cl_tier.h"

#include "common/error.h"
#include "common/kernel_options.h"
#include "opencl/cl_block_channels.h"
#include "opencl/cl_launch.h"
#include "opencl/cl_pad_input.h"
#include "opencl/cl_program.h"
#include "opencl/cl_scratch.h"
#include "tiles/tiles_bwd_weight.h"
#include "tiles/tiles_bwd_weight_cvec.h"

/* Adds the @p chunks partial sums of @p count values in @p partial into
 * @p out (or onto it when @p accumulate). */
static clconv_status sum_chunks(clconv_context *ctx, cl_mem partial, cl_mem out,
                                size_t count, int64_t chunks, int accumulate) {
  clconv__kernel_options options;
  cl_kernel kernel;
  clconv__cl_args a;
  clconv__kernel_options_begin(&options);
  clconv__kernel_options_index(&options, (uint64_t)count * (uint64_t)chunks);
  CLCONV_FORWARD_IF_ERROR(clconv__cl_program_kernel(
      ctx, "sum_chunks", clconv__kernel_options_string(&options), "sum_chunks",
      &kernel));
  clconv__cl_args_begin(&a, kernel);
  clconv__cl_args_mem(&a, partial);
  clconv__cl_args_mem(&a, out);
  clconv__cl_args_long(&a, (int64_t)count);
  clconv__cl_args_int(&a, chunks);
  clconv__cl_args_int(&a, accumulate);
  return clconv__cl_launch_1d(ctx, &a, count, CLCONV__ELEMENTWISE_LOCAL,
                              "sum_chunks");
}

/* The naive kernel: one work-item per weight, 64-bit indices when needed. */
static clconv_status
corr2d_bwd_weight_naive(clconv_context *ctx, const clconv__corr2d_geom *g,
                        const clconv_tensor *x, const clconv_tensor *dy,
                        clconv_tensor *dw, int accumulate) {
  clconv__kernel_options options;
  cl_kernel kernel;
  clconv__cl_args a;
  clconv__kernel_options_begin(&options);
  clconv__kernel_options_geometry(&options, g);
  CLCONV_FORWARD_IF_ERROR(clconv__cl_program_kernel(
      ctx, "corr2d_bwd_weight_naive", clconv__kernel_options_string(&options),
      "corr2d_bwd_weight_naive", &kernel));
  clconv__cl_args_begin(&a, kernel);
  clconv__cl_args_mem(&a, x->mem);
  clconv__cl_args_mem(&a, dy->mem);
  clconv__cl_args_mem(&a, dw->mem);
  clconv__cl_args_long(&a, (int64_t)dw->count);
  clconv__cl_args_int(&a, accumulate);
  clconv__cl_args_int(&a, g->n);
  clconv__cl_args_geometry(&a, g);
  return clconv__cl_launch_1d(ctx, &a, dw->count, CLCONV__ELEMENTWISE_LOCAL,
                              "corr2d_bwd_weight");
}

/* The channel-vector kernel: dY in channel blocks, x as a padded copy.
 * @p *ran is 0 (nothing queued) when the padded copy would not fit a
 * buffer, so the caller takes the other kernel. */
static clconv_status
corr2d_bwd_weight_cvec(clconv_context *ctx, const clconv__corr2d_geom *g,
                       const clconv_tensor *x, const clconv_tensor *dy,
                       clconv_tensor *dw, int accumulate, int *ran) {
  const char *what = "corr2d_bwd_weight";
  clconv__corr2d_geom f = *g;
  clconv__tiles_bwd_weight_cvec t =
      clconv__tiles_bwd_weight_cvec_default(&ctx->caps, g);
  clconv__kernel_options options;
  cl_mem input = x->mem, blocked, out = dw->mem;
  cl_kernel kernel;
  clconv__cl_args a;
  uint64_t items;
  int padded = 0;
  *ran = 0;
  CLCONV_FORWARD_IF_ERROR(clconv__cl_pad_input(ctx, x->mem, f.wout, f.hout,
                                               what, &f, &input, &padded));
  if (!padded)
    return CLCONV_STATUS_OK;
  *ran = 1;
  CLCONV_FORWARD_IF_ERROR(clconv__cl_block_channels(
      ctx, dy->mem, f.n, f.cout, f.hout * f.wout, t.vw, what, &blocked));
  if ((uint64_t)t.chunks * dw->count > (uint64_t)INT32_MAX)
    t.chunks = 1;
  if (t.chunks > 1)
    CLCONV_FORWARD_IF_ERROR(clconv__cl_scratch_get(ctx, CLCONV__SCRATCH_PARTIAL,
                                                   (size_t)t.chunks * dw->bytes,
                                                   what, &out));
  items = (uint64_t)t.chunks * (uint64_t)(f.cout / (t.cob * t.vw)) *
          (uint64_t)(f.cin_g * f.kh * f.kw / t.tb);
  clconv__kernel_options_begin(&options);
  clconv__tiles_bwd_weight_cvec_options(&t, &f, &options);
  CLCONV_FORWARD_IF_ERROR(clconv__cl_program_kernel(
      ctx, "corr2d_bwd_weight_cvec", clconv__kernel_options_string(&options),
      "corr2d_bwd_weight_cvec", &kernel));
  clconv__cl_args_begin(&a, kernel);
  clconv__cl_args_mem(&a, input);
  clconv__cl_args_mem(&a, blocked);
  clconv__cl_args_mem(&a, out);
  clconv__cl_args_long(&a, (int64_t)items);
  clconv__cl_args_int(&a, accumulate);
  clconv__cl_args_int(&a, f.n);
  clconv__cl_args_geometry(&a, &f);
  clconv__cl_args_int(&a, t.chunks);
  CLCONV_FORWARD_IF_ERROR(clconv__cl_launch_1d(ctx, &a, items, 16, what));
  if (t.chunks == 1)
    return CLCONV_STATUS_OK;
  return sum_chunks(ctx, out, dw->mem, dw->count, t.chunks, accumulate);
}

/* The weight gradient's operands, for cl_tier.h. */
typedef struct weight_operands {
  const clconv__corr2d_geom *g;
  const clconv_tensor *x, *dy;
  clconv_tensor *dw;
  int accumulate;
} weight_operands;

/* The weight gradient on its specialized programs. */
static clconv_status weight_specialized(clconv_context *ctx, const void *ops) {
  const weight_operands *p = ops;
  const clconv__corr2d_geom *g = p->g;
  const clconv_tensor *x = p->x, *dy = p->dy;
  clconv_tensor *dw = p->dw;
  const int accumulate = p->accumulate;
  clconv__kernel_options options;
  clconv__corr2d_geom f;
  clconv__tiles_bwd_weight t;
  cl_mem out = dw->mem, input = x->mem;
  uint64_t items;
  int padded = 0;
  cl_kernel kernel;
  clconv__cl_args a;
  if (g->needs_long_index)
    return corr2d_bwd_weight_naive(ctx, g, x, dy, dw, accumulate);
  if (clconv__tiles_bwd_weight_cvec_suits(&ctx->caps, g)) {
    int ran;
    CLCONV_FORWARD_IF_ERROR(
        corr2d_bwd_weight_cvec(ctx, g, x, dy, dw, accumulate, &ran));
    if (ran)
      return CLCONV_STATUS_OK;
  }

  /* The tiles; with several chunks the partial sums go to scratch. */
  f = clconv__corr2d_geometry_flatten_pointwise(g);
  t = clconv__tiles_bwd_weight_default(&ctx->caps, &f);
  if (t.padded)
    CLCONV_FORWARD_IF_ERROR(
        clconv__cl_pad_input(ctx, x->mem, (f.wout + t.vw - 1) / t.vw * t.vw,
                             f.hout, "corr2d_bwd_weight", &f, &input, &padded));
  if ((uint64_t)t.chunks * dw->count > (uint64_t)INT32_MAX)
    t.chunks = 1;
  items = (uint64_t)t.chunks * (uint64_t)(f.cout / t.cb) *
          (uint64_t)(f.cin_g * f.kh * f.kw / t.tb);
  if (t.chunks > 1)
    CLCONV_FORWARD_IF_ERROR(clconv__cl_scratch_get(ctx, CLCONV__SCRATCH_PARTIAL,
                                                   (size_t)t.chunks * dw->bytes,
                                                   "corr2d_bwd_weight", &out));

  t.padded = padded;
  clconv__kernel_options_begin(&options);
  clconv__tiles_bwd_weight_options(&t, &f, &options);
  CLCONV_FORWARD_IF_ERROR(clconv__cl_program_kernel(
      ctx, "corr2d_bwd_weight_blocked", clconv__kernel_options_string(&options),
      "corr2d_bwd_weight_blocked", &kernel));
  clconv__cl_args_begin(&a, kernel);
  clconv__cl_args_mem(&a, input);
  clconv__cl_args_mem(&a, dy->mem);
  clconv__cl_args_mem(&a, out);
  clconv__cl_args_long(&a, (int64_t)items);
  clconv__cl_args_int(&a, accumulate);
  clconv__cl_args_int(&a, f.n);
  clconv__cl_args_geometry(&a, &f);
  clconv__cl_args_int(&a, t.chunks);
  CLCONV_FORWARD_IF_ERROR(
      clconv__cl_launch_1d(ctx, &a, items, 16, "corr2d_bwd_weight"));
  if (t.chunks == 1)
    return CLCONV_STATUS_OK;
  return sum_chunks(ctx, out, dw->mem, dw->count, t.chunks, accumulate);
}

/* The weight gradient on the generic kernels. */
static clconv_status weight_generic(clconv_context *ctx, const void *ops) {
  const weight_operands *p = ops;
  return clconv__cl_generic_bwd_weight(ctx, p->g, p->x->mem, p->dy->mem,
                                       p->dw->mem, p->accumulate);
}

clconv_status clconv__cl_corr2d_bwd_weight(clconv_context *ctx,
                                           const clconv__corr2d_geom *g,
                                           const clconv_tensor *x,
                                           const clconv_tensor *dy,
                                           clconv_tensor *dw, int accumulate) {
  const weight_operands ops = {g, x, dy, dw, accumulate};
  return clconv__cl_tier_run(ctx, g, CLCONV_PASS_BACKWARD_WEIGHT,
                             weight_specialized, weight_generic, &ops);
}
