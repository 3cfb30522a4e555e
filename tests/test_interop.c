/* test_interop.c: clconv on an application's own OpenCL objects: the
 * application makes its cl_context, queue and buffers with the OpenCL API,
 * clconv runs a forward and the gradients on them (wrapped buffers, one at
 * an offset), the results agree with the reference backend, clconv's work
 * is ordered with the application's by events, and every application
 * object keeps its reference count and works after clconv is gone. Bad
 * objects, and buffers used against their access flags or shared between
 * an input and an output, are refused with a message. */
#define _POSIX_C_SOURCE 200809L /* nanosleep */
#include "clconv_cl.h"
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The application's objects. */
typedef struct app {
  cl_device_id device;
  cl_context context;
  cl_command_queue queue;
} app;

/* Opens the device clconv would pick, the way an application would. */
static int app_open(app *a) {
  clconv_context *probe = test_open_device();
  clconv_device_info info;
  cl_platform_id platforms[16];
  cl_uint platform_count = 0;
  cl_int err;
  clconv_context_device(probe, &info);
  clconv_context_release(probe);
  if (info.type == CLCONV_DEVICE_TYPE_REFERENCE ||
      clGetPlatformIDs(16, platforms, &platform_count) != CL_SUCCESS ||
      (cl_uint)info.platform_index >= platform_count)
    return 0;
  {
    cl_device_id devices[64];
    cl_uint device_count = 0;
    if (clGetDeviceIDs(platforms[info.platform_index], CL_DEVICE_TYPE_ALL, 64,
                       devices, &device_count) != CL_SUCCESS ||
        (cl_uint)info.device_index >= device_count)
      return 0;
    a->device = devices[info.device_index];
  }
  a->context = clCreateContext(NULL, 1, &a->device, NULL, NULL, &err);
  if (a->context == NULL)
    return 0;
  a->queue = clCreateCommandQueue(a->context, a->device, 0, &err);
  return a->queue != NULL;
}

static void app_close(app *a) {
  clReleaseCommandQueue(a->queue);
  clReleaseContext(a->context);
}

static cl_uint ref_count_mem(cl_mem m) {
  cl_uint n = 0;
  clGetMemObjectInfo(m, CL_MEM_REFERENCE_COUNT, sizeof n, &n, NULL);
  return n;
}

static cl_uint ref_count_queue(cl_command_queue q) {
  cl_uint n = 0;
  clGetCommandQueueInfo(q, CL_QUEUE_REFERENCE_COUNT, sizeof n, &n, NULL);
  return n;
}

/* The queue's count once it settles at @p want, or after 2 s: an
 * implementation may drop the reference of a released event's queue a
 * moment later, on its own thread (PoCL does). */
static cl_uint settled_count_queue(cl_command_queue q, cl_uint want) {
  const struct timespec pause = {0, 1000000}; /* 1 ms */
  cl_uint n = ref_count_queue(q);
  for (int i = 0; i < 2000 && n != want; i++) {
    nanosleep(&pause, NULL);
    n = ref_count_queue(q);
  }
  return n;
}

static cl_uint ref_count_context(cl_context c) {
  cl_uint n = 0;
  clGetContextInfo(c, CL_CONTEXT_REFERENCE_COUNT, sizeof n, &n, NULL);
  return n;
}

static cl_mem app_buffer(app *a, size_t bytes) {
  cl_int err;
  return clCreateBuffer(a->context, CL_MEM_READ_WRITE, bytes, NULL, &err);
}

/* The reference result of a forward and its input and weight gradients. */
static void reference(const clconv_corr2d_params *p, const int64_t *xd,
                      const float *x, const int64_t *wd, const float *w,
                      const int64_t *yd, const float *dy, float *y, float *dx,
                      float *dw) {
  clconv_context *r = test_open_reference();
  clconv_tensor *tx = test_tensor(r, 4, xd, x), *tw = test_tensor(r, 4, wd, w);
  clconv_tensor *ty = test_tensor(r, 4, yd, NULL);
  clconv_tensor *tdy = test_tensor(r, 4, yd, dy);
  clconv_tensor *tdx = test_tensor(r, 4, xd, NULL);
  clconv_tensor *tdw = test_tensor(r, 4, wd, NULL);
  CU_ASSERT_EQUAL(clconv_corr2d_forward(r, p, tx, tw, NULL, ty), 0);
  CU_ASSERT_EQUAL(clconv_corr2d_backward_data(r, p, tdy, tw, tdx), 0);
  CU_ASSERT_EQUAL(clconv_corr2d_backward_weight(r, p, tx, tdy, tdw, 0), 0);
  clconv_tensor_read(ty, y, clconv_tensor_count(ty));
  clconv_tensor_read(tdx, dx, clconv_tensor_count(tdx));
  clconv_tensor_read(tdw, dw, clconv_tensor_count(tdw));
  clconv_tensor_release(tdw);
  clconv_tensor_release(tdx);
  clconv_tensor_release(tdy);
  clconv_tensor_release(ty);
  clconv_tensor_release(tw);
  clconv_tensor_release(tx);
  clconv_context_release(r);
}

/* Integer data keep every sum exact: device and reference agree bit for
 * bit (docs/design.md). */
static float small_int(test_rng *r) { return (float)test_int(r, -3, 3); }

/* A forward and both gradients on the application's buffers, x at an
 * offset in a larger buffer, written and read by the application. */
static void test_ops_on_app_buffers(void) {
  enum { XN = 2 * 3 * 9 * 11, WN = 4 * 3 * 3 * 3, YN = 2 * 4 * 9 * 11 };
  const int64_t xd[4] = {2, 3, 9, 11}, wd[4] = {4, 3, 3, 3},
                yd[4] = {2, 4, 9, 11};
  float x[XN], w[WN], dy[YN], y[YN], dx[XN], dw[WN];
  float ry[YN], rdx[XN], rdw[WN];
  clconv_corr2d_params p = clconv_corr2d_params_default();
  test_rng r = {test_seed()};
  cl_uint align_bits = 0;
  size_t offset;
  app a;
  cl_mem bx, bw, by, bdy, bdx, bdw;
  clconv_context *ctx = NULL;
  clconv_tensor *tx, *tw, *ty, *tdy, *tdx, *tdw;
  char message[512];
  if (!app_open(&a))
    return;
  p.pad_h = p.pad_w = 1;
  for (int i = 0; i < XN; i++)
    x[i] = small_int(&r);
  for (int i = 0; i < WN; i++)
    w[i] = small_int(&r);
  for (int i = 0; i < YN; i++)
    dy[i] = small_int(&r);
  reference(&p, xd, x, wd, w, yd, dy, ry, rdx, rdw);

  /* x starts one alignment unit into its buffer. */
  clGetDeviceInfo(a.device, CL_DEVICE_MEM_BASE_ADDR_ALIGN, sizeof align_bits,
                  &align_bits, NULL);
  offset = align_bits >= 8 ? align_bits / 8 : 128;
  bx = app_buffer(&a, offset + sizeof x);
  bw = app_buffer(&a, sizeof w);
  by = app_buffer(&a, sizeof y);
  bdy = app_buffer(&a, sizeof dy);
  bdx = app_buffer(&a, sizeof dx);
  bdw = app_buffer(&a, sizeof dw);
  CU_ASSERT_FATAL(bx && bw && by && bdy && bdx && bdw);
  clEnqueueWriteBuffer(a.queue, bx, CL_FALSE, offset, sizeof x, x, 0, NULL,
                       NULL);
  clEnqueueWriteBuffer(a.queue, bw, CL_FALSE, 0, sizeof w, w, 0, NULL, NULL);
  clEnqueueWriteBuffer(a.queue, bdy, CL_FALSE, 0, sizeof dy, dy, 0, NULL, NULL);

  /* clconv runs in the application's queue, after its writes. */
  CU_ASSERT_EQUAL_FATAL(clconv_context_create_from_cl(a.context, a.device,
                                                      a.queue, NULL, &ctx,
                                                      message, sizeof message),
                        CLCONV_STATUS_OK);
  CU_ASSERT_PTR_EQUAL(clconv_context_cl_queue(ctx), a.queue);
  CU_ASSERT_PTR_EQUAL(clconv_context_cl_context(ctx), a.context);
  CU_ASSERT_EQUAL(clconv_tensor_wrap_cl(ctx, bx, offset, 4, xd, &tx), 0);
  CU_ASSERT_EQUAL(clconv_tensor_wrap_cl(ctx, bw, 0, 4, wd, &tw), 0);
  CU_ASSERT_EQUAL(clconv_tensor_wrap_cl(ctx, by, 0, 4, yd, &ty), 0);
  CU_ASSERT_EQUAL(clconv_tensor_wrap_cl(ctx, bdy, 0, 4, yd, &tdy), 0);
  CU_ASSERT_EQUAL(clconv_tensor_wrap_cl(ctx, bdx, 0, 4, xd, &tdx), 0);
  CU_ASSERT_EQUAL(clconv_tensor_wrap_cl(ctx, bdw, 0, 4, wd, &tdw), 0);
  CU_ASSERT_PTR_EQUAL(clconv_tensor_cl_mem(tw), bw);
  CU_ASSERT_EQUAL(clconv_corr2d_forward(ctx, &p, tx, tw, NULL, ty), 0);
  CU_ASSERT_EQUAL(clconv_corr2d_backward_data(ctx, &p, tdy, tw, tdx), 0);
  CU_ASSERT_EQUAL(clconv_corr2d_backward_weight(ctx, &p, tx, tdy, tdw, 0), 0);

  /* The application reads the results in its own queue order. */
  clEnqueueReadBuffer(a.queue, by, CL_FALSE, 0, sizeof y, y, 0, NULL, NULL);
  clEnqueueReadBuffer(a.queue, bdx, CL_FALSE, 0, sizeof dx, dx, 0, NULL, NULL);
  clEnqueueReadBuffer(a.queue, bdw, CL_TRUE, 0, sizeof dw, dw, 0, NULL, NULL);
  CU_ASSERT(memcmp(y, ry, sizeof y) == 0);
  CU_ASSERT(memcmp(dx, rdx, sizeof dx) == 0);
  CU_ASSERT(memcmp(dw, rdw, sizeof dw) == 0);

  /* The application's objects work after clconv is gone. */
  clconv_tensor_release(tdw);
  clconv_tensor_release(tdx);
  clconv_tensor_release(tdy);
  clconv_tensor_release(ty);
  clconv_tensor_release(tw);
  clconv_tensor_release(tx);
  clconv_context_release(ctx);
  memset(y, 0, sizeof y);
  CU_ASSERT_EQUAL(
      clEnqueueReadBuffer(a.queue, by, CL_TRUE, 0, sizeof y, y, 0, NULL, NULL),
      CL_SUCCESS);
  CU_ASSERT(memcmp(y, ry, sizeof y) == 0);
  clReleaseMemObject(bdw);
  clReleaseMemObject(bdx);
  clReleaseMemObject(bdy);
  clReleaseMemObject(by);
  clReleaseMemObject(bw);
  clReleaseMemObject(bx);
  app_close(&a);
}

/* clconv takes one reference to each object it is given and gives it back.
 * (Counted with no command in flight: a driver's commands hold references
 * of their own.) */
static void test_references(void) {
  const int64_t dims[1] = {16};
  app a;
  clconv_context *ctx = NULL;
  clconv_tensor *t = NULL;
  cl_mem buffer;
  cl_uint queue0, context0, buffer0;
  if (!app_open(&a))
    return;
  buffer = app_buffer(&a, 16 * sizeof(float));
  queue0 = ref_count_queue(a.queue);
  context0 = ref_count_context(a.context);
  buffer0 = ref_count_mem(buffer);
  CU_ASSERT_EQUAL_FATAL(clconv_context_create_from_cl(
                            a.context, a.device, a.queue, NULL, &ctx, NULL, 0),
                        0);
  CU_ASSERT_EQUAL(ref_count_queue(a.queue), queue0 + 1);
  CU_ASSERT_EQUAL(ref_count_context(a.context), context0 + 1);
  CU_ASSERT_EQUAL(clconv_tensor_wrap_cl(ctx, buffer, 0, 1, dims, &t), 0);
  CU_ASSERT_EQUAL(ref_count_mem(buffer), buffer0 + 1);
  clconv_tensor_release(t);
  CU_ASSERT_EQUAL(ref_count_mem(buffer), buffer0);
  clconv_context_release(ctx);
  CU_ASSERT_EQUAL(settled_count_queue(a.queue, queue0), queue0);
  CU_ASSERT_EQUAL(ref_count_context(a.context), context0);
  clReleaseMemObject(buffer);
  app_close(&a);
}

/* The application writes x in a second queue; clconv waits for that write's
 * event, and its marker event completes after the forward. */
static void test_events(void) {
  const float x[9] = {0, 1, 2, 3, 4, 5, 6, 7, 8}, k[4] = {0, 1, 2, 3};
  const int64_t xd[4] = {1, 1, 3, 3}, kd[4] = {1, 1, 2, 2},
                yd[4] = {1, 1, 2, 2};
  clconv_corr2d_params p = clconv_corr2d_params_default();
  float y[4] = {0};
  app a;
  cl_command_queue other;
  cl_event written = NULL, done = NULL;
  cl_int err, state = 0;
  cl_mem bx;
  clconv_context *ctx = NULL;
  clconv_tensor *tx = NULL, *tk, *ty;
  if (!app_open(&a))
    return;
  other = clCreateCommandQueue(a.context, a.device, 0, &err);
  bx = app_buffer(&a, sizeof x);
  CU_ASSERT_EQUAL_FATAL(clconv_context_create_from_cl(
                            a.context, a.device, a.queue, NULL, &ctx, NULL, 0),
                        0);
  CU_ASSERT_EQUAL(clconv_tensor_wrap_cl(ctx, bx, 0, 4, xd, &tx), 0);
  tk = test_tensor(ctx, 4, kd, k);
  ty = test_tensor(ctx, 4, yd, NULL);
  clEnqueueWriteBuffer(other, bx, CL_FALSE, 0, sizeof x, x, 0, NULL, &written);
  clFlush(other);
  CU_ASSERT_EQUAL(clconv_context_wait_cl_events(ctx, 1, &written), 0);
  CU_ASSERT_EQUAL(clconv_corr2d_forward(ctx, &p, tx, tk, NULL, ty), 0);
  CU_ASSERT_EQUAL(clconv_context_cl_marker(ctx, &done), 0);
  CU_ASSERT_EQUAL(clWaitForEvents(1, &done), CL_SUCCESS);
  clGetEventInfo(done, CL_EVENT_COMMAND_EXECUTION_STATUS, sizeof state, &state,
                 NULL);
  CU_ASSERT_EQUAL(state, CL_COMPLETE);
  CU_ASSERT_EQUAL(clconv_tensor_read(ty, y, 4), 0);
  CU_ASSERT(y[0] == 19 && y[1] == 25 && y[2] == 37 && y[3] == 43);
  CU_ASSERT_EQUAL(clconv_context_wait_cl_events(ctx, 1, NULL),
                  CLCONV_STATUS_INVALID_ARGUMENT);
  clReleaseEvent(done);
  clReleaseEvent(written);
  clconv_tensor_release(ty);
  clconv_tensor_release(tk);
  clconv_tensor_release(tx);
  clconv_context_release(ctx);
  clReleaseMemObject(bx);
  clReleaseCommandQueue(other);
  app_close(&a);
}

/* Mismatched or bad objects are refused, naming what is wrong. */
static void test_bad_objects(void) {
  const int64_t dims[1] = {64};
  app a, b;
  clconv_context *ctx = NULL;
  clconv_tensor *t = NULL;
  cl_mem small, foreign;
  cl_command_queue out_of_order;
  cl_int err;
  char message[512];
  if (!app_open(&a) || !app_open(&b))
    return;
  CU_ASSERT_EQUAL(clconv_context_create_from_cl(NULL, a.device, a.queue, NULL,
                                                &ctx, message, sizeof message),
                  CLCONV_STATUS_INVALID_ARGUMENT);
  CU_ASSERT_PTR_NOT_NULL(strstr(message, "context is NULL"));
  CU_ASSERT_EQUAL(clconv_context_create_from_cl(a.context, a.device, b.queue,
                                                NULL, &ctx, message,
                                                sizeof message),
                  CLCONV_STATUS_INVALID_ARGUMENT);
  CU_ASSERT_PTR_NOT_NULL(strstr(message, "queue belongs to another context"));
  out_of_order = clCreateCommandQueue(
      a.context, a.device, CL_QUEUE_OUT_OF_ORDER_EXEC_MODE_ENABLE, &err);
  if (out_of_order != NULL) {
    CU_ASSERT_EQUAL(clconv_context_create_from_cl(a.context, a.device,
                                                  out_of_order, NULL, &ctx,
                                                  message, sizeof message),
                    CLCONV_STATUS_INVALID_ARGUMENT);
    CU_ASSERT_PTR_NOT_NULL(strstr(message, "in-order"));
    clReleaseCommandQueue(out_of_order);
  }
  CU_ASSERT_PTR_NULL(ctx);
  CU_ASSERT_EQUAL_FATAL(clconv_context_create_from_cl(
                            a.context, a.device, a.queue, NULL, &ctx, NULL, 0),
                        0);
  small = app_buffer(&a, 64 * sizeof(float) - 4);
  foreign = app_buffer(&b, 64 * sizeof(float));
  TEST_EXPECT_ERROR(ctx, clconv_tensor_wrap_cl(ctx, small, 0, 1, dims, &t),
                    CLCONV_STATUS_INVALID_ARGUMENT, "too few");
  TEST_EXPECT_ERROR(ctx, clconv_tensor_wrap_cl(ctx, foreign, 0, 1, dims, &t),
                    CLCONV_STATUS_WRONG_CONTEXT, "another cl_context");
  TEST_EXPECT_ERROR(ctx, clconv_tensor_wrap_cl(ctx, NULL, 0, 1, dims, &t),
                    CLCONV_STATUS_INVALID_ARGUMENT, "buffer is NULL");
  {
    cl_uint align_bits = 0;
    cl_mem big = app_buffer(&a, 4096);
    clGetDeviceInfo(a.device, CL_DEVICE_MEM_BASE_ADDR_ALIGN, sizeof align_bits,
                    &align_bits, NULL);
    if (align_bits > 32)
      TEST_EXPECT_ERROR(ctx, clconv_tensor_wrap_cl(ctx, big, 4, 1, dims, &t),
                        CLCONV_STATUS_INVALID_ARGUMENT,
                        "CL_DEVICE_MEM_BASE_ADDR_ALIGN");
    clReleaseMemObject(big);
  }
  CU_ASSERT_PTR_NULL(t);
  CU_ASSERT_EQUAL(ref_count_mem(small), 1);
  clconv_context_release(ctx);
  clReleaseMemObject(foreign);
  clReleaseMemObject(small);
  app_close(&b);
  app_close(&a);
}

/* Buffers used against their making: an output on a CL_MEM_READ_ONLY
 * buffer, an input on a CL_MEM_WRITE_ONLY one (undefined behaviour in
 * OpenCL), and an output wrapping bytes of the buffer an input wraps (the
 * same bytes, or overlapping ones at an offset) are refused by name, and
 * nothing is written; disjoint parts of one buffer work. */
static void test_misused_buffers(void) {
  enum { N = 16 * 16 };
  const int64_t xd[4] = {1, 1, 16, 16}, wd[4] = {1, 1, 1, 1};
  static float ones[N];
  clconv_corr2d_params p = clconv_corr2d_params_default();
  cl_uint align_bits = 0;
  size_t unit, apart;
  app a;
  cl_int err;
  cl_mem read_only, write_only, shared;
  clconv_context *ctx = NULL;
  clconv_tensor *x, *w, *y_ro, *x_wo, *y_same, *y_overlap, *y_apart;
  float back[N];
  for (int i = 0; i < N; i++)
    ones[i] = 1.0f;
  if (!app_open(&a))
    return;
  clGetDeviceInfo(a.device, CL_DEVICE_MEM_BASE_ADDR_ALIGN, sizeof align_bits,
                  &align_bits, NULL);
  unit = align_bits >= 8 ? align_bits / 8 : 128;  /* one alignment unit */
  apart = (sizeof ones + unit - 1) / unit * unit; /* past x's bytes */
  CU_ASSERT_EQUAL_FATAL(clconv_context_create_from_cl(
                            a.context, a.device, a.queue, NULL, &ctx, NULL, 0),
                        0);
  read_only =
      clCreateBuffer(a.context, CL_MEM_READ_ONLY, sizeof ones, NULL, &err);
  write_only =
      clCreateBuffer(a.context, CL_MEM_WRITE_ONLY, sizeof ones, NULL, &err);
  shared = clCreateBuffer(a.context, CL_MEM_READ_WRITE, apart + sizeof ones,
                          NULL, &err);
  CU_ASSERT_FATAL(read_only != NULL && write_only != NULL && shared != NULL);
  x = test_tensor(ctx, 4, xd, ones);
  w = test_tensor(ctx, 4, wd, ones);
  CU_ASSERT_EQUAL(clconv_tensor_wrap_cl(ctx, read_only, 0, 4, xd, &y_ro), 0);
  CU_ASSERT_EQUAL(clconv_tensor_wrap_cl(ctx, write_only, 0, 4, xd, &x_wo), 0);
  TEST_EXPECT_ERROR(ctx, clconv_corr2d_forward(ctx, &p, x, w, NULL, y_ro),
                    CLCONV_STATUS_INVALID_ARGUMENT,
                    "y wraps a buffer made CL_MEM_READ_ONLY");
  TEST_EXPECT_ERROR(ctx, clconv_corr2d_forward(ctx, &p, x_wo, w, NULL, x),
                    CLCONV_STATUS_INVALID_ARGUMENT,
                    "x wraps a buffer made CL_MEM_WRITE_ONLY");
  /* A read-only buffer still serves as an input. */
  CU_ASSERT_EQUAL(clconv_tensor_write(y_ro, ones, N), 0);
  /* x and the outputs on one buffer: the same bytes, overlapping bytes at
   * one alignment unit's offset, then bytes of their own. */
  clconv_tensor_release(x);
  CU_ASSERT_EQUAL(clconv_tensor_wrap_cl(ctx, shared, 0, 4, xd, &x), 0);
  CU_ASSERT_EQUAL(clconv_tensor_write(x, ones, N), 0);
  CU_ASSERT_EQUAL(clconv_tensor_wrap_cl(ctx, shared, 0, 4, xd, &y_same), 0);
  TEST_EXPECT_ERROR(ctx, clconv_corr2d_forward(ctx, &p, x, w, NULL, y_same),
                    CLCONV_STATUS_INVALID_ARGUMENT,
                    "y and x wrap overlapping bytes of one buffer");
  if (unit < sizeof ones) {
    CU_ASSERT_EQUAL(clconv_tensor_wrap_cl(ctx, shared, unit, 4, xd, &y_overlap),
                    0);
    TEST_EXPECT_ERROR(ctx,
                      clconv_corr2d_forward(ctx, &p, x, w, NULL, y_overlap),
                      CLCONV_STATUS_INVALID_ARGUMENT, "overlapping bytes");
    clconv_tensor_release(y_overlap);
  }
  CU_ASSERT_EQUAL(clconv_tensor_wrap_cl(ctx, shared, apart, 4, xd, &y_apart),
                  0);
  CU_ASSERT_EQUAL(clconv_corr2d_forward(ctx, &p, x, w, NULL, y_apart), 0);
  CU_ASSERT_EQUAL(clconv_tensor_read(y_apart, back, N), 0);
  CU_ASSERT(back[0] == 1.0f && back[N - 1] == 1.0f);
  clconv_tensor_release(y_apart);
  clconv_tensor_release(y_same);
  clconv_tensor_release(x_wo);
  clconv_tensor_release(y_ro);
  clconv_tensor_release(w);
  clconv_tensor_release(x);
  clconv_context_release(ctx);
  clReleaseMemObject(shared);
  clReleaseMemObject(write_only);
  clReleaseMemObject(read_only);
  app_close(&a);
}

int main(void) {
  static const test_case tests[] = {
      {"ops on the application's buffers", test_ops_on_app_buffers},
      {"one reference taken, one given back", test_references},
      {"events order clconv with the application", test_events},
      {"bad objects are refused", test_bad_objects},
      {"read-only, write-only and shared buffers", test_misused_buffers},
  };
  clconv_context_release(test_open_device());
  return test_run_suite("interop", tests, sizeof tests / sizeof tests[0]);
}
