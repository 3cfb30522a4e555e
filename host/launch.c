/* launch.c: kernel argument helpers and checked 1-D launches. */
#include "launch.h"

#include "context.h"
#include "error.h"

#include <stdint.h>

void clconv__args_begin(clconv__args *a, cl_kernel kernel) {
  a->kernel = kernel;
  a->next = 0;
  a->err = CL_SUCCESS;
  a->failed_index = 0;
}

static void set_arg(clconv__args *a, size_t size, const void *value) {
  cl_int err = clSetKernelArg(a->kernel, a->next, size, value);
  if (err != CL_SUCCESS && a->err == CL_SUCCESS) {
    a->err = err;
    a->failed_index = a->next;
  }
  a->next++;
}

void clconv__args_mem(clconv__args *a, cl_mem mem) {
  set_arg(a, sizeof mem, &mem);
}

void clconv__args_int(clconv__args *a, int64_t value) {
  cl_int v = (cl_int)value;
  set_arg(a, sizeof v, &v);
}

void clconv__args_long(clconv__args *a, int64_t value) {
  cl_long v = (cl_long)value;
  set_arg(a, sizeof v, &v);
}

void clconv__args_ulong(clconv__args *a, uint64_t value) {
  cl_ulong v = (cl_ulong)value;
  set_arg(a, sizeof v, &v);
}

void clconv__args_float(clconv__args *a, float value) {
  cl_float v = value;
  set_arg(a, sizeof v, &v);
}

clconv_status clconv__launch_1d(clconv_context *ctx, clconv__args *a,
                                uint64_t items, size_t preferred_local,
                                const char *what) {
  size_t kernel_max = 0, local, global;
  cl_int err;
  if (a->err != CL_SUCCESS)
    return clconv__fail(ctx, clconv__status_from_cl(a->err),
                        "%s: clSetKernelArg %u failed: %s (%d)", what,
                        (unsigned)a->failed_index,
                        clconv__cl_error_name(a->err), (int)a->err);
  if (items == 0)
    return CLCONV_STATUS_OK;

  /* Picks a work-group size the kernel and the device accept. */
  err = clGetKernelWorkGroupInfo(a->kernel, ctx->device,
                                 CL_KERNEL_WORK_GROUP_SIZE, sizeof kernel_max,
                                 &kernel_max, NULL);
  if (err != CL_SUCCESS)
    return clconv__fail_cl(ctx, err, "clGetKernelWorkGroupInfo");
  local = preferred_local;
  if (kernel_max > 0 && local > kernel_max)
    local = kernel_max;
  if (local > ctx->info.max_work_group_size)
    local = ctx->info.max_work_group_size;
  if (local == 0)
    local = 1;

  /* Rounds the global size up to whole groups, refusing any overflow: some
   * drivers accept an absurd global size and crash later. */
  CLCONV_RETURN_IF(ctx, items > (uint64_t)(SIZE_MAX - local),
                   CLCONV_STATUS_TOO_LARGE,
                   "%s: %llu work-items exceed the range a launch can cover",
                   what, (unsigned long long)items);
  global = (size_t)((items + local - 1) / local * local);

  err = clEnqueueNDRangeKernel(ctx->queue, a->kernel, 1, NULL, &global, &local,
                               0, NULL, NULL);
  if (err != CL_SUCCESS)
    return clconv__fail(ctx, clconv__status_from_cl(err),
                        "%s: clEnqueueNDRangeKernel (global %zu, local %zu) "
                        "failed: %s (%d)",
                        what, global, local, clconv__cl_error_name(err),
                        (int)err);
  err = clFlush(ctx->queue);
  if (err != CL_SUCCESS)
    return clconv__context_lost(ctx, err, "clFlush");
  return CLCONV_STATUS_OK;
}
