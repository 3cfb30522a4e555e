/* backend_opencl.c: the OpenCL backend's element-wise and reduction ops:
 * the squared-error loss, the SGD update and the seeded uniform fill (the
 * corr2d ops are in cl_forward.c and cl_backward.c). */
#include "backend_opencl.h"

#include "alloc.h"
#include "context.h"
#include "corr2d_args.h"
#include "error.h"
#include "launch.h"
#include "program.h"

#include <stdio.h>

/* The largest power of two <= 64 that the device allows per work-group. */
static size_t reduction_local_size(const clconv_context *ctx) {
  size_t local = 64;
  while (local > ctx->info.max_work_group_size && local > 1)
    local /= 2;
  return local;
}

clconv_status clconv__cl_squared_error(clconv_context *ctx,
                                       const clconv_tensor *y_hat,
                                       const clconv_tensor *y, float grad_scale,
                                       clconv_tensor *grad, double *loss) {
  const size_t local = reduction_local_size(ctx);
  const size_t groups = (y_hat->count + local - 1) / local;
  char options[256];
  cl_kernel kernel;
  cl_mem partial = NULL;
  float *sums = NULL;
  clconv__args a;
  clconv_status status;
  cl_int err;

  snprintf(options, sizeof options,
           "-DLOCAL_SIZE=%zu -DWRITE_GRAD=%d -DWRITE_LOSS=%d -DIDX_T=%s", local,
           grad != NULL, loss != NULL, clconv__index_type(y_hat->count));
  CLCONV_FORWARD_IF_ERROR(clconv__kernel_get(ctx, "squared_error", options,
                                             "squared_error", &kernel));

  /* One partial sum per work-group, added on the host in double. */
  if (loss != NULL) {
    partial = clCreateBuffer(ctx->cl_ctx, CL_MEM_READ_WRITE,
                             groups * sizeof(float), NULL, &err);
    if (partial == NULL || err != CL_SUCCESS)
      return clconv__fail_cl(ctx, err, "squared_error: clCreateBuffer");
  }
  clconv__args_begin(&a, kernel);
  clconv__args_mem(&a, y_hat->mem);
  clconv__args_mem(&a, y->mem);
  clconv__args_mem(&a, grad != NULL ? grad->mem : NULL);
  clconv__args_mem(&a, partial);
  clconv__args_long(&a, (int64_t)y_hat->count);
  clconv__args_float(&a, grad_scale);
  status = clconv__launch_1d(ctx, &a, y_hat->count, local, "squared_error");
  if (status != CLCONV_STATUS_OK || loss == NULL)
    goto done;

  /* Reads the partial sums back (this waits for the kernel) and adds them. */
  sums = clconv__malloc(groups * sizeof *sums);
  if (sums == NULL) {
    status = clconv__fail(ctx, CLCONV_STATUS_OUT_OF_HOST_MEMORY,
                          "squared_error: out of host memory");
    goto done;
  }
  err = clEnqueueReadBuffer(ctx->queue, partial, CL_TRUE, 0,
                            groups * sizeof *sums, sums, 0, NULL, NULL);
  if (err != CL_SUCCESS) {
    status = clconv__context_lost(ctx, err, "squared_error: reading the loss");
    goto done;
  }
  *loss = 0.0;
  for (size_t i = 0; i < groups; i++)
    *loss += (double)sums[i];
done:
  clconv__free(sums);
  if (partial != NULL)
    (void)clReleaseMemObject(partial);
  return status;
}

clconv_status clconv__cl_sgd_update(clconv_context *ctx,
                                    const clconv__sgd_consts *k,
                                    clconv_tensor *w, const clconv_tensor *grad,
                                    clconv_tensor *buf) {
  char options[128];
  cl_kernel kernel;
  clconv__args a;
  snprintf(options, sizeof options, "-DMOMENTUM=%d -DNESTEROV=%d -DIDX_T=%s",
           k->use_momentum, k->nesterov, clconv__index_type(w->count));
  CLCONV_FORWARD_IF_ERROR(
      clconv__kernel_get(ctx, "sgd_update", options, "sgd_update", &kernel));
  clconv__args_begin(&a, kernel);
  clconv__args_mem(&a, w->mem);
  clconv__args_mem(&a, grad->mem);
  clconv__args_mem(&a, k->use_momentum ? buf->mem : NULL);
  clconv__args_long(&a, (int64_t)w->count);
  clconv__args_float(&a, k->lr);
  clconv__args_float(&a, k->weight_decay);
  clconv__args_float(&a, k->momentum);
  clconv__args_float(&a, k->one_minus_dampening);
  clconv__args_int(&a, k->buffer_is_set);
  return clconv__launch_1d(ctx, &a, w->count, CLCONV__ELEMENTWISE_LOCAL,
                           "sgd_update");
}

clconv_status clconv__cl_init_uniform(clconv_context *ctx, clconv_tensor *t,
                                      uint64_t seed, float lo, float scale) {
  cl_kernel kernel;
  clconv__args a;
  CLCONV_FORWARD_IF_ERROR(
      clconv__kernel_get(ctx, "init_uniform", "", "init_uniform", &kernel));
  clconv__args_begin(&a, kernel);
  clconv__args_mem(&a, t->mem);
  clconv__args_long(&a, (int64_t)t->count);
  clconv__args_ulong(&a, seed);
  clconv__args_float(&a, lo);
  clconv__args_float(&a, scale);
  return clconv__launch_1d(ctx, &a, t->count, CLCONV__ELEMENTWISE_LOCAL,
                           "init_uniform");
}
