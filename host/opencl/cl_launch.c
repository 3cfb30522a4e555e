/* cl_launch.c: checked 1-D and 3-D kernel launches. */
#include "opencl/cl_launch.h"

#include "common/error.h"

#include <stdint.h>

/* Checks the arguments, then picks a work-group size along the first
 * dimension that the kernel and the device accept. A kernel built for a
 * fixed group size (reqd_work_group_size, checked against the device when it
 * was made: cl_program.c) launches with exactly that size, never less. */
static clconv_status prepare_launch(clconv_context *ctx, clconv__cl_args *a,
                                    size_t preferred_local, const char *what,
                                    size_t *local) {
  size_t kernel_max = 0, fixed[3] = {0, 0, 0};
  cl_int err;
  if (a->err != CL_SUCCESS)
    return clconv__error_fail(ctx, clconv__error_status_from_cl(a->err),
                              "%s: clSetKernelArg %u failed: %s (%d)", what,
                              (unsigned)a->failed_index,
                              clconv__error_cl_name(a->err), (int)a->err);
  err = clGetKernelWorkGroupInfo(a->kernel, ctx->device,
                                 CL_KERNEL_COMPILE_WORK_GROUP_SIZE,
                                 sizeof fixed, fixed, NULL);
  if (err != CL_SUCCESS)
    return clconv__error_fail_cl(ctx, err, "clGetKernelWorkGroupInfo");
  if (fixed[0] != 0) {
    *local = fixed[0] * fixed[1] * fixed[2];
    CLCONV_RETURN_IF(ctx, *local != preferred_local,
                     CLCONV_STATUS_INVALID_ARGUMENT,
                     "%s: launched with %zu work-items per group, built for "
                     "%zu",
                     what, preferred_local, *local);
    return CLCONV_STATUS_OK;
  }
  err = clGetKernelWorkGroupInfo(a->kernel, ctx->device,
                                 CL_KERNEL_WORK_GROUP_SIZE, sizeof kernel_max,
                                 &kernel_max, NULL);
  if (err != CL_SUCCESS)
    return clconv__error_fail_cl(ctx, err, "clGetKernelWorkGroupInfo");
  *local = preferred_local;
  if (kernel_max > 0 && *local > kernel_max)
    *local = kernel_max;
  if (*local > ctx->info.max_work_group_size)
    *local = ctx->info.max_work_group_size;
  if (*local == 0)
    *local = 1;
  return CLCONV_STATUS_OK;
}

/* Enqueues an N-D range and flushes it. */
static clconv_status enqueue(clconv_context *ctx, clconv__cl_args *a,
                             cl_uint dims, const size_t *global,
                             const size_t *local, const char *what) {
  cl_int err = clEnqueueNDRangeKernel(ctx->queue, a->kernel, dims, NULL, global,
                                      local, 0, NULL, NULL);
  if (err != CL_SUCCESS)
    return clconv__error_fail(
        ctx, clconv__error_status_from_cl(err),
        "%s: clEnqueueNDRangeKernel (global %zu, local %zu) "
        "failed: %s (%d)",
        what, global[0], local[0], clconv__error_cl_name(err), (int)err);
  err = clFlush(ctx->queue);
  if (err != CL_SUCCESS)
    return clconv__cl_launch_lost(ctx, err, "clFlush");
  return CLCONV_STATUS_OK;
}

clconv_status clconv__cl_launch_1d(clconv_context *ctx, clconv__cl_args *a,
                                   uint64_t items, size_t preferred_local,
                                   const char *what) {
  size_t local, global;
  if (ctx->probing) /* cl_tier.h: a probe runs nothing */
    return CLCONV_STATUS_OK;
  CLCONV_FORWARD_IF_ERROR(
      prepare_launch(ctx, a, preferred_local, what, &local));
  if (items == 0)
    return CLCONV_STATUS_OK;
  /* Rounds the global size up to whole groups, refusing any overflow: some
   * drivers accept an absurd global size and crash later. */
  CLCONV_RETURN_IF(ctx, items > (uint64_t)(SIZE_MAX - local),
                   CLCONV_STATUS_TOO_LARGE,
                   "%s: %llu work-items exceed the range a launch can cover",
                   what, (unsigned long long)items);
  global = (size_t)((items + local - 1) / local * local);
  return enqueue(ctx, a, 1, &global, &local, what);
}

/* Enqueues @p items[0] x [1] x [2] work-items, each dimension rounded up to
 * whole groups of @p local, refusing any overflow. */
static clconv_status enqueue_3d(clconv_context *ctx, clconv__cl_args *a,
                                const uint64_t items[3], const size_t local[3],
                                const char *what) {
  size_t global[3];
  uint64_t total = 1;
  for (int d = 0; d < 3; d++) {
    if (items[d] == 0)
      return CLCONV_STATUS_OK;
    CLCONV_RETURN_IF(ctx,
                     items[d] > (uint64_t)(SIZE_MAX - local[d]) ||
                         total > UINT64_MAX / items[d],
                     CLCONV_STATUS_TOO_LARGE,
                     "%s: a range of %llu work-items exceeds what a launch "
                     "can cover",
                     what, (unsigned long long)items[d]);
    global[d] = (size_t)((items[d] + local[d] - 1) / local[d] * local[d]);
    total *= items[d];
  }
  return enqueue(ctx, a, 3, global, local, what);
}

/* Work-items along the first dimension of a 3-D group on a CPU device: each
 * does a whole tile, and a few per group keep the groups many. */
#define CPU_LOCAL_3D 8

clconv_status clconv__cl_launch_3d(clconv_context *ctx, clconv__cl_args *a,
                                   const uint64_t items[3],
                                   size_t preferred_local, const char *what) {
  size_t local[3] = {1, 1, 1};
  if (ctx->probing) /* cl_tier.h: a probe runs nothing */
    return CLCONV_STATUS_OK;
  CLCONV_FORWARD_IF_ERROR(
      prepare_launch(ctx, a, preferred_local, what, &local[0]));
  /* On a CPU one shape for every launch of a kernel: PoCL compiles a
   * kernel again for each new work-group shape (about 70 ms). Elsewhere a
   * group spans no more of the first dimension than it needs and takes rows
   * of the second to reach the preferred size. */
  if (ctx->info.type == CLCONV_DEVICE_TYPE_CPU) {
    if (local[0] > CPU_LOCAL_3D)
      local[0] = CPU_LOCAL_3D;
  } else {
    const size_t group = local[0];
    while (local[0] > 1 && local[0] / 2 >= items[0])
      local[0] /= 2;
    while (local[0] * local[1] * 2 <= group && local[1] < items[1])
      local[1] *= 2;
  }
  return enqueue_3d(ctx, a, items, local, what);
}

clconv_status clconv__cl_launch_3d_exact(clconv_context *ctx,
                                         clconv__cl_args *a,
                                         const uint64_t items[3],
                                         const size_t local[3],
                                         const char *what) {
  size_t allowed = 0;
  if (ctx->probing) /* cl_tier.h: a probe runs nothing */
    return CLCONV_STATUS_OK;
  CLCONV_FORWARD_IF_ERROR(
      prepare_launch(ctx, a, local[0] * local[1] * local[2], what, &allowed));
  CLCONV_RETURN_IF(ctx, allowed < local[0] * local[1] * local[2],
                   CLCONV_STATUS_TOO_LARGE,
                   "%s: the kernel takes at most %zu work-items per group, "
                   "not %zu",
                   what, allowed, local[0] * local[1] * local[2]);
  return enqueue_3d(ctx, a, items, local, what);
}

clconv_status clconv__cl_launch_wait(clconv_context *ctx, const char *what) {
  cl_event done = NULL;
  cl_int err = clEnqueueMarkerWithWaitList(ctx->queue, 0, NULL, &done);
  if (err == CL_SUCCESS)
    err = clFlush(ctx->queue);
  if (err == CL_SUCCESS)
    err = clWaitForEvents(1, &done);
  if (done != NULL)
    (void)clReleaseEvent(done);
  if (err == CL_SUCCESS)
    err = clFinish(ctx->queue);
  return err == CL_SUCCESS ? CLCONV_STATUS_OK
                           : clconv__cl_launch_lost(ctx, err, what);
}

clconv_status clconv__cl_launch_lost(clconv_context *ctx, cl_int err,
                                     const char *what) {
  ctx->unusable = 1;
  return clconv__error_fail(ctx, clconv__error_status_from_cl(err),
                            "%s failed: %s (%d); the context is now unusable",
                            what, clconv__error_cl_name(err), (int)err);
}
