/* test_loss_sgd.c: the squared-error loss, the SGD update and the seeded
 * init: hand-derived values on both backends, finite differences for the
 * loss, the device against the reference on hundreds of seeded cases, and
 * every bad argument. */
#include "reference/backend_ref.h"
#include "support.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static clconv_context *device_ctx; /* in verify mode */
static clconv_context *reference_ctx;

static clconv_tensor *vec(clconv_context *ctx, int64_t n, const float *data) {
  const int64_t dims[1] = {n};
  return test_tensor(ctx, 1, dims, data);
}

/* Derived: y_hat = [1, 2, 3], y = 0: the sum is 14 with gradient [2, 4, 6];
 * the mean is 14/3 with gradient [2/3, 4/3, 2]. */
static void test_loss_values(void) {
  clconv_context *contexts[2] = {reference_ctx, device_ctx};
  const float yh[3] = {1, 2, 3}, zero[3] = {0, 0, 0};
  for (int k = 0; k < 2; k++) {
    clconv_context *ctx = contexts[k];
    clconv_tensor *t_yh = vec(ctx, 3, yh), *t_y = vec(ctx, 3, zero);
    clconv_tensor *grad = vec(ctx, 3, NULL);
    double loss = -1;
    float g[3];
    CU_ASSERT_EQUAL(
        clconv_squared_error(ctx, CLCONV_REDUCTION_SUM, t_yh, t_y, &loss, grad),
        0);
    CU_ASSERT_EQUAL(loss, 14.0);
    CU_ASSERT_EQUAL(clconv_tensor_read(grad, g, 3), 0);
    CU_ASSERT(g[0] == 2 && g[1] == 4 && g[2] == 6);
    CU_ASSERT_EQUAL(clconv_squared_error(ctx, CLCONV_REDUCTION_MEAN, t_yh, t_y,
                                         &loss, grad),
                    0);
    CU_ASSERT_DOUBLE_EQUAL(loss, 14.0 / 3.0, 1e-12);
    CU_ASSERT_EQUAL(clconv_tensor_read(grad, g, 3), 0);
    CU_ASSERT_DOUBLE_EQUAL(g[0], 2.0 / 3.0, 1e-7);
    CU_ASSERT_DOUBLE_EQUAL(g[1], 4.0 / 3.0, 1e-7);
    CU_ASSERT_DOUBLE_EQUAL(g[2], 2.0, 1e-7);
    /* Only the loss, or only the gradient. */
    CU_ASSERT_EQUAL(
        clconv_squared_error(ctx, CLCONV_REDUCTION_SUM, t_yh, t_y, &loss, NULL),
        0);
    CU_ASSERT_EQUAL(loss, 14.0);
    CU_ASSERT_EQUAL(
        clconv_squared_error(ctx, CLCONV_REDUCTION_SUM, t_yh, t_y, NULL, grad),
        0);
    clconv_tensor_release(grad);
    clconv_tensor_release(t_y);
    clconv_tensor_release(t_yh);
  }
}

/* The reference gradient is the central difference of the reference loss
 * (exact for a quadratic, data in multiples of 1/8). */
static void test_loss_finite_differences(void) {
  test_rng r = {test_seed() + 9};
  float yh[50], y[50];
  double grad[50], loss_up, loss_down;
  for (int i = 0; i < 50; i++) {
    yh[i] = (float)test_int(&r, -16, 16) / 8.0f;
    y[i] = (float)test_int(&r, -16, 16) / 8.0f;
  }
  clconv__ref_loss_squared_error(yh, y, 50, 2.0f, NULL, NULL, grad, NULL);
  for (int i = 0; i < 50; i++) {
    const float saved = yh[i];
    yh[i] = saved + 0.125f;
    clconv__ref_loss_squared_error(yh, y, 50, 2.0f, &loss_up, NULL, NULL, NULL);
    yh[i] = saved - 0.125f;
    clconv__ref_loss_squared_error(yh, y, 50, 2.0f, &loss_down, NULL, NULL,
                                   NULL);
    yh[i] = saved;
    CU_ASSERT_DOUBLE_EQUAL((loss_up - loss_down) / 0.25, grad[i], 1e-12);
  }
}

/* 300 seeded sizes (1 to 70000, most not multiples of the work-group), both
 * reductions, on the verify-mode device. */
static void test_loss_device_vs_reference(void) {
  test_rng r = {test_seed() + 11};
  int failures = 0;
  double worst = 0.0;
  for (int i = 0; i < 300; i++) {
    const int64_t n =
        i % 10 == 0 ? test_int(&r, 1000, 70000) : test_int(&r, 1, 300);
    float *yh = malloc((size_t)n * sizeof *yh), *y = malloc((size_t)n * 4);
    clconv_tensor *t_yh, *t_y, *grad;
    clconv_verify_report report;
    double loss;
    for (int64_t k = 0; k < n; k++) {
      yh[k] = test_float(&r, -2, 2);
      y[k] = test_float(&r, -2, 2);
    }
    t_yh = vec(device_ctx, n, yh);
    t_y = vec(device_ctx, n, y);
    grad = vec(device_ctx, n, NULL);
    if (clconv_squared_error(device_ctx, (clconv_reduction)(i % 2), t_yh, t_y,
                             &loss, grad) != CLCONV_STATUS_OK) {
      fprintf(stderr, "\n%s\n", clconv_context_message(device_ctx));
      failures++;
    }
    clconv_context_last_verify(device_ctx, &report);
    CU_ASSERT_EQUAL(report.count, (size_t)n + 1); /* grad, then the loss */
    if (report.max_error_ratio > worst)
      worst = report.max_error_ratio;
    clconv_tensor_release(grad);
    clconv_tensor_release(t_y);
    clconv_tensor_release(t_yh);
    free(y);
    free(yh);
  }
  CU_ASSERT_EQUAL(failures, 0);
  printf("\n    worst loss/gradient error %.3g of the tolerance\n    ", worst);
}

/* Derived SGD steps, w = [1, 2], g = [0.5, -1], lr 0.5:
 *   plain: w - lr*g = [0.75, 2.5]
 *   weight decay 0.5: g' = g + 0.5*w = [1, 0]; w - lr*g' = [0.5, 2]
 *   momentum 0.5, two steps with the same g: buf1 = g, w1 = [0.75, 2.5];
 *     buf2 = 0.5*g + g = [0.75, -1.5], w2 = w1 - 0.5*buf2 = [0.375, 3.25]
 *   nesterov (momentum 0.5), first step: buf = g, g' = g + 0.5*g = [0.75,
 *     -1.5], w = [0.625, 2.75]
 *   dampening 0.5 (momentum 0.5), second step: buf2 = 0.5*g + 0.5*g = g,
 *     w2 = [0.75, 2.5] - 0.5*g = [0.5, 3] */
static void test_sgd_values(void) {
  clconv_context *contexts[2] = {reference_ctx, device_ctx};
  const float w0[2] = {1, 2}, g[2] = {0.5f, -1};
  typedef struct sgd_case {
    float momentum, dampening, weight_decay;
    int nesterov, steps;
    float expected[2];
  } sgd_case;
  const sgd_case cases[5] = {
      {0, 0, 0, 0, 1, {0.75f, 2.5f}},      {0, 0, 0.5f, 0, 1, {0.5f, 2}},
      {0.5f, 0, 0, 0, 2, {0.375f, 3.25f}}, {0.5f, 0, 0, 1, 1, {0.625f, 2.75f}},
      {0.5f, 0.5f, 0, 0, 2, {0.5f, 3}},
  };
  for (int k = 0; k < 2; k++)
    for (int c = 0; c < 5; c++) {
      clconv_context *ctx = contexts[k];
      clconv_tensor *w = vec(ctx, 2, w0), *tg = vec(ctx, 2, g);
      clconv_tensor *buf = vec(ctx, 2, NULL);
      clconv_sgd_params p = clconv_sgd_params_default();
      float out[2];
      p.lr = 0.5f;
      p.momentum = cases[c].momentum;
      p.dampening = cases[c].dampening;
      p.weight_decay = cases[c].weight_decay;
      p.nesterov = cases[c].nesterov;
      for (int s = 0; s < cases[c].steps; s++)
        CU_ASSERT_EQUAL(clconv_sgd_step(ctx, &p, w, tg, buf, s > 0), 0);
      CU_ASSERT_EQUAL(clconv_tensor_read(w, out, 2), 0);
      CU_ASSERT(out[0] == cases[c].expected[0] &&
                out[1] == cases[c].expected[1]);
      if (out[0] != cases[c].expected[0] || out[1] != cases[c].expected[1])
        fprintf(stderr, "\ncase %d on %s: [%g, %g]\n", c,
                k == 0 ? "reference" : "device", (double)out[0],
                (double)out[1]);
      clconv_tensor_release(buf);
      clconv_tensor_release(tg);
      clconv_tensor_release(w);
    }
}

/* 300 seeded updates of random sizes and hyper-parameters, five steps each so
 * the momentum buffer is carried, on the verify-mode device. */
static void test_sgd_device_vs_reference(void) {
  test_rng r = {test_seed() + 13};
  int failures = 0;
  double worst = 0.0;
  for (int i = 0; i < 300; i++) {
    const int64_t n = test_int(&r, 1, 500);
    float *w = malloc((size_t)n * 4), *g = malloc((size_t)n * 4);
    clconv_tensor *tw, *tg, *buf;
    clconv_sgd_params p = clconv_sgd_params_default();
    for (int64_t k = 0; k < n; k++) {
      w[k] = test_float(&r, -1, 1);
      g[k] = test_float(&r, -3, 3);
    }
    p.lr = test_float(&r, 0, 0.1f);
    p.momentum = i % 2 ? test_float(&r, 0, 0.99f) : 0.0f;
    p.weight_decay = i % 3 == 0 ? test_float(&r, 0, 0.01f) : 0.0f;
    p.nesterov = p.momentum > 0 && i % 5 == 1;
    p.dampening = p.momentum > 0 && !p.nesterov && i % 7 == 3 ? 0.3f : 0.0f;
    tw = vec(device_ctx, n, w);
    tg = vec(device_ctx, n, g);
    buf = vec(device_ctx, n, NULL);
    for (int s = 0; s < 5; s++) {
      clconv_verify_report report;
      if (clconv_sgd_step(device_ctx, &p, tw, tg, buf, s > 0) !=
          CLCONV_STATUS_OK) {
        fprintf(stderr, "\n%s\n", clconv_context_message(device_ctx));
        failures++;
        break;
      }
      clconv_context_last_verify(device_ctx, &report);
      CU_ASSERT_EQUAL(report.count, (size_t)n * (p.momentum > 0 ? 2 : 1));
      if (report.max_error_ratio > worst)
        worst = report.max_error_ratio;
    }
    clconv_tensor_release(buf);
    clconv_tensor_release(tg);
    clconv_tensor_release(tw);
    free(g);
    free(w);
  }
  CU_ASSERT_EQUAL(failures, 0);
  printf("\n    worst SGD error %.3g of the tolerance\n    ", worst);
}

/* The seeded init gives the same bits on the device and the reference, in
 * [lo, hi), and differs between seeds. */
static void test_init_identical_everywhere(void) {
  enum { N = 10007 };
  static float a[N], b[N], c[N];
  clconv_tensor *ta = vec(device_ctx, N, NULL),
                *tb = vec(reference_ctx, N, NULL);
  CU_ASSERT_EQUAL(clconv_tensor_fill_uniform(ta, -0.5f, 0.25f, 42), 0);
  CU_ASSERT_EQUAL(clconv_tensor_fill_uniform(tb, -0.5f, 0.25f, 42), 0);
  CU_ASSERT_EQUAL(clconv_tensor_read(ta, a, N), 0);
  CU_ASSERT_EQUAL(clconv_tensor_read(tb, b, N), 0);
  CU_ASSERT_EQUAL(memcmp(a, b, sizeof a), 0);
  for (int i = 0; i < N; i++)
    CU_ASSERT_FATAL(a[i] >= -0.5f && a[i] < 0.25f);
  CU_ASSERT_EQUAL(clconv_tensor_fill_uniform(tb, -0.5f, 0.25f, 43), 0);
  CU_ASSERT_EQUAL(clconv_tensor_read(tb, c, N), 0);
  CU_ASSERT_NOT_EQUAL(memcmp(a, c, sizeof a), 0);
  /* The mean of N uniform draws is within 5 standard errors of the middle. */
  {
    double mean = 0;
    for (int i = 0; i < N; i++)
      mean += a[i];
    mean /= N;
    CU_ASSERT(fabs(mean - (-0.125)) < 5 * 0.75 / sqrt(12.0 * N));
  }
  clconv_tensor_release(tb);
  clconv_tensor_release(ta);
}

static void test_bad_input(void) {
  clconv_context *contexts[2] = {reference_ctx, device_ctx};
  for (int k = 0; k < 2; k++) {
    clconv_context *ctx = contexts[k];
    clconv_tensor *a = vec(ctx, 3, NULL), *b = vec(ctx, 3, NULL);
    clconv_tensor *c4 = vec(ctx, 4, NULL);
    clconv_sgd_params p = clconv_sgd_params_default();
    double loss;
    TEST_EXPECT_ERROR(ctx, clconv_squared_error(ctx, 7, a, b, &loss, NULL),
                      CLCONV_STATUS_INVALID_ARGUMENT, "reduction");
    TEST_EXPECT_ERROR(
        ctx, clconv_squared_error(ctx, CLCONV_REDUCTION_SUM, a, b, NULL, NULL),
        CLCONV_STATUS_INVALID_ARGUMENT, "both NULL");
    TEST_EXPECT_ERROR(
        ctx,
        clconv_squared_error(ctx, CLCONV_REDUCTION_SUM, a, c4, &loss, NULL),
        CLCONV_STATUS_SHAPE_MISMATCH, "y_hat and y must have the same dims");
    TEST_EXPECT_ERROR(
        ctx,
        clconv_squared_error(ctx, CLCONV_REDUCTION_SUM, NULL, b, &loss, NULL),
        CLCONV_STATUS_INVALID_ARGUMENT, "y_hat is NULL");
    TEST_EXPECT_ERROR(
        ctx, clconv_squared_error(ctx, CLCONV_REDUCTION_SUM, a, b, &loss, a),
        CLCONV_STATUS_INVALID_ARGUMENT,
        "grad must not be the same tensor as y_hat");
    TEST_EXPECT_ERROR(ctx, clconv_sgd_step(ctx, NULL, a, b, NULL, 0),
                      CLCONV_STATUS_INVALID_ARGUMENT, "params is NULL");
    p.lr = -1;
    TEST_EXPECT_ERROR(ctx, clconv_sgd_step(ctx, &p, a, b, NULL, 0),
                      CLCONV_STATUS_INVALID_ARGUMENT,
                      "lr must be finite and >= 0, got -1");
    p.lr = NAN;
    TEST_EXPECT_ERROR(ctx, clconv_sgd_step(ctx, &p, a, b, NULL, 0),
                      CLCONV_STATUS_INVALID_ARGUMENT, "lr must be finite");
    p = clconv_sgd_params_default();
    p.momentum = 0.9f;
    TEST_EXPECT_ERROR(ctx, clconv_sgd_step(ctx, &p, a, b, NULL, 0),
                      CLCONV_STATUS_INVALID_ARGUMENT,
                      "momentum_buffer is NULL but momentum is 0.9");
    TEST_EXPECT_ERROR(ctx, clconv_sgd_step(ctx, &p, a, b, c4, 0),
                      CLCONV_STATUS_SHAPE_MISMATCH,
                      "momentum_buffer and param");
    TEST_EXPECT_ERROR(ctx, clconv_sgd_step(ctx, &p, a, b, a, 0),
                      CLCONV_STATUS_INVALID_ARGUMENT,
                      "momentum_buffer must not be the same tensor as param");
    p.nesterov = 1;
    p.dampening = 0.1f;
    TEST_EXPECT_ERROR(ctx, clconv_sgd_step(ctx, &p, a, b, c4, 0),
                      CLCONV_STATUS_INVALID_ARGUMENT, "nesterov needs");
    p = clconv_sgd_params_default();
    p.weight_decay = -0.1f;
    TEST_EXPECT_ERROR(ctx, clconv_sgd_step(ctx, &p, a, b, NULL, 0),
                      CLCONV_STATUS_INVALID_ARGUMENT, "weight_decay");
    p.weight_decay = 0;
    TEST_EXPECT_ERROR(ctx, clconv_sgd_step(ctx, &p, a, c4, NULL, 0),
                      CLCONV_STATUS_SHAPE_MISMATCH, "param and grad");
    TEST_EXPECT_ERROR(ctx, clconv_sgd_step(ctx, &p, a, a, NULL, 0),
                      CLCONV_STATUS_INVALID_ARGUMENT,
                      "param must not be the same tensor as grad");
    TEST_EXPECT_ERROR(ctx, clconv_tensor_fill_uniform(a, 1.0f, 0.0f, 1),
                      CLCONV_STATUS_INVALID_ARGUMENT, "needs finite lo <= hi");
    TEST_EXPECT_ERROR(ctx, clconv_tensor_fill_uniform(a, -3e38f, 3e38f, 1),
                      CLCONV_STATUS_INVALID_ARGUMENT, "overflows");
    CU_ASSERT_EQUAL(clconv_tensor_fill_uniform(NULL, 0, 1, 1),
                    CLCONV_STATUS_INVALID_ARGUMENT);
    clconv_tensor_release(c4);
    clconv_tensor_release(b);
    clconv_tensor_release(a);
  }
}

int main(void) {
  static const test_case tests[] = {
      {"loss values", test_loss_values},
      {"loss vs finite differences", test_loss_finite_differences},
      {"loss: device vs reference", test_loss_device_vs_reference},
      {"SGD values", test_sgd_values},
      {"SGD: device vs reference", test_sgd_device_vs_reference},
      {"init identical on every device", test_init_identical_everywhere},
      {"bad input", test_bad_input},
  };
  int status;
  device_ctx = test_open_device_verify();
  reference_ctx = test_open_reference();
  status = test_run_suite("loss_sgd", tests, sizeof tests / sizeof tests[0]);
  clconv_context_release(reference_ctx);
  clconv_context_release(device_ctx);
  return status;
}
