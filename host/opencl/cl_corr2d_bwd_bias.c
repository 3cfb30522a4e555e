/* cl_corr2d_bwd_bias.c: the OpenCL bias gradient: one work-item per output
 * channel sums dY over the batch and the output plane. */
#include "opencl/backend_opencl.h"

#include "common/error.h"
#include "common/kernel_options.h"
#include "opencl/cl_launch.h"
#include "opencl/cl_program.h"

clconv_status clconv__cl_corr2d_bwd_bias(clconv_context *ctx,
                                         const clconv__corr2d_geom *g,
                                         const clconv_tensor *dy,
                                         clconv_tensor *db, int accumulate) {
  clconv__kernel_options options;
  cl_kernel kernel;
  clconv__cl_args a;
  clconv__kernel_options_begin(&options);
  clconv__kernel_options_index(&options, dy->count);
  CLCONV_FORWARD_IF_ERROR(clconv__cl_program_kernel(
      ctx, "corr2d_bwd_bias", clconv__kernel_options_string(&options),
      "corr2d_bwd_bias", &kernel));
  clconv__cl_args_begin(&a, kernel);
  clconv__cl_args_mem(&a, dy->mem);
  clconv__cl_args_mem(&a, db->mem);
  clconv__cl_args_int(&a, accumulate);
  clconv__cl_args_int(&a, g->n);
  clconv__cl_args_int(&a, g->cout);
  clconv__cl_args_long(&a, g->hout * g->wout);
  return clconv__cl_launch_1d(ctx, &a, db->count, CLCONV__ELEMENTWISE_LOCAL,
                              "corr2d_bwd_bias");
}
