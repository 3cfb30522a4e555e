/* cl_pad_input.c: a copy of a kernel's input with its zero padding and
 * room for every tile, so that the blocked kernels load without checks. */
#include "opencl/cl_pad_input.h"

#include "common/error.h"
#include "common/kernel_options.h"
#include "core/context.h"
#include "opencl/cl_launch.h"
#include "opencl/cl_program.h"
#include "opencl/cl_scratch.h"

clconv_status clconv__cl_pad_input(clconv_context *ctx, cl_mem x, int64_t cols,
                                   int64_t rows, const char *what,
                                   clconv__corr2d_geom *f, cl_mem *xp,
                                   int *padded) {
  const int64_t wp = cols * f->stride_w + (f->kw - 1) * f->dil_w;
  const int64_t hp = (rows - 1) * f->stride_h + (f->kh - 1) * f->dil_h + 1;
  const uint64_t planes = (uint64_t)(f->n * f->cin);
  const uint64_t bytes = planes * (uint64_t)hp * (uint64_t)wp * sizeof(float);
  clconv__kernel_options options;
  cl_kernel kernel;
  clconv__cl_args a;
  *xp = x;
  *padded = 1;
  if (f->pad_h == 0 && f->pad_w == 0 && wp <= f->w && hp <= f->h)
    return CLCONV_STATUS_OK;
  if (bytes > ctx->info.max_alloc_bytes ||
      planes * (uint64_t)hp * (uint64_t)wp > (uint64_t)INT32_MAX) {
    *padded = 0;
    return CLCONV_STATUS_OK;
  }
  CLCONV_FORWARD_IF_ERROR(clconv__cl_scratch_get(ctx, CLCONV__SCRATCH_INPUT,
                                                 (size_t)bytes, what, xp));
  /* The copy stays below 2^31 elements (checked above): int indices. */
  clconv__kernel_options_begin(&options);
  clconv__kernel_options_index(&options, planes * (uint64_t)hp * (uint64_t)wp);
  CLCONV_FORWARD_IF_ERROR(clconv__cl_program_kernel(
      ctx, "pad_input", clconv__kernel_options_string(&options), "pad_input",
      &kernel));
  clconv__cl_args_begin(&a, kernel);
  clconv__cl_args_mem(&a, x);
  clconv__cl_args_mem(&a, *xp);
  clconv__cl_args_long(&a, (int64_t)planes * hp);
  clconv__cl_args_int(&a, f->h);
  clconv__cl_args_int(&a, f->w);
  clconv__cl_args_int(&a, hp);
  clconv__cl_args_int(&a, wp);
  clconv__cl_args_int(&a, f->pad_h);
  clconv__cl_args_int(&a, f->pad_w);
  CLCONV_FORWARD_IF_ERROR(clconv__cl_launch_1d(
      ctx, &a, planes * (uint64_t)hp, CLCONV__ELEMENTWISE_LOCAL, "pad_input"));
  f->h = hp;
  f->w = wp;
  f->pad_h = 0;
  f->pad_w = 0;
  return CLCONV_STATUS_OK;
}
