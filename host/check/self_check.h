/* self_check.h: every pass checked where it runs (docs/design.md, "Self
 * checks"). The first time a tier (the problem's specialized programs, or
 * the generic kernels) runs a pass of a problem on a device, a sample of its
 * result is compared with the reference; the verdict is kept (memory, disk
 * cache) so the check runs once per machine and driver. A tier that
 * computes wrong numbers is quarantined there: the pass runs again on the
 * generic kernels, checked in turn; when no device path is right the op
 * fails with DEVICE_MISCOMPUTES. On by default (options.self_check,
 * CLCONV_SELF_CHECK=0 turns it off); verify mode checks every op anyway. */
#ifndef CLCONV_SELF_CHECK_H
#define CLCONV_SELF_CHECK_H

#include "common/corr2d_geometry.h"
#include "core/internal.h"

/* The elements of a result a self-check compares (spread evenly, the
 * first and the last among them). */
#define CLCONV__SELF_CHECK_SAMPLE 512

/* A step of the op being checked: its comparison with the reference
 * (which fails with VERIFY_MISMATCH), or the pass run again. */
typedef clconv_status (*clconv__self_check_fn)(clconv_context *ctx,
                                               const void *args);

/* @return 1 when a pass of @p g may be checked after it runs and has no
 * tier known right yet: an op that adds to its output keeps a copy of it
 * first, to compare with and to start again from. */
int clconv__self_check_pending(clconv_context *ctx, int pass,
                               const clconv__corr2d_geom *g);

/* Checks pass @p pass of @p g, which just ran on ctx->last_tier, as above:
 * @p compare compares its output with the reference; @p rerun runs it
 * again (on the generic kernels, ctx->force_generic set), NULL when it
 * cannot (its output was added to and no copy was kept). @p fn names the
 * public function. @return OK, DEVICE_MISCOMPUTES, or what a step
 * returned. */
clconv_status clconv__self_check(clconv_context *ctx, const char *fn, int pass,
                                 const clconv__corr2d_geom *g,
                                 clconv__self_check_fn compare,
                                 clconv__self_check_fn rerun, const void *args);

#endif
