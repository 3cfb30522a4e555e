/* test_abi.c: the ABI promise of clconv.h: a program built against an older
 * header, whose parameter structs are smaller, still runs, its structs read
 * as far as they go and the rest taken from the defaults. Each "old" struct
 * lives in an allocation of exactly its size, so that reading past it is an
 * error AddressSanitizer reports; and struct_layout() agrees with the
 * header. */
#include "support.h"

#include <stdlib.h>
#include <string.h>

/* A copy of @p full's first @p size bytes, in an allocation of exactly
 * that size, with struct_size set to it: an older program's struct. */
static void *old_struct(const void *full, size_t size) {
  void *old = malloc(size);
  CU_ASSERT_PTR_NOT_NULL_FATAL(old);
  memcpy(old, full, size);
  memcpy(old, &size, sizeof size);
  return old;
}

/* clconv_corr2d_params as 0.2 had it (no algo), clconv_conv2d_params
 * without seed, clconv_sgd_params without nesterov, context options
 * without cache_max_bytes: each gives the result of the full struct with
 * those fields at their defaults. */
static void test_older_structs(void) {
  clconv_context_options full_options = clconv_context_options_default();
  clconv_context_options *old_options = old_struct(
      &full_options, offsetof(clconv_context_options, cache_max_bytes));
  clconv_context *ctx = NULL;
  clconv_corr2d_params full = clconv_corr2d_params_default();
  clconv_corr2d_params *old;
  clconv_conv2d_params layer_full = clconv_conv2d_params_default();
  clconv_conv2d_params *layer_old;
  clconv_sgd_params sgd_full = clconv_sgd_params_default();
  clconv_sgd_params *sgd_old;
  clconv_conv2d *a = NULL, *b = NULL;
  const int64_t xd[4] = {1, 2, 6, 7}, wd[4] = {3, 2, 3, 3};
  float x[84], w[54], ya[126], yb[126], wa[54], wb[54];
  clconv_tensor *tx, *tw, *ty, *ty_old;
  test_rng r = {test_seed()};
  char message[1024];
  clconv_context_release(test_open_device()); /* skips without a device */
  CU_ASSERT_EQUAL_FATAL(
      clconv_context_create(old_options, &ctx, message, sizeof message),
      CLCONV_STATUS_OK);
  free(old_options);
  for (int i = 0; i < 84; i++)
    x[i] = (float)test_int(&r, -4, 4);
  for (int i = 0; i < 54; i++)
    w[i] = (float)test_int(&r, -3, 3);
  tx = test_tensor(ctx, 4, xd, x);
  tw = test_tensor(ctx, 4, wd, w);
  {
    const int64_t yd[4] = {1, 3, 6, 7};
    ty = test_tensor(ctx, 4, yd, NULL);
    ty_old = test_tensor(ctx, 4, yd, NULL);
  }
  full.pad_h = full.pad_w = 1;
  old = old_struct(&full, offsetof(clconv_corr2d_params, algo));
  TEST_EXPECT_ERROR(ctx, clconv_corr2d_forward(ctx, &full, tx, tw, NULL, ty),
                    CLCONV_STATUS_OK, "");
  TEST_EXPECT_ERROR(ctx, clconv_corr2d_forward(ctx, old, tx, tw, NULL, ty_old),
                    CLCONV_STATUS_OK, "");
  CU_ASSERT_EQUAL(clconv_tensor_read(ty, ya, 126), CLCONV_STATUS_OK);
  CU_ASSERT_EQUAL(clconv_tensor_read(ty_old, yb, 126), CLCONV_STATUS_OK);
  CU_ASSERT_EQUAL(memcmp(ya, yb, sizeof ya), 0); /* integers: exact */
  free(old);

  /* A layer and an SGD step from older structs equal those of full ones. */
  layer_full.in_channels = 2;
  layer_full.out_channels = 3;
  layer_full.kernel_h = layer_full.kernel_w = 3;
  layer_full.pad_h = layer_full.pad_w = 1;
  layer_old = old_struct(&layer_full, offsetof(clconv_conv2d_params, seed));
  sgd_full.lr = 0.5f;
  sgd_full.momentum = 0.9f;
  sgd_old = old_struct(&sgd_full, offsetof(clconv_sgd_params, nesterov));
  TEST_EXPECT_ERROR(ctx, clconv_conv2d_create(ctx, &layer_full, &a),
                    CLCONV_STATUS_OK, "");
  TEST_EXPECT_ERROR(ctx, clconv_conv2d_create(ctx, layer_old, &b),
                    CLCONV_STATUS_OK, "");
  for (int i = 0; a != NULL && b != NULL && i < 2; i++) {
    clconv_conv2d *layer = i == 0 ? a : b;
    const clconv_sgd_params *sgd = i == 0 ? &sgd_full : sgd_old;
    TEST_EXPECT_ERROR(ctx, clconv_conv2d_forward(layer, tx, ty),
                      CLCONV_STATUS_OK, "");
    TEST_EXPECT_ERROR(ctx, clconv_conv2d_zero_grad(layer), CLCONV_STATUS_OK,
                      "");
    TEST_EXPECT_ERROR(ctx, clconv_conv2d_backward(layer, tx, ty, NULL),
                      CLCONV_STATUS_OK, "");
    TEST_EXPECT_ERROR(ctx, clconv_conv2d_sgd_step(layer, sgd), CLCONV_STATUS_OK,
                      "");
    TEST_EXPECT_ERROR(
        ctx,
        clconv_conv2d_get(layer, CLCONV_CONV2D_WEIGHT, i == 0 ? wa : wb, 54),
        CLCONV_STATUS_OK, "");
  }
  CU_ASSERT_EQUAL(memcmp(wa, wb, sizeof wa), 0);
  clconv_conv2d_release(b);
  clconv_conv2d_release(a);
  free(sgd_old);
  free(layer_old);
  clconv_tensor_release(ty_old);
  clconv_tensor_release(ty);
  clconv_tensor_release(tw);
  clconv_tensor_release(tx);
  clconv_context_release(ctx);
}

/* struct_layout() reports the sizes and offsets this header gives, and
 * SIZE_MAX for what it does not know. */
static void test_struct_layout(void) {
  CU_ASSERT_EQUAL(clconv_struct_layout("clconv_corr2d_params", NULL),
                  sizeof(clconv_corr2d_params));
  CU_ASSERT_EQUAL(clconv_struct_layout("clconv_corr2d_params", "algo"),
                  offsetof(clconv_corr2d_params, algo));
  CU_ASSERT_EQUAL(clconv_struct_layout("clconv_conv2d_params", "seed"),
                  offsetof(clconv_conv2d_params, seed));
  CU_ASSERT_EQUAL(clconv_struct_layout("clconv_device_info", NULL),
                  sizeof(clconv_device_info));
  CU_ASSERT_EQUAL(clconv_struct_layout("clconv_corr2d_params", "nope"),
                  SIZE_MAX);
  CU_ASSERT_EQUAL(clconv_struct_layout("nope", NULL), SIZE_MAX);
  CU_ASSERT_EQUAL(clconv_struct_layout(NULL, NULL), SIZE_MAX);
}

int main(void) {
  static const test_case tests[] = {
      {"older, smaller structs are read over the defaults", test_older_structs},
      {"struct_layout agrees with the header", test_struct_layout},
  };
  return test_run_suite("abi", tests, sizeof tests / sizeof tests[0]);
}
