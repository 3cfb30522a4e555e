/* cl_corr2d_fwd_cvec.c: the OpenCL forward vectorized across output
 * channels (cl/corr2d_fwd_cvec.cl), for CPU-like devices and layers with
 * many channels: the weights reordered into channel blocks, the input as a
 * padded copy. */
#include "backend_opencl.h"

#include "cl_block_channels.h"
#include "cl_launch.h"
#include "cl_pad_input.h"
#include "cl_program.h"
#include "cl_scratch.h"
#include "error.h"
#include "kernel_options.h"
#include "tiles_fwd_cvec.h"

clconv_status
clconv__cl_corr2d_fwd_cvec(clconv_context *ctx, const clconv__corr2d_geom *g,
                           const clconv_tensor *x, const clconv_tensor *w,
                           const clconv_tensor *b, clconv_tensor *y, int *ran) {
  const char *what = "corr2d_fwd";
  const clconv__tiles_fwd_cvec t =
      clconv__tiles_fwd_cvec_default(&ctx->caps, g);
  const int64_t col_tiles = clconv__tiles_fwd_cvec_col_tiles(&t, g);
  clconv__corr2d_geom f = *g;
  clconv__kernel_options options;
  cl_mem input = x->mem, blocked, part = NULL;
  cl_kernel kernel;
  clconv__cl_args a;
  uint64_t items;
  int padded = 0;
  *ran = 0;
  /* The partial sums take the index type of the problem: they may not
   * outgrow it. */
  if (!g->needs_long_index &&
      (uint64_t)g->n * (uint64_t)g->cout * (uint64_t)g->hout *
              (uint64_t)(col_tiles * t.rw) >
          (uint64_t)CLCONV__CORR2D_INDEX_LIMIT)
    return CLCONV_STATUS_OK;
  CLCONV_FORWARD_IF_ERROR(clconv__cl_pad_input(
      ctx, x->mem, col_tiles * t.rw, f.hout, what, &f, &input, &padded));
  if (!padded)
    return CLCONV_STATUS_OK;
  *ran = 1;
  CLCONV_FORWARD_IF_ERROR(clconv__cl_block_channels(
      ctx, w->mem, 1, f.cout, f.cin_g * f.kh * f.kw, t.vw, what, &blocked));
  items =
      (uint64_t)f.n * (uint64_t)(f.cout / (t.cob * t.vw)) * (uint64_t)f.hout;
  /* Partial sums between chunks of input channels: a row of vectors per
   * work-item and channel block. */
  if (t.cib < f.cin_g)
    CLCONV_FORWARD_IF_ERROR(clconv__cl_scratch_get(
        ctx, CLCONV__SCRATCH_PARTIAL,
        (size_t)(items * (uint64_t)t.cob * (uint64_t)(col_tiles * t.rw) *
                 (uint64_t)t.vw * sizeof(float)),
        what, &part));
  clconv__kernel_options_begin(&options);
  clconv__tiles_fwd_cvec_options(&t, &f, &options);
  CLCONV_FORWARD_IF_ERROR(clconv__cl_program_kernel(
      ctx, "corr2d_fwd_cvec", clconv__kernel_options_string(&options),
      "corr2d_fwd_cvec", &kernel));
  clconv__cl_args_begin(&a, kernel);
  clconv__cl_args_mem(&a, input);
  clconv__cl_args_mem(&a, blocked);
  clconv__cl_args_mem(&a, b != NULL ? b->mem : NULL);
  clconv__cl_args_mem(&a, y->mem);
  clconv__cl_args_mem(&a, part);
  clconv__cl_args_long(&a, (int64_t)items);
  clconv__cl_args_geometry(&a, &f);
  clconv__cl_args_int(&a, (int)col_tiles);
  clconv__cl_args_int(&a, b != NULL);
  return clconv__cl_launch_1d(ctx, &a, items, 16, what);
}
