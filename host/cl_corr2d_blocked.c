/* cl_corr2d_blocked.c: queues one correlation by the blocked kernel: the
 * tiles, a padded copy of the input when they ask for it, the packed
 * weights, then the specialized kernel over a 3-D range of tiles. */
#include "cl_corr2d_blocked.h"

#include "cl_launch.h"
#include "cl_pad_input.h"
#include "cl_program.h"
#include "cl_scratch.h"
#include "error.h"
#include "kernel_options.h"
#include "tuning.h"

/* Packs the @p count weights @p w for corr2d_fwd_blocked with @p cb channels
 * per block (see cl/pack_weights.cl) into the weights scratch buffer,
 * @p *packed. With one channel per block the order is already right:
 * @p *packed is w. */
static clconv_status pack_weights(clconv_context *ctx, cl_mem w, size_t count,
                                  int cb, int64_t cin_g, int64_t taps,
                                  const char *what, cl_mem *packed) {
  clconv__kernel_options options;
  cl_kernel kernel;
  clconv__cl_args a;
  if (cb == 1) {
    *packed = w;
    return CLCONV_STATUS_OK;
  }
  CLCONV_FORWARD_IF_ERROR(clconv__cl_scratch_get(
      ctx, CLCONV__SCRATCH_WEIGHTS, count * sizeof(float), what, packed));
  clconv__kernel_options_begin(&options);
  clconv__kernel_options_int(&options, "CB", cb);
  CLCONV_FORWARD_IF_ERROR(clconv__cl_program_kernel(
      ctx, "pack_weights", clconv__kernel_options_string(&options),
      "pack_weights", &kernel));
  clconv__cl_args_begin(&a, kernel);
  clconv__cl_args_mem(&a, w);
  clconv__cl_args_mem(&a, *packed);
  clconv__cl_args_int(&a, (int64_t)count);
  clconv__cl_args_int(&a, cin_g);
  clconv__cl_args_int(&a, taps);
  return clconv__cl_launch_1d(ctx, &a, count, CLCONV__ELEMENTWISE_LOCAL,
                              "pack_weights");
}

clconv_status
clconv__cl_corr2d_blocked_run(clconv_context *ctx, const clconv__corr2d_geom *g,
                              const clconv__cl_corr2d_blocked_operands *o) {
  clconv__kernel_options options;
  cl_kernel kernel;
  cl_mem packed, input = o->x;
  clconv__cl_args a;
  clconv__corr2d_geom f;
  clconv__tiles_fwd_blocked t;
  int64_t col_tiles, row_tiles, h0, w0;
  uint64_t range[3];
  int padded = 0, channels_inner;

  /* Chooses the tiles; the input is padded when the tiles ask for it. */
  f = o->phase == NULL ? clconv__corr2d_geometry_flatten_pointwise(g) : *g;
  h0 = f.h;
  w0 = f.w;
  t = clconv__tuning_tiles_for(ctx, g, &f);
  col_tiles = (f.wout + (int64_t)t.vw * t.cv - 1) / ((int64_t)t.vw * t.cv);
  row_tiles = (f.hout + t.rh - 1) / t.rh;
  /* Channel blocks innermost where one image's input outgrows the cache:
   * then the blocks of a column tile run together and share its input. */
  channels_inner = clconv__tiles_fwd_blocked_channels_inner(&t, &f);
  range[0] =
      (uint64_t)col_tiles * (uint64_t)(channels_inner ? f.cout / t.cb : 1);
  range[1] = (uint64_t)row_tiles;
  range[2] = (uint64_t)f.n * (uint64_t)(channels_inner ? 1 : f.cout / t.cb);
  if (t.padded)
    CLCONV_FORWARD_IF_ERROR(
        clconv__cl_pad_input(ctx, o->x, col_tiles * t.vw * t.cv,
                             row_tiles * t.rh, o->what, &f, &input, &padded));
  CLCONV_FORWARD_IF_ERROR(pack_weights(ctx, o->w, o->w_count, t.cb, f.cin_g,
                                       f.kh * f.kw, o->what, &packed));

  /* Specializes the blocked kernel for this problem. */
  t.padded = padded;
  clconv__kernel_options_begin(&options);
  clconv__tiles_fwd_blocked_options(&t, &f, o->nonfinite != NULL,
                                    o->phase != NULL, &options);
  clconv__kernel_options_int(&options, "CHANNELS_INNER", channels_inner);
  CLCONV_FORWARD_IF_ERROR(clconv__cl_program_kernel(
      ctx, "corr2d_fwd_blocked", clconv__kernel_options_string(&options),
      "corr2d_fwd_blocked", &kernel));

  /* Sets the arguments in the order of cl/corr2d_fwd_blocked.cl. */
  clconv__cl_args_begin(&a, kernel);
  clconv__cl_args_mem(&a, input);
  clconv__cl_args_mem(&a, packed);
  clconv__cl_args_mem(&a, o->b);
  clconv__cl_args_mem(&a, o->y);
  clconv__cl_args_long(&a, (int64_t)range[2]);
  clconv__cl_args_geometry(&a, &f);
  clconv__cl_args_int(&a, col_tiles);
  clconv__cl_args_int(&a, row_tiles);
  clconv__cl_args_int(&a, o->b != NULL);
  if (o->nonfinite != NULL) {
    /* Where the original rows and columns lie in what the kernel reads. */
    clconv__cl_args_mem(&a, o->nonfinite);
    clconv__cl_args_int(&a, g->pad_h - f.pad_h);
    clconv__cl_args_int(&a, g->pad_w - f.pad_w);
    clconv__cl_args_int(&a, h0);
    clconv__cl_args_int(&a, w0);
  }
  if (o->phase != NULL) {
    clconv__cl_args_int(&a, o->out_h);
    clconv__cl_args_int(&a, o->out_w);
    clconv__cl_args_int(&a, o->phase->row0);
    clconv__cl_args_int(&a, o->phase->col0);
    clconv__cl_args_int(&a, o->out_sh);
    clconv__cl_args_int(&a, o->out_sw);
  }

  /* Launches one work-item per tile. */
  return clconv__cl_launch_3d(ctx, &a, range, CLCONV__ELEMENTWISE_LOCAL,
                              "corr2d_fwd_blocked");
}
