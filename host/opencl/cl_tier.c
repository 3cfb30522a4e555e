/* cl_tier.c: the generic tier or the specialized programs (see cl_tier.h). */
#include "opencl/cl_tier.h"

#include "common/error.h"
#include "opencl/cl_generic.h"

#include <string.h>

/* @return 1 when (pass, g) was found ready before. */
static int known_ready(const clconv_context *ctx, int pass,
                       const clconv__corr2d_geom *g) {
  for (int i = 0; i < ctx->ready_count; i++)
    if (ctx->ready[i].pass == pass &&
        memcmp(&ctx->ready[i].g, g, sizeof *g) == 0)
      return 1;
  return 0;
}

static void remember_ready(clconv_context *ctx, int pass,
                           const clconv__corr2d_geom *g) {
  const int slot = ctx->ready_next;
  ctx->ready[slot].pass = pass;
  ctx->ready[slot].g = *g;
  ctx->ready_next = (slot + 1) % CLCONV__READY_SLOTS;
  if (ctx->ready_count < CLCONV__READY_SLOTS)
    ctx->ready_count++;
}

/* Floating-point operations of one pass of @p g (each pass does as many). */
static double problem_flops(const clconv__corr2d_geom *g) {
  return 2.0 * (double)g->n * (double)g->cout * (double)g->hout *
         (double)g->wout * (double)(g->cin_g * g->kh * g->kw);
}

int clconv__cl_tier_ready(clconv_context *ctx, clconv__cl_tier_fn specialized,
                          const void *operands) {
  ctx->probing = 1;
  ctx->probe_missing = 0;
  (void)specialized(ctx, operands); /* a real failure recurs in the run */
  ctx->probing = 0;
  return !ctx->probe_missing;
}

clconv_status clconv__cl_tier_run(clconv_context *ctx,
                                  const clconv__corr2d_geom *g, int pass,
                                  clconv__cl_tier_fn specialized,
                                  clconv__cl_tier_fn generic,
                                  const void *operands) {
  if (ctx->prepare_only) { /* clconv_corr2d_prepare: queue, run nothing */
    (void)clconv__cl_tier_ready(ctx, specialized, operands);
    return CLCONV_STATUS_OK;
  }
  if (!clconv__cl_generic_serves(g) || ctx->build_mode == CLCONV_BUILD_SYNC)
    return specialized(ctx, operands);
  if (ctx->build_mode == CLCONV_BUILD_GENERIC) {
    ctx->generic_runs++;
    return generic(ctx, operands);
  }
  if (known_ready(ctx, pass, g))
    return specialized(ctx, operands);
  /* A small problem stays generic (context.c, CLCONV_SPECIALIZE_FLOPS). */
  if (problem_flops(g) < ctx->specialize_flops) {
    ctx->generic_runs++;
    return generic(ctx, operands);
  }
  /* The generic kernels first: the probe may start builds. */
  CLCONV_FORWARD_IF_ERROR(clconv__cl_generic_ready(ctx));
  /* A probe: queues what is missing. A failure other than "not ready"
   * comes back from the real run below, with its message. */
  if (clconv__cl_tier_ready(ctx, specialized, operands)) {
    remember_ready(ctx, pass, g);
    return specialized(ctx, operands);
  }
  ctx->generic_runs++;
  return generic(ctx, operands);
}
