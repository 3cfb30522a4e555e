/* cl_tier.h: runs an op on the first tier (the generic kernels) or on its
 * specialized programs, by the context's build mode (docs/design.md,
 * "First contact"):
 *   sync     the specialized programs, built at once when missing;
 *   generic  the generic kernels, never specializing;
 *   async    the specialized programs when all of them are built (in
 *            memory or in the disk cache); else the generic kernels, and the
 *            missing programs are queued to build in the background.
 * A probe runs the specialized op with ctx->probing set: program look-ups
 * then never build (a missing program is queued and reported as
 * CLCONV__STATUS_NOT_READY) and launches enqueue nothing. With
 * ctx->prepare_only set (clconv_corr2d_prepare), an op only probes. */
#ifndef CLCONV_CL_TIER_H
#define CLCONV_CL_TIER_H

#include "common/corr2d_geometry.h"
#include "core/internal.h"

/* One way of running an op on its operands. */
typedef clconv_status (*clconv__cl_tier_fn)(clconv_context *ctx,
                                            const void *operands);

/* Runs pass @p pass (a clconv_corr2d_pass) of problem @p g by @p specialized
 * or @p generic, as above. */
clconv_status clconv__cl_tier_run(clconv_context *ctx,
                                  const clconv__corr2d_geom *g, int pass,
                                  clconv__cl_tier_fn specialized,
                                  clconv__cl_tier_fn generic,
                                  const void *operands);

/* @return 1 when @p specialized would run on programs already built (with
 * the probe above, in any build mode), queueing the missing ones. */
int clconv__cl_tier_ready(clconv_context *ctx, clconv__cl_tier_fn specialized,
                          const void *operands);

#endif
