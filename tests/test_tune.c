/* test_tune.c: the forward kernel's tiles: every kind of tiling agrees with
 * the reference on random problems (padded copy or edge path, several rows
 * and vectors per work-item, channel blocks); clconv_tune_forward() checks
 * its candidates, and a later context finds what it stored; a damaged or
 * invalid stored entry is never used; bad arguments are named. */
#define _POSIX_C_SOURCE 200809L
#include "check/corr2d_check.h"
#include "corr2d_cases.h"
#include "opencl/backend_opencl.h"
#include "opencl/tuning.h"
#include "support.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char folder[256]; /* the disk cache of this suite */

/* Opens a device context using @p dir as its cache folder. */
static clconv_context *open_ctx(const char *dir) {
  clconv_context *ctx = NULL;
  clconv_context_options options = clconv_context_options_default();
  options.cache_dir = dir;
  CU_ASSERT_EQUAL_FATAL(clconv_context_create(&options, &ctx, NULL, 0),
                        CLCONV_STATUS_OK);
  return ctx;
}

/* The geometry of a problem, as the backend sees it. */
static clconv__corr2d_geom geometry(clconv_context *ctx,
                                    const clconv_corr2d_params *p,
                                    const int64_t x_dims[4],
                                    const int64_t w_dims[4]) {
  clconv__corr2d_geom g;
  clconv_tensor *x = test_tensor(ctx, 4, x_dims, NULL);
  clconv_tensor *w = test_tensor(ctx, 4, w_dims, NULL);
  memset(&g, 0, sizeof g);
  CU_ASSERT_EQUAL(
      clconv__corr2d_check_problem(ctx, "test", p, x, "x", w, NULL, &g),
      CLCONV_STATUS_OK);
  clconv_tensor_release(w);
  clconv_tensor_release(x);
  return g;
}

/* Runs @p c with the tiles forced to @p t and compares with the reference.
 * @return 1 when it ran and agreed. */
static int forward_agrees(clconv_context *ctx, const corr2d_case *c,
                          const clconv__tiles_fwd_blocked *t) {
  const int64_t b_dims[1] = {c->w_dims[0]};
  int64_t y_dims[4];
  clconv_tensor *x = test_tensor(ctx, 4, c->x_dims, c->x);
  clconv_tensor *w = test_tensor(ctx, 4, c->w_dims, c->w);
  clconv_tensor *b = c->has_bias ? test_tensor(ctx, 1, b_dims, c->b) : NULL;
  clconv_tensor *y = NULL;
  clconv_verify_report report;
  int ok;
  case_output_dims(c, y_dims);
  y = test_tensor(ctx, 4, y_dims, NULL);
  ok = clconv__tuning_force(ctx, t) == CLCONV_STATUS_OK &&
       clconv_tensor_fill_uniform(y, -1.0f, 1.0f, 9) == CLCONV_STATUS_OK &&
       clconv_corr2d_forward(ctx, &c->p, x, w, b, y) == CLCONV_STATUS_OK &&
       clconv_corr2d_verify(ctx, &c->p, x, w, b, y, &report) ==
           CLCONV_STATUS_OK &&
       report.count == dims_count(y_dims, 4);
  if (!ok)
    fprintf(stderr, "\n  tiles vw%d cv%d rh%d cb%d padded %d: %s\n", t->vw,
            t->cv, t->rh, t->cb, t->padded, clconv_context_message(ctx));
  clconv__tuning_force(ctx, NULL);
  clconv_tensor_release(y);
  clconv_tensor_release(b);
  clconv_tensor_release(w);
  clconv_tensor_release(x);
  return ok;
}

/* Random problems, each made wider and taller than corr2d's so that tiles
 * have interiors and edges, with a random tiling of those tune would try,
 * in turn read from a padded copy and through the edge path. */
static void test_random_tilings(void) {
  enum { CASES = 36, CANDIDATES = 1024 };
  clconv_context *ctx = test_open_device();
  clconv__tiles_fwd_blocked *cands = malloc(CANDIDATES * sizeof *cands);
  clconv_device_info info;
  test_rng r = {test_seed()};
  int failures = 0;
  clconv_context_device(ctx, &info);
  CU_ASSERT_PTR_NOT_NULL_FATAL(cands);
  for (int i = 0; i < CASES; i++) {
    corr2d_case c;
    clconv__corr2d_geom g, f;
    int count;
    random_case(&r, i, &c);
    if (c.x_dims[0] == 0) { /* empty batches: corr2d covers them */
      case_free(&c);
      continue;
    }
    /* Widens the input: more column tiles. Data past the first rows
     * repeats; only agreement matters. */
    {
      const int64_t extra = test_int(&r, 0, 40);
      const size_t old_count = dims_count(c.x_dims, 4);
      int64_t old_w = c.x_dims[3];
      float *wider;
      c.x_dims[3] += extra;
      wider = malloc(dims_count(c.x_dims, 4) * sizeof *wider + 1);
      CU_ASSERT_PTR_NOT_NULL_FATAL(wider);
      for (size_t k = 0; k < dims_count(c.x_dims, 4); k++) {
        const size_t row = k / (size_t)c.x_dims[3];
        const size_t col = k % (size_t)c.x_dims[3];
        wider[k] = c.x[(row * (size_t)old_w + col % (size_t)old_w) % old_count];
      }
      free(c.x);
      c.x = wider;
    }
    g = geometry(ctx, &c.p, c.x_dims, c.w_dims);
    f = clconv__corr2d_geometry_flatten_pointwise(&g);
    count =
        clconv__tiles_fwd_blocked_candidates(&ctx->caps, &f, cands, CANDIDATES);
    CU_ASSERT(count >= 1);
    if (count >= 1) {
      clconv__tiles_fwd_blocked t = cands[test_int(&r, 0, count - 1)];
      t.padded = i % 2;
      failures += !forward_agrees(ctx, &c, &t);
    }
    case_free(&c);
  }
  CU_ASSERT_EQUAL(failures, 0);
  free(cands);
  clconv_context_release(ctx);
}

/* A problem with padding and stride 1 whose tuning this suite checks. */
static const int64_t tuned_x[4] = {2, 3, 11, 37};
static const int64_t tuned_w[4] = {4, 3, 3, 3};
static clconv_corr2d_params tuned_params(void) {
  clconv_corr2d_params p = clconv_corr2d_params_default();
  p.pad_h = p.pad_w = 1;
  return p;
}

/* The path of the only tuned-tiles entry in the folder, found by its key
 * text. @return 0 when exactly one exists. */
static int tuned_entry(char *path, size_t size) {
  DIR *d = opendir(folder);
  struct dirent *e;
  int found = 0;
  while (d != NULL && (e = readdir(d)) != NULL) {
    char candidate[512], head[512] = {0};
    FILE *file;
    snprintf(candidate, sizeof candidate, "%s/%s", folder, e->d_name);
    if ((file = fopen(candidate, "rb")) == NULL)
      continue;
    if (fread(head, 1, sizeof head - 1, file) > 0) {
      for (size_t i = 0; i < sizeof head - 1; i++) /* key text follows bytes */
        if (head[i] == '\0')
          head[i] = ' ';
      if (strstr(head, "tuned tiles of corr2d_fwd_blocked") != NULL) {
        snprintf(path, size, "%s", candidate);
        found++;
      }
    }
    fclose(file);
  }
  if (d != NULL)
    closedir(d);
  return found == 1 ? 0 : -1;
}

/* The tiles @p ctx uses for the tuned problem (@p by_default: the default
 * tiles for it), as text. */
static void tuned_problem_tiles(clconv_context *ctx, int by_default, char *out,
                                size_t size) {
  const clconv_corr2d_params p = tuned_params();
  const clconv__corr2d_geom g = geometry(ctx, &p, tuned_x, tuned_w);
  const clconv__corr2d_geom f = clconv__corr2d_geometry_flatten_pointwise(&g);
  const clconv__tiles_fwd_blocked t =
      by_default ? clconv__tiles_fwd_blocked_default(&ctx->caps, &f)
                 : clconv__tuning_tiles_for(ctx, &g, &f);
  clconv__tiles_fwd_blocked_format(&t, out, size);
}

/* The same in a new context built on the folder. */
static void tiles_in_new_context(int by_default, char *out, size_t size) {
  clconv_context *ctx = open_ctx(folder);
  tuned_problem_tiles(ctx, by_default, out, size);
  clconv_context_release(ctx);
}

/* Tunes, then a new context on the same folder uses the winner; damaged or
 * invalid entries fall back to the default. */
static void test_tune_store_and_reload(void) {
  const clconv_corr2d_params p = tuned_params();
  clconv_context *ctx = open_ctx(folder);
  clconv_tune_report r;
  char seen[64], fallback[64], path[600];
  FILE *file;
  long size;
  CU_ASSERT_EQUAL(clconv_tune_forward(ctx, &p, tuned_x, tuned_w, 1, 2, 6, &r),
                  CLCONV_STATUS_OK);
  CU_ASSERT_EQUAL(r.candidates, 6);
  CU_ASSERT_EQUAL(r.rejected, 0);
  CU_ASSERT(r.best_ms > 0 && r.best_ms <= r.default_ms);
  CU_ASSERT_EQUAL(r.stored, 1);
  CU_ASSERT(strstr(r.best_tiles, "vw") == r.best_tiles);
  clconv_context_release(ctx);

  tiles_in_new_context(0, seen, sizeof seen);
  CU_ASSERT_STRING_EQUAL(seen, r.best_tiles);

  /* A truncated entry is not used. */
  tiles_in_new_context(1, fallback, sizeof fallback);
  CU_ASSERT_EQUAL_FATAL(tuned_entry(path, sizeof path), 0);
  file = fopen(path, "rb+");
  CU_ASSERT_PTR_NOT_NULL_FATAL(file);
  fseek(file, 0, SEEK_END);
  size = ftell(file);
  fclose(file);
  CU_ASSERT_EQUAL(truncate(path, size - 3), 0);
  tiles_in_new_context(0, seen, sizeof seen);
  CU_ASSERT_STRING_EQUAL(seen, fallback);

  /* Nor is a well-formed entry with tiles invalid for the problem (3 does
   * not divide its 4 output channels). */
  {
    const clconv__tiles_fwd_blocked bad = {16, 1, 1, 3, 0};
    clconv__corr2d_geom g;
    int stored = 0;
    ctx = open_ctx(folder);
    g = geometry(ctx, &p, tuned_x, tuned_w);
    CU_ASSERT_EQUAL(clconv__tuning_remember(ctx, &g, &bad, &stored),
                    CLCONV_STATUS_OK);
    CU_ASSERT_EQUAL(stored, 1);
    clconv_context_release(ctx);
  }
  tiles_in_new_context(0, seen, sizeof seen);
  CU_ASSERT_STRING_EQUAL(seen, fallback);
}

/* With the cache off, the winner is used by the context, not stored. */
static void test_tune_cache_off(void) {
  const clconv_corr2d_params p = tuned_params();
  clconv_context *ctx;
  clconv_tune_report r;
  setenv("CLCONV_CACHE", "0", 1);
  ctx = test_open_device();
  unsetenv("CLCONV_CACHE");
  CU_ASSERT_EQUAL(clconv_tune_forward(ctx, &p, tuned_x, tuned_w, 0, 1, 2, &r),
                  CLCONV_STATUS_OK);
  CU_ASSERT_EQUAL(r.stored, 0);
  CU_ASSERT_EQUAL(r.rejected, 0);
  {
    char seen[64];
    tuned_problem_tiles(ctx, 0, seen, sizeof seen);
    CU_ASSERT_STRING_EQUAL(seen, r.best_tiles);
  }
  clconv_context_release(ctx);
}

/* Bad arguments get a status and a message naming them. */
static void test_bad_arguments(void) {
  const clconv_corr2d_params p = tuned_params();
  const int64_t wrong_w[4] = {4, 2, 3, 3}; /* 2 input channels, not 3 */
  clconv_context *ctx = open_ctx(folder);
  clconv_context *ref = test_open_reference();
  clconv_tune_report r;
  TEST_EXPECT_ERROR(
      ctx, clconv_tune_forward(ctx, NULL, tuned_x, tuned_w, 0, 1, 1, &r),
      CLCONV_STATUS_INVALID_ARGUMENT, "p is NULL");
  TEST_EXPECT_ERROR(ctx,
                    clconv_tune_forward(ctx, &p, NULL, tuned_w, 0, 1, 1, &r),
                    CLCONV_STATUS_INVALID_ARGUMENT, "x_dims is NULL");
  TEST_EXPECT_ERROR(ctx,
                    clconv_tune_forward(ctx, &p, tuned_x, tuned_w, 0, 0, 1, &r),
                    CLCONV_STATUS_INVALID_ARGUMENT, "repeat");
  TEST_EXPECT_ERROR(
      ctx, clconv_tune_forward(ctx, &p, tuned_x, tuned_w, 0, 1, -1, &r),
      CLCONV_STATUS_INVALID_ARGUMENT, "max_candidates");
  TEST_EXPECT_ERROR(ctx,
                    clconv_tune_forward(ctx, &p, tuned_x, wrong_w, 0, 1, 1, &r),
                    CLCONV_STATUS_SHAPE_MISMATCH, "w");
  TEST_EXPECT_ERROR(ref,
                    clconv_tune_forward(ref, &p, tuned_x, tuned_w, 0, 1, 1, &r),
                    CLCONV_STATUS_INVALID_ARGUMENT, "reference backend");
  CU_ASSERT_EQUAL(clconv_tune_forward(NULL, &p, tuned_x, tuned_w, 0, 1, 1, &r),
                  CLCONV_STATUS_INVALID_ARGUMENT);
  clconv_context_release(ref);
  clconv_context_release(ctx);
}

/* The local-memory forward, the default on GPUs, run here on whatever the
 * device is: random problems (the corr2d mix, made wider), a stem-like
 * 7x7 kernel with stride 2, and one whose tiles fill several groups along
 * both axes, each compared in full with the reference. */
static void test_local_memory_forward(void) {
  enum { CASES = 40 };
  clconv_context *ctx = test_open_device();
  test_rng r = {test_seed() + 41};
  int failures = 0, ran = 0;
  for (int i = 0; i < CASES + 2; i++) {
    corr2d_case c;
    clconv__corr2d_geom g;
    int64_t y_dims[4];
    clconv_tensor *x, *w, *b = NULL, *y;
    clconv_verify_report report;
    clconv_status s;
    random_case(&r, i, &c);
    if (i == CASES) { /* the stem: 7x7, stride 2, padding 3 */
      case_free(&c);
      memset(&c, 0, sizeof c);
      c.x_dims[0] = 2, c.x_dims[1] = 3, c.x_dims[2] = 37, c.x_dims[3] = 45;
      c.w_dims[0] = 8, c.w_dims[1] = 3, c.w_dims[2] = 7, c.w_dims[3] = 7;
      c.p = clconv_corr2d_params_default();
      c.p.pad_h = c.p.pad_w = 3;
      c.p.stride_h = c.p.stride_w = 2;
    } else if (i == CASES + 1) { /* several groups along x and y */
      case_free(&c);
      memset(&c, 0, sizeof c);
      c.x_dims[0] = 1, c.x_dims[1] = 4, c.x_dims[2] = 30, c.x_dims[3] = 50;
      c.w_dims[0] = 6, c.w_dims[1] = 2, c.w_dims[2] = 3, c.w_dims[3] = 3;
      c.p = clconv_corr2d_params_default();
      c.p.pad_h = c.p.pad_w = 1;
      c.p.groups = 2;
      c.has_bias = 1;
    }
    if (c.x == NULL) {
      c.x = malloc(dims_count(c.x_dims, 4) * sizeof *c.x);
      c.w = malloc(dims_count(c.w_dims, 4) * sizeof *c.w);
      c.b = malloc((size_t)c.w_dims[0] * sizeof *c.b);
      CU_ASSERT_FATAL(c.x != NULL && c.w != NULL && c.b != NULL);
      for (size_t k = 0; k < dims_count(c.x_dims, 4); k++)
        c.x[k] = test_float(&r, -1, 1);
      for (size_t k = 0; k < dims_count(c.w_dims, 4); k++)
        c.w[k] = test_float(&r, -1, 1);
      for (int64_t k = 0; k < c.w_dims[0]; k++)
        c.b[k] = test_float(&r, -1, 1);
    }
    case_output_dims(&c, y_dims);
    g = geometry(ctx, &c.p, c.x_dims, c.w_dims);
    g.has_bias = c.has_bias;
    if (!clconv__cl_corr2d_fwd_local_fits(ctx, &g) || c.x_dims[0] == 0) {
      case_free(&c);
      continue;
    }
    x = test_tensor(ctx, 4, c.x_dims, c.x);
    w = test_tensor(ctx, 4, c.w_dims, c.w);
    if (c.has_bias) {
      const int64_t bd[1] = {c.w_dims[0]};
      b = test_tensor(ctx, 1, bd, c.b);
    }
    y = test_tensor(ctx, 4, y_dims, NULL);
    s = clconv_tensor_fill_uniform(y, -1.0f, 1.0f, 9);
    /* Sized again, as cl_corr2d_fwd.c does, where the device's kernels
     * take fewer work-items than the device says (rusticl). */
    while (s == CLCONV_STATUS_OK || s == CLCONV__STATUS_GROUP_SHRUNK) {
      s = clconv__cl_corr2d_fwd_local(ctx, &g, x, w, b, y);
      if (s != CLCONV__STATUS_GROUP_SHRUNK ||
          !clconv__cl_corr2d_fwd_local_fits(ctx, &g))
        break;
    }
    if (s == CLCONV__STATUS_GROUP_SHRUNK) { /* no longer fits: not its */
      clconv_tensor_release(y);
      clconv_tensor_release(b);
      clconv_tensor_release(w);
      clconv_tensor_release(x);
      case_free(&c);
      continue;
    }
    if (s == CLCONV_STATUS_OK)
      s = clconv_corr2d_verify(ctx, &c.p, x, w, b, y, &report);
    if (s != CLCONV_STATUS_OK || report.count != dims_count(y_dims, 4)) {
      failures++;
      fprintf(stderr, "\n%s\n", clconv_context_message(ctx));
      case_print(&c);
    }
    ran++;
    clconv_tensor_release(y);
    clconv_tensor_release(b);
    clconv_tensor_release(w);
    clconv_tensor_release(x);
    case_free(&c);
  }
  CU_ASSERT(ran >= CASES / 2);
  CU_ASSERT_EQUAL(failures, 0);
  clconv_context_release(ctx);
}

int main(void) {
  static const test_case tests[] = {
      {"random tilings agree with the reference", test_random_tilings},
      {"the local-memory forward agrees with the reference",
       test_local_memory_forward},
      {"tune, store, reload; damaged entries unused",
       test_tune_store_and_reload},
      {"tune with the cache off", test_tune_cache_off},
      {"bad arguments", test_bad_arguments},
  };
  return test_run_suite_in_folder("tune", tests, sizeof tests / sizeof tests[0],
                                  "the reference backend has no tiles", folder,
                                  sizeof folder);
}
