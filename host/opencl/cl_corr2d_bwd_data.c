/* cl_corr2d_bwd_data.c: the OpenCL input gradient of the cross-correlation.
 * Where every stride phase of dX is a stride-1 correlation of dY with some
 * taps of the flipped weights (corr2d_geometry.h), the blocked forward
 * kernel computes each phase; otherwise a kernel walks the phases itself. */
#include "opencl/backend_opencl.h"

#include "opencl/cl_generic.h"
#include "opencl/cl_tier.h"

#include "common/corr2d_algo.h"
#include "common/error.h"
#include "common/kernel_options.h"
#include "opencl/cl_corr2d_blocked.h"
#include "opencl/cl_corr2d_winograd.h"
#include "opencl/cl_launch.h"
#include "opencl/cl_program.h"
#include "opencl/cl_scratch.h"
#include "tiles/tiles_bwd_data.h"

/* Queues cl/flip_weights.cl: the weights @p w of problem @p g that reach
 * stride phase @p ph of its input gradient, as that phase's correlation
 * takes them, into the flipped-weights scratch buffer, @p *flipped (of
 * @p *count elements), and the flag of a non-finite weight among them,
 * zeroed first, into @p *nonfinite. */
static clconv_status flip_weights(clconv_context *ctx,
                                  const clconv__corr2d_geom *g,
                                  const clconv__input_grad_phase *ph,
                                  const clconv_tensor *w, cl_mem *flipped,
                                  size_t *count, cl_mem *nonfinite) {
  static const char *what = "corr2d_bwd_data";
  cl_kernel kernel;
  clconv__cl_args a;
  *count = (size_t)(g->cin * g->cout_g * ph->f.kh * ph->f.kw);
  CLCONV_FORWARD_IF_ERROR(clconv__cl_scratch_get(
      ctx, CLCONV__SCRATCH_FLIPPED, *count * sizeof(float), what, flipped));
  CLCONV_FORWARD_IF_ERROR(clconv__cl_scratch_zeroed_flag(
      ctx, what, "corr2d_bwd_data: clEnqueueFillBuffer", nonfinite));
  CLCONV_FORWARD_IF_ERROR(clconv__cl_program_kernel(ctx, "flip_weights", "",
                                                    "flip_weights", &kernel));
  clconv__cl_args_begin(&a, kernel);
  clconv__cl_args_mem(&a, w->mem);
  clconv__cl_args_mem(&a, *flipped);
  clconv__cl_args_mem(&a, *nonfinite);
  clconv__cl_args_int(&a, (int64_t)*count);
  clconv__cl_args_int(&a, g->cin_g);
  clconv__cl_args_int(&a, g->cout_g);
  clconv__cl_args_int(&a, g->kh);
  clconv__cl_args_int(&a, g->kw);
  clconv__cl_args_int(&a, ph->f.kh);
  clconv__cl_args_int(&a, ph->f.kw);
  clconv__cl_args_int(&a, ph->first_h);
  clconv__cl_args_int(&a, ph->step_h);
  clconv__cl_args_int(&a, ph->first_w);
  clconv__cl_args_int(&a, ph->step_w);
  return clconv__cl_launch_1d(ctx, &a, *count, CLCONV__ELEMENTWISE_LOCAL,
                              "flip_weights");
}

/* dX of a problem whose every stride phase is a forward correlation
 * (clconv__corr2d_geometry_input_grad_by_phases), with 32-bit indices: per
 * phase, the blocked forward kernel on dY and the phase's flipped weights. */
static clconv_status corr2d_bwd_data_by_forward(clconv_context *ctx,
                                                const clconv__corr2d_geom *g,
                                                const clconv_tensor *dy,
                                                const clconv_tensor *w,
                                                clconv_tensor *dx) {
  clconv__input_grad_phase ph;
  clconv__cl_corr2d_blocked_operands o;
  const int algo =
      clconv__corr2d_algo_resolve(&ctx->caps, g, CLCONV_PASS_BACKWARD_DATA);
  o.x = dy->mem;
  o.b = NULL;
  o.y = dx->mem;
  o.out_h = g->h;
  o.out_w = g->w;
  o.out_sh = g->stride_h;
  o.out_sw = g->stride_w;
  o.what = "corr2d_bwd_data";
  /* One correlation per stride phase; stride 1 has one, written in place. */
  for (int64_t r = 0; r < g->stride_h; r++) {
    for (int64_t c = 0; c < g->stride_w; c++) {
      (void)clconv__corr2d_geometry_input_grad_phase(g, r, c, &ph);
      if (ph.f.hout == 0 || ph.f.wout == 0)
        continue;
      CLCONV_FORWARD_IF_ERROR(
          flip_weights(ctx, g, &ph, w, &o.w, &o.w_count, &o.nonfinite));
      /* Winograd takes stride 1 only: one phase, all of dX. */
      if (algo == CLCONV_ALGO_WINOGRAD || algo == CLCONV_ALGO_WINOGRAD_4X4) {
        CLCONV_FORWARD_IF_ERROR(clconv__cl_corr2d_winograd_run(
            ctx, &ph.f, algo, dy->mem, o.w, NULL, dx->mem, 1, o.what));
        continue;
      }
      o.phase = g->stride_h == 1 && g->stride_w == 1 ? NULL : &ph;
      CLCONV_FORWARD_IF_ERROR(clconv__cl_corr2d_blocked_run(ctx, &ph.f, &o));
      /* Where this phase's weights are not all finite, all of dX again by
       * the generic kernel (the later phases' own are finite: theirs stand),
       * so that no infinite weight meets a padding zero. */
      if (clconv__cl_corr2d_blocked_needs_fixup(&ph.f, &o))
        CLCONV_FORWARD_IF_ERROR(clconv__cl_generic_bwd_data_if(
            ctx, g, dy->mem, w->mem, dx->mem, o.nonfinite));
    }
  }
  return CLCONV_STATUS_OK;
}

/* The kernels that walk the stride phases of dX themselves: the blocked
 * one with 32-bit indices, else the naive one, one work-item per element. */
static clconv_status corr2d_bwd_data_walk(clconv_context *ctx,
                                          const clconv__corr2d_geom *g,
                                          const clconv_tensor *dy,
                                          const clconv_tensor *w,
                                          clconv_tensor *dx) {
  const int blocked = !g->needs_long_index;
  const char *name =
      blocked ? "corr2d_bwd_data_phases" : "corr2d_bwd_data_naive";
  clconv__kernel_options options;
  clconv__corr2d_geom f = *g;
  clconv__tiles_bwd_data t = {0, 0};
  int64_t phase_blocks = 0;
  uint64_t items = dx->count;
  cl_kernel kernel;
  clconv__cl_args a;
  clconv__kernel_options_begin(&options);
  if (blocked) {
    /* Tiles over dX: VW columns of one stride phase by CB input channels. */
    f = clconv__corr2d_geometry_flatten_pointwise(g);
    t = clconv__tiles_bwd_data_default(&ctx->caps, &f);
    phase_blocks = clconv__tiles_bwd_data_phase_blocks(&t, &f);
    items = (uint64_t)f.n * (uint64_t)(f.cin / t.cb) * (uint64_t)f.h *
            (uint64_t)(f.stride_w * phase_blocks);
    clconv__tiles_bwd_data_options(&t, &f, &options);
  } else {
    clconv__kernel_options_geometry(&options, &f);
  }
  CLCONV_FORWARD_IF_ERROR(clconv__cl_program_kernel(
      ctx, name, clconv__kernel_options_string(&options), name, &kernel));
  clconv__cl_args_begin(&a, kernel);
  clconv__cl_args_mem(&a, dy->mem);
  clconv__cl_args_mem(&a, w->mem);
  clconv__cl_args_mem(&a, dx->mem);
  clconv__cl_args_long(&a, (int64_t)items);
  clconv__cl_args_geometry(&a, &f);
  if (blocked)
    clconv__cl_args_int(&a, phase_blocks);
  return clconv__cl_launch_1d(ctx, &a, items, CLCONV__ELEMENTWISE_LOCAL,
                              "corr2d_bwd_data");
}

/* The input gradient's operands, for cl_tier.h. */
typedef struct data_operands {
  const clconv__corr2d_geom *g;
  const clconv_tensor *dy, *w;
  clconv_tensor *dx;
} data_operands;

/* The input gradient on its specialized programs. */
static clconv_status data_specialized(clconv_context *ctx, const void *ops) {
  const data_operands *p = ops;
  /* Each stride phase of dX is a forward correlation of dY with some taps
   * of the flipped weights, where the phases allow it. */
  if (!p->g->needs_long_index &&
      clconv__corr2d_geometry_input_grad_by_phases(p->g))
    return corr2d_bwd_data_by_forward(ctx, p->g, p->dy, p->w, p->dx);
  return corr2d_bwd_data_walk(ctx, p->g, p->dy, p->w, p->dx);
}

/* The input gradient on the generic kernels: with stride 1, where dX is
 * one forward correlation of dY with the flipped weights, the generic
 * forward (four output channels per work-item) and, when a weight is not
 * finite, the direct kernel again over all of dX; else the direct kernel,
 * one work-item per element. Every program here serves every problem. */
static clconv_status data_generic(clconv_context *ctx, const void *ops) {
  const data_operands *p = ops;
  clconv__input_grad_phase ph;
  cl_mem flipped, nonfinite;
  size_t count;
  if (p->g->stride_h != 1 || p->g->stride_w != 1 ||
      !clconv__corr2d_geometry_input_grad_by_phases(p->g) ||
      !clconv__corr2d_geometry_input_grad_phase(p->g, 0, 0, &ph) ||
      !clconv__cl_generic_serves(&ph.f))
    return clconv__cl_generic_bwd_data(ctx, p->g, p->dy->mem, p->w->mem,
                                       p->dx->mem);
  CLCONV_FORWARD_IF_ERROR(
      flip_weights(ctx, p->g, &ph, p->w, &flipped, &count, &nonfinite));
  CLCONV_FORWARD_IF_ERROR(clconv__cl_generic_fwd(ctx, &ph.f, p->dy->mem,
                                                 flipped, NULL, p->dx->mem));
  return clconv__cl_generic_bwd_data_if(ctx, p->g, p->dy->mem, p->w->mem,
                                        p->dx->mem, nonfinite);
}

clconv_status clconv__cl_corr2d_bwd_data(clconv_context *ctx,
                                         const clconv__corr2d_geom *g,
                                         const clconv_tensor *dy,
                                         const clconv_tensor *w,
                                         clconv_tensor *dx) {
  const data_operands ops = {g, dy, w, dx};
  return clconv__cl_tier_run(ctx, g, CLCONV_PASS_BACKWARD_DATA,
                             data_specialized, data_generic, &ops);
}
