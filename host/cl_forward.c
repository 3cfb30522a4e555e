/* cl_forward.c: the OpenCL forward cross-correlation (the blocked kernel
 * with packed weights and, when it pays, a padded copy of the input; the
 * naive kernel when indices need 64 bits), and the input gradient of
 * stride-1 problems, computed by the same blocked kernel as a correlation of
 * dY with the flipped weights. */
#include "backend_opencl.h"

#include "cl_pad_input.h"
#include "context.h"
#include "corr2d_args.h"
#include "error.h"
#include "program.h"
#include "scratch.h"
#include "tuning.h"

#include <stdio.h>

/* The buffers of one blocked correlation. */
typedef struct blocked_operands {
  cl_mem x, w, b, y; /* b may be NULL */
  size_t w_count;    /* elements of w */
  cl_mem nonfinite;  /* NULL for a forward; for an input gradient, the
                        flag cl/flip_weights.cl sets: MASKED */
  const clconv__input_grad_phase *phase; /* NULL, or a stride phase of
                                            dX: SCATTER */
  int64_t out_h, out_w, out_sh, out_sw;  /* dX's planes and strides */
  const char *what;                      /* the op, for messages */
} blocked_operands;

/* The naive kernel: one work-item per output, 64-bit indices when needed. */
static clconv_status
corr2d_fwd_naive(clconv_context *ctx, const clconv__corr2d_geom *g,
                 const clconv_tensor *x, const clconv_tensor *w,
                 const clconv_tensor *b, clconv_tensor *y) {
  char options[256];
  cl_kernel kernel;
  clconv__args a;
  clconv__corr2d_options(g, g->has_bias ? "-DHAS_BIAS=1" : "-DHAS_BIAS=0",
                         options, sizeof options);
  CLCONV_FORWARD_IF_ERROR(
      clconv__kernel_get(ctx, "corr2d_fwd", options, "corr2d_fwd", &kernel));
  clconv__args_begin(&a, kernel);
  clconv__args_mem(&a, x->mem);
  clconv__args_mem(&a, w->mem);
  clconv__args_mem(&a, b != NULL ? b->mem : NULL);
  clconv__args_mem(&a, y->mem);
  clconv__args_long(&a, (int64_t)y->count);
  clconv__args_corr2d_geometry(&a, g);
  return clconv__launch_1d(ctx, &a, y->count, CLCONV__ELEMENTWISE_LOCAL,
                           "corr2d_fwd");
}

/* Packs the @p count weights @p w for corr2d_fwd_vec with @p cb channels
 * per block (see cl/pack_weights.cl) into the weights scratch buffer,
 * @p *packed. With one channel per block the order is already right:
 * @p *packed is w. */
static clconv_status pack_weights(clconv_context *ctx, cl_mem w, size_t count,
                                  int cb, int64_t cin_g, int64_t taps,
                                  const char *what, cl_mem *packed) {
  char options[64];
  cl_kernel kernel;
  clconv__args a;
  if (cb == 1) {
    *packed = w;
    return CLCONV_STATUS_OK;
  }
  CLCONV_FORWARD_IF_ERROR(clconv__scratch_get(
      ctx, CLCONV__SCRATCH_WEIGHTS, count * sizeof(float), what, packed));
  snprintf(options, sizeof options, "-DCB=%d", cb);
  CLCONV_FORWARD_IF_ERROR(clconv__kernel_get(ctx, "pack_weights", options,
                                             "pack_weights", &kernel));
  clconv__args_begin(&a, kernel);
  clconv__args_mem(&a, w);
  clconv__args_mem(&a, *packed);
  clconv__args_int(&a, (int64_t)count);
  clconv__args_int(&a, cin_g);
  clconv__args_int(&a, taps);
  return clconv__launch_1d(ctx, &a, count, CLCONV__ELEMENTWISE_LOCAL,
                           "pack_weights");
}

/* Queues corr2d_fwd_vec for problem @p g on the buffers @p o. */
static clconv_status blocked_correlation(clconv_context *ctx,
                                         const clconv__corr2d_geom *g,
                                         const blocked_operands *o) {
  char extra[160], options[256];
  cl_kernel kernel;
  cl_mem packed, input = o->x;
  clconv__args a;
  clconv__corr2d_geom f;
  clconv__fwd_tiles t;
  int64_t col_tiles, row_tiles, h0, w0;
  uint64_t range[3];
  int padded = 0;

  /* Chooses the tiles; the input is padded when the tiles ask for it. */
  f = o->phase == NULL ? clconv__corr2d_flatten_pointwise(g) : *g;
  h0 = f.h;
  w0 = f.w;
  t = clconv__fwd_tiles_for(ctx, g, &f);
  col_tiles = (f.wout + (int64_t)t.vw * t.cv - 1) / ((int64_t)t.vw * t.cv);
  row_tiles = (f.hout + t.rh - 1) / t.rh;
  range[0] = (uint64_t)col_tiles;
  range[1] = (uint64_t)row_tiles;
  range[2] = (uint64_t)f.n * (uint64_t)(f.cout / t.cb);
  if (t.padded)
    CLCONV_FORWARD_IF_ERROR(
        clconv__cl_pad_input(ctx, o->x, col_tiles * t.vw * t.cv,
                             row_tiles * t.rh, o->what, &f, &input, &padded));
  CLCONV_FORWARD_IF_ERROR(pack_weights(ctx, o->w, o->w_count, t.cb, f.cin_g,
                                       f.kh * f.kw, o->what, &packed));

  /* Specializes the blocked kernel for this problem. */
  snprintf(extra, sizeof extra,
           "-DVW=%d -DCV=%d -DRH=%d -DCB=%d -DPADDED=%d -DMASKED=%d "
           "-DSCATTER=%d -DSTRIDE_W=%lld",
           t.vw, t.cv, t.rh, t.cb, padded, o->nonfinite != NULL,
           o->phase != NULL, f.stride_w <= 2 ? (long long)f.stride_w : 0LL);
  clconv__corr2d_options(&f, extra, options, sizeof options);
  CLCONV_FORWARD_IF_ERROR(clconv__kernel_get(ctx, "corr2d_fwd_vec", options,
                                             "corr2d_fwd_vec", &kernel));

  /* Sets the arguments in the order of cl/corr2d_fwd_vec.cl. */
  clconv__args_begin(&a, kernel);
  clconv__args_mem(&a, input);
  clconv__args_mem(&a, packed);
  clconv__args_mem(&a, o->b);
  clconv__args_mem(&a, o->y);
  clconv__args_long(&a, (int64_t)range[2]);
  clconv__args_corr2d_geometry(&a, &f);
  clconv__args_int(&a, col_tiles);
  clconv__args_int(&a, row_tiles);
  clconv__args_int(&a, o->b != NULL);
  if (o->nonfinite != NULL) {
    /* Where the original rows and columns lie in what the kernel reads. */
    clconv__args_mem(&a, o->nonfinite);
    clconv__args_int(&a, g->pad_h - f.pad_h);
    clconv__args_int(&a, g->pad_w - f.pad_w);
    clconv__args_int(&a, h0);
    clconv__args_int(&a, w0);
  }
  if (o->phase != NULL) {
    clconv__args_int(&a, o->out_h);
    clconv__args_int(&a, o->out_w);
    clconv__args_int(&a, o->phase->row0);
    clconv__args_int(&a, o->phase->col0);
    clconv__args_int(&a, o->out_sh);
    clconv__args_int(&a, o->out_sw);
  }

  /* Launches one work-item per tile. */
  return clconv__launch_3d(ctx, &a, range, CLCONV__ELEMENTWISE_LOCAL,
                           "corr2d_fwd_vec");
}

clconv_status clconv__cl_corr2d_fwd(clconv_context *ctx,
                                    const clconv__corr2d_geom *g,
                                    const clconv_tensor *x,
                                    const clconv_tensor *w,
                                    const clconv_tensor *b, clconv_tensor *y) {
  blocked_operands o;
  if (g->needs_long_index)
    return corr2d_fwd_naive(ctx, g, x, w, b, y);
  /* GPUs: the tile in local memory, shared by a group's work-items. */
  if (ctx->info.type == CLCONV_DEVICE_TYPE_GPU &&
      clconv__cl_fwd_local_fits(ctx, g))
    return clconv__cl_corr2d_fwd_local(ctx, g, x, w, b, y);
  o.x = x->mem;
  o.w = w->mem;
  o.b = b != NULL ? b->mem : NULL;
  o.y = y->mem;
  o.w_count = w->count;
  o.nonfinite = NULL;
  o.phase = NULL;
  o.what = "corr2d_fwd";
  return blocked_correlation(ctx, g, &o);
}

/* Queues cl/flip_weights.cl: the weights @p w of problem @p g that reach
 * stride phase @p ph of its input gradient, as that phase's correlation
 * takes them, into the flipped-weights scratch buffer, @p *flipped (of
 * @p *count elements), and the flag of a non-finite weight among them,
 * zeroed first, into @p *nonfinite. */
static clconv_status flip_weights(clconv_context *ctx,
                                  const clconv__corr2d_geom *g,
                                  const clconv__input_grad_phase *ph,
                                  const clconv_tensor *w, cl_mem *flipped,
                                  size_t *count, cl_mem *nonfinite) {
  static const cl_int zero = 0;
  static const char *what = "corr2d_bwd_data";
  cl_kernel kernel;
  clconv__args a;
  cl_int err;
  *count = (size_t)(g->cin * g->cout_g * ph->f.kh * ph->f.kw);
  CLCONV_FORWARD_IF_ERROR(clconv__scratch_get(
      ctx, CLCONV__SCRATCH_FLIPPED, *count * sizeof(float), what, flipped));
  CLCONV_FORWARD_IF_ERROR(clconv__scratch_get(ctx, CLCONV__SCRATCH_FLAG,
                                              sizeof zero, what, nonfinite));
  err = clEnqueueFillBuffer(ctx->queue, *nonfinite, &zero, sizeof zero, 0,
                            sizeof zero, 0, NULL, NULL);
  if (err != CL_SUCCESS)
    return clconv__fail_cl(ctx, err, "corr2d_bwd_data: clEnqueueFillBuffer");
  CLCONV_FORWARD_IF_ERROR(
      clconv__kernel_get(ctx, "flip_weights", "", "flip_weights", &kernel));
  clconv__args_begin(&a, kernel);
  clconv__args_mem(&a, w->mem);
  clconv__args_mem(&a, *flipped);
  clconv__args_mem(&a, *nonfinite);
  clconv__args_int(&a, (int64_t)*count);
  clconv__args_int(&a, g->cin_g);
  clconv__args_int(&a, g->cout_g);
  clconv__args_int(&a, g->kh);
  clconv__args_int(&a, g->kw);
  clconv__args_int(&a, ph->f.kh);
  clconv__args_int(&a, ph->f.kw);
  clconv__args_int(&a, ph->first_h);
  clconv__args_int(&a, ph->step_h);
  clconv__args_int(&a, ph->first_w);
  clconv__args_int(&a, ph->step_w);
  return clconv__launch_1d(ctx, &a, *count, CLCONV__ELEMENTWISE_LOCAL,
                           "flip_weights");
}

clconv_status clconv__cl_corr2d_bwd_data_by_forward(
    clconv_context *ctx, const clconv__corr2d_geom *g, const clconv_tensor *dy,
    const clconv_tensor *w, clconv_tensor *dx) {
  clconv__input_grad_phase ph;
  blocked_operands o;
  if (g->needs_long_index || !clconv__corr2d_input_grad_by_phases(g))
    return clconv__fail(ctx, CLCONV_STATUS_INVALID_ARGUMENT,
                        "corr2d_bwd_data: the input gradient is not a set of "
                        "forward correlations with 32-bit indices");
  o.x = dy->mem;
  o.b = NULL;
  o.y = dx->mem;
  o.out_h = g->h;
  o.out_w = g->w;
  o.out_sh = g->stride_h;
  o.out_sw = g->stride_w;
  o.what = "corr2d_bwd_data";
  /* One correlation per stride phase; stride 1 has one, written in place. */
  for (int64_t r = 0; r < g->stride_h; r++) {
    for (int64_t c = 0; c < g->stride_w; c++) {
      (void)clconv__corr2d_input_grad_phase(g, r, c, &ph);
      if (ph.f.hout == 0 || ph.f.wout == 0)
        continue;
      CLCONV_FORWARD_IF_ERROR(
          flip_weights(ctx, g, &ph, w, &o.w, &o.w_count, &o.nonfinite));
      o.phase = g->stride_h == 1 && g->stride_w == 1 ? NULL : &ph;
      CLCONV_FORWARD_IF_ERROR(blocked_correlation(ctx, &ph.f, &o));
    }
  }
  return CLCONV_STATUS_OK;
}
