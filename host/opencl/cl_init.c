/* cl_init.c: the OpenCL seeded uniform fill (cl/init_uniform.cl), the same
 * bits as the reference's. */
#include "opencl/backend_opencl.h"

#include "common/error.h"
#include "opencl/cl_launch.h"
#include "opencl/cl_program.h"

clconv_status clconv__cl_init_uniform(clconv_context *ctx, clconv_tensor *t,
                                      uint64_t seed, float lo, float scale) {
  cl_kernel kernel;
  clconv__cl_args a;
  CLCONV_FORWARD_IF_ERROR(clconv__cl_program_kernel(ctx, "init_uniform", "",
                                                    "init_uniform", &kernel));
  clconv__cl_args_begin(&a, kernel);
  clconv__cl_args_mem(&a, t->mem);
  clconv__cl_args_long(&a, (int64_t)t->count);
  clconv__cl_args_ulong(&a, seed);
  clconv__cl_args_float(&a, lo);
  clconv__cl_args_float(&a, scale);
  return clconv__cl_launch_1d(ctx, &a, t->count, CLCONV__ELEMENTWISE_LOCAL,
                              "init_uniform");
}
