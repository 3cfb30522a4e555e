/* test_errors.c: every bad input gets its status code and a message naming
 * the bad argument, on both backends, and leaks nothing (run under ASan);
 * allocation failures are injected one by one. */
#include "common/alloc.h"
#include "support.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static clconv_context *device_ctx;
static clconv_context *reference_ctx;

/* A valid problem to break one argument at a time. */
typedef struct fixture {
  clconv_context *ctx;
  clconv_tensor *x, *w, *b, *y;
  clconv_corr2d_params p;
} fixture;

/* x (2, 4, 6, 7), w (6, 2, 3, 2), groups 2, b (6), y (2, 6, 4, 6). */
static void fixture_open(fixture *f, clconv_context *ctx) {
  const int64_t xd[4] = {2, 4, 6, 7}, wd[4] = {6, 2, 3, 2}, bd[1] = {6};
  const int64_t yd[4] = {2, 6, 4, 6};
  float data[2 * 4 * 6 * 7] = {0};
  f->ctx = ctx;
  f->p = clconv_corr2d_params_default();
  f->p.groups = 2;
  f->x = test_tensor(ctx, 4, xd, data);
  f->w = test_tensor(ctx, 4, wd, data);
  f->b = test_tensor(ctx, 1, bd, data);
  f->y = test_tensor(ctx, 4, yd, NULL);
  CU_ASSERT_EQUAL(clconv_corr2d_forward(ctx, &f->p, f->x, f->w, f->b, f->y),
                  CLCONV_STATUS_OK);
}

static void fixture_close(fixture *f) {
  clconv_tensor_release(f->y);
  clconv_tensor_release(f->b);
  clconv_tensor_release(f->w);
  clconv_tensor_release(f->x);
}

/* Runs the forward of @p f with @p p and expects @p status and @p needle. */
#define EXPECT_FORWARD(f, p, x, w, b, y, status, needle)                       \
  TEST_EXPECT_ERROR((f)->ctx, clconv_corr2d_forward((f)->ctx, p, x, w, b, y),  \
                    status, needle)

static void check_params(clconv_context *ctx) {
  fixture f;
  clconv_corr2d_params p;
  fixture_open(&f, ctx);
  EXPECT_FORWARD(&f, NULL, f.x, f.w, f.b, f.y, CLCONV_STATUS_INVALID_ARGUMENT,
                 "params is NULL");
  p = f.p;
  p.stride_h = 0;
  EXPECT_FORWARD(&f, &p, f.x, f.w, f.b, f.y, CLCONV_STATUS_INVALID_ARGUMENT,
                 "stride_h must be >= 1, got 0");
  p = f.p;
  p.stride_w = -2;
  EXPECT_FORWARD(&f, &p, f.x, f.w, f.b, f.y, CLCONV_STATUS_INVALID_ARGUMENT,
                 "stride_w");
  p = f.p;
  p.dilation_h = 0;
  EXPECT_FORWARD(&f, &p, f.x, f.w, f.b, f.y, CLCONV_STATUS_INVALID_ARGUMENT,
                 "dilation_h must be >= 1");
  p = f.p;
  p.dilation_w = 0;
  EXPECT_FORWARD(&f, &p, f.x, f.w, f.b, f.y, CLCONV_STATUS_INVALID_ARGUMENT,
                 "dilation_w");
  p = f.p;
  p.pad_h = -1;
  EXPECT_FORWARD(&f, &p, f.x, f.w, f.b, f.y, CLCONV_STATUS_INVALID_ARGUMENT,
                 "pad_h must be >= 0, got -1");
  p = f.p;
  p.pad_w = (int64_t)1 << 40;
  EXPECT_FORWARD(&f, &p, f.x, f.w, f.b, f.y, CLCONV_STATUS_INVALID_ARGUMENT,
                 "pad_w = 1099511627776 exceeds");
  p = f.p;
  p.groups = 0;
  EXPECT_FORWARD(&f, &p, f.x, f.w, f.b, f.y, CLCONV_STATUS_INVALID_ARGUMENT,
                 "groups must be >= 1");
  p = f.p;
  p.groups = 3;
  EXPECT_FORWARD(&f, &p, f.x, f.w, f.b, f.y, CLCONV_STATUS_SHAPE_MISMATCH,
                 "x has 4 channels, not divisible by groups = 3");
  p = f.p;
  p.groups = 4;
  EXPECT_FORWARD(&f, &p, f.x, f.w, f.b, f.y, CLCONV_STATUS_SHAPE_MISMATCH,
                 "w has 6 output channels, not divisible by groups = 4");
  p = f.p;
  p.groups = 1;
  EXPECT_FORWARD(&f, &p, f.x, f.w, f.b, f.y, CLCONV_STATUS_SHAPE_MISMATCH,
                 "w has 2 input channels per group, but x has 4 channels");
  p = f.p;
  p.dilation_h = 3; /* extent 7 > height 6 */
  EXPECT_FORWARD(&f, &p, f.x, f.w, f.b, f.y, CLCONV_STATUS_SHAPE_MISMATCH,
                 "kernel height extent 7");
  fixture_close(&f);
}

static void check_tensors(clconv_context *ctx) {
  fixture f;
  const int64_t small_y[4] = {2, 6, 4, 5}, x3[3] = {4, 6, 7}, b7[1] = {7};
  const int64_t xd[4] = {2, 4, 6, 7}, zero_c[4] = {2, 0, 6, 7};
  clconv_tensor *t;
  fixture_open(&f, ctx);
  EXPECT_FORWARD(&f, &f.p, NULL, f.w, f.b, f.y, CLCONV_STATUS_INVALID_ARGUMENT,
                 "x is NULL");
  EXPECT_FORWARD(&f, &f.p, f.x, NULL, f.b, f.y, CLCONV_STATUS_INVALID_ARGUMENT,
                 "w is NULL");
  EXPECT_FORWARD(&f, &f.p, f.x, f.w, f.b, NULL, CLCONV_STATUS_INVALID_ARGUMENT,
                 "y is NULL");
  EXPECT_FORWARD(&f, &f.p, f.x, f.w, f.b, f.x, CLCONV_STATUS_INVALID_ARGUMENT,
                 "y must not be the same tensor as x");
  EXPECT_FORWARD(&f, &f.p, f.x, f.w, f.b, f.w, CLCONV_STATUS_INVALID_ARGUMENT,
                 "same tensor as w");

  t = test_tensor(ctx, 4, small_y, NULL);
  EXPECT_FORWARD(&f, &f.p, f.x, f.w, f.b, t, CLCONV_STATUS_SHAPE_MISMATCH,
                 "y has dims (2, 6, 4, 5) but the output is (2, 6, 4, 6)");
  clconv_tensor_release(t);
  t = test_tensor(ctx, 3, x3, NULL);
  EXPECT_FORWARD(&f, &f.p, t, f.w, f.b, f.y, CLCONV_STATUS_SHAPE_MISMATCH,
                 "x must have rank 4, got rank 3");
  clconv_tensor_release(t);
  t = test_tensor(ctx, 1, b7, NULL);
  EXPECT_FORWARD(&f, &f.p, f.x, f.w, t, f.y, CLCONV_STATUS_SHAPE_MISMATCH,
                 "b has 7 elements but w has 6 output channels");
  clconv_tensor_release(t);
  EXPECT_FORWARD(&f, &f.p, f.x, f.w, f.w, f.y, CLCONV_STATUS_SHAPE_MISMATCH,
                 "b must have rank 1");
  t = test_tensor(ctx, 4, zero_c, NULL);
  EXPECT_FORWARD(&f, &f.p, t, f.w, f.b, f.y, CLCONV_STATUS_SHAPE_MISMATCH,
                 "needs Cin, H and W >= 1");
  clconv_tensor_release(t);

  /* A tensor of another context. */
  {
    clconv_context *other = ctx == reference_ctx ? device_ctx : reference_ctx;
    clconv_tensor *foreign = test_tensor(other, 4, xd, NULL);
    EXPECT_FORWARD(&f, &f.p, foreign, f.w, f.b, f.y,
                   CLCONV_STATUS_WRONG_CONTEXT, "x belongs to another context");
    clconv_tensor_release(foreign);
  }
  fixture_close(&f);
}

static void check_tensor_create(clconv_context *ctx) {
  clconv_tensor *t = (clconv_tensor *)&t;
  const int64_t negative[2] = {3, -1}, too_big[1] = {(int64_t)1 << 31};
  const int64_t overflow[4] = {INT32_MAX, INT32_MAX, INT32_MAX, INT32_MAX};
  const int64_t two[2] = {2, 3};
  float data[6] = {0};
  TEST_EXPECT_ERROR(ctx, clconv_tensor_create(ctx, 2, two, NULL),
                    CLCONV_STATUS_INVALID_ARGUMENT, "out is NULL");
  TEST_EXPECT_ERROR(ctx, clconv_tensor_create(ctx, 0, two, &t),
                    CLCONV_STATUS_INVALID_ARGUMENT, "rank must be 1 to 4");
  CU_ASSERT_PTR_NULL(t);
  TEST_EXPECT_ERROR(ctx, clconv_tensor_create(ctx, 5, two, &t),
                    CLCONV_STATUS_INVALID_ARGUMENT, "got 5");
  TEST_EXPECT_ERROR(ctx, clconv_tensor_create(ctx, 2, NULL, &t),
                    CLCONV_STATUS_INVALID_ARGUMENT, "dims is NULL");
  TEST_EXPECT_ERROR(ctx, clconv_tensor_create(ctx, 2, negative, &t),
                    CLCONV_STATUS_INVALID_ARGUMENT,
                    "dims[1] must be >= 0, got -1");
  TEST_EXPECT_ERROR(ctx, clconv_tensor_create(ctx, 1, too_big, &t),
                    CLCONV_STATUS_TOO_LARGE, "dims[0] = 2147483648 exceeds");
  TEST_EXPECT_ERROR(ctx, clconv_tensor_create(ctx, 4, overflow, &t),
                    CLCONV_STATUS_SIZE_OVERFLOW, "overflows");
  CU_ASSERT_EQUAL(clconv_tensor_create(NULL, 2, two, &t),
                  CLCONV_STATUS_INVALID_ARGUMENT);

  /* Copies of the wrong length or from NULL. */
  t = test_tensor(ctx, 2, two, NULL);
  TEST_EXPECT_ERROR(ctx, clconv_tensor_write(t, data, 5),
                    CLCONV_STATUS_INVALID_ARGUMENT,
                    "count is 5 but the tensor holds 6 elements");
  TEST_EXPECT_ERROR(ctx, clconv_tensor_write(t, NULL, 6),
                    CLCONV_STATUS_INVALID_ARGUMENT, "data is NULL");
  TEST_EXPECT_ERROR(ctx, clconv_tensor_read(t, data, 7),
                    CLCONV_STATUS_INVALID_ARGUMENT, "clconv_tensor_read");
  CU_ASSERT_EQUAL(clconv_tensor_write(NULL, data, 6),
                  CLCONV_STATUS_INVALID_ARGUMENT);
  clconv_tensor_release(t);
  clconv_tensor_release(NULL);
}

static void test_bad_params_reference(void) { check_params(reference_ctx); }
static void test_bad_params_device(void) { check_params(device_ctx); }
static void test_bad_tensors_reference(void) { check_tensors(reference_ctx); }
static void test_bad_tensors_device(void) { check_tensors(device_ctx); }
static void test_tensor_create_reference(void) {
  check_tensor_create(reference_ctx);
}
static void test_tensor_create_device(void) { check_tensor_create(device_ctx); }

/* A buffer larger than CL_DEVICE_MAX_MEM_ALLOC_SIZE is refused before any
 * allocation. */
static void test_larger_than_device_allows(void) {
  clconv_device_info info;
  clconv_tensor *t = NULL;
  int64_t dims[2];
  clconv_context_device(device_ctx, &info);
  if (info.type == CLCONV_DEVICE_TYPE_REFERENCE)
    return;
  dims[0] = (int64_t)(info.max_alloc_bytes / 4 / 1024) + 1;
  dims[1] = 1024;
  TEST_EXPECT_ERROR(device_ctx, clconv_tensor_create(device_ctx, 2, dims, &t),
                    CLCONV_STATUS_TOO_LARGE, "CL_DEVICE_MAX_MEM_ALLOC_SIZE");
  CU_ASSERT_PTR_NULL(t);
}

/* A bad selection, by option or by CLCONV_DEVICE, names itself. */
static void test_bad_device_selection(void) {
  clconv_context *ctx = (clconv_context *)&ctx;
  char message[2048];
  clconv_context_options options = clconv_context_options_default();
  clconv_device_info info;
  clconv_context_device(device_ctx, &info);
  if (info.type == CLCONV_DEVICE_TYPE_REFERENCE)
    return;
  options.device = "no-such-device-xyz";
  CU_ASSERT_EQUAL(
      clconv_context_create(&options, &ctx, message, sizeof message),
      CLCONV_STATUS_DEVICE_NOT_FOUND);
  CU_ASSERT_PTR_NULL(ctx);
  CU_ASSERT_PTR_NOT_NULL(strstr(message, "'no-such-device-xyz'"));
  CU_ASSERT_PTR_NOT_NULL(strstr(message, "devices: 0:0"));
  options.device = "7:3";
  CU_ASSERT_EQUAL(
      clconv_context_create(&options, &ctx, message, sizeof message),
      CLCONV_STATUS_DEVICE_NOT_FOUND);
  CU_ASSERT_EQUAL(
      clconv_context_create(&options, NULL, message, sizeof message),
      CLCONV_STATUS_INVALID_ARGUMENT);
  CU_ASSERT_PTR_NOT_NULL(strstr(message, "out is NULL"));
}

/* Runs a whole session (context, tensors, forward with verification, read)
 * on @p device; @return its first failing status. */
static clconv_status session(const char *device) {
  const int64_t xd[4] = {1, 2, 5, 5}, wd[4] = {3, 2, 2, 2}, bd[1] = {3};
  int64_t yd[4];
  float data[50] = {0}, out[48];
  clconv_context_options options = clconv_context_options_default();
  clconv_context *ctx = NULL;
  clconv_tensor *x = NULL, *w = NULL, *b = NULL, *y = NULL;
  clconv_corr2d_params p = clconv_corr2d_params_default();
  clconv_status s;
  options.device = device;
  options.verify = 1;
  if ((s = clconv_context_create(&options, &ctx, NULL, 0)) != 0 ||
      (s = clconv_tensor_create(ctx, 4, xd, &x)) != 0 ||
      (s = clconv_tensor_write(x, data, 50)) != 0 ||
      (s = clconv_tensor_create(ctx, 4, wd, &w)) != 0 ||
      (s = clconv_tensor_write(w, data, 24)) != 0 ||
      (s = clconv_tensor_create(ctx, 1, bd, &b)) != 0 ||
      (s = clconv_tensor_write(b, data, 3)) != 0 ||
      (s = clconv_corr2d_output_dims(ctx, &p, x, w, yd)) != 0 ||
      (s = clconv_tensor_create(ctx, 4, yd, &y)) != 0 ||
      (s = clconv_corr2d_forward(ctx, &p, x, w, b, y)) != 0 ||
      (s = clconv_tensor_read(y, out, 48)) != 0)
    goto done;
done:
  clconv_tensor_release(y);
  clconv_tensor_release(b);
  clconv_tensor_release(w);
  clconv_tensor_release(x);
  clconv_context_release(ctx);
  return s;
}

/* Fails the first, second, ... host allocation until the session succeeds;
 * each failure must be OUT_OF_HOST_MEMORY (ASan reports any leak). */
static void sweep_allocation_failures(const char *device) {
  long n;
  for (n = 1; n < 500; n++) {
    clconv_status s;
    clconv__alloc_test_fail_from(n);
    s = session(device);
    clconv__alloc_test_fail_from(0);
    if (s == CLCONV_STATUS_OK)
      break;
    if (s != CLCONV_STATUS_OUT_OF_HOST_MEMORY)
      fprintf(stderr, "\nallocation %ld failed into %s\n", n,
              clconv_status_name(s));
    CU_ASSERT_EQUAL(s, CLCONV_STATUS_OUT_OF_HOST_MEMORY);
  }
  CU_ASSERT(n > 3 && n < 500);
}

static void test_out_of_memory_reference(void) {
  sweep_allocation_failures("reference");
}

static void test_out_of_memory_device(void) {
  clconv_device_info info;
  clconv_context_device(device_ctx, &info);
  if (info.type != CLCONV_DEVICE_TYPE_REFERENCE)
    sweep_allocation_failures(NULL);
}

static void test_status_strings(void) {
  CU_ASSERT_STRING_EQUAL(clconv_status_string(CLCONV_STATUS_OK), "success");
  CU_ASSERT_STRING_EQUAL(clconv_status_name(CLCONV_STATUS_BUILD_FAILED),
                         "BUILD_FAILED");
  CU_ASSERT_STRING_EQUAL(clconv_status_string((clconv_status)999),
                         "unknown status");
  for (int s = 0; s < CLCONV_STATUS_COUNT__; s++)
    CU_ASSERT(strlen(clconv_status_string((clconv_status)s)) > 0);
  /* The library linked is the one these headers describe. */
  CU_ASSERT_EQUAL(clconv_version(), CLCONV_VERSION_NUMBER);
  CU_ASSERT_STRING_EQUAL(clconv_version_string(), CLCONV_VERSION_STRING);
}

/* A parameter struct not made by its _default() function (struct_size 0)
 * is refused with a message that says how to make it. */
static void test_struct_size(void) {
  clconv_context *ctx = test_open_reference();
  clconv_context *other = NULL;
  clconv_context_options options;
  clconv_corr2d_params p;
  clconv_sgd_params s;
  clconv_conv2d_params l;
  clconv_conv2d *layer = NULL;
  int64_t dims[4] = {1, 1, 3, 3}, y_dims[4];
  clconv_tensor *x = test_tensor(ctx, 4, dims, NULL);
  char message[256];
  memset(&p, 0, sizeof p);
  p.stride_h = p.stride_w = p.dilation_h = p.dilation_w = p.groups = 1;
  TEST_EXPECT_ERROR(ctx, clconv_corr2d_output_dims(ctx, &p, x, x, y_dims),
                    CLCONV_STATUS_INVALID_ARGUMENT,
                    "clconv_corr2d_params_default()");
  memset(&s, 0, sizeof s);
  s.lr = 0.1f;
  TEST_EXPECT_ERROR(ctx, clconv_sgd_step(ctx, &s, x, x, NULL, 0),
                    CLCONV_STATUS_INVALID_ARGUMENT,
                    "clconv_sgd_params_default()");
  l = clconv_conv2d_params_default();
  l.struct_size = 0;
  TEST_EXPECT_ERROR(ctx, clconv_conv2d_create(ctx, &l, &layer),
                    CLCONV_STATUS_INVALID_ARGUMENT,
                    "clconv_conv2d_params_default()");
  CU_ASSERT_PTR_NULL(layer);
  memset(&options, 0, sizeof options);
  options.device = "reference";
  CU_ASSERT_EQUAL(
      clconv_context_create(&options, &other, message, sizeof message),
      CLCONV_STATUS_INVALID_ARGUMENT);
  CU_ASSERT_PTR_NOT_NULL(strstr(message, "clconv_context_options_default()"));
  CU_ASSERT_PTR_NULL(other);
  /* _init() fills only the bytes the caller says it has. */
  memset(&p, 0x55, sizeof p);
  clconv_corr2d_params_init(&p, offsetof(clconv_corr2d_params, stride_h));
  CU_ASSERT_EQUAL(p.struct_size, offsetof(clconv_corr2d_params, stride_h));
  CU_ASSERT(p.pad_h == 0 && p.pad_w == 0);
  CU_ASSERT_EQUAL(p.stride_h, 0x5555555555555555LL);
  clconv_tensor_release(x);
  clconv_context_release(ctx);
}

int main(void) {
  static const test_case tests[] = {
      {"parameter structs need their struct_size", test_struct_size},
      {"bad params (reference)", test_bad_params_reference},
      {"bad params (device)", test_bad_params_device},
      {"bad tensors (reference)", test_bad_tensors_reference},
      {"bad tensors (device)", test_bad_tensors_device},
      {"tensor_create (reference)", test_tensor_create_reference},
      {"tensor_create (device)", test_tensor_create_device},
      {"larger than the device allows", test_larger_than_device_allows},
      {"bad device selection", test_bad_device_selection},
      {"allocation failures (reference)", test_out_of_memory_reference},
      {"allocation failures (device)", test_out_of_memory_device},
      {"status strings and version", test_status_strings},
  };
  int status;
  device_ctx = test_open_device();
  reference_ctx = test_open_reference();
  status = test_run_suite("errors", tests, sizeof tests / sizeof tests[0]);
  clconv_context_release(reference_ctx);
  clconv_context_release(device_ctx);
  return status;
}
