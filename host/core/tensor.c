/* tensor.c: tensor creation with size checks, host writes and reads. */
#include "core/tensor.h"

#include "common/alloc.h"
#include "common/error.h"
#include "core/context.h"
#include "opencl/cl_launch.h"

#include <stdint.h>
#include <string.h>

/* Dimensions stay below 2^31 so kernels can take them as int. */
#define MAX_DIM INT32_MAX

clconv_status clconv__tensor_new(clconv_context *ctx, const char *fn, int rank,
                                 const int64_t *dims, clconv_tensor **out) {
  clconv_tensor *t;
  size_t count = 1;

  if (out != NULL)
    *out = NULL;
  CLCONV_FORWARD_IF_ERROR(clconv__context_enter(ctx, fn));
  CLCONV_RETURN_IF(ctx, out == NULL, CLCONV_STATUS_INVALID_ARGUMENT,
                   "%s: out is NULL", fn);
  CLCONV_RETURN_IF(
      ctx, rank < 1 || rank > CLCONV_MAX_RANK, CLCONV_STATUS_INVALID_ARGUMENT,
      "%s: rank must be 1 to %d, got %d", fn, CLCONV_MAX_RANK, rank);
  CLCONV_RETURN_IF(ctx, dims == NULL, CLCONV_STATUS_INVALID_ARGUMENT,
                   "%s: dims is NULL", fn);

  /* Checks each size, then the element and byte counts for overflow. */
  for (int i = 0; i < rank; i++) {
    CLCONV_RETURN_IF(ctx, dims[i] < 0, CLCONV_STATUS_INVALID_ARGUMENT,
                     "%s: dims[%d] must be >= 0, got %lld", fn, i,
                     (long long)dims[i]);
    CLCONV_RETURN_IF(ctx, dims[i] > MAX_DIM, CLCONV_STATUS_TOO_LARGE,
                     "%s: dims[%d] = %lld exceeds the largest size, %d", fn, i,
                     (long long)dims[i], MAX_DIM);
    CLCONV_RETURN_IF(ctx, dims[i] != 0 && count > SIZE_MAX / (size_t)dims[i],
                     CLCONV_STATUS_SIZE_OVERFLOW,
                     "%s: the element count of dims overflows size_t", fn);
    count *= (size_t)dims[i];
  }
  CLCONV_RETURN_IF(
      ctx, count > SIZE_MAX / sizeof(float), CLCONV_STATUS_SIZE_OVERFLOW,
      "%s: the byte count of %zu floats overflows size_t", fn, count);
  CLCONV_RETURN_IF(ctx,
                   !ctx->is_reference && (uint64_t)count * sizeof(float) >
                                             ctx->info.max_alloc_bytes,
                   CLCONV_STATUS_TOO_LARGE,
                   "%s: %zu bytes exceed the device's largest buffer, %llu "
                   "bytes (CL_DEVICE_MAX_MEM_ALLOC_SIZE of '%s')",
                   fn, count * sizeof(float),
                   (unsigned long long)ctx->info.max_alloc_bytes,
                   ctx->info.device_name);

  t = clconv__alloc_zeroed(1, sizeof *t);
  CLCONV_RETURN_IF(ctx, t == NULL, CLCONV_STATUS_OUT_OF_HOST_MEMORY,
                   "%s: out of host memory", fn);
  t->ctx = ctx;
  t->rank = rank;
  memcpy(t->dims, dims, (size_t)rank * sizeof *dims);
  t->count = count;
  t->bytes = count * sizeof(float);
  *out = t;
  return CLCONV_STATUS_OK;
}

clconv_status clconv_tensor_create(clconv_context *ctx, int rank,
                                   const int64_t *dims, clconv_tensor **out) {
  static const char *fn = "clconv_tensor_create";
  clconv_tensor *t;
  cl_int err;

  /* Checks the dims and makes the handle, then the storage on the host or
   * the device. */
  CLCONV_FORWARD_IF_ERROR(clconv__tensor_new(ctx, fn, rank, dims, out));
  t = *out;
  if (ctx->is_reference) {
    t->host = clconv__alloc(t->bytes);
    if (t->host == NULL) {
      const size_t bytes = t->bytes;
      clconv__alloc_free(t);
      *out = NULL;
      return clconv__error_fail(ctx, CLCONV_STATUS_OUT_OF_HOST_MEMORY,
                                "%s: out of host memory for %zu bytes", fn,
                                bytes);
    }
  } else if (t->bytes > 0) {
    t->mem =
        clCreateBuffer(ctx->cl_ctx, CL_MEM_READ_WRITE, t->bytes, NULL, &err);
    if (t->mem == NULL || err != CL_SUCCESS) {
      clconv__alloc_free(t);
      *out = NULL;
      return clconv__error_fail_cl(ctx, err,
                                   "clconv_tensor_create: clCreateBuffer");
    }
  }
  return CLCONV_STATUS_OK;
}

void clconv_tensor_release(clconv_tensor *t) {
  if (t == NULL)
    return;
  if (t->mem != NULL)
    (void)clReleaseMemObject(t->mem);
  clconv__alloc_free(t->host);
  clconv__alloc_free(t);
}

int clconv_tensor_rank(const clconv_tensor *t) {
  return t != NULL ? t->rank : 0;
}

int64_t clconv_tensor_dim(const clconv_tensor *t, int axis) {
  if (t == NULL || axis < 0 || axis >= t->rank)
    return -1;
  return t->dims[axis];
}

size_t clconv_tensor_count(const clconv_tensor *t) {
  return t != NULL ? t->count : 0;
}

/* Checks the arguments of a host copy of @p count floats. */
static clconv_status check_copy(const clconv_tensor *t, const void *data,
                                size_t count, const char *fn) {
  if (t == NULL)
    return CLCONV_STATUS_INVALID_ARGUMENT;
  CLCONV_FORWARD_IF_ERROR(clconv__context_enter(t->ctx, fn));
  CLCONV_RETURN_IF(t->ctx, count != t->count, CLCONV_STATUS_INVALID_ARGUMENT,
                   "%s: count is %zu but the tensor holds %zu elements", fn,
                   count, t->count);
  CLCONV_RETURN_IF(t->ctx, data == NULL && count > 0,
                   CLCONV_STATUS_INVALID_ARGUMENT, "%s: data is NULL", fn);
  return CLCONV_STATUS_OK;
}

clconv_status clconv_tensor_write(clconv_tensor *t, const float *data,
                                  size_t count) {
  static const char *fn = "clconv_tensor_write";
  cl_int err;
  CLCONV_FORWARD_IF_ERROR(check_copy(t, data, count, fn));
  if (t->bytes == 0)
    return CLCONV_STATUS_OK;
  if (t->ctx->is_reference) {
    memcpy(t->host, data, t->bytes);
    return CLCONV_STATUS_OK;
  }
  err = clEnqueueWriteBuffer(t->ctx->queue, t->mem, CL_TRUE, 0, t->bytes, data,
                             0, NULL, NULL);
  if (err != CL_SUCCESS)
    return clconv__cl_launch_lost(t->ctx, err,
                                  "clconv_tensor_write: "
                                  "clEnqueueWriteBuffer");
  return CLCONV_STATUS_OK;
}

clconv_status clconv_tensor_read(const clconv_tensor *t, float *data,
                                 size_t count) {
  static const char *fn = "clconv_tensor_read";
  cl_int err;
  CLCONV_FORWARD_IF_ERROR(check_copy(t, data, count, fn));
  if (t->bytes == 0)
    return CLCONV_STATUS_OK;
  if (t->ctx->is_reference) {
    memcpy(data, t->host, t->bytes);
    return CLCONV_STATUS_OK;
  }
  err = clEnqueueReadBuffer(t->ctx->queue, t->mem, CL_TRUE, 0, t->bytes, data,
                            0, NULL, NULL);
  if (err != CL_SUCCESS)
    return clconv__cl_launch_lost(t->ctx, err,
                                  "clconv_tensor_read: clEnqueueReadBuffer");
  return CLCONV_STATUS_OK;
}

clconv_status clconv__tensor_check(clconv_context *ctx, const clconv_tensor *t,
                                   int rank, const char *fn, const char *name) {
  CLCONV_RETURN_IF(ctx, t == NULL, CLCONV_STATUS_INVALID_ARGUMENT,
                   "%s: %s is NULL", fn, name);
  CLCONV_RETURN_IF(ctx, t->ctx != ctx, CLCONV_STATUS_WRONG_CONTEXT,
                   "%s: %s belongs to another context", fn, name);
  CLCONV_RETURN_IF(ctx, t->rank != rank, CLCONV_STATUS_SHAPE_MISMATCH,
                   "%s: %s must have rank %d, got rank %d", fn, name, rank,
                   t->rank);
  return CLCONV_STATUS_OK;
}

clconv_status clconv__tensor_download(const clconv_tensor *t, float **out) {
  float *data;
  clconv_status status;
  *out = NULL;
  if (t->count == 0)
    return CLCONV_STATUS_OK;
  data = clconv__alloc(t->bytes);
  CLCONV_RETURN_IF(t->ctx, data == NULL, CLCONV_STATUS_OUT_OF_HOST_MEMORY,
                   "out of host memory reading a tensor of %zu bytes",
                   t->bytes);
  status = clconv_tensor_read(t, data, t->count);
  if (status != CLCONV_STATUS_OK) {
    clconv__alloc_free(data);
    return status;
  }
  *out = data;
  return CLCONV_STATUS_OK;
}

/* 1 when @p a and @p b are one tensor or wrap overlapping bytes of one
 * buffer. */
static int shares_storage(const clconv_tensor *a, const clconv_tensor *b) {
  cl_mem base_a, base_b;
  size_t at_a, at_b;
  if (a == b)
    return 1;
  if (a->bytes == 0 || b->bytes == 0)
    return 0;
  base_a = a->base != NULL ? a->base : a->mem;
  base_b = b->base != NULL ? b->base : b->mem;
  at_a = a->base != NULL ? a->base_offset : 0;
  at_b = b->base != NULL ? b->base_offset : 0;
  return base_a != NULL && base_a == base_b && at_a < at_b + b->bytes &&
         at_b < at_a + a->bytes;
}

clconv_status clconv__tensor_check_distinct(clconv_context *ctx, const char *fn,
                                            const clconv_tensor *out,
                                            const char *out_name,
                                            const clconv_tensor *const *inputs,
                                            const char *const *names,
                                            int count) {
  if (out == NULL)
    return CLCONV_STATUS_OK; /* the caller's own check names it */
  CLCONV_RETURN_IF(ctx, (out->access & CL_MEM_READ_ONLY) != 0,
                   CLCONV_STATUS_INVALID_ARGUMENT,
                   "%s: %s wraps a buffer made CL_MEM_READ_ONLY, which "
                   "kernels may not write; wrap a CL_MEM_READ_WRITE buffer",
                   fn, out_name);
  for (int i = 0; i < count; i++) {
    if (inputs[i] == NULL)
      continue;
    CLCONV_RETURN_IF(ctx, inputs[i] == out, CLCONV_STATUS_INVALID_ARGUMENT,
                     "%s: %s must not be the same tensor as %s", fn, out_name,
                     names[i]);
    CLCONV_RETURN_IF(ctx, shares_storage(inputs[i], out),
                     CLCONV_STATUS_INVALID_ARGUMENT,
                     "%s: %s and %s wrap overlapping bytes of one buffer; an "
                     "output must not share storage with an input",
                     fn, out_name, names[i]);
    CLCONV_RETURN_IF(ctx, (inputs[i]->access & CL_MEM_WRITE_ONLY) != 0,
                     CLCONV_STATUS_INVALID_ARGUMENT,
                     "%s: %s wraps a buffer made CL_MEM_WRITE_ONLY, which "
                     "kernels may not read; wrap a CL_MEM_READ_WRITE buffer",
                     fn, names[i]);
  }
  return CLCONV_STATUS_OK;
}

clconv_status
clconv__tensor_check_same_dims(clconv_context *ctx, const char *fn,
                               const clconv_tensor *a, const char *a_name,
                               const clconv_tensor *b, const char *b_name) {
  int same = a->rank == b->rank;
  for (int i = 0; same && i < a->rank; i++)
    same = a->dims[i] == b->dims[i];
  CLCONV_RETURN_IF(ctx, !same, CLCONV_STATUS_SHAPE_MISMATCH,
                   "%s: %s and %s must have the same dims (%d-D with %zu "
                   "elements vs %d-D with %zu elements)",
                   fn, a_name, b_name, a->rank, a->count, b->rank, b->count);
  return CLCONV_STATUS_OK;
}

clconv_status clconv__tensor_reuse(clconv_context *ctx, int rank,
                                   const int64_t *dims, clconv_tensor **t) {
  if (*t != NULL && (*t)->ctx == ctx && (*t)->rank == rank &&
      memcmp((*t)->dims, dims, (size_t)rank * sizeof *dims) == 0)
    return CLCONV_STATUS_OK;
  clconv_tensor_release(*t);
  *t = NULL;
  return clconv_tensor_create(ctx, rank, dims, t);
}

clconv_status clconv__tensor_zero(clconv_tensor *t) {
  const cl_float zero = 0.0f;
  cl_int err;
  if (t->bytes == 0)
    return CLCONV_STATUS_OK;
  if (t->ctx->is_reference) {
    for (size_t i = 0; i < t->count; i++)
      t->host[i] = 0.0f;
    return CLCONV_STATUS_OK;
  }
  err = clEnqueueFillBuffer(t->ctx->queue, t->mem, &zero, sizeof zero, 0,
                            t->bytes, 0, NULL, NULL);
  if (err != CL_SUCCESS)
    return clconv__error_fail_cl(t->ctx, err, "clEnqueueFillBuffer");
  return CLCONV_STATUS_OK;
}
