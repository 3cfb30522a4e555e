/* test_layer.c: the Conv2D layer: the notebooks' training (learning the edge
 * kernel [1, -1] from any seed), LazyConv2d inference, both inits, gradient
 * accumulation and zero_grad, get/set, bad input, allocation failures. */
#include "common/alloc.h"
#include "support.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static clconv_context *device_ctx;
static clconv_context *reference_ctx;

/* The notebook's loop: Y_hat = conv2d(X); l = sum (Y_hat - Y)^2;
 * zero_grad; backward; w -= lr * grad. losses[e] is the loss printed at epoch
 * e + 1 (before that epoch's update). @return 0 on success. */
static int train(clconv_context *ctx, uint64_t seed, clconv_init init,
                 int epochs, double *losses, float kernel[2]) {
  const int64_t xd[4] = {1, 1, 6, 8}, yd[4] = {1, 1, 6, 7};
  float x[48], y[42];
  clconv_conv2d_params p = clconv_conv2d_params_default();
  clconv_sgd_params sgd = clconv_sgd_params_default();
  clconv_conv2d *layer = NULL;
  clconv_tensor *tx, *ty, *y_hat, *dy;
  int failed = 0;
  test_edge_image(x, y);
  p.kernel_h = 1;
  p.kernel_w = 2;
  p.bias = 0;
  p.seed = seed;
  p.init = init;
  sgd.lr = 0.03f;
  tx = test_tensor(ctx, 4, xd, x);
  ty = test_tensor(ctx, 4, yd, y);
  y_hat = test_tensor(ctx, 4, yd, NULL);
  dy = test_tensor(ctx, 4, yd, NULL);
  if (clconv_conv2d_create(ctx, &p, &layer) != CLCONV_STATUS_OK)
    failed = 1;
  for (int e = 0; !failed && e < epochs; e++)
    failed = clconv_conv2d_forward(layer, tx, y_hat) != 0 ||
             clconv_squared_error(ctx, CLCONV_REDUCTION_SUM, y_hat, ty,
                                  &losses[e], dy) != 0 ||
             clconv_conv2d_zero_grad(layer) != 0 ||
             clconv_conv2d_backward(layer, tx, dy, NULL) != 0 ||
             clconv_conv2d_sgd_step(layer, &sgd) != 0;
  if (!failed)
    failed = clconv_conv2d_get(layer, CLCONV_CONV2D_WEIGHT, kernel, 2) != 0;
  if (failed)
    fprintf(stderr, "\ntraining failed: %s\n", clconv_context_message(ctx));
  clconv_conv2d_release(layer);
  clconv_tensor_release(dy);
  clconv_tensor_release(y_hat);
  clconv_tensor_release(ty);
  clconv_tensor_release(tx);
  return failed;
}

/* From any seed and either init, 10 epochs at lr 0.03 end with the loss of
 * epoch 10 below 1.1 and the kernel within 0.15 of [1, -1]; the loss falls
 * every epoch; 50 epochs bring the kernel within 1e-3. Device and reference
 * agree epoch by epoch. */
static void test_learn_edge_kernel(void) {
  double worst_loss = 0, worst_dist10 = 0, worst_dist50 = 0, worst_rel = 0;
  for (int seed = 0; seed < 12; seed++) {
    clconv_init init = seed % 2 ? CLCONV_INIT_UNIFORM01 : CLCONV_INIT_PYTORCH;
    double dev[50], ref[50];
    float k_dev[2], k_ref[2], k50[2];
    if (train(device_ctx, (uint64_t)seed, init, 10, dev, k_dev) != 0 ||
        train(reference_ctx, (uint64_t)seed, init, 10, ref, k_ref) != 0) {
      CU_FAIL("training failed");
      continue;
    }
    for (int e = 0; e < 10; e++) {
      double rel = fabs(dev[e] - ref[e]) / (fabs(ref[e]) + 1e-6);
      if (rel > worst_rel)
        worst_rel = rel;
      if (e > 0 && !(dev[e] < dev[e - 1])) {
        fprintf(stderr, "\nseed %d: loss rose at epoch %d\n", seed, e + 1);
        CU_FAIL("the loss must fall every epoch");
      }
    }
    if (dev[9] > worst_loss)
      worst_loss = dev[9];
    worst_dist10 =
        fmax(worst_dist10, fmax(fabs(k_dev[0] - 1.0), fabs(k_dev[1] + 1.0)));
    CU_ASSERT(fabsf(k_dev[0] - k_ref[0]) < 1e-5f &&
              fabsf(k_dev[1] - k_ref[1]) < 1e-5f);
    if (train(device_ctx, (uint64_t)seed, init, 50, dev, k50) != 0) {
      CU_FAIL("training failed");
      continue;
    }
    worst_dist50 =
        fmax(worst_dist50, fmax(fabs(k50[0] - 1.0), fabs(k50[1] + 1.0)));
  }
  CU_ASSERT(worst_loss < 1.1);
  CU_ASSERT(worst_dist10 < 0.15);
  CU_ASSERT(worst_dist50 < 1e-3);
  CU_ASSERT(worst_rel < 1e-5);
  printf("\n    12 seeds: worst loss at epoch 10 %.4f, kernel within %.4f "
         "after 10 epochs, %.2g after 50; device vs reference loss %.2g "
         "relative\n    ",
         worst_loss, worst_dist10, worst_dist50, worst_rel);
}

/* in_channels 0 is inferred from the first input (LazyConv2d); the forward
 * equals corr2d with the layer's own weight and bias. */
static void test_lazy_and_forward(void) {
  const int64_t xd[4] = {2, 3, 5, 6}, yd[4] = {2, 4, 5, 6};
  float x[180], weight[108], bias[4], y_layer[240], y_op[240];
  test_rng r = {test_seed() + 21};
  clconv_conv2d_params p = clconv_conv2d_params_default();
  clconv_corr2d_params conv = clconv_corr2d_params_default();
  clconv_conv2d *layer = NULL;
  clconv_tensor *tx, *ty, *ty2;
  int64_t dims[4];
  conv.pad_h = conv.pad_w = 1;
  for (int i = 0; i < 180; i++)
    x[i] = test_float(&r, -1, 1);
  p.out_channels = 4;
  p.kernel_h = p.kernel_w = 3;
  p.pad_h = p.pad_w = 1;
  p.seed = 5;
  CU_ASSERT_EQUAL_FATAL(clconv_conv2d_create(device_ctx, &p, &layer), 0);
  CU_ASSERT_PTR_NULL(clconv_conv2d_tensor(layer, CLCONV_CONV2D_WEIGHT));
  tx = test_tensor(device_ctx, 4, xd, x);
  CU_ASSERT_EQUAL(clconv_conv2d_output_dims(layer, tx, dims), 0);
  CU_ASSERT_EQUAL(memcmp(dims, yd, sizeof dims), 0);
  CU_ASSERT_EQUAL(
      clconv_tensor_dim(clconv_conv2d_tensor(layer, CLCONV_CONV2D_WEIGHT), 1),
      3);
  ty = test_tensor(device_ctx, 4, yd, NULL);
  ty2 = test_tensor(device_ctx, 4, yd, NULL);
  CU_ASSERT_EQUAL(clconv_conv2d_forward(layer, tx, ty), 0);
  CU_ASSERT_EQUAL(clconv_corr2d_forward(
                      device_ctx, &conv, tx,
                      clconv_conv2d_tensor(layer, CLCONV_CONV2D_WEIGHT),
                      clconv_conv2d_tensor(layer, CLCONV_CONV2D_BIAS), ty2),
                  0);
  CU_ASSERT_EQUAL(clconv_tensor_read(ty, y_layer, 240), 0);
  CU_ASSERT_EQUAL(clconv_tensor_read(ty2, y_op, 240), 0);
  CU_ASSERT_EQUAL(memcmp(y_layer, y_op, sizeof y_op), 0);

  /* PyTorch's init: weight and bias within 1/sqrt(3*3*3). */
  CU_ASSERT_EQUAL(clconv_conv2d_get(layer, CLCONV_CONV2D_WEIGHT, weight, 108),
                  0);
  CU_ASSERT_EQUAL(clconv_conv2d_get(layer, CLCONV_CONV2D_BIAS, bias, 4), 0);
  for (int i = 0; i < 108; i++)
    CU_ASSERT(fabsf(weight[i]) <= 1.0f / sqrtf(27.0f));
  for (int i = 0; i < 4; i++)
    CU_ASSERT(fabsf(bias[i]) <= 1.0f / sqrtf(27.0f));
  clconv_tensor_release(ty2);
  clconv_tensor_release(ty);
  clconv_tensor_release(tx);
  clconv_conv2d_release(layer);
}

/* Both inits give the same values on the device and the reference; the
 * notebooks' init is weight in [0, 1) with bias 0. */
static void test_inits(void) {
  for (int init = 0; init < 2; init++) {
    clconv_conv2d_params p = clconv_conv2d_params_default();
    clconv_conv2d *a = NULL, *b = NULL;
    float wa[50], wb[50], ba[2], bb[2];
    const float bound = 1.0f / sqrtf(25.0f);
    p.in_channels = 2;
    p.out_channels = 2;
    p.kernel_h = p.kernel_w = 5;
    p.groups = 2;
    p.init = (clconv_init)init;
    p.seed = 77;
    CU_ASSERT_EQUAL_FATAL(clconv_conv2d_create(device_ctx, &p, &a), 0);
    CU_ASSERT_EQUAL_FATAL(clconv_conv2d_create(reference_ctx, &p, &b), 0);
    CU_ASSERT_EQUAL(clconv_conv2d_get(a, CLCONV_CONV2D_WEIGHT, wa, 50), 0);
    CU_ASSERT_EQUAL(clconv_conv2d_get(b, CLCONV_CONV2D_WEIGHT, wb, 50), 0);
    CU_ASSERT_EQUAL(clconv_conv2d_get(a, CLCONV_CONV2D_BIAS, ba, 2), 0);
    CU_ASSERT_EQUAL(clconv_conv2d_get(b, CLCONV_CONV2D_BIAS, bb, 2), 0);
    CU_ASSERT_EQUAL(memcmp(wa, wb, sizeof wa), 0);
    CU_ASSERT_EQUAL(memcmp(ba, bb, sizeof ba), 0);
    for (int i = 0; i < 50; i++) {
      if (init == CLCONV_INIT_UNIFORM01) {
        CU_ASSERT(wa[i] >= 0.0f && wa[i] < 1.0f);
      } else {
        CU_ASSERT(wa[i] >= -bound && wa[i] < bound);
      }
    }
    if (init == CLCONV_INIT_UNIFORM01) {
      CU_ASSERT(ba[0] == 0.0f && ba[1] == 0.0f);
    } else {
      CU_ASSERT(fabsf(ba[0]) < bound && ba[0] != 0.0f);
    }
    clconv_conv2d_release(b);
    clconv_conv2d_release(a);
  }
}

/* Backward adds to the gradients (twice gives twice); zero_grad clears; set
 * replaces the weight. Integer data, so every value is exact. */
static void test_accumulate_and_zero_grad(void) {
  const int64_t xd[4] = {1, 1, 3, 3}, yd[4] = {1, 1, 2, 2};
  const float x[9] = {0, 1, 2, 3, 4, 5, 6, 7, 8}, k[4] = {0, 1, 2, 3};
  const float dy[4] = {1, 1, 1, 1};
  /* dW[i][j] = sum of the 2x2 window of X at (i, j): 8, 12, 20, 24. */
  const float dw1[4] = {8, 12, 20, 24};
  float g[4], gb[1];
  clconv_conv2d_params p = clconv_conv2d_params_default();
  clconv_conv2d *layer = NULL;
  clconv_tensor *tx = test_tensor(device_ctx, 4, xd, x);
  clconv_tensor *tdy = test_tensor(device_ctx, 4, yd, dy);
  clconv_tensor *ty = test_tensor(device_ctx, 4, yd, NULL);
  p.kernel_h = p.kernel_w = 2;
  CU_ASSERT_EQUAL_FATAL(clconv_conv2d_create(device_ctx, &p, &layer), 0);
  CU_ASSERT_EQUAL(clconv_conv2d_forward(layer, tx, ty), 0);
  CU_ASSERT_EQUAL(clconv_conv2d_set(layer, CLCONV_CONV2D_WEIGHT, k, 4), 0);
  CU_ASSERT_EQUAL(clconv_conv2d_get(layer, CLCONV_CONV2D_GRAD_WEIGHT, g, 4), 0);
  CU_ASSERT(g[0] == 0 && g[1] == 0 && g[2] == 0 && g[3] == 0);
  CU_ASSERT_EQUAL(clconv_conv2d_backward(layer, tx, tdy, NULL), 0);
  CU_ASSERT_EQUAL(clconv_conv2d_backward(layer, tx, tdy, NULL), 0);
  CU_ASSERT_EQUAL(clconv_conv2d_get(layer, CLCONV_CONV2D_GRAD_WEIGHT, g, 4), 0);
  for (int i = 0; i < 4; i++)
    CU_ASSERT_EQUAL(g[i], 2 * dw1[i]);
  CU_ASSERT_EQUAL(clconv_conv2d_get(layer, CLCONV_CONV2D_GRAD_BIAS, gb, 1), 0);
  CU_ASSERT_EQUAL(gb[0], 8);
  CU_ASSERT_EQUAL(clconv_conv2d_zero_grad(layer), 0);
  CU_ASSERT_EQUAL(clconv_conv2d_get(layer, CLCONV_CONV2D_GRAD_WEIGHT, g, 4), 0);
  CU_ASSERT(g[0] == 0 && g[1] == 0 && g[2] == 0 && g[3] == 0);
  clconv_conv2d_release(layer);
  clconv_tensor_release(ty);
  clconv_tensor_release(tdy);
  clconv_tensor_release(tx);
}

/* With momentum, three steps on the device match three on the reference. */
static void test_momentum_steps(void) {
  clconv_context *contexts[2] = {device_ctx, reference_ctx};
  float w[2][18];
  const int64_t xd[4] = {1, 2, 4, 4}, yd[4] = {1, 1, 2, 2};
  float x[32], dy[4] = {1, -2, 0.5f, 3};
  clconv_sgd_params sgd = clconv_sgd_params_default();
  for (int i = 0; i < 32; i++)
    x[i] = (float)(i % 7) - 3.0f;
  sgd.lr = 0.01f;
  sgd.momentum = 0.9f;
  sgd.weight_decay = 0.001f;
  for (int k = 0; k < 2; k++) {
    clconv_conv2d_params p = clconv_conv2d_params_default();
    clconv_conv2d *layer = NULL;
    clconv_tensor *tx = test_tensor(contexts[k], 4, xd, x);
    clconv_tensor *tdy = test_tensor(contexts[k], 4, yd, dy);
    clconv_tensor *ty = test_tensor(contexts[k], 4, yd, NULL);
    p.kernel_h = p.kernel_w = 3;
    p.stride_h = p.stride_w = 1;
    p.seed = 3;
    CU_ASSERT_EQUAL_FATAL(clconv_conv2d_create(contexts[k], &p, &layer), 0);
    for (int s = 0; s < 3; s++) {
      CU_ASSERT_EQUAL(clconv_conv2d_forward(layer, tx, ty), 0);
      CU_ASSERT_EQUAL(clconv_conv2d_zero_grad(layer), 0);
      CU_ASSERT_EQUAL(clconv_conv2d_backward(layer, tx, tdy, NULL), 0);
      CU_ASSERT_EQUAL(clconv_conv2d_sgd_step(layer, &sgd), 0);
    }
    CU_ASSERT_EQUAL(clconv_conv2d_get(layer, CLCONV_CONV2D_WEIGHT, w[k], 18),
                    0);
    clconv_conv2d_release(layer);
    clconv_tensor_release(ty);
    clconv_tensor_release(tdy);
    clconv_tensor_release(tx);
  }
  for (int i = 0; i < 18; i++)
    CU_ASSERT(fabsf(w[0][i] - w[1][i]) <= 1e-6f);
}

static void test_bad_input(void) {
  clconv_context *ctx = device_ctx;
  clconv_conv2d_params p = clconv_conv2d_params_default();
  clconv_conv2d *layer = (clconv_conv2d *)&layer;
  const int64_t xd[4] = {1, 3, 4, 4}, yd[4] = {1, 1, 4, 4};
  float data[16];
  clconv_tensor *x = test_tensor(ctx, 4, xd, NULL);
  clconv_tensor *y = test_tensor(ctx, 4, yd, NULL);
  TEST_EXPECT_ERROR(ctx, clconv_conv2d_create(ctx, NULL, &layer),
                    CLCONV_STATUS_INVALID_ARGUMENT, "params is NULL");
  CU_ASSERT_PTR_NULL(layer);
  p.out_channels = 0;
  TEST_EXPECT_ERROR(ctx, clconv_conv2d_create(ctx, &p, &layer),
                    CLCONV_STATUS_INVALID_ARGUMENT,
                    "out_channels must be 1 to 2^31-1, got 0");
  p = clconv_conv2d_params_default();
  p.kernel_w = 0;
  TEST_EXPECT_ERROR(ctx, clconv_conv2d_create(ctx, &p, &layer),
                    CLCONV_STATUS_INVALID_ARGUMENT, "kernel_h and kernel_w");
  p = clconv_conv2d_params_default();
  p.out_channels = 3;
  p.groups = 2;
  TEST_EXPECT_ERROR(ctx, clconv_conv2d_create(ctx, &p, &layer),
                    CLCONV_STATUS_SHAPE_MISMATCH,
                    "out_channels 3 is not divisible by groups = 2");
  p = clconv_conv2d_params_default();
  p.dilation_w = 0;
  TEST_EXPECT_ERROR(ctx, clconv_conv2d_create(ctx, &p, &layer),
                    CLCONV_STATUS_INVALID_ARGUMENT, "dilation_w");
  p = clconv_conv2d_params_default();
  p.init = (clconv_init)9;
  TEST_EXPECT_ERROR(ctx, clconv_conv2d_create(ctx, &p, &layer),
                    CLCONV_STATUS_INVALID_ARGUMENT, "init must be");
  p = clconv_conv2d_params_default();
  p.bias = 0;
  p.groups = 1;
  CU_ASSERT_EQUAL_FATAL(clconv_conv2d_create(ctx, &p, &layer), 0);
  TEST_EXPECT_ERROR(ctx, clconv_conv2d_backward(layer, x, y, NULL),
                    CLCONV_STATUS_INVALID_ARGUMENT, "run a forward first");
  TEST_EXPECT_ERROR(
      ctx, clconv_conv2d_get(layer, CLCONV_CONV2D_WEIGHT, data, 3),
      CLCONV_STATUS_INVALID_ARGUMENT, "yet (run a forward first)");
  CU_ASSERT_EQUAL(clconv_conv2d_forward(layer, x, y), 0);
  TEST_EXPECT_ERROR(ctx, clconv_conv2d_get(layer, CLCONV_CONV2D_BIAS, data, 1),
                    CLCONV_STATUS_INVALID_ARGUMENT, "the layer has no bias");
  TEST_EXPECT_ERROR(
      ctx, clconv_conv2d_set(layer, CLCONV_CONV2D_GRAD_WEIGHT, data, 3),
      CLCONV_STATUS_INVALID_ARGUMENT,
      "only the weight and the bias can be set");
  TEST_EXPECT_ERROR(ctx,
                    clconv_conv2d_get(layer, CLCONV_CONV2D_WEIGHT, data, 2),
                    CLCONV_STATUS_INVALID_ARGUMENT,
                    "count is 2 but the tensor holds 3 elements");
  TEST_EXPECT_ERROR(ctx, clconv_conv2d_sgd_step(layer, NULL),
                    CLCONV_STATUS_INVALID_ARGUMENT, "params is NULL");
  TEST_EXPECT_ERROR(ctx,
                    clconv_conv2d_get(layer, (clconv_conv2d_part)8, data, 1),
                    CLCONV_STATUS_INVALID_ARGUMENT, "unknown part 8");
  clconv_conv2d_release(layer);
  clconv_conv2d_release(NULL);
  CU_ASSERT_EQUAL(clconv_conv2d_forward(NULL, x, y),
                  CLCONV_STATUS_INVALID_ARGUMENT);
  clconv_tensor_release(y);
  clconv_tensor_release(x);
}

/* One training step of a lazy layer with momentum, from context creation to
 * release; @return the first failing status. */
static clconv_status layer_session(const char *device) {
  const int64_t xd[4] = {1, 2, 5, 5}, yd[4] = {1, 2, 4, 4};
  float data[50] = {0};
  double loss;
  clconv_context_options options = clconv_context_options_default();
  clconv_context *ctx = NULL;
  clconv_conv2d *layer = NULL;
  clconv_tensor *x = NULL, *y = NULL, *y_hat = NULL, *dy = NULL, *dx = NULL;
  clconv_conv2d_params p = clconv_conv2d_params_default();
  clconv_sgd_params sgd = clconv_sgd_params_default();
  clconv_status s;
  options.device = device;
  p.out_channels = 2;
  p.kernel_h = p.kernel_w = 2;
  sgd.momentum = 0.5f;
  if ((s = clconv_context_create(&options, &ctx, NULL, 0)) != 0 ||
      (s = clconv_tensor_create(ctx, 4, xd, &x)) != 0 ||
      (s = clconv_tensor_write(x, data, 50)) != 0 ||
      (s = clconv_tensor_create(ctx, 4, xd, &dx)) != 0 ||
      (s = clconv_tensor_create(ctx, 4, yd, &y)) != 0 ||
      (s = clconv_tensor_write(y, data, 32)) != 0 ||
      (s = clconv_tensor_create(ctx, 4, yd, &y_hat)) != 0 ||
      (s = clconv_tensor_create(ctx, 4, yd, &dy)) != 0 ||
      (s = clconv_conv2d_create(ctx, &p, &layer)) != 0 ||
      (s = clconv_conv2d_forward(layer, x, y_hat)) != 0 ||
      (s = clconv_squared_error(ctx, CLCONV_REDUCTION_MEAN, y_hat, y, &loss,
                                dy)) != 0 ||
      (s = clconv_conv2d_backward(layer, x, dy, dx)) != 0 ||
      (s = clconv_conv2d_sgd_step(layer, &sgd)) != 0 ||
      (s = clconv_context_finish(ctx)) != 0)
    goto done;
done:
  clconv_conv2d_release(layer);
  clconv_tensor_release(dx);
  clconv_tensor_release(dy);
  clconv_tensor_release(y_hat);
  clconv_tensor_release(y);
  clconv_tensor_release(x);
  clconv_context_release(ctx);
  return s;
}

/* Fails the 1st, 2nd, ... host allocation of a whole training session until
 * it succeeds; each must give OUT_OF_HOST_MEMORY (ASan finds any leak). */
static void test_allocation_failures(void) {
  const char *devices[2] = {"reference", NULL};
  for (int k = 0; k < 2; k++) {
    long n;
    for (n = 1; n < 1000; n++) {
      clconv_status s;
      clconv__alloc_test_fail_from(n);
      s = layer_session(devices[k]);
      clconv__alloc_test_fail_from(0);
      if (s == CLCONV_STATUS_OK)
        break;
      if (s != CLCONV_STATUS_OUT_OF_HOST_MEMORY)
        fprintf(stderr, "\nallocation %ld: %s\n", n, clconv_status_name(s));
      CU_ASSERT_EQUAL(s, CLCONV_STATUS_OUT_OF_HOST_MEMORY);
    }
    CU_ASSERT(n > 5 && n < 1000);
  }
}

int main(void) {
  static const test_case tests[] = {
      {"learn the edge kernel (notebook)", test_learn_edge_kernel},
      {"lazy in_channels and forward", test_lazy_and_forward},
      {"inits", test_inits},
      {"accumulate and zero_grad", test_accumulate_and_zero_grad},
      {"momentum steps", test_momentum_steps},
      {"bad input", test_bad_input},
      {"allocation failures", test_allocation_failures},
  };
  int status;
  device_ctx = test_open_device();
  reference_ctx = test_open_reference();
  status = test_run_suite("layer", tests, sizeof tests / sizeof tests[0]);
  clconv_context_release(reference_ctx);
  clconv_context_release(device_ctx);
  return status;
}
