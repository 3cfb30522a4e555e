/* test_compare.c: the comparison that defines "agrees with the reference":
 * it must pass what is within the bound of docs/design.md and fail what is not.
 */
#include "check/compare.h"
#include "support.h"

#include <math.h>
#include <string.h>

#define ULP_24 (1.0 / 16777216.0)

/* Compares one element. */
static clconv_verify_report compare_one(float device, double reference,
                                        double magnitude, double terms,
                                        int exact) {
  clconv_verify_report report;
  clconv__compare_values(&device, &reference, &magnitude, terms, exact, 1,
                         &report);
  return report;
}

/* The tolerance is 2 * (K + 2) * 2^-24 * S + 1e-30. */
static void test_tolerance_formula(void) {
  CU_ASSERT_DOUBLE_EQUAL(clconv__compare_tolerance(4, 1.0),
                         12.0 * ULP_24 + 1e-30, 1e-20);
  CU_ASSERT_DOUBLE_EQUAL(clconv__compare_tolerance(0, 0.0), 1e-30, 1e-40);
}

/* An error just inside the bound passes; just outside, fails. */
static void test_bounded_edges(void) {
  double tol = clconv__compare_tolerance(8, 100.0);
  clconv_verify_report inside =
      compare_one(50.0f, 50.0 + 0.9 * tol, 100.0, 8, 0);
  clconv_verify_report outside =
      compare_one(50.0f, 50.0 + 1.5 * tol, 100.0, 8, 0);
  CU_ASSERT_EQUAL(inside.mismatches, 0);
  CU_ASSERT(inside.max_error_ratio <= 1.0);
  CU_ASSERT_EQUAL(outside.mismatches, 1);
  CU_ASSERT(outside.max_error_ratio > 1.0);
}

/* Exact mode: one ulp off fails; equal passes; -0 equals +0. */
static void test_exact(void) {
  CU_ASSERT_EQUAL(compare_one(43.0f, 43.0, 43.0, 4, 1).mismatches, 0);
  CU_ASSERT_EQUAL(
      compare_one(nextafterf(43.0f, 44.0f), 43.0, 43.0, 4, 1).mismatches, 1);
  CU_ASSERT_EQUAL(compare_one(-0.0f, 0.0, 0.0, 4, 1).mismatches, 0);
}

/* NaN meets only NaN; an infinity only the same infinity. */
static void test_special_values(void) {
  CU_ASSERT_EQUAL(compare_one(NAN, NAN, NAN, 1, 0).mismatches, 0);
  CU_ASSERT_EQUAL(compare_one(1.0f, NAN, NAN, 1, 0).mismatches, 1);
  CU_ASSERT_EQUAL(compare_one(NAN, 1.0, 1.0, 1, 0).mismatches, 1);
  CU_ASSERT_EQUAL(compare_one(INFINITY, INFINITY, INFINITY, 1, 0).mismatches,
                  0);
  CU_ASSERT_EQUAL(compare_one(-INFINITY, INFINITY, INFINITY, 1, 0).mismatches,
                  1);
  CU_ASSERT_EQUAL(compare_one(INFINITY, 1e30, 1e30, 1, 0).mismatches, 1);
}

/* Exact mode applies only to small integers: K * max|a| * max|b| + max|c|
 * must stay below 2^24. */
static void test_exact_inputs_rule(void) {
  float ints[3] = {1, -8, 3}, halves[2] = {0.5f, 1}, big[1] = {4096};
  float bias[1] = {2};
  CU_ASSERT_TRUE(clconv__compare_exact_inputs(ints, 3, ints, 3, bias, 1, 9));
  CU_ASSERT_FALSE(clconv__compare_exact_inputs(halves, 2, ints, 3, NULL, 0, 9));
  /* 1024 * 4096 * 4096 = 2^34: partial sums could round. */
  CU_ASSERT_FALSE(clconv__compare_exact_inputs(big, 1, big, 1, NULL, 0, 1024));
  /* 1 * 4096 * 4096 = 2^24 is not below 2^24. */
  CU_ASSERT_FALSE(clconv__compare_exact_inputs(big, 1, big, 1, NULL, 0, 1));
  CU_ASSERT_TRUE(clconv__compare_exact_inputs(big, 1, big, 1, NULL, 0, 0.99));
}

/* The report names the worst element and counts every mismatch. */
static void test_report(void) {
  float device[4] = {1, 2, 3.5f, 4};
  double reference[4] = {1, 2, 3, 5}, magnitude[4] = {1, 2, 3, 5};
  clconv_verify_report report;
  clconv__compare_values(device, reference, magnitude, 2, 1, 4, &report);
  CU_ASSERT_EQUAL(report.count, 4);
  CU_ASSERT_EQUAL(report.mismatches, 2);
  CU_ASSERT_DOUBLE_EQUAL(report.max_abs_error, 1.0, 0.0);
  CU_ASSERT_DOUBLE_EQUAL(report.mean_abs_error, 1.5 / 4, 1e-12);
}

/* x = [3e38, 3e38, -3e38], w = [1, 1, 1]: the exact sum is 3e38, but a
 * float32 sum in the order given overflows to inf (as PyTorch's does). With
 * S = 9e38 past FLT_MAX an infinity of either sign is accepted; where S
 * cannot pass FLT_MAX, it is not. */
static void test_overflow_depends_on_order(void) {
  const float device[3] = {INFINITY, -INFINITY, INFINITY};
  const double reference[3] = {3e38, 3e38, 1e38};
  const double magnitude[3] = {9e38, 9e38, 3e38};
  clconv_verify_report report;
  float x[3] = {3e38f, 3e38f, -3e38f};
  volatile float sum = 0.0f;
  for (int i = 0; i < 3; i++)
    sum += x[i];
  CU_ASSERT(isinf(sum)); /* the order given does overflow */
  clconv__compare_values(device, reference, magnitude, 3, 0, 2, &report);
  CU_ASSERT_EQUAL(report.mismatches, 0);
  clconv__compare_values(device + 2, reference + 2, magnitude + 2, 3, 0, 1,
                         &report);
  CU_ASSERT_EQUAL(report.mismatches, 1);
  /* An exact comparison never takes an infinity for a finite value. */
  clconv__compare_values(device, reference, magnitude, 3, 1, 1, &report);
  CU_ASSERT_EQUAL(report.mismatches, 1);
}

/* The same through the library: a forward of that problem in verify mode
 * on the default device succeeds, whatever order the device sums in. */
static void test_overflow_in_verify_mode(void) {
  const float x[3] = {3e38f, 3e38f, -3e38f}, w[3] = {1, 1, 1};
  const int64_t xd[4] = {1, 1, 1, 3}, wd[4] = {1, 1, 1, 3},
                yd[4] = {1, 1, 1, 1};
  clconv_corr2d_params p = clconv_corr2d_params_default();
  clconv_context *ctx = test_open_device_verify();
  clconv_tensor *tx = test_tensor(ctx, 4, xd, x);
  clconv_tensor *tw = test_tensor(ctx, 4, wd, w);
  clconv_tensor *ty = test_tensor(ctx, 4, yd, NULL);
  TEST_EXPECT_ERROR(ctx, clconv_corr2d_forward(ctx, &p, tx, tw, NULL, ty),
                    CLCONV_STATUS_OK, "");
  clconv_tensor_release(ty);
  clconv_tensor_release(tw);
  clconv_tensor_release(tx);
  clconv_context_release(ctx);
}

int main(void) {
  static const test_case tests[] = {
      {"overflow that depends on the order", test_overflow_depends_on_order},
      {"overflow in verify mode", test_overflow_in_verify_mode},
      {"tolerance formula", test_tolerance_formula},
      {"bounded comparison at the bound", test_bounded_edges},
      {"exact comparison", test_exact},
      {"NaN and infinities", test_special_values},
      {"when data is exact", test_exact_inputs_rule},
      {"report", test_report},
  };
  return test_run_suite("compare", tests, sizeof tests / sizeof tests[0]);
}
