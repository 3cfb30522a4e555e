/* backend_opencl.c: the OpenCL backend's ops: picks each kernel's
 * specialization, sets its arguments and queues it. */
#include "backend_opencl.h"

#include "alloc.h"
#include "context.h"
#include "error.h"
#include "launch.h"
#include "program.h"
#include "scratch.h"
#include "tuning.h"

#include <stdio.h>

/* Work-items per work-group for the element-wise kernels. */
#define ELEMENTWISE_LOCAL 64

/* Build options shared by the corr2d kernels: kernel size and index type. */
static void corr2d_options(const clconv__corr2d_geom *g, const char *extra,
                           char *out, size_t size) {
  snprintf(out, size, "-DKH=%lld -DKW=%lld -DIDX_T=%s%s%s", (long long)g->kh,
           (long long)g->kw, g->needs_long_index ? "long" : "int",
           extra[0] != '\0' ? " " : "", extra);
}

/* Sets the geometry arguments every corr2d kernel ends with, in order. */
static void args_geometry(clconv__args *a, const clconv__corr2d_geom *g) {
  clconv__args_int(a, g->cin);
  clconv__args_int(a, g->h);
  clconv__args_int(a, g->w);
  clconv__args_int(a, g->cout);
  clconv__args_int(a, g->hout);
  clconv__args_int(a, g->wout);
  clconv__args_int(a, g->cin_g);
  clconv__args_int(a, g->cout_g);
  clconv__args_int(a, g->stride_h);
  clconv__args_int(a, g->stride_w);
  clconv__args_int(a, g->pad_h);
  clconv__args_int(a, g->pad_w);
  clconv__args_int(a, g->dil_h);
  clconv__args_int(a, g->dil_w);
}

/* Index type for an element-wise kernel over @p count elements. */
static const char *index_type(size_t count) {
  return count > (size_t)INT32_MAX ? "long" : "int";
}

/* Tile sizes of the blocked kernels: VW columns by CB channels per
 * work-item. CPUs get wide vectors (PoCL maps float16 to one AVX-512
 * register, float8 to one AVX2 register); GPUs, where a vector is VW scalar
 * registers, get 4 x 4. CB is the largest of 8 (CPU), 4 that divides the
 * channels per group, else 1. Few choices keep the number of programs, and
 * so build time, small. */
typedef struct fwd_tiles {
  int vw, cb;
} fwd_tiles;

static fwd_tiles choose_tiles(const clconv_context *ctx, int64_t columns,
                              int64_t channels_per_group) {
  fwd_tiles t;
  const int gpu = ctx->info.type == CLCONV_DEVICE_TYPE_GPU;
  t.vw = gpu ? 4 : columns >= 16 ? 16 : 8;
  t.cb = !gpu && channels_per_group % 8 == 0 ? 8
         : channels_per_group % 4 == 0       ? 4
                                             : 1;
  return t;
}

/* The naive kernel: one work-item per output, 64-bit indices when needed. */
static clconv_status
corr2d_fwd_naive(clconv_context *ctx, const clconv__corr2d_geom *g,
                 const clconv_tensor *x, const clconv_tensor *w,
                 const clconv_tensor *b, clconv_tensor *y) {
  char options[256];
  cl_kernel kernel;
  clconv__args a;
  corr2d_options(g, g->has_bias ? "-DHAS_BIAS=1" : "-DHAS_BIAS=0", options,
                 sizeof options);
  CLCONV_FORWARD_IF_ERROR(
      clconv__kernel_get(ctx, "corr2d_fwd", options, "corr2d_fwd", &kernel));
  clconv__args_begin(&a, kernel);
  clconv__args_mem(&a, x->mem);
  clconv__args_mem(&a, w->mem);
  clconv__args_mem(&a, b != NULL ? b->mem : NULL);
  clconv__args_mem(&a, y->mem);
  clconv__args_long(&a, (int64_t)y->count);
  args_geometry(&a, g);
  return clconv__launch_1d(ctx, &a, y->count, ELEMENTWISE_LOCAL, "corr2d_fwd");
}

/* Packs @p w for corr2d_fwd_vec with @p cb channels per block (see
 * cl/pack_weights.cl) into the weights scratch buffer, @p *packed. With one
 * channel per block the order is already right: @p *packed is w. */
static clconv_status pack_weights(clconv_context *ctx, const clconv_tensor *w,
                                  int cb, int64_t cin_g, int64_t taps,
                                  cl_mem *packed) {
  char options[64];
  cl_kernel kernel;
  clconv__args a;
  if (cb == 1) {
    *packed = w->mem;
    return CLCONV_STATUS_OK;
  }
  CLCONV_FORWARD_IF_ERROR(clconv__scratch_get(ctx, CLCONV__SCRATCH_WEIGHTS,
                                              w->bytes, "corr2d_fwd", packed));
  snprintf(options, sizeof options, "-DCB=%d", cb);
  CLCONV_FORWARD_IF_ERROR(clconv__kernel_get(ctx, "pack_weights", options,
                                             "pack_weights", &kernel));
  clconv__args_begin(&a, kernel);
  clconv__args_mem(&a, w->mem);
  clconv__args_mem(&a, *packed);
  clconv__args_int(&a, (int64_t)w->count);
  clconv__args_int(&a, cin_g);
  clconv__args_int(&a, taps);
  return clconv__launch_1d(ctx, &a, w->count, ELEMENTWISE_LOCAL,
                           "pack_weights");
}

/* The input as the blocked forward kernel reads it without bounds checks:
 * planes of hp x wp holding every row and column a tile touches. When x
 * already holds them (no padding, tiles that fit), @p *xp is x itself and
 * @p *f is unchanged; otherwise x is copied, with its padding, into the
 * input scratch buffer and @p *f describes the copy (padding 0).
 * @p *padded is 0 when the copy would exceed the device's largest buffer:
 * the kernel then checks its bounds. */
static clconv_status pad_input(clconv_context *ctx, const clconv_tensor *x,
                               int64_t cols, int64_t rows,
                               clconv__corr2d_geom *f, cl_mem *xp,
                               int *padded) {
  const int64_t wp = cols * f->stride_w + (f->kw - 1) * f->dil_w;
  const int64_t hp = (rows - 1) * f->stride_h + (f->kh - 1) * f->dil_h + 1;
  const uint64_t planes = (uint64_t)(f->n * f->cin);
  const uint64_t bytes = planes * (uint64_t)hp * (uint64_t)wp * sizeof(float);
  char options[64];
  cl_kernel kernel;
  clconv__args a;
  *xp = x->mem;
  *padded = 1;
  if (f->pad_h == 0 && f->pad_w == 0 && wp <= f->w && hp <= f->h)
    return CLCONV_STATUS_OK;
  if (bytes > ctx->info.max_alloc_bytes ||
      planes * (uint64_t)hp * (uint64_t)wp > (uint64_t)INT32_MAX) {
    *padded = 0;
    return CLCONV_STATUS_OK;
  }
  CLCONV_FORWARD_IF_ERROR(clconv__scratch_get(ctx, CLCONV__SCRATCH_INPUT,
                                              (size_t)bytes, "corr2d_fwd", xp));
  snprintf(options, sizeof options, "-DIDX_T=int");
  CLCONV_FORWARD_IF_ERROR(
      clconv__kernel_get(ctx, "pad_input", options, "pad_input", &kernel));
  clconv__args_begin(&a, kernel);
  clconv__args_mem(&a, x->mem);
  clconv__args_mem(&a, *xp);
  clconv__args_long(&a, (int64_t)planes * hp);
  clconv__args_int(&a, f->h);
  clconv__args_int(&a, f->w);
  clconv__args_int(&a, hp);
  clconv__args_int(&a, wp);
  clconv__args_int(&a, f->pad_h);
  clconv__args_int(&a, f->pad_w);
  CLCONV_FORWARD_IF_ERROR(clconv__launch_1d(ctx, &a, planes * (uint64_t)hp,
                                            ELEMENTWISE_LOCAL, "pad_input"));
  f->h = hp;
  f->w = wp;
  f->pad_h = 0;
  f->pad_w = 0;
  return CLCONV_STATUS_OK;
}

clconv_status clconv__cl_corr2d_fwd(clconv_context *ctx,
                                    const clconv__corr2d_geom *g,
                                    const clconv_tensor *x,
                                    const clconv_tensor *w,
                                    const clconv_tensor *b, clconv_tensor *y) {
  char extra[128], options[256];
  cl_kernel kernel;
  cl_mem packed, input = x->mem;
  clconv__args a;
  clconv__corr2d_geom f;
  clconv__fwd_tiles t;
  int64_t col_tiles, row_tiles;
  uint64_t range[3];
  int padded = 0;
  if (g->needs_long_index)
    return corr2d_fwd_naive(ctx, g, x, w, b, y);

  /* Chooses the tiles; the input is padded when the tiles ask for it. */
  f = clconv__corr2d_flatten_pointwise(g);
  t = clconv__fwd_tiles_for(ctx, g, &f);
  col_tiles = (f.wout + (int64_t)t.vw * t.cv - 1) / ((int64_t)t.vw * t.cv);
  row_tiles = (f.hout + t.rh - 1) / t.rh;
  range[0] = (uint64_t)col_tiles;
  range[1] = (uint64_t)row_tiles;
  range[2] = (uint64_t)f.n * (uint64_t)(f.cout / t.cb);
  if (t.padded)
    CLCONV_FORWARD_IF_ERROR(pad_input(ctx, x, col_tiles * t.vw * t.cv,
                                      row_tiles * t.rh, &f, &input, &padded));
  CLCONV_FORWARD_IF_ERROR(
      pack_weights(ctx, w, t.cb, f.cin_g, f.kh * f.kw, &packed));

  /* Specializes the blocked kernel for this problem. */
  snprintf(extra, sizeof extra,
           "-DVW=%d -DCV=%d -DRH=%d -DCB=%d -DPADDED=%d -DSTRIDE_W=%lld", t.vw,
           t.cv, t.rh, t.cb, padded,
           f.stride_w <= 2 ? (long long)f.stride_w : 0LL);
  corr2d_options(&f, extra, options, sizeof options);
  CLCONV_FORWARD_IF_ERROR(clconv__kernel_get(ctx, "corr2d_fwd_vec", options,
                                             "corr2d_fwd_vec", &kernel));

  /* Sets the arguments in the order of cl/corr2d_fwd_vec.cl. */
  clconv__args_begin(&a, kernel);
  clconv__args_mem(&a, input);
  clconv__args_mem(&a, packed);
  clconv__args_mem(&a, b != NULL ? b->mem : NULL);
  clconv__args_mem(&a, y->mem);
  clconv__args_long(&a, (int64_t)range[2]);
  args_geometry(&a, &f);
  clconv__args_int(&a, col_tiles);
  clconv__args_int(&a, row_tiles);
  clconv__args_int(&a, f.has_bias);

  /* Launches one work-item per tile. */
  return clconv__launch_3d(ctx, &a, range, ELEMENTWISE_LOCAL, "corr2d_fwd_vec");
}

clconv_status clconv__cl_corr2d_bwd_data(clconv_context *ctx,
                                         const clconv__corr2d_geom *g,
                                         const clconv_tensor *dy,
                                         const clconv_tensor *w,
                                         clconv_tensor *dx) {
  char extra[128], options[256];
  const int vec = !g->needs_long_index;
  clconv__corr2d_geom f = vec ? clconv__corr2d_flatten_pointwise(g) : *g;
  fwd_tiles t;
  int64_t phase_cols, phase_blocks;
  uint64_t items;
  cl_kernel kernel;
  clconv__args a;

  /* Tiles over dX: VW columns of one stride phase by CB input channels. */
  phase_cols = (f.w + f.stride_w - 1) / f.stride_w;
  t = choose_tiles(ctx, phase_cols, f.cin_g);
  phase_blocks = (phase_cols + t.vw - 1) / t.vw;
  items = vec ? (uint64_t)f.n * (uint64_t)(f.cin / t.cb) * (uint64_t)f.h *
                    (uint64_t)(f.stride_w * phase_blocks)
              : dx->count;
  snprintf(extra, sizeof extra, "-DVW=%d -DCB=%d", t.vw, t.cb);
  corr2d_options(&f, vec ? extra : "", options, sizeof options);
  CLCONV_FORWARD_IF_ERROR(clconv__kernel_get(
      ctx, vec ? "corr2d_bwd_data_vec" : "corr2d_bwd_data", options,
      vec ? "corr2d_bwd_data_vec" : "corr2d_bwd_data", &kernel));
  clconv__args_begin(&a, kernel);
  clconv__args_mem(&a, dy->mem);
  clconv__args_mem(&a, w->mem);
  clconv__args_mem(&a, dx->mem);
  clconv__args_long(&a, (int64_t)items);
  args_geometry(&a, &f);
  if (vec)
    clconv__args_int(&a, phase_blocks);
  return clconv__launch_1d(ctx, &a, items, ELEMENTWISE_LOCAL,
                           "corr2d_bwd_data");
}

clconv_status clconv__cl_corr2d_bwd_weight(clconv_context *ctx,
                                           const clconv__corr2d_geom *g,
                                           const clconv_tensor *x,
                                           const clconv_tensor *dy,
                                           clconv_tensor *dw, int accumulate) {
  char extra[128], options[256];
  const int vec = !g->needs_long_index;
  clconv__corr2d_geom f = vec ? clconv__corr2d_flatten_pointwise(g) : *g;
  fwd_tiles t = choose_tiles(ctx, f.wout, f.cout_g);
  uint64_t items = vec ? dw->count / (size_t)t.cb : dw->count;
  cl_kernel kernel;
  clconv__args a;

  /* The blocked kernel, or the naive one when indices need 64 bits. */
  snprintf(extra, sizeof extra, "-DVW=%d -DCB=%d -DSTRIDE_W=%lld", t.vw, t.cb,
           f.stride_w <= 2 ? (long long)f.stride_w : 0LL);
  corr2d_options(&f, vec ? extra : "", options, sizeof options);
  CLCONV_FORWARD_IF_ERROR(clconv__kernel_get(
      ctx, vec ? "corr2d_bwd_weight_vec" : "corr2d_bwd_weight", options,
      vec ? "corr2d_bwd_weight_vec" : "corr2d_bwd_weight", &kernel));
  clconv__args_begin(&a, kernel);
  clconv__args_mem(&a, x->mem);
  clconv__args_mem(&a, dy->mem);
  clconv__args_mem(&a, dw->mem);
  clconv__args_long(&a, (int64_t)items);
  clconv__args_int(&a, accumulate);
  clconv__args_int(&a, f.n);
  args_geometry(&a, &f);
  return clconv__launch_1d(ctx, &a, items, vec ? 16 : ELEMENTWISE_LOCAL,
                           "corr2d_bwd_weight");
}

clconv_status clconv__cl_corr2d_bwd_bias(clconv_context *ctx,
                                         const clconv__corr2d_geom *g,
                                         const clconv_tensor *dy,
                                         clconv_tensor *db, int accumulate) {
  char options[64];
  cl_kernel kernel;
  clconv__args a;
  snprintf(options, sizeof options, "-DIDX_T=%s", index_type(dy->count));
  CLCONV_FORWARD_IF_ERROR(clconv__kernel_get(ctx, "corr2d_bwd_bias", options,
                                             "corr2d_bwd_bias", &kernel));
  clconv__args_begin(&a, kernel);
  clconv__args_mem(&a, dy->mem);
  clconv__args_mem(&a, db->mem);
  clconv__args_int(&a, accumulate);
  clconv__args_int(&a, g->n);
  clconv__args_int(&a, g->cout);
  clconv__args_long(&a, g->hout * g->wout);
  return clconv__launch_1d(ctx, &a, db->count, ELEMENTWISE_LOCAL,
                           "corr2d_bwd_bias");
}

/* The largest power of two <= 64 that the device allows per work-group. */
static size_t reduction_local_size(const clconv_context *ctx) {
  size_t local = 64;
  while (local > ctx->info.max_work_group_size && local > 1)
    local /= 2;
  return local;
}

clconv_status clconv__cl_squared_error(clconv_context *ctx,
                                       const clconv_tensor *y_hat,
                                       const clconv_tensor *y, float grad_scale,
                                       clconv_tensor *grad, double *loss) {
  const size_t local = reduction_local_size(ctx);
  const size_t groups = (y_hat->count + local - 1) / local;
  char options[256];
  cl_kernel kernel;
  cl_mem partial = NULL;
  float *sums = NULL;
  clconv__args a;
  clconv_status status;
  cl_int err;

  snprintf(options, sizeof options,
           "-DLOCAL_SIZE=%zu -DWRITE_GRAD=%d -DWRITE_LOSS=%d -DIDX_T=%s", local,
           grad != NULL, loss != NULL, index_type(y_hat->count));
  CLCONV_FORWARD_IF_ERROR(clconv__kernel_get(ctx, "squared_error", options,
                                             "squared_error", &kernel));

  /* One partial sum per work-group, added on the host in double. */
  if (loss != NULL) {
    partial = clCreateBuffer(ctx->cl_ctx, CL_MEM_READ_WRITE,
                             groups * sizeof(float), NULL, &err);
    if (partial == NULL || err != CL_SUCCESS)
      return clconv__fail_cl(ctx, err, "squared_error: clCreateBuffer");
  }
  clconv__args_begin(&a, kernel);
  clconv__args_mem(&a, y_hat->mem);
  clconv__args_mem(&a, y->mem);
  clconv__args_mem(&a, grad != NULL ? grad->mem : NULL);
  clconv__args_mem(&a, partial);
  clconv__args_long(&a, (int64_t)y_hat->count);
  clconv__args_float(&a, grad_scale);
  status = clconv__launch_1d(ctx, &a, y_hat->count, local, "squared_error");
  if (status != CLCONV_STATUS_OK || loss == NULL)
    goto done;

  /* Reads the partial sums back (this waits for the kernel) and adds them. */
  sums = clconv__malloc(groups * sizeof *sums);
  if (sums == NULL) {
    status = clconv__fail(ctx, CLCONV_STATUS_OUT_OF_HOST_MEMORY,
                          "squared_error: out of host memory");
    goto done;
  }
  err = clEnqueueReadBuffer(ctx->queue, partial, CL_TRUE, 0,
                            groups * sizeof *sums, sums, 0, NULL, NULL);
  if (err != CL_SUCCESS) {
    status = clconv__context_lost(ctx, err, "squared_error: reading the loss");
    goto done;
  }
  *loss = 0.0;
  for (size_t i = 0; i < groups; i++)
    *loss += (double)sums[i];
done:
  clconv__free(sums);
  if (partial != NULL)
    (void)clReleaseMemObject(partial);
  return status;
}

clconv_status clconv__cl_sgd_update(clconv_context *ctx,
                                    const clconv__sgd_consts *k,
                                    clconv_tensor *w, const clconv_tensor *grad,
                                    clconv_tensor *buf) {
  char options[128];
  cl_kernel kernel;
  clconv__args a;
  snprintf(options, sizeof options, "-DMOMENTUM=%d -DNESTEROV=%d -DIDX_T=%s",
           k->use_momentum, k->nesterov, index_type(w->count));
  CLCONV_FORWARD_IF_ERROR(
      clconv__kernel_get(ctx, "sgd_update", options, "sgd_update", &kernel));
  clconv__args_begin(&a, kernel);
  clconv__args_mem(&a, w->mem);
  clconv__args_mem(&a, grad->mem);
  clconv__args_mem(&a, k->use_momentum ? buf->mem : NULL);
  clconv__args_long(&a, (int64_t)w->count);
  clconv__args_float(&a, k->lr);
  clconv__args_float(&a, k->weight_decay);
  clconv__args_float(&a, k->momentum);
  clconv__args_float(&a, k->one_minus_dampening);
  clconv__args_int(&a, k->buffer_is_set);
  return clconv__launch_1d(ctx, &a, w->count, ELEMENTWISE_LOCAL, "sgd_update");
}

clconv_status clconv__cl_init_uniform(clconv_context *ctx, clconv_tensor *t,
                                      uint64_t seed, float lo, float scale) {
  cl_kernel kernel;
  clconv__args a;
  CLCONV_FORWARD_IF_ERROR(
      clconv__kernel_get(ctx, "init_uniform", "", "init_uniform", &kernel));
  clconv__args_begin(&a, kernel);
  clconv__args_mem(&a, t->mem);
  clconv__args_long(&a, (int64_t)t->count);
  clconv__args_ulong(&a, seed);
  clconv__args_float(&a, lo);
  clconv__args_float(&a, scale);
  return clconv__launch_1d(ctx, &a, t->count, ELEMENTWISE_LOCAL,
                           "init_uniform");
}
