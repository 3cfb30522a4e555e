/* test_no_platform.c: with no OpenCL platform (OCL_ICD_VENDORS points at an
 * empty folder), or no OpenCL runtime at all (CLCONV_OPENCL_LIBRARY names a
 * library that does not exist, as on a machine without OpenCL), errors say
 * so and name CLCONV_DEVICE=reference, and the reference backend still
 * works. */
#include "support.h"

#include <stdlib.h>
#include <string.h>

/* What the message must say: no runtime when the test hides it. */
static const char *expected_reason(void) {
  const char *library = getenv("CLCONV_OPENCL_LIBRARY");
  return library != NULL && library[0] != '\0' ? "no OpenCL runtime"
                                               : "no OpenCL platform";
}

static void test_context_says_no_platform(void) {
  clconv_context *ctx = (clconv_context *)&ctx;
  char message[1024];
  CU_ASSERT_EQUAL(clconv_context_create(NULL, &ctx, message, sizeof message),
                  CLCONV_STATUS_NO_PLATFORM);
  CU_ASSERT_PTR_NULL(ctx);
  CU_ASSERT_PTR_NOT_NULL(strstr(message, expected_reason()));
  CU_ASSERT_PTR_NOT_NULL(strstr(message, "CLCONV_DEVICE=reference"));
}

static void test_list_says_no_platform(void) {
  size_t count = 99, chosen = 0;
  char message[1024];
  CU_ASSERT_EQUAL(
      clconv_devices_list(NULL, 0, &count, &chosen, message, sizeof message),
      CLCONV_STATUS_NO_PLATFORM);
  CU_ASSERT_EQUAL(count, 0);
  CU_ASSERT_EQUAL(chosen, SIZE_MAX);
  CU_ASSERT_PTR_NOT_NULL(strstr(message, expected_reason()));
  CU_ASSERT_PTR_NOT_NULL(strstr(message, "CLCONV_DEVICE=reference"));
}

/* The notebook's corr2d on the reference backend: [[19, 25], [37, 43]]. */
static void test_reference_still_works(void) {
  clconv_context *ctx = test_open_reference();
  const float x[9] = {0, 1, 2, 3, 4, 5, 6, 7, 8}, k[4] = {0, 1, 2, 3};
  const int64_t xd[4] = {1, 1, 3, 3}, kd[4] = {1, 1, 2, 2},
                yd[4] = {1, 1, 2, 2};
  float y[4];
  clconv_corr2d_params p = clconv_corr2d_params_default();
  clconv_tensor *tx = test_tensor(ctx, 4, xd, x);
  clconv_tensor *tk = test_tensor(ctx, 4, kd, k);
  clconv_tensor *ty = test_tensor(ctx, 4, yd, NULL);
  CU_ASSERT_EQUAL(clconv_corr2d_forward(ctx, &p, tx, tk, NULL, ty),
                  CLCONV_STATUS_OK);
  CU_ASSERT_EQUAL(clconv_tensor_read(ty, y, 4), CLCONV_STATUS_OK);
  CU_ASSERT(y[0] == 19 && y[1] == 25 && y[2] == 37 && y[3] == 43);
  clconv_tensor_release(ty);
  clconv_tensor_release(tk);
  clconv_tensor_release(tx);
  clconv_context_release(ctx);
}

int main(void) {
  static const test_case tests[] = {
      {"context create", test_context_says_no_platform},
      {"devices list", test_list_says_no_platform},
      {"reference backend", test_reference_still_works},
  };
  return test_run_suite("no_platform", tests, sizeof tests / sizeof tests[0]);
}
