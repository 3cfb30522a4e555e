/* tiles_fwd_local.c: the work-group tile of the local-memory forward
 * kernel. */
#include "tiles/tiles_fwd_local.h"

/* The widest group: 16 x 8 work-items. */
#define WIDEST_X 16
#define WIDEST_Y 8

void clconv__tiles_fwd_local_patch(const clconv__tiles_fwd_local *t,
                                   const clconv__corr2d_geom *g, int64_t *rows,
                                   int64_t *cols) {
  *rows = (t->ly - 1) * g->stride_h + (g->kh - 1) * g->dil_h + 1;
  *cols = (t->lx - 1) * g->stride_w + (g->kw - 1) * g->dil_w + 1;
}

uint64_t clconv__tiles_fwd_local_bytes(const clconv__tiles_fwd_local *t,
                                       const clconv__corr2d_geom *g) {
  int64_t rows, cols;
  clconv__tiles_fwd_local_patch(t, g, &rows, &cols);
  return ((uint64_t)rows * (uint64_t)cols +
          (uint64_t)t->cb * (uint64_t)g->kh * (uint64_t)g->kw) *
         sizeof(float);
}

clconv__tiles_fwd_local
clconv__tiles_fwd_local_default(const clconv__device_caps *caps,
                                const clconv__corr2d_geom *g) {
  clconv__tiles_fwd_local t = {WIDEST_X, WIDEST_Y, 1};
  while (t.ly > 1 && (size_t)(t.lx * t.ly) > caps->max_work_group_size)
    t.ly /= 2;
  while (t.lx > 1 && (size_t)(t.lx * t.ly) > caps->max_work_group_size)
    t.lx /= 2;
  for (int cb = 4; cb > 1; cb /= 2) {
    const clconv__tiles_fwd_local wider = {t.lx, t.ly, cb};
    if (g->cout_g % cb == 0 &&
        clconv__tiles_fwd_local_bytes(&wider, g) <= caps->local_mem_bytes) {
      t.cb = cb;
      break;
    }
  }
  return t;
}

int clconv__tiles_fwd_local_fits(const clconv__tiles_fwd_local *t,
                                 const clconv__device_caps *caps,
                                 const clconv__corr2d_geom *g) {
  int64_t rows, cols;
  clconv__tiles_fwd_local_patch(t, g, &rows, &cols);
  return !g->needs_long_index && t->lx >= 1 && t->ly >= 1 && t->cb >= 1 &&
         g->cout_g % t->cb == 0 &&
         (size_t)(t->lx * t->ly) <= caps->max_work_group_size &&
         clconv__tiles_fwd_local_bytes(t, g) <= caps->local_mem_bytes &&
         rows * cols <= CLCONV__CORR2D_INDEX_LIMIT;
}

void clconv__tiles_fwd_local_options(const clconv__tiles_fwd_local *t,
                                     const clconv__corr2d_geom *g,
                                     clconv__kernel_options *o) {
  clconv__kernel_options_geometry(o, g);
  clconv__kernel_options_int(o, "LX", t->lx);
  clconv__kernel_options_int(o, "LY", t->ly);
  clconv__kernel_options_int(o, "CB", t->cb);
}
