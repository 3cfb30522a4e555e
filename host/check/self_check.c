/* self_check.c: a pass checked on first use on its device, a wrong tier
 * quarantined and the pass run again on the generic kernels (see
 * self_check.h). */
#include "check/self_check.h"

#include "common/error.h"
#include "opencl/cl_generic.h"
#include "opencl/cl_verdicts.h"

#include <stdio.h>
#include <string.h>

static const char *pass_name(int pass) {
  return pass == CLCONV_PASS_FORWARD         ? "the forward"
         : pass == CLCONV_PASS_BACKWARD_DATA ? "the input gradient"
                                             : "the weight gradient";
}

static const char *tier_name(int tier) {
  return tier == CLCONV__TIER_GENERIC ? "generic kernels"
                                      : "specialized kernels";
}

int clconv__self_check_pending(clconv_context *ctx, int pass,
                               const clconv__corr2d_geom *g) {
  if (!ctx->self_check || ctx->verify || ctx->is_reference)
    return 0;
  return clconv__cl_verdicts_get(ctx, CLCONV__TIER_SPECIALIZED, pass, g) !=
             CLCONV__VERDICT_RIGHT &&
         clconv__cl_verdicts_get(ctx, CLCONV__TIER_GENERIC, pass, g) !=
             CLCONV__VERDICT_RIGHT;
}

/* Runs @p compare on a sample, keeping the caller's verification state
 * (sample size, reports) as it was. */
static clconv_status compare_sample(clconv_context *ctx,
                                    clconv__self_check_fn compare,
                                    const void *args) {
  const size_t sample = ctx->verify_sample;
  const clconv_verify_report report = ctx->verify_report,
                             total = ctx->verify_total;
  clconv_status status;
  ctx->verify_sample = CLCONV__SELF_CHECK_SAMPLE;
  status = compare(ctx, args);
  ctx->verify_sample = sample;
  ctx->verify_report = report;
  ctx->verify_total = total;
  ctx->self_checks++;
  return status;
}

/* Checks the tier that ran, unless its verdict is known. @return OK when
 * it is right, VERIFY_MISMATCH (message set, tier quarantined) when not. */
static clconv_status check_tier(clconv_context *ctx, int pass,
                                const clconv__corr2d_geom *g,
                                clconv__self_check_fn compare,
                                const void *args) {
  const int tier = ctx->last_tier;
  clconv_status status;
  switch (clconv__cl_verdicts_get(ctx, tier, pass, g)) {
  case CLCONV__VERDICT_RIGHT:
    return CLCONV_STATUS_OK;
  case CLCONV__VERDICT_WRONG: /* ran though quarantined: no other path */
    return clconv__error_fail(ctx, CLCONV_STATUS_VERIFY_MISMATCH,
                              "the %s were found wrong before",
                              tier_name(tier));
  default:
    break;
  }
  status = compare_sample(ctx, compare, args);
  if (status == CLCONV_STATUS_OK)
    clconv__cl_verdicts_set(ctx, tier, pass, g, CLCONV__VERDICT_RIGHT);
  else if (status == CLCONV_STATUS_VERIFY_MISMATCH)
    clconv__cl_verdicts_set(ctx, tier, pass, g, CLCONV__VERDICT_WRONG);
  return status;
}

clconv_status clconv__self_check(clconv_context *ctx, const char *fn, int pass,
                                 const clconv__corr2d_geom *g,
                                 clconv__self_check_fn compare,
                                 clconv__self_check_fn rerun,
                                 const void *args) {
  char why[1024];
  int tier = ctx->last_tier;
  clconv_status status;
  if (!ctx->self_check || ctx->verify || ctx->is_reference || tier == 0)
    return CLCONV_STATUS_OK;
  status = check_tier(ctx, pass, g, compare, args);
  if (status != CLCONV_STATUS_VERIFY_MISMATCH)
    return status;
  snprintf(why, sizeof why, "%.1000s", ctx->message);
  clconv__error_note(ctx,
                     "self-check: %s of a %lldx%lld problem (%lld to %lld "
                     "channels, %lldx%lld taps) on the %s computed wrong "
                     "numbers on this device: %s; quarantined here",
                     pass_name(pass), (long long)g->h, (long long)g->w,
                     (long long)g->cin, (long long)g->cout, (long long)g->kh,
                     (long long)g->kw, tier_name(tier), why);
  /* The next path: the generic kernels, checked in turn. */
  if (tier == CLCONV__TIER_SPECIALIZED && rerun != NULL &&
      clconv__cl_generic_serves(g)) {
    ctx->force_generic = 1;
    status = rerun(ctx, args);
    ctx->force_generic = 0;
    if (status != CLCONV_STATUS_OK)
      return status;
    tier = ctx->last_tier;
    status = check_tier(ctx, pass, g, compare, args);
    if (status != CLCONV_STATUS_VERIFY_MISMATCH) {
      if (status == CLCONV_STATUS_OK)
        clconv__error_note(ctx,
                           "self-check: the generic kernels serve that "
                           "problem instead, and agree with the reference");
      return status;
    }
    snprintf(why, sizeof why, "%.1000s", ctx->message);
  }
  return clconv__error_fail(
      ctx, CLCONV_STATUS_DEVICE_MISCOMPUTES,
      "%s: %s computed on %s disagrees with the reference on every path "
      "clconv has there (last: the %s: %s); the reference backend "
      "(CLCONV_DEVICE=reference) computes it, and `clconv selftest` "
      "shows what else is wrong",
      fn, pass_name(pass), ctx->info.device_name, tier_name(tier), why);
}
