/* cl_scratch.c: the context's scratch buffers, grown on demand. */
#include "opencl/cl_scratch.h"

#include "common/error.h"

#include <stdio.h>

_Static_assert(sizeof(((clconv_context *)0)->scratch) / sizeof(cl_mem) ==
                   CLCONV__SCRATCH_SLOTS,
               "one buffer per scratch slot");

static void release_slot(clconv_context *ctx, clconv__scratch_slot slot) {
  if (ctx->scratch[slot] != NULL)
    (void)clReleaseMemObject(ctx->scratch[slot]);
  ctx->scratch[slot] = NULL;
  ctx->scratch_bytes[slot] = 0;
}

clconv_status clconv__cl_scratch_get(clconv_context *ctx,
                                     clconv__scratch_slot slot, size_t bytes,
                                     const char *what, cl_mem *out) {
  cl_int err = CL_SUCCESS;
  char call[128];
  if (ctx->scratch[slot] != NULL && ctx->scratch_bytes[slot] >= bytes) {
    *out = ctx->scratch[slot];
    return CLCONV_STATUS_OK;
  }
  /* Work queued earlier keeps the old buffer alive until it completes. */
  release_slot(ctx, slot);
  ctx->scratch[slot] =
      clCreateBuffer(ctx->cl_ctx, CL_MEM_READ_WRITE, bytes, NULL, &err);
  if (ctx->scratch[slot] == NULL || err != CL_SUCCESS) {
    ctx->scratch[slot] = NULL;
    snprintf(call, sizeof call, "%s: clCreateBuffer (%zu bytes of scratch)",
             what, bytes);
    return clconv__error_fail_cl(ctx, err, call);
  }
  ctx->scratch_bytes[slot] = bytes;
  *out = ctx->scratch[slot];
  return CLCONV_STATUS_OK;
}

clconv_status clconv__cl_scratch_zeroed_flag(clconv_context *ctx,
                                             const char *what,
                                             const char *fill_call,
                                             cl_mem *flag) {
  static const cl_int zero = 0;
  cl_int err;
  CLCONV_FORWARD_IF_ERROR(clconv__cl_scratch_get(ctx, CLCONV__SCRATCH_FLAG,
                                                 sizeof zero, what, flag));
  err = clEnqueueFillBuffer(ctx->queue, *flag, &zero, sizeof zero, 0,
                            sizeof zero, 0, NULL, NULL);
  return err == CL_SUCCESS ? CLCONV_STATUS_OK
                           : clconv__error_fail_cl(ctx, err, fill_call);
}

void clconv__cl_scratch_release(clconv_context *ctx) {
  for (int slot = 0; slot < CLCONV__SCRATCH_SLOTS; slot++)
    release_slot(ctx, (clconv__scratch_slot)slot);
}
