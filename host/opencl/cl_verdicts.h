/* cl_verdicts.h: what self-checks found (check/self_check.h): a verdict per
 * tier, pass and problem on this device, kept in memory and in the disk
 * cache beside the programs (keyed like them by library, platform, device
 * and driver), so that a later process on the same machine and driver does
 * not check again. */
#ifndef CLCONV_CL_VERDICTS_H
#define CLCONV_CL_VERDICTS_H

#include "common/corr2d_geometry.h"
#include "core/internal.h"

/* Which kernels ran a pass (ctx->last_tier). */
typedef enum clconv__tier {
  CLCONV__TIER_SPECIALIZED = 1, /* the problem's own programs */
  CLCONV__TIER_GENERIC = 2      /* the first tier (generic.cl) */
} clconv__tier;

typedef enum clconv__verdict {
  CLCONV__VERDICT_UNKNOWN = 0,
  CLCONV__VERDICT_RIGHT = 1, /* agreed with the reference */
  CLCONV__VERDICT_WRONG = 2  /* quarantined: never run again here */
} clconv__verdict;

/* The verdict on @p tier running pass @p pass of @p g: from memory, else
 * from the disk cache (not with CLCONV_KERNEL_DIR, whose sources change
 * under the same key). */
clconv__verdict clconv__cl_verdicts_get(clconv_context *ctx, int tier, int pass,
                                        const clconv__corr2d_geom *g);

/* Records @p verdict in memory only (this context). */
void clconv__cl_verdicts_remember(clconv_context *ctx, int tier, int pass,
                                  const clconv__corr2d_geom *g,
                                  clconv__verdict verdict);

/* Records @p verdict in memory and (best effort) in the disk cache. */
void clconv__cl_verdicts_set(clconv_context *ctx, int tier, int pass,
                             const clconv__corr2d_geom *g,
                             clconv__verdict verdict);

#endif
