/* tiles_bwd_weight_cvec.h: when and how the channel-vector weight-gradient
 * kernel (cl/corr2d_bwd_weight_cvec.cl) runs: vectors across output
 * channels, for CPU-like devices and layers with many output channels; how
 * it splits a problem into work-items, its -D options. */
#ifndef CLCONV_TILES_BWD_WEIGHT_CVEC_H
#define CLCONV_TILES_BWD_WEIGHT_CVEC_H

#include "common/corr2d_geometry.h"
#include "common/device_caps.h"
#include "common/kernel_options.h"

/* One work-item sums, over one of chunks slices of the rows (n, oh) of dY,
 * cob blocks of vw output channels for tb consecutive taps. */
typedef struct clconv__tiles_bwd_weight_cvec {
  int vw, cob, tb;
  int64_t chunks;
} clconv__tiles_bwd_weight_cvec;

/* Whether the kernel suits problem @p g (flattened for 1x1) on a device
 * with @p caps: a CPU-like device, and output channels per group a multiple
 * of two vectors of the native width. */
int clconv__tiles_bwd_weight_cvec_suits(const clconv__device_caps *caps,
                                        const clconv__corr2d_geom *g);

/* The tiles for @p g on @p caps (where it suits). */
clconv__tiles_bwd_weight_cvec
clconv__tiles_bwd_weight_cvec_default(const clconv__device_caps *caps,
                                      const clconv__corr2d_geom *g);

/* Whether @p t is a valid tiling of @p g: vw 4, 8 or 16; cob x vw divides
 * the output channels per group, tb the taps per output channel; 1 <=
 * chunks <= the rows (n, oh) of dY. */
int clconv__tiles_bwd_weight_cvec_valid(const clconv__tiles_bwd_weight_cvec *t,
                                        const clconv__corr2d_geom *g);

/* Appends the options that build corr2d_bwd_weight_cvec for @p t on @p f. */
void clconv__tiles_bwd_weight_cvec_options(
    const clconv__tiles_bwd_weight_cvec *t, const clconv__corr2d_geom *f,
    clconv__kernel_options *o);

#endif
