/* peak.c: measures the device's arithmetic peak and memory bandwidth with
 * the micro-kernels of cl/peak.cl, as references for benchmark figures. */
#include "common/error.h"
#include "common/os.h"
#include "core/context.h"
#include "opencl/cl_launch.h"
#include "opencl/cl_program.h"

#include <string.h>

/* FLOPs of one peak_fma work-item: 8 chains x 16 lanes x 2 per iteration. */
#define FMA_FLOPS_PER_ITERATION (8.0 * 16.0 * 2.0)

/* Runs one launch of @p a over @p items and returns its seconds. */
static clconv_status timed_launch(clconv_context *ctx, clconv__cl_args *a,
                                  uint64_t items, double *seconds) {
  double start = clconv__os_seconds();
  CLCONV_FORWARD_IF_ERROR(clconv__cl_launch_1d(ctx, a, items, 64, "peak"));
  CLCONV_FORWARD_IF_ERROR(clconv__cl_launch_wait(ctx, "peak: waiting"));
  *seconds = clconv__os_seconds() - start;
  return CLCONV_STATUS_OK;
}

/* Best GFLOP/s of the FMA kernel over three launches of at least 20 ms: the
 * iterations start at one and double until a launch takes that long, so
 * that a slow device (llvmpipe runs this kernel at a few hundred MFLOP/s)
 * spends no more than a fast one. */
static clconv_status measure_flops(clconv_context *ctx, cl_mem out,
                                   uint64_t items, double *gflops) {
  cl_kernel kernel;
  clconv__cl_args a;
  int iterations = 1, timed = 0;
  double seconds = 0.0;
  CLCONV_FORWARD_IF_ERROR(
      clconv__cl_program_kernel(ctx, "peak", "", "peak_fma", &kernel));
  *gflops = 0.0;
  while (timed < 3) {
    clconv__cl_args_begin(&a, kernel);
    clconv__cl_args_mem(&a, out);
    clconv__cl_args_int(&a, iterations);
    clconv__cl_args_float(&a, 0.5f);
    CLCONV_FORWARD_IF_ERROR(timed_launch(ctx, &a, items, &seconds));
    if (seconds < 0.02 && iterations < (1 << 24)) {
      iterations *= 2;
      continue;
    }
    timed++;
    if (seconds > 0.0) {
      const double g =
          FMA_FLOPS_PER_ITERATION * iterations * (double)items / seconds * 1e-9;
      if (g > *gflops)
        *gflops = g;
    }
  }
  return CLCONV_STATUS_OK;
}

/* Best GB/s (bytes read + written) of the copy kernel over 64 MiB. */
static clconv_status measure_bandwidth(clconv_context *ctx, cl_mem in,
                                       cl_mem out, size_t bytes, double *gbps) {
  cl_kernel kernel;
  clconv__cl_args a;
  double seconds = 0.0;
  CLCONV_FORWARD_IF_ERROR(
      clconv__cl_program_kernel(ctx, "peak", "", "peak_copy", &kernel));
  *gbps = 0.0;
  for (int round = 0; round < 6; round++) {
    clconv__cl_args_begin(&a, kernel);
    clconv__cl_args_mem(&a, in);
    clconv__cl_args_mem(&a, out);
    CLCONV_FORWARD_IF_ERROR(timed_launch(ctx, &a, bytes / 16, &seconds));
    if (round > 0 && seconds > 0.0 &&
        2.0 * (double)bytes / seconds * 1e-9 > *gbps)
      *gbps = 2.0 * (double)bytes / seconds * 1e-9;
  }
  return CLCONV_STATUS_OK;
}

clconv_status clconv_context_measure_peak(clconv_context *ctx,
                                          clconv_peak *peak) {
  static const char *fn = "clconv_context_measure_peak";
  size_t bytes = (size_t)64 << 20;
  uint64_t items;
  cl_mem out = NULL, in = NULL, copy = NULL;
  cl_int err;
  clconv_status status;
  CLCONV_FORWARD_IF_ERROR(clconv__context_enter(ctx, fn));
  CLCONV_RETURN_IF(ctx, peak == NULL, CLCONV_STATUS_INVALID_ARGUMENT,
                   "%s: peak is NULL", fn);
  memset(peak, 0, sizeof *peak);
  if (ctx->is_reference)
    return CLCONV_STATUS_OK;
  if (bytes > ctx->info.max_alloc_bytes)
    bytes = (size_t)ctx->info.max_alloc_bytes / 16 * 16;

  /* Enough work-items to fill every compute unit many times over. */
  items =
      (uint64_t)(ctx->info.compute_units > 0 ? ctx->info.compute_units : 1) *
      2048u;
  out = clCreateBuffer(ctx->cl_ctx, CL_MEM_WRITE_ONLY, items * sizeof(float),
                       NULL, &err);
  if (out != NULL && err == CL_SUCCESS)
    in = clCreateBuffer(ctx->cl_ctx, CL_MEM_READ_WRITE, bytes, NULL, &err);
  if (in != NULL && err == CL_SUCCESS)
    copy = clCreateBuffer(ctx->cl_ctx, CL_MEM_READ_WRITE, bytes, NULL, &err);
  if (copy == NULL || err != CL_SUCCESS) {
    status = clconv__error_fail_cl(ctx, err,
                                   "clconv_context_measure_peak: "
                                   "clCreateBuffer");
    goto done;
  }
  status = measure_flops(ctx, out, items, &peak->gflops);
  if (status == CLCONV_STATUS_OK)
    status = measure_bandwidth(ctx, in, copy, bytes, &peak->gbps);
done:
  if (copy != NULL)
    (void)clReleaseMemObject(copy);
  if (in != NULL)
    (void)clReleaseMemObject(in);
  if (out != NULL)
    (void)clReleaseMemObject(out);
  return status;
}
