/* test_empty.c: every op takes empty tensors (a batch of 0) the same way on
 * the device and on the reference, with the values the sums over nothing
 * give: an empty output stays empty; dW and db are 0 (or keep what they
 * held when accumulating); the summed loss is 0 and the mean NaN, as in
 * PyTorch; an SGD step on an empty parameter does nothing. */
#include "support.h"

#include <math.h>
#include <string.h>

/* Runs every op with a batch of 0 on @p ctx; returns dW (24 values, after
 * accumulating onto 1s), db (2, likewise) and the two losses. */
static void run_empty(clconv_context *ctx, float dw[24], float db[2],
                      double loss[2]) {
  const int64_t xd[4] = {0, 3, 5, 4}, wd[4] = {2, 3, 2, 2},
                yd[4] = {0, 2, 4, 3};
  const int64_t bd[1] = {2}, pd[1] = {0};
  float ones[24];
  clconv_corr2d_params p = clconv_corr2d_params_default();
  clconv_sgd_params sgd = clconv_sgd_params_default();
  clconv_tensor *x, *w, *b, *y, *dy, *dx, *tdw, *tdb, *param, *grad;
  for (int i = 0; i < 24; i++)
    ones[i] = 1.0f;
  x = test_tensor(ctx, 4, xd, NULL);
  w = test_tensor(ctx, 4, wd, ones);
  b = test_tensor(ctx, 1, bd, ones);
  y = test_tensor(ctx, 4, yd, NULL);
  dy = test_tensor(ctx, 4, yd, NULL);
  dx = test_tensor(ctx, 4, xd, NULL);
  tdw = test_tensor(ctx, 4, wd, ones);
  tdb = test_tensor(ctx, 1, bd, ones);
  param = test_tensor(ctx, 1, pd, NULL);
  grad = test_tensor(ctx, 1, pd, NULL);
  TEST_EXPECT_ERROR(ctx, clconv_corr2d_forward(ctx, &p, x, w, b, y),
                    CLCONV_STATUS_OK, "");
  TEST_EXPECT_ERROR(ctx, clconv_corr2d_backward_data(ctx, &p, dy, w, dx),
                    CLCONV_STATUS_OK, "");
  TEST_EXPECT_ERROR(ctx, clconv_corr2d_backward_weight(ctx, &p, x, dy, tdw, 1),
                    CLCONV_STATUS_OK, "");
  TEST_EXPECT_ERROR(ctx, clconv_corr2d_backward_bias(ctx, dy, tdb, 1),
                    CLCONV_STATUS_OK, "");
  CU_ASSERT_EQUAL(clconv_tensor_read(tdw, dw, 24), CLCONV_STATUS_OK);
  CU_ASSERT_EQUAL(clconv_tensor_read(tdb, db, 2), CLCONV_STATUS_OK);
  /* Without accumulating, the sums over nothing: zeros. */
  TEST_EXPECT_ERROR(ctx, clconv_corr2d_backward_weight(ctx, &p, x, dy, tdw, 0),
                    CLCONV_STATUS_OK, "");
  TEST_EXPECT_ERROR(ctx, clconv_corr2d_backward_bias(ctx, dy, tdb, 0),
                    CLCONV_STATUS_OK, "");
  {
    float zw[24], zb[2];
    CU_ASSERT_EQUAL(clconv_tensor_read(tdw, zw, 24), CLCONV_STATUS_OK);
    CU_ASSERT_EQUAL(clconv_tensor_read(tdb, zb, 2), CLCONV_STATUS_OK);
    for (int i = 0; i < 24; i++)
      CU_ASSERT_EQUAL(zw[i], 0.0f);
    CU_ASSERT(zb[0] == 0.0f && zb[1] == 0.0f);
  }
  TEST_EXPECT_ERROR(
      ctx,
      clconv_squared_error(ctx, CLCONV_REDUCTION_SUM, y, dy, &loss[0], NULL),
      CLCONV_STATUS_OK, "");
  TEST_EXPECT_ERROR(
      ctx,
      clconv_squared_error(ctx, CLCONV_REDUCTION_MEAN, y, dy, &loss[1], NULL),
      CLCONV_STATUS_OK, "");
  TEST_EXPECT_ERROR(ctx, clconv_sgd_step(ctx, &sgd, param, grad, NULL, 0),
                    CLCONV_STATUS_OK, "");
  clconv_tensor_release(grad);
  clconv_tensor_release(param);
  clconv_tensor_release(tdb);
  clconv_tensor_release(tdw);
  clconv_tensor_release(dx);
  clconv_tensor_release(dy);
  clconv_tensor_release(y);
  clconv_tensor_release(b);
  clconv_tensor_release(w);
  clconv_tensor_release(x);
}

static void test_empty_batch(void) {
  clconv_context *ctx = test_open_device(), *ref = test_open_reference();
  float dw[2][24], db[2][2];
  double loss[2][2];
  run_empty(ctx, dw[0], db[0], loss[0]);
  run_empty(ref, dw[1], db[1], loss[1]);
  for (int k = 0; k < 2; k++) {
    /* Accumulating nothing onto 1s keeps 1s. */
    for (int i = 0; i < 24; i++)
      CU_ASSERT_EQUAL(dw[k][i], 1.0f);
    CU_ASSERT(db[k][0] == 1.0f && db[k][1] == 1.0f);
    CU_ASSERT_EQUAL(loss[k][0], 0.0);
    CU_ASSERT(isnan(loss[k][1]));
  }
  clconv_context_release(ref);
  clconv_context_release(ctx);
}

int main(void) {
  static const test_case tests[] = {
      {"a batch of 0 in every op, device and reference alike",
       test_empty_batch},
  };
  return test_run_suite("empty", tests, sizeof tests / sizeof tests[0]);
}
