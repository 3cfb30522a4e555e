/* cl_sgd.c: the OpenCL SGD update (weight decay, momentum, Nesterov) in one
 * element-wise kernel. */
#include "opencl/backend_opencl.h"

#include "common/error.h"
#include "common/kernel_options.h"
#include "opencl/cl_launch.h"
#include "opencl/cl_program.h"

clconv_status clconv__cl_sgd_update(clconv_context *ctx,
                                    const clconv__sgd_consts *k,
                                    clconv_tensor *w, const clconv_tensor *grad,
                                    clconv_tensor *buf) {
  clconv__kernel_options options;
  cl_kernel kernel;
  clconv__cl_args a;
  clconv__kernel_options_begin(&options);
  clconv__kernel_options_int(&options, "MOMENTUM", k->use_momentum);
  clconv__kernel_options_int(&options, "NESTEROV", k->nesterov);
  clconv__kernel_options_index(&options, w->count);
  CLCONV_FORWARD_IF_ERROR(clconv__cl_program_kernel(
      ctx, "sgd_update", clconv__kernel_options_string(&options), "sgd_update",
      &kernel));
  clconv__cl_args_begin(&a, kernel);
  clconv__cl_args_mem(&a, w->mem);
  clconv__cl_args_mem(&a, grad->mem);
  clconv__cl_args_mem(&a, k->use_momentum ? buf->mem : NULL);
  clconv__cl_args_long(&a, (int64_t)w->count);
  clconv__cl_args_float(&a, k->lr);
  clconv__cl_args_float(&a, k->weight_decay);
  clconv__cl_args_float(&a, k->momentum);
  clconv__cl_args_float(&a, k->one_minus_dampening);
  clconv__cl_args_int(&a, k->buffer_is_set);
  return clconv__cl_launch_1d(ctx, &a, w->count, CLCONV__ELEMENTWISE_LOCAL,
                              "sgd_update");
}
