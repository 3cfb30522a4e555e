/* cl_corr2d_winograd.c: queues a 3x3 stride-1 correlation by Winograd's
 * F(m x m, 3x3): the input and weights transformed, their products, the
 * output transformed back, and a fix-up for tiles that are not finite. */
#include "opencl/cl_corr2d_winograd.h"

#include "common/corr2d_algo.h"
#include "common/error.h"
#include "common/kernel_options.h"
#include "opencl/cl_corr2d_blocked.h"
#include "opencl/cl_launch.h"
#include "opencl/cl_program.h"
#include "opencl/cl_scratch.h"

/* Builds kernel @p name of cl/winograd.cl for @p t, @p has_bias, @p masked. */
static clconv_status winograd_kernel(clconv_context *ctx, const char *name,
                                     const clconv__winograd_tiles *t,
                                     int has_bias, int masked,
                                     cl_kernel *kernel) {
  clconv__kernel_options options;
  clconv__kernel_options_begin(&options);
  clconv__kernel_options_int(&options, "WINO_M", t->m);
  clconv__kernel_options_int(&options, "HAS_BIAS", has_bias);
  clconv__kernel_options_int(&options, "MASKED", masked);
  return clconv__cl_program_kernel(
      ctx, "winograd", clconv__kernel_options_string(&options), name, kernel);
}

/* The grouped 1x1 correlation that multiplies the transformed planes: for
 * each of the alpha^2 planes, (Cout, Cin/groups) weights by the group's
 * (Cin/groups, tiles) input, as alpha^2 * groups groups of one row. */
static clconv__corr2d_geom products_geometry(const clconv__corr2d_geom *g,
                                             const clconv__winograd_tiles *t) {
  clconv__corr2d_geom p = {0};
  const int64_t planes = (int64_t)t->alpha * t->alpha;
  p.n = 1;
  p.cin = planes * g->cin;
  p.h = 1;
  p.w = t->tiles_pad;
  p.cout = planes * g->cout;
  p.kh = p.kw = 1;
  p.groups = planes * g->groups;
  p.stride_h = p.stride_w = p.dil_h = p.dil_w = 1;
  p.algo = CLCONV_ALGO_GEMM;
  (void)clconv__corr2d_geometry_derive(&p); /* fits: corr2d_algo.c */
  return p;
}

clconv_status clconv__cl_corr2d_winograd_run(clconv_context *ctx,
                                             const clconv__corr2d_geom *g,
                                             int algo, cl_mem x, cl_mem w,
                                             cl_mem b, cl_mem y, int masked,
                                             const char *what) {
  clconv__winograd_tiles t;
  clconv__corr2d_geom pg;
  clconv__cl_corr2d_blocked_operands o;
  cl_mem v, u, m, flag;
  cl_kernel kernel;
  clconv__cl_args a;
  uint64_t range[3];
  size_t planes;
  (void)clconv__corr2d_algo_winograd_tiles(g, algo, &t); /* fits: checked */
  planes = (size_t)t.alpha * (size_t)t.alpha;
  pg = products_geometry(g, &t);

  /* Scratch for the transformed input, weights and their products. */
  CLCONV_FORWARD_IF_ERROR(clconv__cl_scratch_get(
      ctx, CLCONV__SCRATCH_WINOGRAD_INPUT,
      planes * (size_t)(g->cin * t.tiles_pad) * sizeof(float), what, &v));
  CLCONV_FORWARD_IF_ERROR(clconv__cl_scratch_get(
      ctx, CLCONV__SCRATCH_WINOGRAD_WEIGHTS,
      planes * (size_t)(g->cout * g->cin_g) * sizeof(float), what, &u));
  CLCONV_FORWARD_IF_ERROR(clconv__cl_scratch_get(
      ctx, CLCONV__SCRATCH_WINOGRAD_PRODUCTS,
      planes * (size_t)(g->cout * t.tiles_pad) * sizeof(float), what, &m));

  /* The input, one work-item per tile and channel. */
  CLCONV_FORWARD_IF_ERROR(
      winograd_kernel(ctx, "winograd_input", &t, 0, 0, &kernel));
  clconv__cl_args_begin(&a, kernel);
  clconv__cl_args_mem(&a, x);
  clconv__cl_args_mem(&a, v);
  clconv__cl_args_int(&a, g->cin);
  clconv__cl_args_int(&a, g->h);
  clconv__cl_args_int(&a, g->w);
  clconv__cl_args_int(&a, g->pad_h);
  clconv__cl_args_int(&a, g->pad_w);
  clconv__cl_args_int(&a, t.tiles_h);
  clconv__cl_args_int(&a, t.tiles_w);
  clconv__cl_args_int(&a, t.tiles);
  clconv__cl_args_int(&a, t.tiles_pad);
  range[0] = (uint64_t)t.tiles_pad;
  range[1] = (uint64_t)g->cin;
  range[2] = 1;
  CLCONV_FORWARD_IF_ERROR(clconv__cl_launch_3d(
      ctx, &a, range, CLCONV__ELEMENTWISE_LOCAL, "winograd_input"));

  /* The weights, one work-item per filter. */
  CLCONV_FORWARD_IF_ERROR(
      winograd_kernel(ctx, "winograd_weights", &t, 0, 0, &kernel));
  clconv__cl_args_begin(&a, kernel);
  clconv__cl_args_mem(&a, w);
  clconv__cl_args_mem(&a, u);
  clconv__cl_args_int(&a, g->cout * g->cin_g);
  CLCONV_FORWARD_IF_ERROR(
      clconv__cl_launch_1d(ctx, &a, (uint64_t)(g->cout * g->cin_g),
                           CLCONV__ELEMENTWISE_LOCAL, "winograd_weights"));

  /* Their products, plane by plane, by the blocked kernel. */
  o.x = v;
  o.w = u;
  o.b = NULL;
  o.y = m;
  o.w_count = planes * (size_t)(g->cout * g->cin_g);
  o.nonfinite = NULL;
  o.phase = NULL;
  o.out_h = o.out_w = o.out_sh = o.out_sw = 0;
  o.what = what;
  CLCONV_FORWARD_IF_ERROR(clconv__cl_corr2d_blocked_run(ctx, &pg, &o));

  /* Back to outputs, one work-item per tile and output channel, flagging
   * a tile that is not finite; then the fix-up, which returns at once
   * unless one was flagged. */
  CLCONV_FORWARD_IF_ERROR(clconv__cl_scratch_zeroed_flag(
      ctx, what, "winograd: clEnqueueFillBuffer", &flag));
  CLCONV_FORWARD_IF_ERROR(
      winograd_kernel(ctx, "winograd_output", &t, b != NULL, masked, &kernel));
  clconv__cl_args_begin(&a, kernel);
  clconv__cl_args_mem(&a, m);
  clconv__cl_args_mem(&a, b);
  clconv__cl_args_mem(&a, y);
  clconv__cl_args_mem(&a, flag);
  clconv__cl_args_int(&a, t.tiles_h);
  clconv__cl_args_int(&a, t.tiles_w);
  clconv__cl_args_int(&a, t.tiles);
  clconv__cl_args_int(&a, t.tiles_pad);
  clconv__cl_args_int(&a, g->cout);
  clconv__cl_args_int(&a, g->hout);
  clconv__cl_args_int(&a, g->wout);
  range[0] = (uint64_t)t.tiles;
  range[1] = (uint64_t)g->cout;
  CLCONV_FORWARD_IF_ERROR(clconv__cl_launch_3d(
      ctx, &a, range, CLCONV__ELEMENTWISE_LOCAL, "winograd_output"));

  CLCONV_FORWARD_IF_ERROR(
      winograd_kernel(ctx, "winograd_fixup", &t, b != NULL, masked, &kernel));
  clconv__cl_args_begin(&a, kernel);
  clconv__cl_args_mem(&a, m);
  clconv__cl_args_mem(&a, b);
  clconv__cl_args_mem(&a, y);
  clconv__cl_args_mem(&a, flag);
  clconv__cl_args_mem(&a, x);
  clconv__cl_args_mem(&a, w);
  clconv__cl_args_int(&a, t.tiles_h);
  clconv__cl_args_int(&a, t.tiles_w);
  clconv__cl_args_int(&a, t.tiles);
  clconv__cl_args_int(&a, t.tiles_pad);
  clconv__cl_args_geometry(&a, g);
  return clconv__cl_launch_3d(ctx, &a, range, CLCONV__ELEMENTWISE_LOCAL,
                              "winograd_fixup");
}
