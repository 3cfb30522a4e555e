/* test_replicas.c: data-parallel training (clconv_replicas_*): the batch
 * split; P = 1, 2, 3 replicas (unequal shards, a batch not divisible by P,
 * a replica with no rows) against one layer training the whole batch, bit
 * for bit with small integer data and the sum loss, within 1e-5 with float
 * data and the mean loss, on the reference backend and on the device (two
 * PoCL devices when POCL_DEVICES gives them); the all-reduce's contract;
 * bad arguments. */
#include "common/batch_split.h"
#include "support.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { N = 7, CIN = 2, H = 6, W = 5, COUT = 3, K = 3 };
enum { XN = N * CIN * H * W, YN = N * COUT * (H - K + 3) * (W - K + 3) };
static const int64_t x_dims[4] = {N, CIN, H, W};
static const int64_t y_dims[4] = {N, COUT, H - K + 3, W - K + 3}; /* pad 1 */

static void test_split(void) {
  int64_t first[3], rows[3];
  const double shares[3] = {1, 2, 1}, zero_first[3] = {0, 1, 1};
  clconv__batch_split(7, 3, NULL, first, rows);
  CU_ASSERT(rows[0] == 3 && rows[1] == 2 && rows[2] == 2);
  CU_ASSERT(first[0] == 0 && first[1] == 3 && first[2] == 5);
  /* 10 x (1/4, 1/2, 1/4) = 2.5, 5, 2.5: one row left, to index 0. */
  clconv__batch_split(10, 3, shares, first, rows);
  CU_ASSERT(rows[0] == 3 && rows[1] == 5 && rows[2] == 2);
  clconv__batch_split(2, 3, NULL, first, rows);
  CU_ASSERT(rows[0] == 1 && rows[1] == 1 && rows[2] == 0 && first[2] == 2);
  clconv__batch_split(5, 3, zero_first, first, rows);
  CU_ASSERT(rows[0] == 0 && rows[1] + rows[2] == 5);
}

/* The layer every run starts from: weights and bias in eighths. */
static clconv_conv2d_params layer_params(void) {
  clconv_conv2d_params p = clconv_conv2d_params_default();
  p.in_channels = CIN;
  p.out_channels = COUT;
  p.kernel_h = p.kernel_w = K;
  p.pad_h = p.pad_w = 1;
  return p;
}

static void set_start(clconv_conv2d *l) {
  float w[COUT * CIN * K * K], b[COUT];
  for (int i = 0; i < COUT * CIN * K * K; i++)
    w[i] = (float)((i * 5) % 7 - 3) / 8.0f;
  for (int i = 0; i < COUT; i++)
    b[i] = (float)(i - 1) / 8.0f;
  CU_ASSERT_EQUAL(clconv_conv2d_set(l, CLCONV_CONV2D_WEIGHT, w, sizeof w / 4),
                  0);
  CU_ASSERT_EQUAL(clconv_conv2d_set(l, CLCONV_CONV2D_BIAS, b, COUT), 0);
}

/* @p steps steps of one layer on the whole batch; its final weight and bias
 * into @p out. */
static void train_one(clconv_context *ctx, int steps, const float *x,
                      const float *t, clconv_reduction reduction,
                      const clconv_sgd_params *sgd,
                      float out[COUT * CIN * K * K + COUT], double *loss) {
  clconv_conv2d_params p = layer_params();
  clconv_conv2d *l = NULL;
  clconv_tensor *tx = test_tensor(ctx, 4, x_dims, x);
  clconv_tensor *tt = test_tensor(ctx, 4, y_dims, t);
  CU_ASSERT_EQUAL_FATAL(clconv_conv2d_create(ctx, &p, &l), 0);
  set_start(l);
  for (int step = 0; step < steps; step++)
    CU_ASSERT_EQUAL(
        clconv_conv2d_train_step(l, tx, tt, reduction, sgd, NULL, NULL, loss),
        0);
  CU_ASSERT_EQUAL(
      clconv_conv2d_get(l, CLCONV_CONV2D_WEIGHT, out, COUT * CIN * K * K), 0);
  CU_ASSERT_EQUAL(
      clconv_conv2d_get(l, CLCONV_CONV2D_BIAS, out + COUT * CIN * K * K, COUT),
      0);
  clconv_conv2d_release(l);
  clconv_tensor_release(tt);
  clconv_tensor_release(tx);
}

/* The same steps on @p count replicas (contexts @p ctxs); every replica's
 * final parameters must be identical; replica 0's into @p out. */
static void train_replicas(clconv_context *const *ctxs, int count, int steps,
                           const double *shares, const float *x, const float *t,
                           clconv_reduction reduction,
                           const clconv_sgd_params *sgd,
                           float out[COUT * CIN * K * K + COUT], double *loss) {
  const int np = COUT * CIN * K * K + COUT;
  clconv_conv2d_params p = layer_params();
  clconv_replicas_params rp = clconv_replicas_params_default();
  clconv_replicas *r = NULL;
  char message[512];
  rp.shares = shares;
  CU_ASSERT_EQUAL_FATAL(
      clconv_replicas_create(ctxs, count, &p, &rp, &r, message, sizeof message),
      0);
  for (int i = 0; i < count; i++)
    set_start(clconv_replicas_layer(r, i));
  for (int step = 0; step < steps; step++) {
    const clconv_status s = clconv_replicas_train_step(r, x, x_dims, t, y_dims,
                                                       reduction, sgd, loss);
    CU_ASSERT_EQUAL(s, 0);
    if (s != 0)
      fprintf(stderr, "\n  %s\n", clconv_replicas_message(r));
  }
  for (int i = 0; i < count; i++) {
    float mine[COUT * CIN * K * K + COUT];
    clconv_conv2d *l = clconv_replicas_layer(r, i);
    CU_ASSERT_EQUAL(
        clconv_conv2d_get(l, CLCONV_CONV2D_WEIGHT, mine, COUT * CIN * K * K),
        0);
    CU_ASSERT_EQUAL(clconv_conv2d_get(l, CLCONV_CONV2D_BIAS,
                                      mine + COUT * CIN * K * K, COUT),
                    0);
    if (i == 0)
      memcpy(out, mine, sizeof mine);
    CU_ASSERT_EQUAL(memcmp(out, mine, (size_t)np * sizeof *mine), 0);
  }
  clconv_replicas_release(r);
}

/* Contexts for up to three replicas on @p device_kind: the reference, or
 * the device ("0:0", "0:1" when POCL_DEVICES gives two, else "0:0" again). */
static int open_contexts(int reference, clconv_context *ctxs[3]) {
  static const char *const specs[3] = {"0:0", "0:1", "0:0"};
  for (int i = 0; i < 3; i++) {
    clconv_context_options o = clconv_context_options_default();
    char message[512];
    o.device = reference ? "reference" : specs[i];
    if (clconv_context_create(&o, &ctxs[i], message, sizeof message) != 0) {
      o.device = "0:0"; /* one device only */
      if (clconv_context_create(&o, &ctxs[i], message, sizeof message) != 0)
        return -1;
    }
  }
  return 0;
}

static void close_contexts(clconv_context *ctxs[3]) {
  for (int i = 0; i < 3; i++)
    clconv_context_release(ctxs[i]);
}

/* P = 1, 2, 3, even and unequal shards, against one layer. Integer data
 * (x in [-1, 1], targets in [-2, 2], weights in eighths, lr 2^-10) keeps
 * one step's every sum exact in float32 (forward: 18 terms of at most
 * 3/8; dW: 210 terms of at most 2 x 9; the update in 2^-12 steps), so it
 * must agree bit for bit; float data over three steps within 1e-5. */
static void check_against_one(int reference, int integers) {
  const int steps = integers ? 1 : 3;
  const int np = COUT * CIN * K * K + COUT;
  const clconv_reduction reduction =
      integers ? CLCONV_REDUCTION_SUM : CLCONV_REDUCTION_MEAN;
  const double shares[3] = {1.0, 3.0, 2.0};
  clconv_sgd_params sgd = clconv_sgd_params_default();
  clconv_context *ctxs[3];
  float x[XN], t[YN], want[COUT * CIN * K * K + COUT];
  float got[COUT * CIN * K * K + COUT];
  double loss_one = 0.0, loss = 0.0, worst = 0.0;
  test_rng rng = {test_seed() + (uint64_t)(reference * 2 + integers)};
  if (reference) {
    ctxs[0] = test_open_reference();
    for (int i = 1; i < 3; i++)
      ctxs[i] = test_open_reference();
  } else if (open_contexts(0, ctxs) != 0) {
    CU_FAIL("cannot open the device contexts");
    return;
  }
  for (int i = 0; i < XN; i++)
    x[i] =
        integers ? (float)test_int(&rng, -1, 1) : test_float(&rng, -1.0f, 1.0f);
  for (int i = 0; i < YN; i++)
    t[i] =
        integers ? (float)test_int(&rng, -2, 2) : test_float(&rng, -1.0f, 1.0f);
  sgd.lr = integers ? 1.0f / 1024.0f : 0.05f;
  sgd.momentum = integers ? 0.0f : 0.9f;
  train_one(ctxs[0], steps, x, t, reduction, &sgd, want, &loss_one);
  for (int count = 1; count <= 3; count++) {
    for (int uneven = 0; uneven < 2; uneven++) {
      train_replicas(ctxs, count, steps, uneven ? shares : NULL, x, t,
                     reduction, &sgd, got, &loss);
      for (int i = 0; i < np; i++) {
        const double d =
            fabs((double)got[i] - want[i]) / (1.0 + fabs((double)want[i]));
        worst = fmax(worst, d);
        if (integers && got[i] != want[i]) {
          fprintf(stderr,
                  "\n  P = %d%s: parameter %d is %.9g, one layer "
                  "%.9g\n",
                  count, uneven ? " (uneven)" : "", i, (double)got[i],
                  (double)want[i]);
          CU_FAIL("not bit for bit with integer data");
          break;
        }
      }
      CU_ASSERT(fabs(loss - loss_one) <= 1e-5 * (1.0 + fabs(loss_one)));
    }
  }
  CU_ASSERT(worst < 1e-5);
  printf("\n    %s, %s: worst relative difference %.2g\n    ",
         reference ? "reference" : "device",
         integers ? "integers, sum" : "floats, mean", worst);
  close_contexts(ctxs);
}

static void test_reference_integers(void) { check_against_one(1, 1); }
static void test_reference_floats(void) { check_against_one(1, 0); }
static void test_device_integers(void) { check_against_one(0, 1); }
static void test_device_floats(void) {
  check_against_one(0, 0);
  printf("\n    ");
}

/* The all-reduce: an identical second process (every sum doubled) leaves
 * the mean's gradient as one process's and doubles the sum's loss; a
 * failing all-reduce, or another process that failed the step, fails it,
 * naming that, and nothing is updated. */
static clconv_status double_it(void *user, double *data, size_t count) {
  int *calls = user;
  (*calls)++;
  for (size_t i = 0; i < count; i++)
    data[i] *= 2.0;
  return CLCONV_STATUS_OK;
}

/* Another process that failed this step: the last slot counts them. */
static clconv_status other_failed(void *user, double *data, size_t count) {
  (void)user;
  data[count - 1] += 1.0;
  return CLCONV_STATUS_OK;
}

static clconv_status refuse(void *user, double *data, size_t count) {
  (void)user, (void)data, (void)count;
  return CLCONV_STATUS_OPENCL_ERROR;
}

/* A step whose all-reduce is @p allreduce fails with a message containing
 * @p needle and leaves the weights as they were. */
static void expect_step_fails(clconv_context *const *ctxs,
                              clconv_allreduce_fn allreduce, const float *x,
                              const float *t, const char *needle) {
  clconv_conv2d_params p = layer_params();
  clconv_replicas_params rp = clconv_replicas_params_default();
  clconv_sgd_params sgd = clconv_sgd_params_default();
  clconv_replicas *r = NULL;
  float before[COUT * CIN * K * K], after[COUT * CIN * K * K];
  double loss = 0;
  rp.allreduce = allreduce;
  CU_ASSERT_EQUAL_FATAL(clconv_replicas_create(ctxs, 1, &p, &rp, &r, NULL, 0),
                        0);
  CU_ASSERT_EQUAL(clconv_conv2d_get(clconv_replicas_layer(r, 0),
                                    CLCONV_CONV2D_WEIGHT, before,
                                    sizeof before / 4),
                  0);
  CU_ASSERT_EQUAL(clconv_replicas_train_step(r, x, x_dims, t, y_dims,
                                             CLCONV_REDUCTION_SUM, &sgd, &loss),
                  CLCONV_STATUS_OPENCL_ERROR);
  CU_ASSERT_PTR_NOT_NULL(strstr(clconv_replicas_message(r), needle));
  CU_ASSERT_EQUAL(clconv_conv2d_get(clconv_replicas_layer(r, 0),
                                    CLCONV_CONV2D_WEIGHT, after,
                                    sizeof after / 4),
                  0);
  CU_ASSERT_EQUAL(memcmp(before, after, sizeof before), 0);
  clconv_replicas_release(r);
}

static void test_allreduce(void) {
  clconv_context *ctx = test_open_reference();
  clconv_context *const ctxs[1] = {ctx};
  clconv_conv2d_params p = layer_params();
  clconv_replicas_params rp = clconv_replicas_params_default();
  clconv_sgd_params sgd = clconv_sgd_params_default();
  clconv_replicas *a = NULL, *b = NULL;
  float x[XN], t[YN], wa[COUT * CIN * K * K], wb[COUT * CIN * K * K];
  double la = 0, lb = 0;
  int calls = 0;
  test_rng rng = {test_seed() + 9};
  for (int i = 0; i < XN; i++)
    x[i] = test_float(&rng, -1, 1);
  for (int i = 0; i < YN; i++)
    t[i] = test_float(&rng, -1, 1);
  rp.allreduce = double_it;
  rp.allreduce_user = &calls;
  CU_ASSERT_EQUAL_FATAL(clconv_replicas_create(ctxs, 1, &p, &rp, &a, NULL, 0),
                        0);
  CU_ASSERT_EQUAL_FATAL(clconv_replicas_create(ctxs, 1, &p, NULL, &b, NULL, 0),
                        0);
  CU_ASSERT_EQUAL(clconv_replicas_train_step(a, x, x_dims, t, y_dims,
                                             CLCONV_REDUCTION_MEAN, &sgd, &la),
                  0);
  CU_ASSERT_EQUAL(clconv_replicas_train_step(b, x, x_dims, t, y_dims,
                                             CLCONV_REDUCTION_MEAN, &sgd, &lb),
                  0);
  CU_ASSERT_EQUAL(calls, 1);
  CU_ASSERT_DOUBLE_EQUAL(la, lb, 1e-12 * lb);
  CU_ASSERT_EQUAL(clconv_conv2d_get(clconv_replicas_layer(a, 0),
                                    CLCONV_CONV2D_WEIGHT, wa, sizeof wa / 4),
                  0);
  CU_ASSERT_EQUAL(clconv_conv2d_get(clconv_replicas_layer(b, 0),
                                    CLCONV_CONV2D_WEIGHT, wb, sizeof wb / 4),
                  0);
  CU_ASSERT_EQUAL(memcmp(wa, wb, sizeof wa), 0);
  CU_ASSERT_EQUAL(clconv_replicas_train_step(a, x, x_dims, t, y_dims,
                                             CLCONV_REDUCTION_SUM, &sgd, &la),
                  0);
  CU_ASSERT_EQUAL(clconv_replicas_train_step(b, x, x_dims, t, y_dims,
                                             CLCONV_REDUCTION_SUM, &sgd, &lb),
                  0);
  CU_ASSERT_DOUBLE_EQUAL(la, 2.0 * lb, 1e-9 * lb);
  clconv_replicas_release(a);
  expect_step_fails(ctxs, refuse, x, t, "the all-reduce failed");
  expect_step_fails(ctxs, other_failed, x, t, "1 other process(es) failed");
  clconv_replicas_release(b);
  clconv_context_release(ctx);
}

static void expect_refused(clconv_context *const *ctxs, int count,
                           const clconv_conv2d_params *p,
                           const clconv_replicas_params *rp,
                           const char *needle) {
  clconv_replicas *r = (clconv_replicas *)1;
  char message[512] = "";
  CU_ASSERT_EQUAL(
      clconv_replicas_create(ctxs, count, p, rp, &r, message, sizeof message),
      CLCONV_STATUS_INVALID_ARGUMENT);
  CU_ASSERT_PTR_NULL(r);
  CU_ASSERT_PTR_NOT_NULL(strstr(message, needle));
  if (strstr(message, needle) == NULL)
    fprintf(stderr, "\n  got \"%s\", wanted \"%s\"\n", message, needle);
}

static void test_bad_arguments(void) {
  clconv_context *ctx = test_open_reference();
  clconv_context *const ctxs[2] = {ctx, ctx};
  clconv_context *const holes[2] = {ctx, NULL};
  clconv_conv2d_params p = layer_params(), lazy = layer_params();
  clconv_replicas_params rp = clconv_replicas_params_default();
  const double negative[2] = {1, -1}, zeros[2] = {0, 0};
  clconv_replicas *r = NULL;
  clconv_sgd_params sgd = clconv_sgd_params_default();
  float x[XN] = {0}, t[YN] = {0};
  const int64_t wrong[4] = {N - 1, COUT, H, W};
  lazy.in_channels = 0;
  expect_refused(ctxs, 0, &p, NULL, "count must be at least 1");
  expect_refused(holes, 2, &p, NULL, "contexts[1] is NULL");
  expect_refused(ctxs, 2, &lazy, NULL, "layer.in_channels must be given");
  rp.shares = negative;
  expect_refused(ctxs, 2, &p, &rp, "shares[1] must be finite and >= 0");
  rp.shares = zeros;
  expect_refused(ctxs, 2, &p, &rp, "at least one must be > 0");
  CU_ASSERT_EQUAL_FATAL(clconv_replicas_create(ctxs, 2, &p, NULL, &r, NULL, 0),
                        0);
  CU_ASSERT_EQUAL(clconv_replicas_count(r), 2);
  CU_ASSERT_PTR_NULL(clconv_replicas_layer(r, 2));
  CU_ASSERT_EQUAL(clconv_replicas_train_step(r, x, x_dims, t, wrong,
                                             CLCONV_REDUCTION_SUM, &sgd, NULL),
                  CLCONV_STATUS_SHAPE_MISMATCH);
  CU_ASSERT_PTR_NOT_NULL(strstr(clconv_replicas_message(r), "x has 7 rows"));
  CU_ASSERT_EQUAL(clconv_replicas_train_step(r, x, x_dims, t, y_dims,
                                             (clconv_reduction)5, &sgd, NULL),
                  CLCONV_STATUS_INVALID_ARGUMENT);
  CU_ASSERT_EQUAL(clconv_replicas_train_step(r, NULL, x_dims, t, y_dims,
                                             CLCONV_REDUCTION_SUM, &sgd, NULL),
                  CLCONV_STATUS_INVALID_ARGUMENT);
  clconv_replicas_release(r);
  clconv_replicas_release(NULL);
  clconv_context_release(ctx);
}

int main(void) {
  static const test_case tests[] = {
      {"the batch split", test_split},
      {"reference: integers, sum: bit for bit", test_reference_integers},
      {"reference: floats, mean: within 1e-5", test_reference_floats},
      {"device: integers, sum: bit for bit", test_device_integers},
      {"device: floats, mean: within 1e-5", test_device_floats},
      {"the all-reduce's contract", test_allreduce},
      {"bad arguments", test_bad_arguments},
  };
  clconv_context_release(test_open_device());
  return test_run_suite("replicas", tests, sizeof tests / sizeof tests[0]);
}
