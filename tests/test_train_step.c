/* test_train_step.c: clconv_conv2d_train_step, the training step in one
 * call: on the device (one kernel for tiny layers, the ops for larger ones)
 * it gives what the ops give one after another on the reference backend,
 * step after step, with every option of the layer and of SGD; it learns the
 * notebook's edge kernel; it refuses bad input before changing anything. */
#include "support.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static clconv_context *device_ctx;
static clconv_context *reference_ctx;

/* One layer configuration; tiny ones run as one kernel. */
typedef struct config {
  const char *what;
  int64_t x[4], cout, kh, kw, pad, stride, dil, groups;
  int bias, momentum, nesterov, mean;
} config;

static const config configs[] = {
    /* clang-format off */
    {"the notebook's 6x8 image, 1x2 kernel", {1, 1, 6, 8}, 1, 1, 2, 0, 1, 1, 1,
     0, 0, 0, 0},
    {"bias, mean loss, momentum", {2, 2, 5, 7}, 3, 3, 3, 1, 1, 1, 1,
     1, 1, 0, 1},
    {"stride 2, dilation 2, groups 2, Nesterov", {1, 4, 9, 8}, 4, 2, 3, 2, 2, 2,
     2, 1, 1, 1, 0},
    {"too large for one kernel", {2, 8, 20, 20}, 8, 3, 3, 1, 1, 1, 1,
     1, 1, 0, 1},
    /* clang-format on */
};

/* The tensors of one run of a configuration on one context. */
typedef struct run {
  clconv_conv2d *layer;
  clconv_tensor *x, *target, *y, *dy, *dx;
} run;

static void run_open(run *r, clconv_context *ctx, const config *c,
                     const float *x, const float *target,
                     const int64_t y_dims[4]) {
  clconv_conv2d_params p = clconv_conv2d_params_default();
  p.out_channels = c->cout;
  p.kernel_h = c->kh;
  p.kernel_w = c->kw;
  p.pad_h = p.pad_w = c->pad;
  p.stride_h = p.stride_w = c->stride;
  p.dilation_h = p.dilation_w = c->dil;
  p.groups = c->groups;
  p.bias = c->bias;
  p.seed = 5;
  r->x = test_tensor(ctx, 4, c->x, x);
  r->target = test_tensor(ctx, 4, y_dims, target);
  r->y = test_tensor(ctx, 4, y_dims, NULL);
  r->dy = test_tensor(ctx, 4, y_dims, NULL);
  r->dx = test_tensor(ctx, 4, c->x, NULL);
  CU_ASSERT_EQUAL_FATAL(clconv_conv2d_create(ctx, &p, &r->layer),
                        CLCONV_STATUS_OK);
}

static void run_close(run *r) {
  clconv_conv2d_release(r->layer);
  clconv_tensor_release(r->dx);
  clconv_tensor_release(r->dy);
  clconv_tensor_release(r->y);
  clconv_tensor_release(r->target);
  clconv_tensor_release(r->x);
}

/* The largest |a - b| over @p n elements, relative to 1 + max |b|. */
static double relative_difference(const float *a, const float *b, size_t n) {
  double worst = 0.0, scale = 1.0;
  for (size_t i = 0; i < n; i++)
    scale = fmax(scale, fabs(b[i]));
  for (size_t i = 0; i < n; i++)
    worst = fmax(worst, fabs((double)a[i] - b[i]));
  return worst / scale;
}

/* Reads @p t of @p r and of @p s and returns their relative difference. */
static double compare_tensors(const clconv_tensor *a, const clconv_tensor *b) {
  const size_t n = clconv_tensor_count(a);
  float *ha = malloc(n * sizeof *ha + 1), *hb = malloc(n * sizeof *hb + 1);
  double d;
  CU_ASSERT_FATAL(ha != NULL && hb != NULL);
  CU_ASSERT_EQUAL(clconv_tensor_read(a, ha, n), CLCONV_STATUS_OK);
  CU_ASSERT_EQUAL(clconv_tensor_read(b, hb, n), CLCONV_STATUS_OK);
  d = relative_difference(ha, hb, n);
  free(hb);
  free(ha);
  return d;
}

/* Four steps of @p c: train_step on the device against the five ops on the
 * reference backend, from the same initial weights (the seeded init gives
 * the same bits everywhere). Every output, gradient and parameter agrees
 * within 1e-5 relative (float32 chains of a few hundred terms over four
 * steps; an indexing or update error is of order one). @return the worst
 * relative difference. */
static double check_config(const config *c, test_rng *rng) {
  const int64_t hout =
      (c->x[2] + 2 * c->pad - c->dil * (c->kh - 1) - 1) / c->stride + 1;
  const int64_t wout =
      (c->x[3] + 2 * c->pad - c->dil * (c->kw - 1) - 1) / c->stride + 1;
  const int64_t y_dims[4] = {c->x[0], c->cout, hout, wout};
  const size_t nx = (size_t)(c->x[0] * c->x[1] * c->x[2] * c->x[3]);
  const size_t ny = (size_t)(c->x[0] * c->cout * hout * wout);
  const clconv_reduction reduction =
      c->mean ? CLCONV_REDUCTION_MEAN : CLCONV_REDUCTION_SUM;
  float *x = malloc(nx * sizeof *x), *target = malloc(ny * sizeof *target);
  clconv_sgd_params sgd = clconv_sgd_params_default();
  run dev, ref;
  double worst = 0.0;
  CU_ASSERT_FATAL(x != NULL && target != NULL);
  for (size_t i = 0; i < nx; i++)
    x[i] = test_float(rng, -1.0f, 1.0f);
  for (size_t i = 0; i < ny; i++)
    target[i] = test_float(rng, -1.0f, 1.0f);
  sgd.lr = 0.05f;
  sgd.weight_decay = 0.01f;
  sgd.momentum = c->momentum ? 0.9f : 0.0f;
  sgd.nesterov = c->nesterov;
  run_open(&dev, device_ctx, c, x, target, y_dims);
  run_open(&ref, reference_ctx, c, x, target, y_dims);
  for (int step = 0; step < 4; step++) {
    double loss_dev = 0.0, loss_ref = 0.0;
    TEST_EXPECT_ERROR(device_ctx,
                      clconv_conv2d_train_step(dev.layer, dev.x, dev.target,
                                               reduction, &sgd, dev.y, dev.dx,
                                               &loss_dev),
                      CLCONV_STATUS_OK, "");
    CU_ASSERT_EQUAL(clconv_conv2d_forward(ref.layer, ref.x, ref.y), 0);
    CU_ASSERT_EQUAL(clconv_squared_error(reference_ctx, reduction, ref.y,
                                         ref.target, &loss_ref, ref.dy),
                    0);
    CU_ASSERT_EQUAL(clconv_conv2d_zero_grad(ref.layer), 0);
    CU_ASSERT_EQUAL(clconv_conv2d_backward(ref.layer, ref.x, ref.dy, ref.dx),
                    0);
    CU_ASSERT_EQUAL(clconv_conv2d_sgd_step(ref.layer, &sgd), 0);
    worst = fmax(worst, fabs(loss_dev - loss_ref) / (1.0 + fabs(loss_ref)));
    worst = fmax(worst, compare_tensors(dev.y, ref.y));
    worst = fmax(worst, compare_tensors(dev.dx, ref.dx));
    for (int part = CLCONV_CONV2D_WEIGHT; part <= CLCONV_CONV2D_GRAD_BIAS;
         part++)
      if (clconv_conv2d_tensor(ref.layer, (clconv_conv2d_part)part) != NULL)
        worst = fmax(worst,
                     compare_tensors(clconv_conv2d_tensor(
                                         dev.layer, (clconv_conv2d_part)part),
                                     clconv_conv2d_tensor(ref.layer, part)));
  }
  run_close(&ref);
  run_close(&dev);
  free(target);
  free(x);
  return worst;
}

static void test_equals_the_ops(void) {
  test_rng rng = {test_seed() + 3};
  for (size_t i = 0; i < sizeof configs / sizeof configs[0]; i++) {
    const double worst = check_config(&configs[i], &rng);
    CU_ASSERT(worst < 1e-5);
    printf("\n    %-45s worst relative difference %.2g", configs[i].what,
           worst);
  }
  /* The tiny configurations ran as the one kernel (outside verify mode). */
  if (!test_verify_mode(device_ctx))
    CU_ASSERT(test_kernel_ran(device_ctx, "train_step_small", NULL));
  printf("\n    ");
}

/* The notebook's loop by train_step: from seed 0 and lr 0.03, the loss of
 * the sum falls every epoch and after 10 epochs the kernel is within 0.15
 * of [1, -1] (the bound test_layer.c's notebook test derives). */
static void test_learns_the_edge_kernel(void) {
  const int64_t xd[4] = {1, 1, 6, 8}, yd[4] = {1, 1, 6, 7};
  float x[48], y[42], k[2];
  clconv_conv2d_params p = clconv_conv2d_params_default();
  clconv_sgd_params sgd = clconv_sgd_params_default();
  clconv_conv2d *layer = NULL;
  clconv_tensor *tx, *ty;
  double loss = 0.0, previous = INFINITY;
  test_edge_image(x, y);
  p.kernel_h = 1;
  p.kernel_w = 2;
  p.bias = 0;
  sgd.lr = 0.03f;
  tx = test_tensor(device_ctx, 4, xd, x);
  ty = test_tensor(device_ctx, 4, yd, y);
  CU_ASSERT_EQUAL_FATAL(clconv_conv2d_create(device_ctx, &p, &layer), 0);
  for (int e = 0; e < 10; e++) {
    CU_ASSERT_EQUAL(clconv_conv2d_train_step(layer, tx, ty,
                                             CLCONV_REDUCTION_SUM, &sgd, NULL,
                                             NULL, &loss),
                    CLCONV_STATUS_OK);
    CU_ASSERT(loss < previous);
    previous = loss;
  }
  CU_ASSERT_EQUAL(clconv_conv2d_get(layer, CLCONV_CONV2D_WEIGHT, k, 2), 0);
  CU_ASSERT(fabsf(k[0] - 1.0f) < 0.15f && fabsf(k[1] + 1.0f) < 0.15f);
  clconv_conv2d_release(layer);
  clconv_tensor_release(ty);
  clconv_tensor_release(tx);
}

/* Bad input is refused with a message naming it, before any op runs: the
 * weights stay as they were. */
static void test_bad_input(void) {
  clconv_context *ctx = device_ctx;
  const int64_t xd[4] = {1, 1, 6, 8}, yd[4] = {1, 1, 6, 7},
                bad[4] = {1, 1, 6, 8};
  clconv_conv2d_params p = clconv_conv2d_params_default();
  clconv_sgd_params sgd = clconv_sgd_params_default();
  clconv_conv2d *layer = NULL;
  clconv_tensor *x = test_tensor(ctx, 4, xd, NULL);
  clconv_tensor *y = test_tensor(ctx, 4, yd, NULL);
  clconv_tensor *wrong = test_tensor(ctx, 4, bad, NULL);
  float before[2], after[2];
  p.kernel_h = 1;
  p.kernel_w = 2;
  CU_ASSERT_EQUAL(clconv_tensor_fill_uniform(x, -1, 1, 1), 0);
  CU_ASSERT_EQUAL(clconv_tensor_fill_uniform(y, -1, 1, 2), 0);
  CU_ASSERT_EQUAL_FATAL(clconv_conv2d_create(ctx, &p, &layer), 0);
  CU_ASSERT_EQUAL(clconv_conv2d_output_dims(layer, x, (int64_t[4]){0}), 0);
  CU_ASSERT_EQUAL(clconv_conv2d_get(layer, CLCONV_CONV2D_WEIGHT, before, 2), 0);
  TEST_EXPECT_ERROR(ctx,
                    clconv_conv2d_train_step(layer, x, y, (clconv_reduction)7,
                                             &sgd, NULL, NULL, NULL),
                    CLCONV_STATUS_INVALID_ARGUMENT, "reduction");
  TEST_EXPECT_ERROR(ctx,
                    clconv_conv2d_train_step(layer, x, wrong,
                                             CLCONV_REDUCTION_SUM, &sgd, NULL,
                                             NULL, NULL),
                    CLCONV_STATUS_SHAPE_MISMATCH, "target");
  TEST_EXPECT_ERROR(ctx,
                    clconv_conv2d_train_step(layer, x, NULL,
                                             CLCONV_REDUCTION_SUM, &sgd, NULL,
                                             NULL, NULL),
                    CLCONV_STATUS_INVALID_ARGUMENT, "target is NULL");
  TEST_EXPECT_ERROR(ctx,
                    clconv_conv2d_train_step(layer, x, y, CLCONV_REDUCTION_SUM,
                                             &sgd, NULL, x, NULL),
                    CLCONV_STATUS_INVALID_ARGUMENT, "dx");
  TEST_EXPECT_ERROR(ctx,
                    clconv_conv2d_train_step(layer, x, y, CLCONV_REDUCTION_SUM,
                                             &sgd, y, NULL, NULL),
                    CLCONV_STATUS_INVALID_ARGUMENT, "y");
  sgd.lr = -1.0f;
  TEST_EXPECT_ERROR(ctx,
                    clconv_conv2d_train_step(layer, x, y, CLCONV_REDUCTION_SUM,
                                             &sgd, NULL, NULL, NULL),
                    CLCONV_STATUS_INVALID_ARGUMENT, "lr must be");
  CU_ASSERT_EQUAL(clconv_conv2d_train_step(NULL, x, y, CLCONV_REDUCTION_SUM,
                                           &sgd, NULL, NULL, NULL),
                  CLCONV_STATUS_INVALID_ARGUMENT);
  CU_ASSERT_EQUAL(clconv_conv2d_get(layer, CLCONV_CONV2D_WEIGHT, after, 2), 0);
  CU_ASSERT_EQUAL(memcmp(before, after, sizeof before), 0);
  clconv_conv2d_release(layer);
  clconv_tensor_release(wrong);
  clconv_tensor_release(y);
  clconv_tensor_release(x);
}

int main(void) {
  static const test_case tests[] = {
      {"one call equals the ops, step after step", test_equals_the_ops},
      {"learns the notebook's edge kernel", test_learns_the_edge_kernel},
      {"bad input refused, nothing changed", test_bad_input},
  };
  int status;
  device_ctx = test_open_device();
  reference_ctx = test_open_reference();
  status = test_run_suite("train_step", tests, sizeof tests / sizeof tests[0]);
  clconv_context_release(reference_ctx);
  clconv_context_release(device_ctx);
  return status;
}
