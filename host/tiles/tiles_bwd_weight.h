/* tiles_bwd_weight.h: the tunable parameters of the blocked weight-gradient
 * kernel (cl/corr2d_bwd_weight_blocked.cl): how it splits a problem into
 * work-items, their default for a device, their validity and the -D options
 * they build the kernel with. */
#ifndef CLCONV_TILES_BWD_WEIGHT_H
#define CLCONV_TILES_BWD_WEIGHT_H

#include "common/corr2d_geometry.h"
#include "common/device_caps.h"
#include "common/kernel_options.h"

/* One work-item sums vw output columns at a time, for tb consecutive taps
 * (ci_local, kh, kw) and cb output channels, over one of chunks slices of
 * the rows (n, oh) of dY. With chunks > 1 the slices' partial sums are added
 * up by a second kernel. With padded, the kernel reads a padded copy of the
 * input without bounds checks. */
typedef struct clconv__tiles_bwd_weight {
  int vw, cb, tb, padded;
  int64_t chunks;
} clconv__tiles_bwd_weight;

/* The tiles for problem @p g (already flattened for 1x1) on a device with
 * capabilities @p caps. */
clconv__tiles_bwd_weight
clconv__tiles_bwd_weight_default(const clconv__device_caps *caps,
                                 const clconv__corr2d_geom *g);

/* Whether @p t is a valid tiling of @p g: vw 4, 8 or 16; cb divides the
 * output channels per group, tb the taps per output channel; 1 <= chunks <=
 * the rows (n, oh) of dY; padded 0 or 1. */
int clconv__tiles_bwd_weight_valid(const clconv__tiles_bwd_weight *t,
                                   const clconv__corr2d_geom *g);

/* Appends the options that build corr2d_bwd_weight_blocked for @p t on
 * problem @p f. */
void clconv__tiles_bwd_weight_options(const clconv__tiles_bwd_weight *t,
                                      const clconv__corr2d_geom *f,
                                      clconv__kernel_options *o);

#endif
