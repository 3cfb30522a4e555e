/* cl_generic.c: launches the generic kernels of cl/generic.cl (see
 * cl_generic.h). */
#include "opencl/cl_generic.h"

#include "common/error.h"
#include "opencl/cl_args.h"
#include "opencl/cl_launch.h"
#include "opencl/cl_program.h"

#include <stdint.h>

/* The one option set of the generic program: every device builds it once. */
#define GENERIC_OPTIONS "-DIDX_T=int"
/* Output channels per work-item of generic_fwd (GENERIC_COB there). */
#define GENERIC_COB 4

int clconv__cl_generic_serves(const clconv__corr2d_geom *g) {
  /* Every flat index and count must fit in an int. */
  const uint64_t x =
      (uint64_t)g->n * (uint64_t)g->cin * (uint64_t)g->h * (uint64_t)g->w;
  const uint64_t y = (uint64_t)g->n * (uint64_t)g->cout * (uint64_t)g->hout *
                     (uint64_t)g->wout;
  const uint64_t w =
      (uint64_t)g->cout * (uint64_t)g->cin_g * (uint64_t)(g->kh * g->kw);
  return !g->needs_long_index && x < INT32_MAX && y < INT32_MAX &&
         w < INT32_MAX;
}

static clconv_status kernel(clconv_context *ctx, const char *name,
                            cl_kernel *out) {
  return clconv__cl_program_kernel(ctx, "generic", GENERIC_OPTIONS, name, out);
}

clconv_status clconv__cl_generic_ready(clconv_context *ctx) {
  static const char *const names[] = {"generic_fwd", "generic_bwd_data",
                                      "generic_bwd_data_if",
                                      "generic_bwd_weight"};
  cl_kernel k;
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    CLCONV_FORWARD_IF_ERROR(kernel(ctx, names[i], &k));
  return CLCONV_STATUS_OK;
}

clconv_status clconv__cl_generic_fwd(clconv_context *ctx,
                                     const clconv__corr2d_geom *g, cl_mem x,
                                     cl_mem w, cl_mem b, cl_mem y) {
  const int64_t blocks = (g->cout + GENERIC_COB - 1) / GENERIC_COB;
  /* Blocks of a group never cross into the next: when the group's channels
   * do not divide by COB, each group starts its own blocks. */
  const int64_t per_group = (g->cout_g + GENERIC_COB - 1) / GENERIC_COB;
  const int64_t grid_blocks =
      g->cout_g % GENERIC_COB == 0 ? blocks : per_group * g->groups;
  uint64_t items[3];
  cl_kernel k;
  clconv__cl_args a;
  CLCONV_FORWARD_IF_ERROR(kernel(ctx, "generic_fwd", &k));
  clconv__cl_args_begin(&a, k);
  clconv__cl_args_mem(&a, x);
  clconv__cl_args_mem(&a, w);
  clconv__cl_args_mem(&a, b);
  clconv__cl_args_mem(&a, y);
  clconv__cl_args_int(&a, g->kh);
  clconv__cl_args_int(&a, g->kw);
  clconv__cl_args_int(&a, b != NULL);
  clconv__cl_args_int(&a, grid_blocks);
  clconv__cl_args_int(&a, g->cout_g % GENERIC_COB == 0 ? 0 : per_group);
  clconv__cl_args_geometry(&a, g);
  items[0] = (uint64_t)g->wout;
  items[1] = (uint64_t)g->hout;
  items[2] = (uint64_t)(g->n * grid_blocks);
  return clconv__cl_launch_3d(ctx, &a, items, CLCONV__ELEMENTWISE_LOCAL,
                              "generic_fwd");
}

/* generic_bwd_data, or with @p nonfinite generic_bwd_data_if. */
static clconv_status bwd_data(clconv_context *ctx, const clconv__corr2d_geom *g,
                              cl_mem dy, cl_mem w, cl_mem dx,
                              cl_mem nonfinite) {
  const uint64_t total =
      (uint64_t)(g->n * g->cin) * (uint64_t)g->h * (uint64_t)g->w;
  const char *name =
      nonfinite != NULL ? "generic_bwd_data_if" : "generic_bwd_data";
  cl_kernel k;
  clconv__cl_args a;
  CLCONV_FORWARD_IF_ERROR(kernel(ctx, name, &k));
  clconv__cl_args_begin(&a, k);
  clconv__cl_args_mem(&a, dy);
  clconv__cl_args_mem(&a, w);
  clconv__cl_args_mem(&a, dx);
  if (nonfinite != NULL)
    clconv__cl_args_mem(&a, nonfinite);
  clconv__cl_args_int(&a, (int64_t)total);
  clconv__cl_args_int(&a, g->kh);
  clconv__cl_args_int(&a, g->kw);
  clconv__cl_args_geometry(&a, g);
  return clconv__cl_launch_1d(ctx, &a, total, CLCONV__ELEMENTWISE_LOCAL, name);
}

clconv_status clconv__cl_generic_bwd_data(clconv_context *ctx,
                                          const clconv__corr2d_geom *g,
                                          cl_mem dy, cl_mem w, cl_mem dx) {
  return bwd_data(ctx, g, dy, w, dx, NULL);
}

clconv_status clconv__cl_generic_bwd_data_if(clconv_context *ctx,
                                             const clconv__corr2d_geom *g,
                                             cl_mem dy, cl_mem w, cl_mem dx,
                                             cl_mem nonfinite) {
  return bwd_data(ctx, g, dy, w, dx, nonfinite);
}

clconv_status clconv__cl_generic_bwd_weight(clconv_context *ctx,
                                            const clconv__corr2d_geom *g,
                                            cl_mem x, cl_mem dy, cl_mem dw,
                                            int accumulate) {
  const uint64_t total =
      (uint64_t)g->cout * (uint64_t)g->cin_g * (uint64_t)(g->kh * g->kw);
  cl_kernel k;
  clconv__cl_args a;
  CLCONV_FORWARD_IF_ERROR(kernel(ctx, "generic_bwd_weight", &k));
  clconv__cl_args_begin(&a, k);
  clconv__cl_args_mem(&a, x);
  clconv__cl_args_mem(&a, dy);
  clconv__cl_args_mem(&a, dw);
  clconv__cl_args_int(&a, (int64_t)total);
  clconv__cl_args_int(&a, g->kh);
  clconv__cl_args_int(&a, g->kw);
  clconv__cl_args_int(&a, accumulate);
  clconv__cl_args_int(&a, g->n);
  clconv__cl_args_geometry(&a, g);
  return clconv__cl_launch_1d(ctx, &a, total, CLCONV__ELEMENTWISE_LOCAL,
                              "generic_bwd_weight");
}
