/* cl_loss.c: the OpenCL squared-error loss and its gradient: one kernel
 * writes the gradient and one partial sum per work-group, which the host
 * adds in double. */
#include "opencl/backend_opencl.h"

#include "common/alloc.h"
#include "common/error.h"
#include "common/kernel_options.h"
#include "opencl/cl_launch.h"
#include "opencl/cl_program.h"

/* The largest power of two <= 64 that the device allows per work-group. */
static size_t reduction_local_size(const clconv_context *ctx) {
  size_t local = 64;
  while (local > ctx->caps.max_work_group_size && local > 1)
    local /= 2;
  return local;
}

/* The kernel for @p local work-items per group (cl/squared_error.cl). */
static clconv_status loss_kernel(clconv_context *ctx, size_t local,
                                 const clconv_tensor *y_hat, int write_grad,
                                 int write_loss, cl_kernel *kernel) {
  clconv__kernel_options options;
  clconv__kernel_options_begin(&options);
  clconv__kernel_options_int(&options, "LOCAL_SIZE", (int64_t)local);
  clconv__kernel_options_int(&options, "WRITE_GRAD", write_grad);
  clconv__kernel_options_int(&options, "WRITE_LOSS", write_loss);
  clconv__kernel_options_index(&options, y_hat->count);
  return clconv__cl_program_kernel(ctx, "squared_error",
                                   clconv__kernel_options_string(&options),
                                   "squared_error", kernel);
}

clconv_status clconv__cl_loss_squared_error(clconv_context *ctx,
                                            const clconv_tensor *y_hat,
                                            const clconv_tensor *y,
                                            float grad_scale,
                                            clconv_tensor *grad, double *loss) {
  size_t local, groups;
  cl_kernel kernel;
  cl_mem partial = NULL;
  float *sums = NULL;
  clconv__cl_args a;
  clconv_status status;
  cl_int err;

  /* Sized again where the device takes fewer work-items than it said. */
  do {
    local = reduction_local_size(ctx);
    status =
        loss_kernel(ctx, local, y_hat, grad != NULL, loss != NULL, &kernel);
  } while (status == CLCONV__STATUS_GROUP_SHRUNK);
  CLCONV_FORWARD_IF_ERROR(status);
  groups = (y_hat->count + local - 1) / local;

  /* One partial sum per work-group, added on the host in double. */
  if (loss != NULL) {
    partial = clCreateBuffer(ctx->cl_ctx, CL_MEM_READ_WRITE,
                             groups * sizeof(float), NULL, &err);
    if (partial == NULL || err != CL_SUCCESS)
      return clconv__error_fail_cl(ctx, err, "squared_error: clCreateBuffer");
  }
  clconv__cl_args_begin(&a, kernel);
  clconv__cl_args_mem(&a, y_hat->mem);
  clconv__cl_args_mem(&a, y->mem);
  clconv__cl_args_mem(&a, grad != NULL ? grad->mem : NULL);
  clconv__cl_args_mem(&a, partial);
  clconv__cl_args_long(&a, (int64_t)y_hat->count);
  clconv__cl_args_float(&a, grad_scale);
  status = clconv__cl_launch_1d(ctx, &a, y_hat->count, local, "squared_error");
  if (status != CLCONV_STATUS_OK || loss == NULL)
    goto done;

  /* Reads the partial sums back (this waits for the kernel) and adds them. */
  sums = clconv__alloc(groups * sizeof *sums);
  if (sums == NULL) {
    status = clconv__error_fail(ctx, CLCONV_STATUS_OUT_OF_HOST_MEMORY,
                                "squared_error: out of host memory");
    goto done;
  }
  err = clEnqueueReadBuffer(ctx->queue, partial, CL_TRUE, 0,
                            groups * sizeof *sums, sums, 0, NULL, NULL);
  if (err != CL_SUCCESS) {
    status =
        clconv__cl_launch_lost(ctx, err, "squared_error: reading the loss");
    goto done;
  }
  *loss = 0.0;
  for (size_t i = 0; i < groups; i++)
    *loss += (double)sums[i];
done:
  clconv__alloc_free(sums);
  if (partial != NULL)
    (void)clReleaseMemObject(partial);
  return status;
}
