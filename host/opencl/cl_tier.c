/* cl_tier.c: the generic tier or the specialized programs (see cl_tier.h). */
#include "opencl/cl_tier.h"

#include "common/error.h"
#include "opencl/cl_generic.h"
#include "opencl/cl_verdicts.h"

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

/* Runs @p run as tier @p tier, which the self-check reads (ctx->last_tier). */
static clconv_status run_as(clconv_context *ctx, int tier,
                            clconv__cl_tier_fn run, const void *operands) {
  const clconv_status status = run(ctx, operands);
  ctx->last_tier = tier;
  if (tier == CLCONV__TIER_GENERIC)
    ctx->generic_runs++;
  return status;
}

/* Runs the specialized programs; when they fail to build or to launch and
 * the generic kernels serve @p g, runs those instead and, when they work,
 * notes why and quarantines the specialized ones for this problem (in
 * memory: a build may fail for a passing reason). Their failure too returns
 * the first one. */
static clconv_status run_specialized(clconv_context *ctx,
                                     const clconv__corr2d_geom *g, int pass,
                                     int serves, clconv__cl_tier_fn specialized,
                                     clconv__cl_tier_fn generic,
                                     const void *operands) {
  char why[CLCONV__MESSAGE_MAX];
  size_t line;
  clconv_status status =
      run_as(ctx, CLCONV__TIER_SPECIALIZED, specialized, operands);
  /* A launch that failed (a work-group size or resources the device
   * refuses) falls back too, where the generic pass rewrites every output
   * element: not the weight gradient, which may add to its output. */
  const int launch_failed = (status == CLCONV_STATUS_OPENCL_ERROR ||
                             status == CLCONV_STATUS_OUT_OF_DEVICE_MEMORY) &&
                            !ctx->unusable &&
                            pass != CLCONV_PASS_BACKWARD_WEIGHT;
  if ((status != CLCONV_STATUS_BUILD_FAILED && !launch_failed) || !serves ||
      ctx->probing)
    return status;
  memcpy(why, ctx->message, sizeof why);
  if (run_as(ctx, CLCONV__TIER_GENERIC, generic, operands) !=
      CLCONV_STATUS_OK) {
    memcpy(ctx->message, why, sizeof why); /* the build's failure, whole */
    return status;
  }
  line = strcspn(why, "\n");
  clconv__error_note(ctx,
                     "the specialized kernels of a %lldx%lld problem failed "
                     "to %s (%.*s); the generic kernels serve it",
                     (long long)g->h, (long long)g->w,
                     status == CLCONV_STATUS_BUILD_FAILED ? "build" : "run",
                     (int)(line < 400 ? line : 400), why);
  clconv__cl_verdicts_remember(ctx, CLCONV__TIER_SPECIALIZED, pass, g,
                               CLCONV__VERDICT_WRONG);
  return CLCONV_STATUS_OK;
}

clconv_status clconv__cl_tier_run(clconv_context *ctx,
                                  const clconv__corr2d_geom *g, int pass,
                                  clconv__cl_tier_fn specialized,
                                  clconv__cl_tier_fn generic,
                                  const void *operands) {
  const int serves = clconv__cl_generic_serves(g);
  ctx->last_tier = 0;
  if (ctx->prepare_only) { /* clconv_corr2d_prepare: queue, run nothing */
    (void)clconv__cl_tier_ready(ctx, specialized, operands);
    return CLCONV_STATUS_OK;
  }
  /* A self-check found the specialized kernels wrong here or asks for the
   * generic ones (check/self_check.h), or a quirk rules them out. */
  if (serves && (ctx->force_generic ||
                 (ctx->caps.avoid & CLCONV__AVOID_SPECIALIZED) != 0 ||
                 clconv__cl_verdicts_get(ctx, CLCONV__TIER_SPECIALIZED, pass,
                                         g) == CLCONV__VERDICT_WRONG))
    return run_as(ctx, CLCONV__TIER_GENERIC, generic, operands);
  if (!serves || ctx->build_mode == CLCONV_BUILD_SYNC)
    return run_specialized(ctx, g, pass, serves, specialized, generic,
                           operands);
  if (ctx->build_mode == CLCONV_BUILD_GENERIC)
    return run_as(ctx, CLCONV__TIER_GENERIC, generic, operands);
  if (known_ready(ctx, pass, g))
    return run_specialized(ctx, g, pass, serves, specialized, generic,
                           operands);
  /* A small problem stays generic (context.c, CLCONV_SPECIALIZE_FLOPS). */
  if (problem_flops(g) < ctx->specialize_flops)
    return run_as(ctx, CLCONV__TIER_GENERIC, generic, operands);
  /* The generic kernels first: the probe may start builds. */
  CLCONV_FORWARD_IF_ERROR(clconv__cl_generic_ready(ctx));
  /* A probe: queues what is missing. A failure other than "not ready"
   * comes back from the real run below, with its message. */
  if (clconv__cl_tier_ready(ctx, specialized, operands)) {
    remember_ready(ctx, pass, g);
    return run_as(ctx, CLCONV__TIER_SPECIALIZED, specialized, operands);
  }
  return run_as(ctx, CLCONV__TIER_GENERIC, generic, operands);
}
