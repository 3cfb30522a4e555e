/* tiles_bwd_data.c: the tiles of the phase-walking input-gradient kernel.
 * CPUs get wide vectors (PoCL maps float16 to one AVX-512 register, float8
 * to one AVX2 register) and up to 8 channels; GPUs, where a vector is VW
 * scalar registers, get 4 x 4. Few choices keep the number of programs, and
 * so build time, small. */
#include "tiles/tiles_bwd_data.h"

/* The columns of one stride phase of a row of dX. */
static int64_t phase_columns(const clconv__corr2d_geom *g) {
  return (g->w + g->stride_w - 1) / g->stride_w;
}

clconv__tiles_bwd_data
clconv__tiles_bwd_data_default(const clconv__device_caps *caps,
                               const clconv__corr2d_geom *g) {
  clconv__tiles_bwd_data t;
  int accumulators;
  if (caps->simt) {
    t.vw = 4;
    t.cb = g->cin_g % 4 == 0 ? 4 : 1;
    return t;
  }
  t.vw = phase_columns(g) >= 16 ? 16 : 8;
  accumulators = clconv__device_caps_accumulators(caps, t.vw);
  t.cb = g->cin_g % 8 == 0 && accumulators >= 8   ? 8
         : g->cin_g % 4 == 0 && accumulators >= 4 ? 4
                                                  : 1;
  return t;
}

int clconv__tiles_bwd_data_valid(const clconv__tiles_bwd_data *t,
                                 const clconv__corr2d_geom *g) {
  return (t->vw == 4 || t->vw == 8 || t->vw == 16) && t->cb >= 1 &&
         g->cin_g % t->cb == 0;
}

int64_t clconv__tiles_bwd_data_phase_blocks(const clconv__tiles_bwd_data *t,
                                            const clconv__corr2d_geom *g) {
  return (phase_columns(g) + t->vw - 1) / t->vw;
}

void clconv__tiles_bwd_data_options(const clconv__tiles_bwd_data *t,
                                    const clconv__corr2d_geom *g,
                                    clconv__kernel_options *o) {
  clconv__kernel_options_geometry(o, g);
  clconv__kernel_options_int(o, "VW", t->vw);
  clconv__kernel_options_int(o, "CB", t->cb);
}
