/* test_tier.c: first contact (docs/design.md): the generic tier computes
 * every problem the specialized kernels do, within the same tolerance
 * (random problems, every pass, verified against the reference); in async
 * mode the first call runs the generic kernels and the specialized
 * programs take over once built in the background; a background build that
 * fails leaves the generic kernels and a note, never a wrong result; a
 * mutated generic kernel is caught; releasing a context while it builds
 * neither hangs nor leaks. */
#define _POSIX_C_SOURCE 200809L
#include "core/internal.h"
#include "core/quirks.h"
#include "support.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The disk cache of this run: a new, empty folder. */
static char cache_folder[512];

/* A context on the default device in @p mode, verify mode on, with kernel
 * folder @p kernel_dir (NULL: the embedded sources), on this run's disk
 * cache, which starts empty: nothing is built before the first call. */
static clconv_context *open_mode(int mode, const char *kernel_dir) {
  clconv_context_options o = clconv_context_options_default();
  clconv_context *ctx = NULL;
  char message[2048];
  clconv_context_release(test_open_device()); /* skips without a device */
  o.build = mode;
  o.verify = 1;
  o.kernel_dir = kernel_dir;
  o.cache = 1;
  o.cache_dir = cache_folder;
  if (clconv_context_create(&o, &ctx, message, sizeof message) !=
      CLCONV_STATUS_OK) {
    fprintf(stderr, "cannot open the device: %s\n", message);
    exit(1);
  }
  return ctx;
}

/* One random problem, every pass, on @p ctx (verify mode checks each). */
static void run_random_problem(clconv_context *ctx, test_rng *r) {
  clconv_corr2d_params p = clconv_corr2d_params_default();
  const int64_t groups = test_int(r, 1, 3);
  const int64_t cin = groups * test_int(r, 1, 3),
                cout = groups * test_int(r, 1, 6);
  const int64_t kh = test_int(r, 1, 5), kw = test_int(r, 1, 5);
  int64_t xd[4], wd[4], yd[4], bd[1];
  const unsigned failures = CU_get_number_of_failures();
  clconv_tensor *x, *w, *b, *y, *dx, *dw, *db;
  p.pad_h = test_int(r, 0, 2);
  p.pad_w = test_int(r, 0, 2);
  p.stride_h = test_int(r, 1, 3);
  p.stride_w = test_int(r, 1, 3);
  p.dilation_h = test_int(r, 1, 2);
  p.dilation_w = test_int(r, 1, 2);
  p.groups = groups;
  xd[0] = test_int(r, 1, 3);
  xd[1] = cin;
  xd[2] = (kh - 1) * p.dilation_h + test_int(r, 1, 12);
  xd[3] = (kw - 1) * p.dilation_w + test_int(r, 1, 12);
  wd[0] = cout;
  wd[1] = cin / groups;
  wd[2] = kh;
  wd[3] = kw;
  bd[0] = cout;
  x = test_random_tensor(ctx, r, xd, 0);
  w = test_random_tensor(ctx, r, wd, 0);
  b = test_tensor(ctx, 1, bd, NULL);
  CU_ASSERT_EQUAL(clconv_tensor_fill_uniform(b, -1.0f, 1.0f, 7), 0);
  TEST_EXPECT_ERROR(ctx, clconv_corr2d_output_dims(ctx, &p, x, w, yd),
                    CLCONV_STATUS_OK, "");
  y = test_tensor(ctx, 4, yd, NULL);
  dx = test_tensor(ctx, 4, xd, NULL);
  dw = test_tensor(ctx, 4, wd, NULL);
  db = test_tensor(ctx, 1, bd, NULL);
  TEST_EXPECT_ERROR(ctx, clconv_corr2d_forward(ctx, &p, x, w, b, y),
                    CLCONV_STATUS_OK, "");
  TEST_EXPECT_ERROR(ctx, clconv_corr2d_backward_data(ctx, &p, y, w, dx),
                    CLCONV_STATUS_OK, "");
  TEST_EXPECT_ERROR(ctx, clconv_corr2d_backward_weight(ctx, &p, x, y, dw, 0),
                    CLCONV_STATUS_OK, "");
  TEST_EXPECT_ERROR(ctx, clconv_corr2d_backward_weight(ctx, &p, x, y, dw, 1),
                    CLCONV_STATUS_OK, "");
  TEST_EXPECT_ERROR(ctx, clconv_corr2d_backward_bias(ctx, y, db, 0),
                    CLCONV_STATUS_OK, "");
  if (CU_get_number_of_failures() > failures)
    fprintf(stderr,
            "\n  problem x (%lld,%lld,%lld,%lld) w (%lld,%lld,%lld,%lld) pad "
            "%lld,%lld stride %lld,%lld dilation %lld,%lld groups %lld\n",
            (long long)xd[0], (long long)xd[1], (long long)xd[2],
            (long long)xd[3], (long long)wd[0], (long long)wd[1],
            (long long)wd[2], (long long)wd[3], (long long)p.pad_h,
            (long long)p.pad_w, (long long)p.stride_h, (long long)p.stride_w,
            (long long)p.dilation_h, (long long)p.dilation_w,
            (long long)groups);
  clconv_tensor_release(db);
  clconv_tensor_release(dw);
  clconv_tensor_release(dx);
  clconv_tensor_release(y);
  clconv_tensor_release(b);
  clconv_tensor_release(w);
  clconv_tensor_release(x);
}

/* The generic tier alone, on 40 random problems, every pass verified; no
 * specialized corr2d program ran. */
static void test_generic_random(void) {
  clconv_context *ctx = open_mode(CLCONV_BUILD_GENERIC, NULL);
  test_rng r = {test_seed() + 101};
  for (int i = 0; i < 40; i++)
    run_random_problem(ctx, &r);
  CU_ASSERT(ctx->generic_runs >= 40 * 4);
  CU_ASSERT(test_kernel_ran(ctx, "generic", NULL));
  CU_ASSERT_FALSE(test_kernel_ran(ctx, "corr2d_fwd_blocked", NULL));
  CU_ASSERT_FALSE(test_kernel_ran(ctx, "corr2d_bwd_weight_blocked", NULL));
  clconv_context_release(ctx);
}

/* Non-finite weights on the generic tier, stride 1 and 2: the forward lets
 * an infinite weight meet the padding (NaN, as PyTorch), the input gradient
 * never does (its stride-1 form redoes dX directly then); verify mode
 * compares NaN and infinity positions with the reference. */
static void test_generic_nonfinite(void) {
  clconv_context *ctx = open_mode(CLCONV_BUILD_GENERIC, NULL);
  const int64_t xd[4] = {1, 2, 6, 7}, wd[4] = {3, 2, 3, 3};
  test_rng r = {test_seed() + 606};
  for (int stride = 1; stride <= 2; stride++) {
    clconv_corr2d_params p = clconv_corr2d_params_default();
    float w[54];
    int64_t yd[4];
    clconv_tensor *x = test_random_tensor(ctx, &r, xd, 0), *tw, *y, *dx;
    for (int i = 0; i < 54; i++)
      w[i] = test_float(&r, -1.0f, 1.0f);
    w[0] = INFINITY;
    w[31] = NAN;
    p.pad_h = p.pad_w = 1;
    p.stride_h = p.stride_w = stride;
    tw = test_tensor(ctx, 4, wd, w);
    CU_ASSERT_EQUAL(clconv_corr2d_output_dims(ctx, &p, x, tw, yd), 0);
    y = test_tensor(ctx, 4, yd, NULL);
    dx = test_tensor(ctx, 4, xd, NULL);
    TEST_EXPECT_ERROR(ctx, clconv_corr2d_forward(ctx, &p, x, tw, NULL, y),
                      CLCONV_STATUS_OK, "");
    CU_ASSERT_EQUAL(clconv_tensor_fill_uniform(y, -1.0f, 1.0f, 9), 0);
    TEST_EXPECT_ERROR(ctx, clconv_corr2d_backward_data(ctx, &p, y, tw, dx),
                      CLCONV_STATUS_OK, "");
    clconv_tensor_release(dx);
    clconv_tensor_release(y);
    clconv_tensor_release(tw);
    clconv_tensor_release(x);
  }
  CU_ASSERT(ctx->generic_runs >= 4);
  clconv_context_release(ctx);
}

/* Async: random problems, each verified whichever tier ran it; then, once
 * every background build is in, the same problems again on the
 * specialized programs (no new generic run). */
static void test_async_takes_over(void) {
  clconv_context *ctx = open_mode(CLCONV_BUILD_ASYNC, NULL);
  test_rng r = {test_seed() + 202}, again = r;
  long before;
  for (int i = 0; i < 3; i++)
    run_random_problem(ctx, &r);
  CU_ASSERT(ctx->generic_runs > 0); /* a new problem starts generic */
  TEST_EXPECT_ERROR(ctx, clconv_context_wait_builds(ctx), CLCONV_STATUS_OK, "");
  CU_ASSERT_EQUAL(clconv_context_builds_pending(ctx), 0);
  before = ctx->generic_runs;
  for (int i = 0; i < 3; i++)
    run_random_problem(ctx, &again);
  CU_ASSERT_EQUAL(ctx->generic_runs, before);
  CU_ASSERT_STRING_EQUAL(clconv_context_notes(ctx), "");
  clconv_context_release(ctx);
}

/* Releasing a context whose builder has work queued returns (the build
 * under way ends, the queued ones are dropped) and leaks nothing. */
static void test_release_while_building(void) {
  clconv_context *ctx = open_mode(CLCONV_BUILD_ASYNC, NULL);
  test_rng r = {test_seed() + 303};
  for (int i = 0; i < 2; i++)
    run_random_problem(ctx, &r);
  clconv_context_release(ctx);
}

/* A specialized program that fails to build in the background: the op
 * keeps the generic kernels (right results, verified), and the context's
 * notes say which build failed and why. */
static void test_failed_background_build(void) {
  const char *dir = test_kernel_copy("corr2d_fwd_blocked.cl", NULL, NULL);
  clconv_context *ctx;
  test_rng r = {test_seed() + 404};
  CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
  ctx = open_mode(CLCONV_BUILD_ASYNC, dir);
  for (int round = 0; round < 2; round++) {
    test_rng same = r;
    run_random_problem(ctx, &same);
    TEST_EXPECT_ERROR(ctx, clconv_context_wait_builds(ctx), CLCONV_STATUS_OK,
                      "");
  }
  CU_ASSERT_PTR_NOT_NULL(
      strstr(clconv_context_notes(ctx), "corr2d_fwd_blocked.cl"));
  CU_ASSERT_PTR_NOT_NULL(strstr(clconv_context_notes(ctx),
                                "the generic kernels serve this problem"));
  clconv_context_release(ctx);
  test_remove_folder(dir);
}

/* A mutation of the generic forward (a product subtracted) is caught by
 * verify mode. */
static void test_mutation_caught(void) {
  const char *dir =
      test_kernel_copy("generic.cl", "acc[j] += xv *", "acc[j] -= xv *");
  clconv_context *ctx;
  const int64_t xd[4] = {1, 2, 5, 6}, wd[4] = {3, 2, 3, 3},
                yd[4] = {1, 3, 3, 4};
  test_rng r = {test_seed() + 505};
  clconv_corr2d_params p = clconv_corr2d_params_default();
  clconv_tensor *x, *w, *y;
  CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
  ctx = open_mode(CLCONV_BUILD_GENERIC, dir);
  x = test_random_tensor(ctx, &r, xd, 0);
  w = test_random_tensor(ctx, &r, wd, 0);
  y = test_tensor(ctx, 4, yd, NULL);
  TEST_EXPECT_ERROR(ctx, clconv_corr2d_forward(ctx, &p, x, w, NULL, y),
                    CLCONV_STATUS_VERIFY_MISMATCH, "y");
  clconv_tensor_release(y);
  clconv_tensor_release(w);
  clconv_tensor_release(x);
  clconv_context_release(ctx);
  test_remove_folder(dir);
}

/* A context in @p mode with self-checks on and verify mode off, on kernel
 * folder @p kernel_dir (NULL: the embedded sources) and cache @p cache. */
static clconv_context *open_checked(int mode, const char *kernel_dir,
                                    const char *cache) {
  clconv_context_options o = clconv_context_options_default();
  clconv_context *ctx = NULL;
  o.build = mode;
  o.verify = 0;
  o.self_check = 1;
  o.kernel_dir = kernel_dir;
  o.cache = 1;
  o.cache_dir = cache;
  CU_ASSERT_EQUAL_FATAL(clconv_context_create(&o, &ctx, NULL, 0),
                        CLCONV_STATUS_OK);
  return ctx;
}

/* A forward of small integers (exact in float) on @p ctx, 4 channels of
 * 16 x 16 into 8 with 3 x 3 taps and padding 1 (the blocked kernel's full
 * vectors), compared with the reference. @return the op's status; *right
 * is 1 when it succeeded and agrees bit for bit. */
static clconv_status integer_forward(clconv_context *ctx, int *right) {
  const int64_t xd[4] = {1, 4, 16, 16}, wd[4] = {8, 4, 3, 3};
  static float x[4 * 16 * 16], w[8 * 4 * 9], y[8 * 16 * 16], want[8 * 16 * 16];
  clconv_corr2d_params p = clconv_corr2d_params_default();
  clconv_context *ref = test_open_reference();
  clconv_tensor *tx, *tw, *ty;
  clconv_status status;
  test_rng r = {test_seed() + 808};
  p.pad_h = p.pad_w = 1;
  for (size_t i = 0; i < sizeof x / sizeof *x; i++)
    x[i] = (float)test_int(&r, -3, 3);
  for (size_t i = 0; i < sizeof w / sizeof *w; i++)
    w[i] = (float)test_int(&r, -2, 2);
  tx = test_tensor(ref, 4, xd, x);
  tw = test_tensor(ref, 4, wd, w);
  ty = test_tensor(ref, 4, (const int64_t[4]){1, 8, 16, 16}, NULL);
  CU_ASSERT_EQUAL(clconv_corr2d_forward(ref, &p, tx, tw, NULL, ty), 0);
  CU_ASSERT_EQUAL(clconv_tensor_read(ty, want, 8 * 16 * 16), 0);
  clconv_tensor_release(ty);
  clconv_tensor_release(tw);
  clconv_tensor_release(tx);
  clconv_context_release(ref);
  tx = test_tensor(ctx, 4, xd, x);
  tw = test_tensor(ctx, 4, wd, w);
  ty = test_tensor(ctx, 4, (const int64_t[4]){1, 8, 16, 16}, NULL);
  status = clconv_corr2d_forward(ctx, &p, tx, tw, NULL, ty);
  *right = status == CLCONV_STATUS_OK &&
           clconv_tensor_read(ty, y, 8 * 16 * 16) == CLCONV_STATUS_OK &&
           memcmp(y, want, sizeof y) == 0;
  clconv_tensor_release(ty);
  clconv_tensor_release(tw);
  clconv_tensor_release(tx);
  return status;
}

/* In sync mode too, specialized programs that fail to build leave the op
 * to the generic kernels (right results, verified) with a note naming the
 * failure, and are not built again for that problem. */
static void test_failed_sync_build(void) {
  const char *dir = test_kernel_copy("corr2d_fwd_blocked.cl", NULL, NULL);
  clconv_context *ctx;
  int right = 0;
  CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
  ctx = open_mode(CLCONV_BUILD_SYNC, dir);
  CU_ASSERT_EQUAL(integer_forward(ctx, &right), CLCONV_STATUS_OK);
  CU_ASSERT(right);
  CU_ASSERT_EQUAL(ctx->last_tier, 2); /* the generic kernels */
  printf("\n    notes: %s", clconv_context_notes(ctx));
  CU_ASSERT_PTR_NOT_NULL(strstr(
      clconv_context_notes(ctx),
      "failed to build (building kernel source 'corr2d_fwd_blocked.cl'"));
  CU_ASSERT_PTR_NOT_NULL(
      strstr(clconv_context_notes(ctx), "the generic kernels serve it"));
  CU_ASSERT_EQUAL(integer_forward(ctx, &right), CLCONV_STATUS_OK);
  CU_ASSERT(right);
  clconv_context_release(ctx);
  test_remove_folder(dir);
}

/* Self-checks: a specialized forward planted wrong (its full vectors
 * stored plus one) is caught on first use, quarantined and replaced by
 * the generic kernels (the right answer, a note), and not checked again;
 * with the library's own kernels the first context checks once and stores
 * the verdict, and a second context on the same disk cache checks
 * nothing. */
static void test_self_check_quarantines(void) {
  const char *planted =
      test_kernel_copy("common.cl", "    vstoreV(v, 0, out);\n",
                       "    vstoreV(v + 1.0f, 0, out);\n");
  char fresh[600];
  clconv_context *ctx;
  long checks;
  int right = 0;
  CU_ASSERT_PTR_NOT_NULL_FATAL(planted);
  ctx = open_checked(CLCONV_BUILD_SYNC, planted, cache_folder);
  CU_ASSERT_EQUAL(integer_forward(ctx, &right), CLCONV_STATUS_OK);
  CU_ASSERT(right);
  CU_ASSERT_EQUAL(ctx->self_checks, 2); /* the specialized, then generic */
  CU_ASSERT_PTR_NOT_NULL(strstr(clconv_context_notes(ctx),
                                "self-check: the forward of a 16x16 problem"));
  CU_ASSERT_PTR_NOT_NULL(strstr(clconv_context_notes(ctx),
                                "specialized kernels computed wrong numbers"));
  CU_ASSERT_PTR_NOT_NULL(
      strstr(clconv_context_notes(ctx), "the generic kernels serve"));
  printf("\n    notes: %s", clconv_context_notes(ctx));
  checks = ctx->self_checks;
  CU_ASSERT_EQUAL(integer_forward(ctx, &right), CLCONV_STATUS_OK);
  CU_ASSERT(right);
  CU_ASSERT_EQUAL(ctx->self_checks, checks); /* known: not again */
  CU_ASSERT_EQUAL(ctx->last_tier, 2);        /* the generic kernels */
  clconv_context_release(ctx);
  test_remove_folder(planted);

  /* The library's own kernels: one check, its verdict on disk. */
  snprintf(fresh, sizeof fresh, "%s/verdicts", cache_folder);
  ctx = open_checked(CLCONV_BUILD_SYNC, NULL, fresh);
  CU_ASSERT_EQUAL(integer_forward(ctx, &right), CLCONV_STATUS_OK);
  CU_ASSERT(right);
  CU_ASSERT_EQUAL(ctx->self_checks, 1);
  CU_ASSERT_STRING_EQUAL(clconv_context_notes(ctx), "");
  clconv_context_release(ctx);
  ctx = open_checked(CLCONV_BUILD_SYNC, NULL, fresh);
  CU_ASSERT_EQUAL(integer_forward(ctx, &right), CLCONV_STATUS_OK);
  CU_ASSERT(right);
  CU_ASSERT_EQUAL(ctx->self_checks, 0); /* the stored verdict */
  clconv_context_release(ctx);
}

/* Writes @p text to a new file of this run's folder; @return its path. */
static const char *quirks_file(const char *name, const char *text) {
  static char path[700];
  FILE *f;
  snprintf(path, sizeof path, "%s/%s", cache_folder, name);
  f = fopen(path, "w");
  CU_ASSERT_PTR_NOT_NULL_FATAL(f);
  fputs(text, f);
  fclose(f);
  return path;
}

/* The quirks list (CLCONV_QUIRKS, a made-up entry for this very driver):
 * Winograd asked for runs direct, a 1x1 problem skips the GEMM kernels,
 * 'specialized' leaves every pass to the generic kernels, each with a note
 * and the right answer; an entry for another platform does nothing; a
 * malformed entry or a missing file fails context creation by name; the
 * patterns match as documented. */
static void test_quirks(void) {
  clconv_context *ctx = NULL, *probe;
  clconv_context_options o = clconv_context_options_default();
  clconv_corr2d_params p = clconv_corr2d_params_default();
  clconv_device_info info;
  char message[1024];
  int algo = -1, right = 0;
  test_rng r = {test_seed() + 909};
  clconv_tensor *x, *w;
  probe = open_checked(CLCONV_BUILD_SYNC, NULL, cache_folder);
  clconv_context_device(probe, &info);
  clconv_context_release(probe);
  CU_ASSERT(clconv__quirks_match("Portable*", "Portable Computing Language"));
  CU_ASSERT(clconv__quirks_match("*computing*", "Portable Computing Language"));
  CU_ASSERT(!clconv__quirks_match("Portable", "Portable Computing Language"));
  CU_ASSERT(clconv__quirks_match("1.*.3", "1.22.3"));
  CU_ASSERT(!clconv__quirks_match("1.*.3", "1.22.4"));

  setenv("CLCONV_QUIRKS",
         quirks_file("quirks-here.txt",
                     "# made up for this test\n"
                     "* | * | * | winograd winograd4x4 gemm | made up | "
                     "https://example.org/1\n"
                     "No Such Platform | * | * | specialized | elsewhere |\n"),
         1);
  ctx = open_checked(CLCONV_BUILD_SYNC, NULL, cache_folder);
  CU_ASSERT_PTR_NOT_NULL(strstr(clconv_context_notes(ctx),
                                "avoiding winograd winograd4x4 gemm on this "
                                "driver: made up https://example.org/1"));
  CU_ASSERT_PTR_NULL(strstr(clconv_context_notes(ctx), "elsewhere"));
  x = test_random_tensor(ctx, &r, (const int64_t[4]){1, 2, 8, 8}, 0);
  w = test_random_tensor(ctx, &r, (const int64_t[4]){3, 2, 3, 3}, 0);
  p.algo = CLCONV_ALGO_WINOGRAD;
  CU_ASSERT_EQUAL(
      clconv_corr2d_algo_chosen(ctx, &p, x, w, CLCONV_PASS_FORWARD, &algo), 0);
  CU_ASSERT_EQUAL(algo, CLCONV_ALGO_DIRECT);
  clconv_tensor_release(w);
  w = test_random_tensor(ctx, &r, (const int64_t[4]){3, 2, 1, 1}, 0);
  p.algo = CLCONV_ALGO_AUTO;
  CU_ASSERT_EQUAL(
      clconv_corr2d_algo_chosen(ctx, &p, x, w, CLCONV_PASS_FORWARD, &algo), 0);
  CU_ASSERT_EQUAL(algo, CLCONV_ALGO_DIRECT);
  clconv_tensor_release(w);
  clconv_tensor_release(x);
  clconv_context_release(ctx);

  setenv("CLCONV_QUIRKS",
         quirks_file("quirks-generic.txt",
                     "* | * | * | specialized | made up |\n"),
         1);
  ctx = open_checked(CLCONV_BUILD_SYNC, NULL, cache_folder);
  CU_ASSERT_EQUAL(integer_forward(ctx, &right), CLCONV_STATUS_OK);
  CU_ASSERT(right);
  CU_ASSERT_EQUAL(ctx->last_tier, 2); /* the generic kernels */
  clconv_context_release(ctx);

  setenv(
      "CLCONV_QUIRKS",
      quirks_file("quirks-bad.txt", "# fine\n* | * | * | everything | x | y\n"),
      1);
  ctx = NULL;
  o.device = NULL;
  CU_ASSERT_EQUAL(clconv_context_create(&o, &ctx, message, sizeof message),
                  CLCONV_STATUS_INVALID_ARGUMENT);
  CU_ASSERT_PTR_NOT_NULL(strstr(message, "quirks-bad.txt, line 2: cannot "
                                         "avoid 'everything'"));
  setenv("CLCONV_QUIRKS", "/no/such/quirks.txt", 1);
  CU_ASSERT_EQUAL(clconv_context_create(&o, &ctx, message, sizeof message),
                  CLCONV_STATUS_INVALID_ARGUMENT);
  CU_ASSERT_PTR_NOT_NULL(strstr(message, "/no/such/quirks.txt"));
  CU_ASSERT_PTR_NULL(ctx);
  unsetenv("CLCONV_QUIRKS");
  (void)info;
}

/* When the only path allowed is wrong (generic mode, the generic forward
 * planted wrong), the op fails with DEVICE_MISCOMPUTES naming it, never a
 * silent wrong answer; with self-checks off it would not be caught. */
static void test_every_path_wrong(void) {
  const char *planted =
      test_kernel_copy("generic.cl", "acc[j] += xv *", "acc[j] -= xv *");
  clconv_context *ctx;
  int right = 1;
  CU_ASSERT_PTR_NOT_NULL_FATAL(planted);
  ctx = open_checked(CLCONV_BUILD_GENERIC, planted, cache_folder);
  TEST_EXPECT_ERROR(ctx, integer_forward(ctx, &right),
                    CLCONV_STATUS_DEVICE_MISCOMPUTES,
                    "disagrees with the reference on every path");
  CU_ASSERT_PTR_NOT_NULL(strstr(clconv_context_message(ctx), "generic"));
  CU_ASSERT_PTR_NOT_NULL(
      strstr(clconv_context_message(ctx), "CLCONV_DEVICE=reference"));
  CU_ASSERT(!right);
  clconv_context_release(ctx);
  test_remove_folder(planted);
}

/* In async mode a problem below CLCONV_SPECIALIZE_FLOPS runs on the generic
 * kernels and queues no build (the other async tests set it to 0 and see
 * their problems specialized); a value that is not a number is refused by
 * name. */
static void test_small_stays_generic(void) {
  const int64_t xd[4] = {1, 1, 6, 8}, wd[4] = {1, 1, 1, 2};
  clconv_corr2d_params p = clconv_corr2d_params_default();
  clconv_context_options o = clconv_context_options_default();
  clconv_context *ctx = NULL;
  clconv_tensor *x, *w, *y;
  char message[256];
  test_rng r = {test_seed() + 707};
  setenv("CLCONV_SPECIALIZE_FLOPS", "1e6", 1);
  ctx = open_mode(CLCONV_BUILD_ASYNC, NULL);
  x = test_random_tensor(ctx, &r, xd, 0);
  w = test_random_tensor(ctx, &r, wd, 0);
  y = test_tensor(ctx, 4, (const int64_t[4]){1, 1, 6, 7}, NULL);
  for (int i = 0; i < 3; i++)
    CU_ASSERT_EQUAL(clconv_corr2d_forward(ctx, &p, x, w, NULL, y),
                    CLCONV_STATUS_OK);
  CU_ASSERT_EQUAL(ctx->generic_runs, 3);
  CU_ASSERT_EQUAL(clconv_context_builds_pending(ctx), 0);
  clconv_tensor_release(y);
  clconv_tensor_release(w);
  clconv_tensor_release(x);
  clconv_context_release(ctx);
  setenv("CLCONV_SPECIALIZE_FLOPS", "many", 1);
  CU_ASSERT_EQUAL(clconv_context_create(&o, &ctx, message, sizeof message),
                  CLCONV_STATUS_INVALID_ARGUMENT);
  CU_ASSERT_PTR_NULL(ctx);
  CU_ASSERT_PTR_NOT_NULL(strstr(message, "CLCONV_SPECIALIZE_FLOPS"));
  setenv("CLCONV_SPECIALIZE_FLOPS", "0", 1);
}

int main(void) {
  static const test_case tests[] = {
      {"generic tier: random problems, every pass", test_generic_random},
      {"generic tier: non-finite weights", test_generic_nonfinite},
      {"async: generic first, specialized once built", test_async_takes_over},
      {"async: release while building", test_release_while_building},
      {"async: a failed background build keeps the generic kernels",
       test_failed_background_build},
      {"generic tier: a mutation is caught", test_mutation_caught},
      {"sync: a failed build leaves the op to the generic kernels",
       test_failed_sync_build},
      {"self-check: a wrong kernel quarantined, verdicts kept",
       test_self_check_quarantines},
      {"self-check: every path wrong fails by name", test_every_path_wrong},
      {"quirks: a made-up entry rules paths out", test_quirks},
      {"async: a small problem stays generic", test_small_stays_generic},
  };
  /* The suite's problems are small: specialized in async mode all the
   * same, but for the test that checks the threshold itself. */
  setenv("CLCONV_SPECIALIZE_FLOPS", "0", 1);
  return test_run_suite_in_folder("tier", tests, sizeof tests / sizeof tests[0],
                                  "the tiers are the OpenCL backend's",
                                  cache_folder, sizeof cache_folder);
}
