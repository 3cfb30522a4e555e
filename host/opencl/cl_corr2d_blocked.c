/* cl_corr2d_blocked.c: queues one correlation by the blocked kernel: the
 * tiles, a padded copy of the input when they ask for it, the packed
 * weights, then the specialized kernel over a 3-D range of tiles. */
#include "opencl/cl_corr2d_blocked.h"

#include "common/error.h"
#include "common/kernel_options.h"
#include "opencl/cl_launch.h"
#include "opencl/cl_pad_input.h"
#include "opencl/cl_program.h"
#include "opencl/cl_scratch.h"
#include "opencl/tuning.h"

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

/* What one launch of the blocked kernel needs once the tiles are chosen,
 * the input padded and the weights packed. */
typedef struct blocked_launch {
  clconv__tiles_fwd_blocked t;
  clconv__corr2d_geom f;
  cl_mem input, packed;
  int64_t col_tiles, row_tiles, h0, w0;
  uint64_t range[3];
  int channels_inner;
} blocked_launch;

/* Builds and queues the kernel of @p l: with @p masked, the MASKED form
 * (taps on the padding skipped when a weight is not finite). */
static clconv_status launch(clconv_context *ctx, const clconv__corr2d_geom *g,
                            const clconv__cl_corr2d_blocked_operands *o,
                            const blocked_launch *l, int masked) {
  clconv__kernel_options options;
  cl_kernel kernel;
  clconv__cl_args a;
  clconv__kernel_options_begin(&options);
  clconv__tiles_fwd_blocked_options(&l->t, &l->f, masked, o->phase != NULL,
                                    &options);
  clconv__kernel_options_int(&options, "CHANNELS_INNER", l->channels_inner);
  CLCONV_FORWARD_IF_ERROR(clconv__cl_program_kernel(
      ctx, "corr2d_fwd_blocked", clconv__kernel_options_string(&options),
      "corr2d_fwd_blocked", &kernel));

  /* Sets the arguments in the order of cl/corr2d_fwd_blocked.cl. */
  clconv__cl_args_begin(&a, kernel);
  clconv__cl_args_mem(&a, l->input);
  clconv__cl_args_mem(&a, l->packed);
  clconv__cl_args_mem(&a, o->b);
  clconv__cl_args_mem(&a, o->y);
  clconv__cl_args_long(&a, (int64_t)l->range[2]);
  clconv__cl_args_geometry(&a, &l->f);
  clconv__cl_args_int(&a, l->col_tiles);
  clconv__cl_args_int(&a, l->row_tiles);
  clconv__cl_args_int(&a, o->b != NULL);
  if (masked) {
    /* Where the original rows and columns lie in what the kernel reads. */
    clconv__cl_args_mem(&a, o->nonfinite);
    clconv__cl_args_int(&a, g->pad_h - l->f.pad_h);
    clconv__cl_args_int(&a, g->pad_w - l->f.pad_w);
    clconv__cl_args_int(&a, l->h0);
    clconv__cl_args_int(&a, l->w0);
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
  return clconv__cl_launch_3d(ctx, &a, l->range, CLCONV__ELEMENTWISE_LOCAL,
                              "corr2d_fwd_blocked");
}

clconv_status
clconv__cl_corr2d_blocked_run(clconv_context *ctx, const clconv__corr2d_geom *g,
                              const clconv__cl_corr2d_blocked_operands *o) {
  blocked_launch l;
  int padded = 0;

  /* Chooses the tiles; the input is padded when the tiles ask for it. */
  l.f = o->phase == NULL ? clconv__corr2d_geometry_flatten_pointwise(g) : *g;
  l.h0 = l.f.h;
  l.w0 = l.f.w;
  l.input = o->x;
  l.t = clconv__tuning_tiles_for(ctx, g, &l.f);
  l.col_tiles =
      (l.f.wout + (int64_t)l.t.vw * l.t.cv - 1) / ((int64_t)l.t.vw * l.t.cv);
  l.row_tiles = (l.f.hout + l.t.rh - 1) / l.t.rh;
  /* Channel blocks innermost where one image's input outgrows the cache:
   * then the blocks of a column tile run together and share its input. */
  l.channels_inner = clconv__tiles_fwd_blocked_channels_inner(&l.t, &l.f);
  l.range[0] = (uint64_t)l.col_tiles *
               (uint64_t)(l.channels_inner ? l.f.cout / l.t.cb : 1);
  l.range[1] = (uint64_t)l.row_tiles;
  l.range[2] =
      (uint64_t)l.f.n * (uint64_t)(l.channels_inner ? 1 : l.f.cout / l.t.cb);
  if (l.t.padded)
    CLCONV_FORWARD_IF_ERROR(clconv__cl_pad_input(
        ctx, o->x, l.col_tiles * l.t.vw * l.t.cv, l.row_tiles * l.t.rh, o->what,
        &l.f, &l.input, &padded));
  l.t.padded = padded;
  CLCONV_FORWARD_IF_ERROR(pack_weights(ctx, o->w, o->w_count, l.t.cb, l.f.cin_g,
                                       l.f.kh * l.f.kw, o->what, &l.packed));
  /* An input gradient, whose weights may not be finite, which the host
   * learns only on the device: on small problems the MASKED form alone;
   * on larger ones the plain form, as fast as the forward (the MASKED
   * form's edge path, compiled in, makes the whole kernel slower: S3's
   * input gradient took 10.4 ms instead of 6.6), and the caller's fix-up,
   * which redoes dX with the generic kernel only when some weight is not
   * finite (one program per device, where a MASKED fix-up was another
   * program per shape). */
  return launch(ctx, g, o, &l,
                o->nonfinite != NULL && !clconv__tiles_fwd_blocked_large(&l.f));
}

int clconv__cl_corr2d_blocked_needs_fixup(
    const clconv__corr2d_geom *g, const clconv__cl_corr2d_blocked_operands *o) {
  const clconv__corr2d_geom f =
      o->phase == NULL ? clconv__corr2d_geometry_flatten_pointwise(g) : *g;
  return o->nonfinite != NULL && clconv__tiles_fwd_blocked_large(&f);
}
