/* bwd_weight_tiles.h: how the blocked weight-gradient kernel splits a
 * problem into work-items (cl/corr2d_bwd_weight_vec.cl). */
#ifndef CLCONV_BWD_WEIGHT_TILES_H
#define CLCONV_BWD_WEIGHT_TILES_H

#include "corr2d_geometry.h"
#include "internal.h"

/* One work-item sums vw output columns at a time, for tb consecutive taps
 * (ci_local, kh, kw) and cb output channels, over one of chunks slices of
 * the rows (n, oh) of dY. With chunks > 1 the slices' partial sums are added
 * up by a second kernel. With padded, the kernel reads a padded copy of the
 * input without bounds checks. */
typedef struct clconv__bwd_weight_tiles {
  int vw, cb, tb, padded;
  int64_t chunks;
} clconv__bwd_weight_tiles;

/* The tiles for problem @p g (already flattened for 1x1) on a device of type
 * @p type with @p compute_units compute units. */
clconv__bwd_weight_tiles
clconv__bwd_weight_tiles_default(clconv_device_type type,
                                 unsigned compute_units,
                                 const clconv__corr2d_geom *g);

#endif
