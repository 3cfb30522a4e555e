/* op_tune.c: clconv_tune_forward, the search for the fastest tiles of the
 * forward kernel on one problem, each candidate checked against the
 * reference backend before it may win. */
#include "check/corr2d_check.h"
#include "common/alloc.h"
#include "common/error.h"
#include "common/os.h"
#include "core/context.h"
#include "opencl/tuning.h"

#include <stdlib.h>
#include <string.h>

/* The tensors of the problem being tuned. */
typedef struct problem {
  clconv_tensor *x, *w, *b, *y;
} problem;

static void problem_release(problem *pr) {
  clconv_tensor_release(pr->y);
  clconv_tensor_release(pr->b);
  clconv_tensor_release(pr->w);
  clconv_tensor_release(pr->x);
}

/* Creates the tensors with seeded random data in [-1, 1). */
static clconv_status problem_make(clconv_context *ctx,
                                  const clconv_corr2d_params *p,
                                  const int64_t x_dims[4],
                                  const int64_t w_dims[4], int has_bias,
                                  problem *pr) {
  int64_t y_dims[4];
  memset(pr, 0, sizeof *pr);
  CLCONV_FORWARD_IF_ERROR(clconv_tensor_create(ctx, 4, x_dims, &pr->x));
  CLCONV_FORWARD_IF_ERROR(clconv_tensor_create(ctx, 4, w_dims, &pr->w));
  if (has_bias)
    CLCONV_FORWARD_IF_ERROR(clconv_tensor_create(ctx, 1, w_dims, &pr->b));
  CLCONV_FORWARD_IF_ERROR(
      clconv_corr2d_output_dims(ctx, p, pr->x, pr->w, y_dims));
  CLCONV_FORWARD_IF_ERROR(clconv_tensor_create(ctx, 4, y_dims, &pr->y));
  CLCONV_FORWARD_IF_ERROR(clconv_tensor_fill_uniform(pr->x, -1.0f, 1.0f, 1));
  CLCONV_FORWARD_IF_ERROR(clconv_tensor_fill_uniform(pr->w, -1.0f, 1.0f, 2));
  if (has_bias)
    CLCONV_FORWARD_IF_ERROR(clconv_tensor_fill_uniform(pr->b, -1.0f, 1.0f, 3));
  return CLCONV_STATUS_OK;
}

static int by_value(const void *a, const void *b) {
  const double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Runs the forward with tiles @p t once to build and check it, then
 * @p repeat times; @p *median_ms receives the median. */
static clconv_status
time_candidate(clconv_context *ctx, const clconv_corr2d_params *p,
               const problem *pr, const clconv__tiles_fwd_blocked *t,
               int repeat, double *times, double *median_ms) {
  CLCONV_FORWARD_IF_ERROR(clconv__tuning_force(ctx, t));
  CLCONV_FORWARD_IF_ERROR(
      clconv_corr2d_forward(ctx, p, pr->x, pr->w, pr->b, pr->y));
  CLCONV_FORWARD_IF_ERROR(
      clconv_corr2d_verify(ctx, p, pr->x, pr->w, pr->b, pr->y, NULL));
  for (int i = 0; i < repeat; i++) {
    const double start = clconv__os_seconds();
    CLCONV_FORWARD_IF_ERROR(
        clconv_corr2d_forward(ctx, p, pr->x, pr->w, pr->b, pr->y));
    CLCONV_FORWARD_IF_ERROR(clconv_context_finish(ctx));
    times[i] = (clconv__os_seconds() - start) * 1e3;
  }
  qsort(times, (size_t)repeat, sizeof *times, by_value);
  *median_ms = times[repeat / 2];
  return CLCONV_STATUS_OK;
}

/* Times every candidate; the default (first) must agree with the reference,
 * a later one that fails in any way but a lost context is rejected. */
/* The caller's progress callback and its pointer. */
typedef struct progress_sink {
  clconv_tune_progress_fn fn;
  void *user;
} progress_sink;

static clconv_status
search(clconv_context *ctx, const clconv_corr2d_params *p, const problem *pr,
       const clconv__tiles_fwd_blocked *cands, int count, int repeat,
       double *times, clconv__tiles_fwd_blocked *best, clconv_tune_report *r,
       const progress_sink *progress) {
  for (int i = 0; i < count; i++) {
    double ms = 0.0;
    char tiles[48];
    const clconv_status status =
        time_candidate(ctx, p, pr, &cands[i], repeat, times, &ms);
    r->candidates++;
    if (progress->fn != NULL) {
      clconv__tiles_fwd_blocked_format(&cands[i], tiles, sizeof tiles);
      progress->fn(progress->user, i, count, tiles,
                   status == CLCONV_STATUS_OK ? ms : 0.0,
                   status != CLCONV_STATUS_OK);
    }
    if (status != CLCONV_STATUS_OK) {
      if (i == 0 || status == CLCONV_STATUS_CONTEXT_UNUSABLE)
        return status;
      r->rejected++;
      continue;
    }
    if (i == 0) {
      r->default_ms = ms;
      clconv__tiles_fwd_blocked_format(&cands[i], r->default_tiles,
                                       sizeof r->default_tiles);
    }
    if (i == 0 || ms < r->best_ms) {
      r->best_ms = ms;
      *best = cands[i];
    }
  }
  clconv__tiles_fwd_blocked_format(best, r->best_tiles, sizeof r->best_tiles);
  return CLCONV_STATUS_OK;
}

clconv_status clconv_tune_forward(clconv_context *ctx,
                                  const clconv_corr2d_params *p,
                                  const int64_t x_dims[4],
                                  const int64_t w_dims[4], int has_bias,
                                  int repeat, int max_candidates,
                                  clconv_tune_report *report) {
  return clconv_tune_forward_progress(ctx, p, x_dims, w_dims, has_bias, repeat,
                                      max_candidates, report, NULL, NULL);
}

clconv_status clconv_tune_forward_progress(
    clconv_context *ctx, const clconv_corr2d_params *p, const int64_t x_dims[4],
    const int64_t w_dims[4], int has_bias, int repeat, int max_candidates,
    clconv_tune_report *report, clconv_tune_progress_fn progress, void *user) {
  static const char *fn = "clconv_tune_forward";
  const progress_sink sink = {progress, user};
  enum { ALL_CANDIDATES = 1024 };
  clconv_tune_report r;
  problem pr;
  clconv__corr2d_geom g, f;
  clconv__tiles_fwd_blocked *cands = NULL, best;
  double *times = NULL;
  int count;
  clconv_status status;
  CLCONV_FORWARD_IF_ERROR(clconv__context_enter(ctx, fn));
  CLCONV_RETURN_IF(ctx, ctx->is_reference, CLCONV_STATUS_INVALID_ARGUMENT,
                   "%s: ctx is the reference backend, which has no tiles to "
                   "tune",
                   fn);
  CLCONV_RETURN_IF(ctx, p == NULL || x_dims == NULL || w_dims == NULL,
                   CLCONV_STATUS_INVALID_ARGUMENT, "%s: %s is NULL", fn,
                   p == NULL        ? "p"
                   : x_dims == NULL ? "x_dims"
                                    : "w_dims");
  CLCONV_RETURN_IF(ctx, repeat < 1, CLCONV_STATUS_INVALID_ARGUMENT,
                   "%s: repeat must be at least 1, got %d", fn, repeat);
  CLCONV_RETURN_IF(ctx, max_candidates < 0, CLCONV_STATUS_INVALID_ARGUMENT,
                   "%s: max_candidates must be 0 (all) or more, got %d", fn,
                   max_candidates);
  memset(&r, 0, sizeof r);
  status = problem_make(ctx, p, x_dims, w_dims, has_bias, &pr);
  if (status == CLCONV_STATUS_OK)
    status = clconv__corr2d_check_problem(ctx, fn, p, pr.x, "x_dims", pr.w,
                                          pr.b, &g);
  if (status == CLCONV_STATUS_OK && g.needs_long_index)
    status =
        clconv__error_fail(ctx, CLCONV_STATUS_TOO_LARGE,
                           "%s: an index of this problem reaches 2^31; it runs "
                           "on the untiled kernel, which has nothing to tune",
                           fn);
  if (status != CLCONV_STATUS_OK)
    goto done;

  /* Times the candidates, then remembers and stores the winner. */
  f = clconv__corr2d_geometry_flatten_pointwise(&g);
  cands = clconv__alloc(ALL_CANDIDATES * sizeof *cands);
  times = clconv__alloc((size_t)repeat * sizeof *times);
  if (cands == NULL || times == NULL) {
    status = clconv__error_fail(ctx, CLCONV_STATUS_OUT_OF_HOST_MEMORY,
                                "%s: out of host memory", fn);
    goto done;
  }
  count = clconv__tiles_fwd_blocked_candidates(
      &ctx->caps, &f, cands,
      max_candidates == 0 || max_candidates > ALL_CANDIDATES ? ALL_CANDIDATES
                                                             : max_candidates);
  status = search(ctx, p, &pr, cands, count, repeat, times, &best, &r, &sink);
  if (status == CLCONV_STATUS_OK)
    status = clconv__tuning_remember(ctx, &g, &best, &r.stored);
  if (status == CLCONV_STATUS_OK)
    clconv__error_clear(ctx);
done:
  (void)clconv__tuning_force(ctx, NULL);
  clconv__alloc_free(times);
  clconv__alloc_free(cands);
  problem_release(&pr);
  if (report != NULL)
    *report = r;
  return status;
}
