/* test_corr2d.c: forward cross-correlation: the notebooks' values and derived
 * cases on both backends, then the device against the reference on hundreds
 * of seeded random configurations, special values, and two threads. */
#include "corr2d_cases.h"
#include "support.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static clconv_context *device_ctx;
static clconv_context *reference_ctx;

/* Worst agreement seen over the random sweep, reported at the end. */
static double worst_ratio, worst_abs_error;
static size_t cases_run, exact_cases;

/* Creates a tensor and writes @p data into it; no CUnit calls, so threads
 * may use it. */
static clconv_status make_tensor(clconv_context *ctx, int rank,
                                 const int64_t *dims, const float *data,
                                 clconv_tensor **out) {
  clconv_status status = clconv_tensor_create(ctx, rank, dims, out);
  if (status == CLCONV_STATUS_OK && data != NULL)
    status = clconv_tensor_write(*out, data, clconv_tensor_count(*out));
  return status;
}

/* Runs @p c on @p ctx into a NaN-filled output (so an element the kernel
 * forgets stays NaN) and verifies it against the reference backend; returns
 * the output in @p out when not NULL. Makes no CUnit calls, so threads may
 * use it. @return OK when everything ran and agreed. */
static clconv_status execute_case(clconv_context *ctx, const corr2d_case *c,
                                  float **out, int64_t y_dims[4],
                                  clconv_verify_report *report) {
  const int64_t b_dims[1] = {c->w_dims[0]};
  clconv_tensor *x = NULL, *w = NULL, *b = NULL, *y = NULL;
  float *host = NULL;
  size_t count;
  clconv_status status;
  memset(report, 0, sizeof *report);
  if ((status = make_tensor(ctx, 4, c->x_dims, c->x, &x)) != 0 ||
      (status = make_tensor(ctx, 4, c->w_dims, c->w, &w)) != 0 ||
      (c->has_bias && (status = make_tensor(ctx, 1, b_dims, c->b, &b)) != 0) ||
      (status = clconv_corr2d_output_dims(ctx, &c->p, x, w, y_dims)) != 0)
    goto done;
  count = dims_count(y_dims, 4);
  host = malloc(count * sizeof *host + 1);
  if (host == NULL) {
    status = CLCONV_STATUS_OUT_OF_HOST_MEMORY;
    goto done;
  }
  for (size_t i = 0; i < count; i++)
    host[i] = NAN;
  if ((status = make_tensor(ctx, 4, y_dims, host, &y)) != 0 ||
      (status = clconv_corr2d_forward(ctx, &c->p, x, w, b, y)) != 0 ||
      (status = clconv_corr2d_verify(ctx, &c->p, x, w, b, y, report)) != 0)
    goto done;
  if (report->count != count) {
    status = CLCONV_STATUS_VERIFY_MISMATCH;
    goto done;
  }
  if (out != NULL) {
    status = clconv_tensor_read(y, host, count);
    if (status == CLCONV_STATUS_OK) {
      *out = host;
      host = NULL;
    }
  }
done:
  free(host);
  clconv_tensor_release(y);
  clconv_tensor_release(b);
  clconv_tensor_release(w);
  clconv_tensor_release(x);
  return status;
}

/* execute_case, reporting a failure to CUnit with the configuration.
 * @return 0 when everything agreed. */
static int run_case(clconv_context *ctx, const corr2d_case *c, float **out,
                    int64_t y_dims[4], clconv_verify_report *report) {
  clconv_status status = execute_case(ctx, c, out, y_dims, report);
  if (status == CLCONV_STATUS_OK)
    return 0;
  fprintf(stderr,
          "\n%s: x (%lld,%lld,%lld,%lld) w (%lld,%lld,%lld,%lld) pad "
          "%lld,%lld stride %lld,%lld dil %lld,%lld groups %lld bias %d: "
          "%s\n",
          clconv_status_name(status), (long long)c->x_dims[0],
          (long long)c->x_dims[1], (long long)c->x_dims[2],
          (long long)c->x_dims[3], (long long)c->w_dims[0],
          (long long)c->w_dims[1], (long long)c->w_dims[2],
          (long long)c->w_dims[3], (long long)c->p.pad_h, (long long)c->p.pad_w,
          (long long)c->p.stride_h, (long long)c->p.stride_w,
          (long long)c->p.dilation_h, (long long)c->p.dilation_w,
          (long long)c->p.groups, c->has_bias, clconv_context_message(ctx));
  CU_FAIL("the case failed or differs from the reference");
  return 1;
}

/* Runs @p c on both backends and checks the output against @p expected with
 * tolerance @p tol (0: exactly). */
static void expect_values(const corr2d_case *c, const float *expected,
                          const int64_t *expected_dims, float tol) {
  clconv_context *contexts[2] = {reference_ctx, device_ctx};
  for (int k = 0; k < 2; k++) {
    float *y = NULL;
    int64_t y_dims[4];
    clconv_verify_report report;
    if (run_case(contexts[k], c, &y, y_dims, &report) != 0)
      continue;
    CU_ASSERT_EQUAL(memcmp(y_dims, expected_dims, sizeof y_dims), 0);
    for (size_t i = 0; i < dims_count(expected_dims, 4); i++)
      if (fabsf(y[i] - expected[i]) > tol) {
        fprintf(stderr, "\n%s: y[%zu] = %.9g, expected %.9g\n",
                k == 0 ? "reference" : "device", i, (double)y[i],
                (double)expected[i]);
        CU_FAIL("value differs from the expected one");
        break;
      }
    free(y);
  }
}

static corr2d_case case_2d(float *x, int64_t h, int64_t w, float *k, int64_t kh,
                           int64_t kw) {
  corr2d_case c;
  memset(&c, 0, sizeof c);
  c.x_dims[0] = c.x_dims[1] = 1;
  c.x_dims[2] = h;
  c.x_dims[3] = w;
  c.w_dims[0] = c.w_dims[1] = 1;
  c.w_dims[2] = kh;
  c.w_dims[3] = kw;
  c.p = clconv_corr2d_params_default();
  c.x = x;
  c.w = k;
  return c;
}

/* Notebook: corr2d(X, K) with X = 0..8 (3x3) and K = [[0,1],[2,3]]. */
static void test_notebook_corr2d(void) {
  float x[9] = {0, 1, 2, 3, 4, 5, 6, 7, 8}, k[4] = {0, 1, 2, 3};
  float expected[4] = {19, 25, 37, 43};
  const int64_t dims[4] = {1, 1, 2, 2};
  corr2d_case c = case_2d(x, 3, 3, k, 2, 2);
  expect_values(&c, expected, dims, 0.0f);
}

/* Notebook: Conv2D forward = corr2d(X, weight) + bias. On the all-ones 3x3
 * image every output is the sum of the weights (2.9292 in the notebook for
 * its weights); with bias 0.5 it is that sum plus 0.5. */
static void test_notebook_conv2d_layer(void) {
  float x[9], k[4] = {0.3308f, 0.8742f, 0.9866f, 0.7376f}, b[1] = {0.5f};
  float expected[4];
  const int64_t dims[4] = {1, 1, 2, 2};
  corr2d_case c = case_2d(x, 3, 3, k, 2, 2);
  for (int i = 0; i < 9; i++)
    x[i] = 1.0f;
  for (int i = 0; i < 4; i++)
    expected[i] = 2.9292f + 0.5f;
  c.has_bias = 1;
  c.b = b;
  expect_values(&c, expected, dims, 1e-5f);
}

/* Notebook: edge detection. X = ones(6, 8) with columns 2..5 zero; K =
 * [[1, -1]] gives 1 in column 1 and -1 in column 5; on X.T it gives zeros. */
static void test_notebook_edges(void) {
  float x[48], xt[48], k[2] = {1, -1}, expected[42] = {0}, zeros[40] = {0};
  const int64_t dims[4] = {1, 1, 6, 7}, dims_t[4] = {1, 1, 8, 5};
  corr2d_case c = case_2d(x, 6, 8, k, 1, 2);
  corr2d_case ct = case_2d(xt, 8, 6, k, 1, 2);
  for (int i = 0; i < 6; i++)
    for (int j = 0; j < 8; j++)
      xt[j * 6 + i] = x[i * 8 + j] = (j >= 2 && j <= 5) ? 0.0f : 1.0f;
  for (int i = 0; i < 6; i++) {
    expected[i * 7 + 1] = 1;
    expected[i * 7 + 5] = -1;
  }
  expect_values(&c, expected, dims, 0.0f);
  expect_values(&ct, zeros, dims_t, 0.0f);
}

/* Notebook: a 3x3 kernel with padding 1 keeps 8x8; stride 2 halves it. The
 * values come from the reference comparison inside run_case. */
static void test_notebook_padding_shapes(void) {
  float x[64], k[9];
  test_rng r = {test_seed()};
  const int64_t same[4] = {1, 1, 8, 8}, half[4] = {1, 1, 4, 4};
  corr2d_case c = case_2d(x, 8, 8, k, 3, 3);
  int64_t y_dims[4];
  clconv_verify_report report;
  for (int i = 0; i < 64; i++)
    x[i] = test_float(&r, 0, 1);
  for (int i = 0; i < 9; i++)
    k[i] = test_float(&r, 0, 1);
  c.p.pad_h = c.p.pad_w = 1;
  CU_ASSERT_EQUAL(run_case(device_ctx, &c, NULL, y_dims, &report), 0);
  CU_ASSERT_EQUAL(memcmp(y_dims, same, sizeof same), 0);
  c.p.stride_h = c.p.stride_w = 2;
  CU_ASSERT_EQUAL(run_case(device_ctx, &c, NULL, y_dims, &report), 0);
  CU_ASSERT_EQUAL(memcmp(y_dims, half, sizeof half), 0);
}

/* Derived: X = 5i + j (5x5), K = ones(2, 2), dilation 2: y[i][j] =
 * x[i][j] + x[i][j+2] + x[i+2][j] + x[i+2][j+2] = 20i + 4j + 24 (3x3). With
 * stride 2 as well, the output is those at (2i, 2j) (2x2). */
static void test_dilation_and_stride_values(void) {
  float x[25], k[4] = {1, 1, 1, 1}, expected[9], strided[4];
  const int64_t dims[4] = {1, 1, 3, 3}, dims_s[4] = {1, 1, 2, 2};
  corr2d_case c = case_2d(x, 5, 5, k, 2, 2);
  for (int i = 0; i < 25; i++)
    x[i] = (float)i;
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++)
      expected[i * 3 + j] = (float)(20 * i + 4 * j + 24);
  for (int i = 0; i < 2; i++)
    for (int j = 0; j < 2; j++)
      strided[i * 2 + j] = expected[(2 * i) * 3 + 2 * j];
  c.p.dilation_h = c.p.dilation_w = 2;
  expect_values(&c, expected, dims, 0.0f);
  c.p.stride_h = c.p.stride_w = 2;
  expect_values(&c, strided, dims_s, 0.0f);
}

/* Derived: two groups of 1x1 kernels: y[0] = 2*x[0] + 1, y[1] = -3*x[1] - 1;
 * the channels do not mix. */
static void test_groups_values(void) {
  float x[8] = {1, 2, 3, 4, 10, 20, 30, 40}, k[2] = {2, -3}, b[2] = {1, -1};
  float expected[8] = {3, 5, 7, 9, -31, -61, -91, -121};
  const int64_t dims[4] = {1, 2, 2, 2};
  corr2d_case c = case_2d(x, 2, 2, k, 1, 1);
  c.x_dims[1] = 2;
  c.w_dims[0] = 2;
  c.p.groups = 2;
  c.has_bias = 1;
  c.b = b;
  expect_values(&c, expected, dims, 0.0f);
}

/* Derived: padding larger than the kernel. A 1x1 kernel with padding 2 on a
 * 2x2 image gives 6x6, where every window made only of padding equals the
 * bias and the middle 2x2 is w*x + b. */
static void test_padding_only_windows_equal_bias(void) {
  float x[4] = {1, 2, 3, 4}, k[1] = {10}, b[1] = {0.25f}, expected[36];
  const int64_t dims[4] = {1, 1, 6, 6};
  corr2d_case c = case_2d(x, 2, 2, k, 1, 1);
  for (int i = 0; i < 36; i++)
    expected[i] = 0.25f;
  expected[2 * 6 + 2] = 10.25f;
  expected[2 * 6 + 3] = 20.25f;
  expected[3 * 6 + 2] = 30.25f;
  expected[3 * 6 + 3] = 40.25f;
  c.p.pad_h = c.p.pad_w = 2;
  c.has_bias = 1;
  c.b = b;
  expect_values(&c, expected, dims, 0.0f);
}

static void sweep(clconv_context *ctx, uint64_t seed, int count,
                  int *failures) {
  test_rng r = {seed};
  for (int i = 0; i < count; i++) {
    corr2d_case c;
    int64_t y_dims[4];
    clconv_verify_report report;
    random_case(&r, i, &c);
    if (run_case(ctx, &c, NULL, y_dims, &report) != 0) {
      (*failures)++;
    } else if (ctx == device_ctx) {
      cases_run++;
      exact_cases += (size_t)(report.exact && report.count > 0);
      if (report.count > 0 && report.exact != (i % 2 == 0)) {
        fprintf(stderr, "\ncase %d: integer data must compare exactly\n", i);
        (*failures)++;
      }
      if (!report.exact && report.max_error_ratio > worst_ratio)
        worst_ratio = report.max_error_ratio;
      if (report.max_abs_error > worst_abs_error)
        worst_abs_error = report.max_abs_error;
    }
    case_free(&c);
  }
}

/* 360 seeded random configurations, device against reference. */
static void test_random_device_vs_reference(void) {
  int failures = 0;
  sweep(device_ctx, test_seed(), 360, &failures);
  CU_ASSERT_EQUAL(failures, 0);
  printf("\n    %zu configurations (%zu exact); worst bounded error %.3g of "
         "the tolerance; worst absolute error %.3g\n    ",
         cases_run, exact_cases, worst_ratio, worst_abs_error);
}

/* A 1x1 layer whose image's input outgrows the cache runs the blocked
 * kernel with the channel blocks innermost: two such problems (one with
 * groups and a bias, one strided, which is not flattened), integer data,
 * exact. */
static void test_pointwise_channels_inner(void) {
  test_rng r = {test_seed() + 43};
  const int64_t shapes[2][6] = {{2, 96, 60, 50, 32, 2}, {1, 80, 70, 61, 48, 1}};
  int failures = 0;
  for (int i = 0; i < 2; i++) {
    corr2d_case c;
    int64_t y_dims[4];
    clconv_verify_report report;
    memset(&c, 0, sizeof c);
    c.p = clconv_corr2d_params_default();
    c.p.groups = shapes[i][5];
    c.p.stride_h = c.p.stride_w = i + 1;
    memcpy(c.x_dims, shapes[i], 4 * sizeof(int64_t));
    c.w_dims[0] = shapes[i][4];
    c.w_dims[1] = shapes[i][1] / shapes[i][5];
    c.w_dims[2] = c.w_dims[3] = 1;
    c.has_bias = i == 0;
    c.x = malloc(dims_count(c.x_dims, 4) * sizeof *c.x);
    c.w = malloc(dims_count(c.w_dims, 4) * sizeof *c.w);
    c.b = malloc((size_t)c.w_dims[0] * sizeof *c.b);
    CU_ASSERT_FATAL(c.x != NULL && c.w != NULL && c.b != NULL);
    for (size_t j = 0; j < dims_count(c.x_dims, 4); j++)
      c.x[j] = (float)test_int(&r, -4, 4);
    for (size_t j = 0; j < dims_count(c.w_dims, 4); j++)
      c.w[j] = (float)test_int(&r, -4, 4);
    for (int64_t j = 0; j < c.w_dims[0]; j++)
      c.b[j] = (float)test_int(&r, -8, 8);
    if (execute_case(device_ctx, &c, NULL, y_dims, &report) !=
            CLCONV_STATUS_OK ||
        !report.exact) {
      failures++;
      fprintf(stderr, "\n  %s\n", clconv_context_message(device_ctx));
      case_print(&c);
    }
    case_free(&c);
  }
  CU_ASSERT_EQUAL(failures, 0);
}

/* NaN and infinity propagate to exactly the outputs whose window reads them:
 * with positive weights, a window holding the NaN gives NaN, one holding only
 * the +Inf gives +Inf, and every other output stays finite. */
static void test_nan_and_inf_propagate(void) {
  enum { H = 7, W = 9 };
  const int nan_at = 1 * W + 2, inf_at = 5 * W + 6;
  float x[H * W], k[6], *y = NULL;
  const int64_t out_h = H - 1, out_w = W - 2;
  int64_t y_dims[4];
  clconv_verify_report report;
  corr2d_case c = case_2d(x, H, W, k, 2, 3);
  for (int i = 0; i < H * W; i++)
    x[i] = (float)(i % 5) - 2.0f;
  for (int i = 0; i < 6; i++)
    k[i] = 0.5f + (float)i;
  x[nan_at] = NAN;
  x[inf_at] = INFINITY;
  if (run_case(device_ctx, &c, &y, y_dims, &report) != 0)
    return;
  for (int64_t i = 0; i < out_h; i++)
    for (int64_t j = 0; j < out_w; j++) {
      int reads_nan = (nan_at / W) - i >= 0 && (nan_at / W) - i < 2 &&
                      (nan_at % W) - j >= 0 && (nan_at % W) - j < 3;
      int reads_inf = (inf_at / W) - i >= 0 && (inf_at / W) - i < 2 &&
                      (inf_at % W) - j >= 0 && (inf_at % W) - j < 3;
      float v = y[i * out_w + j];
      if (reads_nan) {
        CU_ASSERT(isnan(v));
      } else if (reads_inf) {
        CU_ASSERT(isinf(v) && v > 0);
      } else {
        CU_ASSERT(isfinite(v));
      }
    }
  free(y);
}

/* Derived: the padding is a zero that multiplies, as in PyTorch. X =
 * ones(3, 3), K = ones(3, 3) but K[0][0] = +Inf, padding 1: tap (0, 0) of the
 * window at (i, j) reads X[i-1][j-1], the padding when i or j is 0, so
 * 0 * Inf = NaN there; elsewhere 1 * Inf = +Inf. */
static void test_inf_weight_meets_padding(void) {
  clconv_context *contexts[2] = {reference_ctx, device_ctx};
  float x[9], k[9], *y = NULL;
  int64_t y_dims[4];
  clconv_verify_report report;
  corr2d_case c = case_2d(x, 3, 3, k, 3, 3);
  for (int i = 0; i < 9; i++)
    x[i] = k[i] = 1.0f;
  k[0] = INFINITY;
  c.p.pad_h = c.p.pad_w = 1;
  for (int ctx = 0; ctx < 2; ctx++) {
    if (run_case(contexts[ctx], &c, &y, y_dims, &report) != 0)
      continue;
    for (int i = 0; i < 3; i++)
      for (int j = 0; j < 3; j++) {
        if (i == 0 || j == 0) {
          CU_ASSERT(isnan(y[i * 3 + j]));
        } else {
          CU_ASSERT(isinf(y[i * 3 + j]) && y[i * 3 + j] > 0);
        }
      }
    free(y);
    y = NULL;
  }
}

/* Subnormal inputs give results within tolerance, flushed or not. */
static void test_subnormals(void) {
  float x[36], k[9];
  test_rng r = {test_seed() + 5};
  int64_t y_dims[4];
  clconv_verify_report report;
  corr2d_case c = case_2d(x, 6, 6, k, 3, 3);
  for (int i = 0; i < 36; i++)
    x[i] = test_float(&r, -1, 1) * 1e-39f;
  for (int i = 0; i < 9; i++)
    k[i] = test_float(&r, -1, 1);
  CU_ASSERT_EQUAL(run_case(device_ctx, &c, NULL, y_dims, &report), 0);
}

/* verify_sample compares that many elements of a larger output, and still
 * runs the reference: a result written over afterwards fails. */
static void test_sampled_verification(void) {
  clconv_context_options options = clconv_context_options_default();
  clconv_context *ctx = NULL;
  const int64_t xd[4] = {2, 3, 20, 30}, wd[4] = {4, 3, 3, 3};
  int64_t yd[4];
  float x[3600], w[108], *junk;
  test_rng r = {test_seed() + 31};
  clconv_corr2d_params p = clconv_corr2d_params_default();
  clconv_verify_report report;
  clconv_tensor *tx, *tw, *ty;
  for (int i = 0; i < 3600; i++)
    x[i] = test_float(&r, -1, 1);
  for (int i = 0; i < 108; i++)
    w[i] = test_float(&r, -1, 1);
  options.verify = 1;
  options.verify_sample = 10;
  CU_ASSERT_EQUAL_FATAL(clconv_context_create(&options, &ctx, NULL, 0), 0);
  tx = test_tensor(ctx, 4, xd, x);
  tw = test_tensor(ctx, 4, wd, w);
  CU_ASSERT_EQUAL(clconv_corr2d_output_dims(ctx, &p, tx, tw, yd), 0);
  ty = test_tensor(ctx, 4, yd, NULL);
  CU_ASSERT_EQUAL(clconv_corr2d_forward(ctx, &p, tx, tw, NULL, ty), 0);
  CU_ASSERT_EQUAL(clconv_context_last_verify(ctx, &report), 0);
  CU_ASSERT_EQUAL(report.count, 10);
  CU_ASSERT_EQUAL(report.mismatches, 0);
  /* The last element is always in the sample: spoil it and verify again. */
  junk = calloc(clconv_tensor_count(ty), sizeof *junk);
  CU_ASSERT_EQUAL(clconv_tensor_read(ty, junk, clconv_tensor_count(ty)), 0);
  junk[clconv_tensor_count(ty) - 1] += 1.0f;
  CU_ASSERT_EQUAL(clconv_tensor_write(ty, junk, clconv_tensor_count(ty)), 0);
  CU_ASSERT_EQUAL(clconv_corr2d_verify(ctx, &p, tx, tw, NULL, ty, &report),
                  CLCONV_STATUS_VERIFY_MISMATCH);
  CU_ASSERT_EQUAL(report.mismatches, 1);
  free(junk);
  clconv_tensor_release(ty);
  clconv_tensor_release(tw);
  clconv_tensor_release(tx);
  clconv_context_release(ctx);
}

/* The peak measurement gives positive figures on a device, below any that
 * hardware reaches (1 PFLOP/s, 100 TB/s: a figure above them means the
 * timing did not wait for the kernels, as rusticl's clFinish once did),
 * zeros on the reference, and refuses a NULL result. */
static void test_measure_peak(void) {
  clconv_peak peak;
  clconv_device_info info;
  CU_ASSERT_EQUAL(clconv_context_measure_peak(device_ctx, &peak), 0);
  clconv_context_device(device_ctx, &info);
  if (info.type != CLCONV_DEVICE_TYPE_REFERENCE) {
    CU_ASSERT(peak.gflops > 0.0 && peak.gflops < 1e6);
    CU_ASSERT(peak.gbps > 0.0 && peak.gbps < 1e5);
  }
  CU_ASSERT_EQUAL(clconv_context_measure_peak(reference_ctx, &peak), 0);
  CU_ASSERT(peak.gflops == 0 && peak.gbps == 0);
  TEST_EXPECT_ERROR(device_ctx, clconv_context_measure_peak(device_ctx, NULL),
                    CLCONV_STATUS_INVALID_ARGUMENT, "peak is NULL");
}

/* Two contexts used from two threads at once agree with the reference. */
typedef struct thread_job {
  uint64_t seed;
  int failures;
  int opened;
} thread_job;

static void *thread_main(void *arg) {
  thread_job *job = arg;
  clconv_context *ctx = NULL;
  char message[512];
  test_rng r = {job->seed};
  if (clconv_context_create(NULL, &ctx, message, sizeof message) !=
      CLCONV_STATUS_OK)
    return NULL;
  job->opened = 1;
  /* CUnit asserts are not thread-safe: failures are counted by hand. */
  for (int i = 0; i < 24; i++) {
    corr2d_case c;
    int64_t y_dims[4];
    clconv_verify_report report;
    random_case(&r, i, &c);
    if (execute_case(ctx, &c, NULL, y_dims, &report) != CLCONV_STATUS_OK)
      job->failures++;
    case_free(&c);
  }
  clconv_context_release(ctx);
  return NULL;
}

static void test_two_threads(void) {
  pthread_t threads[2];
  thread_job jobs[2] = {{test_seed() + 101, 0, 0}, {test_seed() + 202, 0, 0}};
  for (int t = 0; t < 2; t++)
    CU_ASSERT_EQUAL_FATAL(
        pthread_create(&threads[t], NULL, thread_main, &jobs[t]), 0);
  for (int t = 0; t < 2; t++) {
    pthread_join(threads[t], NULL);
    CU_ASSERT(jobs[t].opened);
    CU_ASSERT_EQUAL(jobs[t].failures, 0);
  }
}

int main(void) {
  static const test_case tests[] = {
      {"notebook corr2d 3x3", test_notebook_corr2d},
      {"notebook Conv2D layer with bias", test_notebook_conv2d_layer},
      {"notebook edge detection and X.T", test_notebook_edges},
      {"notebook padding and stride shapes", test_notebook_padding_shapes},
      {"dilation and stride values", test_dilation_and_stride_values},
      {"groups values", test_groups_values},
      {"windows of only padding equal the bias",
       test_padding_only_windows_equal_bias},
      {"random configurations: device vs reference",
       test_random_device_vs_reference},
      {"1x1 with a large input: channel blocks innermost",
       test_pointwise_channels_inner},
      {"NaN and Inf propagate", test_nan_and_inf_propagate},
      {"an infinite weight meets the padding", test_inf_weight_meets_padding},
      {"subnormal inputs", test_subnormals},
      {"two contexts in two threads", test_two_threads},
      {"sampled verification", test_sampled_verification},
      {"peak measurement", test_measure_peak},
  };
  int status;
  device_ctx = test_open_device();
  reference_ctx = test_open_reference();
  status = test_run_suite("corr2d", tests, sizeof tests / sizeof tests[0]);
  clconv_context_release(reference_ctx);
  clconv_context_release(device_ctx);
  return status;
}
