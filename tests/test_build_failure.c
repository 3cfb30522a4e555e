/* test_build_failure.c: kernel sources from CLCONV_KERNEL_DIR (set by CTest
 * to a folder whose forward kernels do not compile): a failed build returns
 * BUILD_FAILED with the compiler's log; a missing folder names the path; the
 * real sources from a folder work; a kernel built without the options it
 * requires fails. */
#include "opencl/cl_program.h"
#include "support.h"

#include <stdio.h>
#include <string.h>

/* Runs a tiny forward on @p ctx and returns its status. */
static clconv_status tiny_forward(clconv_context *ctx) {
  const float x[4] = {1, 2, 3, 4}, k[1] = {2};
  const int64_t xd[4] = {1, 1, 2, 2}, kd[4] = {1, 1, 1, 1};
  float y[4];
  clconv_corr2d_params p = clconv_corr2d_params_default();
  clconv_tensor *tx = test_tensor(ctx, 4, xd, x);
  clconv_tensor *tk = test_tensor(ctx, 4, kd, k);
  clconv_tensor *ty = test_tensor(ctx, 4, xd, NULL);
  clconv_status status = clconv_corr2d_forward(ctx, &p, tx, tk, NULL, ty);
  if (status == CLCONV_STATUS_OK) {
    status = clconv_tensor_read(ty, y, 4);
    CU_ASSERT(y[0] == 2 && y[3] == 8);
  }
  clconv_tensor_release(ty);
  clconv_tensor_release(tk);
  clconv_tensor_release(tx);
  return status;
}

static clconv_context *open_with_dir(const char *dir) {
  clconv_context *ctx = NULL;
  clconv_context_options options = clconv_context_options_default();
  options.kernel_dir = dir;
  CU_ASSERT_EQUAL(clconv_context_create(&options, &ctx, NULL, 0),
                  CLCONV_STATUS_OK);
  return ctx;
}

static void test_build_log_returned(void) {
  clconv_context *ctx = test_open_device();
  clconv_device_info info;
  clconv_context_device(ctx, &info);
  if (info.type != CLCONV_DEVICE_TYPE_REFERENCE) {
    TEST_EXPECT_ERROR(ctx, tiny_forward(ctx), CLCONV_STATUS_BUILD_FAILED,
                      "build log:");
    CU_ASSERT_PTR_NOT_NULL(
        strstr(clconv_context_message(ctx), "this_identifier_does_not_exist"));
    CU_ASSERT_PTR_NOT_NULL(
        strstr(clconv_context_message(ctx), "corr2d_fwd_blocked.cl"));
    /* The context stays usable: the same failure, not an unusable context. */
    TEST_EXPECT_ERROR(ctx, tiny_forward(ctx), CLCONV_STATUS_BUILD_FAILED,
                      "build log:");
  }
  clconv_context_release(ctx);
}

static void test_missing_folder(void) {
  clconv_context *probe = test_open_device();
  clconv_context *ctx = open_with_dir("/nonexistent/clconv-kernels");
  clconv_context_release(probe);
  if (ctx == NULL)
    return;
  TEST_EXPECT_ERROR(ctx, tiny_forward(ctx), CLCONV_STATUS_KERNEL_SOURCE_ERROR,
                    "/nonexistent/clconv-kernels/common.cl");
  clconv_context_release(ctx);
}

static void test_real_sources_from_folder(void) {
  clconv_context *probe = test_open_device();
  clconv_context *ctx = open_with_dir(CLCONV_SOURCE_CL_DIR);
  clconv_context_release(probe);
  if (ctx == NULL)
    return;
  CU_ASSERT_EQUAL(tiny_forward(ctx), CLCONV_STATUS_OK);
  clconv_context_release(ctx);
}

/* Every kernel file that takes build options refuses to build without them
 * (#error naming what it needs) instead of building with guessed values. */
static void test_missing_options_fail(void) {
  static const char *const kernels[] = {"corr2d_fwd_naive",
                                        "corr2d_fwd_blocked",
                                        "corr2d_fwd_local",
                                        "corr2d_bwd_data_naive",
                                        "corr2d_bwd_data_phases",
                                        "corr2d_bwd_weight_naive",
                                        "corr2d_bwd_weight_blocked",
                                        "corr2d_bwd_bias",
                                        "pack_weights",
                                        "pad_input",
                                        "sgd_update",
                                        "squared_error",
                                        "sum_chunks",
                                        "block_channels",
                                        "corr2d_bwd_weight_cvec",
                                        "winograd",
                                        "train_step_small"};
  clconv_context *probe = test_open_device();
  clconv_context *ctx = open_with_dir(CLCONV_SOURCE_CL_DIR);
  clconv_context_release(probe);
  if (ctx == NULL || ctx->is_reference) {
    clconv_context_release(ctx);
    return;
  }
  for (size_t i = 0; i < sizeof kernels / sizeof *kernels; i++) {
    cl_kernel kernel = NULL;
    char needle[64];
    snprintf(needle, sizeof needle, "%s.cl needs -D", kernels[i]);
    TEST_EXPECT_ERROR(
        ctx,
        clconv__cl_program_kernel(ctx, kernels[i], "", kernels[i], &kernel),
        CLCONV_STATUS_BUILD_FAILED, needle);
  }
  clconv_context_release(ctx);
}

int main(void) {
  static const test_case tests[] = {
      {"a failed build returns its log", test_build_log_returned},
      {"a missing kernel folder", test_missing_folder},
      {"a kernel built without its options fails", test_missing_options_fail},
      {"the real sources from a folder", test_real_sources_from_folder},
  };
  return test_run_suite("build_failure", tests, sizeof tests / sizeof tests[0]);
}
