/* test_kernel_paths.c: a small problem for every kernel path of the OpenCL
 * backend (blocked, local-memory, padded input, masked and scattered input
 * gradients, tap-less phases, chunked weight gradients, Winograd's
 * transforms and fix-up, the 64-bit-index
 * naive kernels, bias, loss, SGD, init), each run in verify mode so the
 * reference checks it; then checks that every path ran on this device. Small
 * enough to run under Oclgrind, which CI does to catch out-of-bounds
 * accesses, data races and API misuse in every kernel. */
#include "check/corr2d_check.h"
#include "support.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One problem: input (N, Cin, H, W), weights (Cout, Cin/groups, KH, KW) and
 * the parameters; @p nonfinite puts an infinity and a NaN in the weights. */
typedef struct path_problem {
  const char *what;
  int64_t x[4], w[4];
  int64_t pad, stride, dilation, groups;
  int nonfinite;
  int algo; /* clconv_algo */
} path_problem;

static const path_problem problems[] = {
    /* clang-format off */
    {"3x3, padding 1", {2, 3, 12, 13}, {8, 3, 3, 3}, 1, 1, 1, 1, 0, 0},
    {"padded input copy", {1, 8, 24, 24}, {16, 8, 3, 3}, 1, 1, 1, 1, 0, 0},
    {"stride 2, dilation 2, groups 2", {1, 4, 11, 9}, {4, 2, 3, 3},
     2, 2, 2, 2, 0, 0},
    {"stride 2: scattered phases", {1, 3, 12, 12}, {4, 3, 3, 3},
     1, 2, 1, 1, 0, 0},
    {"1x1", {2, 6, 7, 5}, {4, 6, 1, 1}, 0, 1, 1, 1, 0, 0},
    {"stride 3 > kernel 2: tap-less phases", {1, 2, 10, 10}, {2, 2, 2, 2},
     0, 3, 1, 1, 0, 0},
    {"non-finite weights: masked", {1, 2, 6, 7}, {2, 2, 3, 3},
     1, 1, 1, 1, 1, 0},
    {"non-finite weights, larger: the generic fix-up", {1, 8, 24, 24},
     {16, 8, 3, 3}, 1, 1, 1, 1, 1, 0},
    {"non-finite weights, stride 2: fix-up per phase", {1, 8, 25, 25},
     {16, 8, 3, 3}, 1, 2, 1, 1, 1, 0},
    /* Few weight blocks for the rows: chunks on every device (the tiles
     * of tiles_bwd_weight.c give 2 to 16 chunks on CPUs and GPUs). */
    {"chunked weight gradient", {1, 2, 96, 96}, {4, 2, 3, 3}, 1, 1, 1, 1, 0, 0},
    {"weight gradient across channels", {2, 8, 12, 12}, {64, 8, 3, 3},
     1, 1, 1, 1, 0, 0},
    {"1x1, large input: channel blocks innermost", {1, 96, 60, 50},
     {16, 96, 1, 1}, 0, 1, 1, 1, 0, 0},
    {"Winograd F(2x2, 3x3)", {2, 5, 9, 10}, {6, 5, 3, 3},
     1, 1, 1, 1, 0, CLCONV_ALGO_WINOGRAD},
    {"Winograd F(4x4, 3x3), groups 2", {1, 4, 11, 9}, {6, 2, 3, 3},
     2, 1, 1, 2, 0, CLCONV_ALGO_WINOGRAD_4X4},
    {"Winograd, non-finite weights: the fix-up", {1, 3, 7, 8}, {4, 3, 3, 3},
     1, 1, 1, 1, 1, CLCONV_ALGO_WINOGRAD},
    {"1x1 as a matrix product", {2, 6, 7, 5}, {4, 6, 1, 1}, 0, 1, 1, 1, 0,
     CLCONV_ALGO_GEMM},
    /* clang-format on */
};

/* Runs forward and the three backward ops of @p pr, each verified. */
static void run_problem(clconv_context *ctx, const path_problem *pr,
                        test_rng *r) {
  clconv_corr2d_params p = clconv_corr2d_params_default();
  const int64_t b_dims[1] = {pr->w[0]};
  int64_t y_dims[4];
  clconv_tensor *x, *w, *b, *y = NULL, *dy = NULL, *dx, *dw, *db;
  p.pad_h = p.pad_w = pr->pad;
  p.stride_h = p.stride_w = pr->stride;
  p.dilation_h = p.dilation_w = pr->dilation;
  p.groups = pr->groups;
  p.algo = pr->algo;
  x = test_random_tensor(ctx, r, pr->x, 0);
  w = test_random_tensor(ctx, r, pr->w, pr->nonfinite);
  b = test_tensor(ctx, 1, b_dims, NULL);
  dx = test_tensor(ctx, 4, pr->x, NULL);
  dw = test_tensor(ctx, 4, pr->w, NULL);
  db = test_tensor(ctx, 1, b_dims, NULL);
  CU_ASSERT_EQUAL_FATAL(clconv_corr2d_output_dims(ctx, &p, x, w, y_dims), 0);
  y = test_tensor(ctx, 4, y_dims, NULL);
  dy = test_random_tensor(ctx, r, y_dims, 0);
  TEST_EXPECT_ERROR(ctx, clconv_corr2d_forward(ctx, &p, x, w, b, y),
                    CLCONV_STATUS_OK, "");
  TEST_EXPECT_ERROR(ctx, clconv_corr2d_backward_data(ctx, &p, dy, w, dx),
                    CLCONV_STATUS_OK, "");
  TEST_EXPECT_ERROR(ctx, clconv_corr2d_backward_weight(ctx, &p, x, dy, dw, 0),
                    CLCONV_STATUS_OK, "");
  TEST_EXPECT_ERROR(ctx, clconv_corr2d_backward_bias(ctx, dy, db, 0),
                    CLCONV_STATUS_OK, "");
  if (CU_get_number_of_failures() > 0)
    fprintf(stderr, "\n  in problem '%s'\n", pr->what);
  clconv_tensor_release(db);
  clconv_tensor_release(dw);
  clconv_tensor_release(dx);
  clconv_tensor_release(dy);
  clconv_tensor_release(y);
  clconv_tensor_release(b);
  clconv_tensor_release(w);
  clconv_tensor_release(x);
}

/* A layer's training step: init, forward, loss, backward, SGD. */
static void run_training_step(clconv_context *ctx, test_rng *r) {
  const int64_t x_dims[4] = {2, 3, 9, 9}, y_dims[4] = {2, 4, 9, 9};
  clconv_conv2d_params lp = clconv_conv2d_params_default();
  clconv_sgd_params sgd = clconv_sgd_params_default();
  clconv_conv2d *layer = NULL;
  clconv_tensor *x = test_random_tensor(ctx, r, x_dims, 0);
  clconv_tensor *target = test_random_tensor(ctx, r, y_dims, 0);
  clconv_tensor *y = test_tensor(ctx, 4, y_dims, NULL);
  clconv_tensor *dy = test_tensor(ctx, 4, y_dims, NULL);
  double loss = 0;
  lp.out_channels = 4;
  lp.kernel_h = lp.kernel_w = 3;
  lp.pad_h = lp.pad_w = 1;
  sgd.lr = 0.01f;
  sgd.momentum = 0.9f;
  sgd.weight_decay = 1e-4f;
  TEST_EXPECT_ERROR(ctx, clconv_conv2d_create(ctx, &lp, &layer),
                    CLCONV_STATUS_OK, "");
  TEST_EXPECT_ERROR(ctx, clconv_conv2d_forward(layer, x, y), CLCONV_STATUS_OK,
                    "");
  TEST_EXPECT_ERROR(
      ctx,
      clconv_squared_error(ctx, CLCONV_REDUCTION_MEAN, y, target, &loss, dy),
      CLCONV_STATUS_OK, "");
  TEST_EXPECT_ERROR(ctx, clconv_conv2d_zero_grad(layer), CLCONV_STATUS_OK, "");
  TEST_EXPECT_ERROR(ctx, clconv_conv2d_backward(layer, x, dy, NULL),
                    CLCONV_STATUS_OK, "");
  TEST_EXPECT_ERROR(ctx, clconv_conv2d_sgd_step(layer, &sgd), CLCONV_STATUS_OK,
                    "");
  clconv_conv2d_release(layer);
  clconv_tensor_release(dy);
  clconv_tensor_release(y);
  clconv_tensor_release(target);
  clconv_tensor_release(x);
}

/* The one-kernel training step runs outside verify mode only: on a
 * context of its own, its updated weights are compared with the ops' step
 * on the reference backend (within 1e-5 relative, as the train_step suite
 * derives), and the kernel must have run. */
static void run_one_kernel_step(test_rng *r) {
  clconv_context *ctx = test_open_device(), *ref = test_open_reference();
  const int64_t xd[4] = {1, 2, 5, 6}, yd[4] = {1, 3, 5, 6};
  clconv_conv2d_params lp = clconv_conv2d_params_default();
  clconv_sgd_params sgd = clconv_sgd_params_default();
  clconv_conv2d *dev = NULL, *host = NULL;
  float x[60], t[90], wd[54], wr[54];
  clconv_tensor *tx, *tt, *rx, *rt, *ry, *rdy;
  double loss = 0.0;
  for (int i = 0; i < 60; i++)
    x[i] = test_float(r, -1, 1);
  for (int i = 0; i < 90; i++)
    t[i] = test_float(r, -1, 1);
  lp.in_channels = 2;
  lp.out_channels = 3;
  lp.kernel_h = lp.kernel_w = 3;
  lp.pad_h = lp.pad_w = 1;
  sgd.lr = 0.05f;
  tx = test_tensor(ctx, 4, xd, x);
  tt = test_tensor(ctx, 4, yd, t);
  rx = test_tensor(ref, 4, xd, x);
  rt = test_tensor(ref, 4, yd, t);
  ry = test_tensor(ref, 4, yd, NULL);
  rdy = test_tensor(ref, 4, yd, NULL);
  CU_ASSERT_EQUAL_FATAL(clconv_conv2d_create(ctx, &lp, &dev), 0);
  CU_ASSERT_EQUAL_FATAL(clconv_conv2d_create(ref, &lp, &host), 0);
  TEST_EXPECT_ERROR(ctx,
                    clconv_conv2d_train_step(dev, tx, tt, CLCONV_REDUCTION_SUM,
                                             &sgd, NULL, NULL, &loss),
                    CLCONV_STATUS_OK, "");
  CU_ASSERT_EQUAL(clconv_conv2d_forward(host, rx, ry), 0);
  CU_ASSERT_EQUAL(
      clconv_squared_error(ref, CLCONV_REDUCTION_SUM, ry, rt, NULL, rdy), 0);
  CU_ASSERT_EQUAL(clconv_conv2d_zero_grad(host), 0);
  CU_ASSERT_EQUAL(clconv_conv2d_backward(host, rx, rdy, NULL), 0);
  CU_ASSERT_EQUAL(clconv_conv2d_sgd_step(host, &sgd), 0);
  CU_ASSERT_EQUAL(clconv_conv2d_get(dev, CLCONV_CONV2D_WEIGHT, wd, 54), 0);
  CU_ASSERT_EQUAL(clconv_conv2d_get(host, CLCONV_CONV2D_WEIGHT, wr, 54), 0);
  for (int i = 0; i < 54; i++)
    CU_ASSERT(fabs((double)wd[i] - wr[i]) <= 1e-5 * (1.0 + fabs(wr[i])));
  if (!test_verify_mode(ctx))
    CU_ASSERT(test_kernel_ran(ctx, "train_step_small", NULL));
  clconv_conv2d_release(host);
  clconv_conv2d_release(dev);
  clconv_tensor_release(rdy);
  clconv_tensor_release(ry);
  clconv_tensor_release(rt);
  clconv_tensor_release(rx);
  clconv_tensor_release(tt);
  clconv_tensor_release(tx);
  clconv_context_release(ref);
  clconv_context_release(ctx);
}

static void test_every_path(void) {
  clconv_context *ctx = test_open_device_verify();
  clconv_device_info info;
  test_rng r = {test_seed()};
  static const struct {
    const char *source, *option;
  } paths[] = {
      {"corr2d_fwd_blocked", NULL},
      {"corr2d_fwd_blocked", "-DMASKED=1"},
      {"corr2d_fwd_blocked", "-DSCATTER=1"},
      {"generic", NULL}, /* the larger input gradient's fix-up */
      {"flip_weights", NULL},
      {"pack_weights", NULL},
      {"pad_input", NULL},
      {"corr2d_bwd_data_phases", NULL},
      {"corr2d_bwd_weight_blocked", NULL},
      {"corr2d_bwd_weight_blocked", "-DPADDED=1"},
      {"sum_chunks", NULL},
      {"corr2d_bwd_bias", NULL},
      {"corr2d_fwd_naive", NULL},
      {"corr2d_bwd_data_naive", NULL},
      {"corr2d_bwd_weight_naive", NULL},
      {"squared_error", NULL},
      {"sgd_update", NULL},
      {"init_uniform", NULL},
      {"winograd", "-DWINO_M=2"},
      {"winograd", "-DWINO_M=4"},
      {"winograd", "-DMASKED=1"},
  };
  for (size_t i = 0; i < sizeof problems / sizeof problems[0]; i++)
    run_problem(ctx, &problems[i], &r);
  run_training_step(ctx, &r);
  run_one_kernel_step(&r);
  /* The same problems through the kernels with 64-bit indices. */
  clconv__corr2d_check_test_naive_kernels(ctx, 1);
  for (size_t i = 0; i < sizeof problems / sizeof problems[0]; i++)
    if (!problems[i].nonfinite)
      run_problem(ctx, &problems[i], &r);
  clconv__corr2d_check_test_naive_kernels(ctx, 0);

  for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
    const int ok = test_kernel_ran(ctx, paths[i].source, paths[i].option);
    CU_ASSERT(ok);
    if (!ok)
      fprintf(stderr, "\n  no kernel ran from %s%s%s\n", paths[i].source,
              paths[i].option != NULL ? " with " : "",
              paths[i].option != NULL ? paths[i].option : "");
  }
  /* Forward: local memory on GPUs, the blocked kernel's padded copy on
   * CPUs, with channel blocks innermost for a large 1x1 input; the weight
   * gradient across channels on CPUs. */
  CU_ASSERT_EQUAL(clconv_context_device(ctx, &info), CLCONV_STATUS_OK);
  if (info.type == CLCONV_DEVICE_TYPE_GPU) {
    CU_ASSERT(test_kernel_ran(ctx, "corr2d_fwd_local", NULL));
  } else {
    CU_ASSERT(test_kernel_ran(ctx, "corr2d_fwd_blocked", "-DPADDED=1"));
    CU_ASSERT(test_kernel_ran(ctx, "corr2d_fwd_blocked", "-DCHANNELS_INNER=1"));
    CU_ASSERT(test_kernel_ran(ctx, "block_channels", NULL));
    CU_ASSERT(test_kernel_ran(ctx, "corr2d_bwd_weight_cvec", NULL));
  }
  clconv_context_release(ctx);
}

int main(void) {
  static const test_case tests[] = {
      {"every kernel path, verified", test_every_path},
  };
  return test_run_suite("kernel_paths", tests, sizeof tests / sizeof tests[0]);
}
