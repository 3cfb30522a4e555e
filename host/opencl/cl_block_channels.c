/* cl_block_channels.c: reorders a tensor into channel blocks on the device
 * (cl/block_channels.cl). */
#include "opencl/cl_block_channels.h"

#include "common/error.h"
#include "common/kernel_options.h"
#include "opencl/cl_launch.h"
#include "opencl/cl_program.h"
#include "opencl/cl_scratch.h"

clconv_status clconv__cl_block_channels(clconv_context *ctx, cl_mem src,
                                        int64_t n, int64_t channels,
                                        int64_t pixels, int vw,
                                        const char *what, cl_mem *out) {
  const uint64_t count = (uint64_t)n * (uint64_t)channels * (uint64_t)pixels;
  const uint64_t items = count / (uint64_t)vw;
  clconv__kernel_options options;
  cl_kernel kernel;
  clconv__cl_args a;
  CLCONV_FORWARD_IF_ERROR(clconv__cl_scratch_get(
      ctx, CLCONV__SCRATCH_BLOCKED, (size_t)count * sizeof(float), what, out));
  clconv__kernel_options_begin(&options);
  clconv__kernel_options_int(&options, "VW", vw);
  clconv__kernel_options_index(&options, count);
  CLCONV_FORWARD_IF_ERROR(clconv__cl_program_kernel(
      ctx, "block_channels", clconv__kernel_options_string(&options),
      "block_channels", &kernel));
  clconv__cl_args_begin(&a, kernel);
  clconv__cl_args_mem(&a, src);
  clconv__cl_args_mem(&a, *out);
  clconv__cl_args_long(&a, (int64_t)items);
  clconv__cl_args_int(&a, channels);
  clconv__cl_args_int(&a, pixels);
  return clconv__cl_launch_1d(ctx, &a, items, CLCONV__ELEMENTWISE_LOCAL, what);
}
