/* corr2d_algo.h: which algorithm runs a pass of a cross-correlation (direct,
 * matrix product, Winograd): whether an asked-for one fits the problem,
 * what AUTO resolves to on a device, and the tile counts of Winograd. Pure
 * arithmetic on the geometry and the device's capabilities. */
#ifndef CLCONV_CORR2D_ALGO_H
#define CLCONV_CORR2D_ALGO_H

#include "clconv.h"
#include "common/corr2d_geometry.h"
#include "common/device_caps.h"

/* NULL when g->algo (a valid clconv_algo) can run problem @p g; else what it
 * needs, for a message ("a 1x1 kernel with stride 1 and no padding"). */
const char *clconv__corr2d_algo_unfit(const clconv__corr2d_geom *g);

/* The algorithm, never AUTO, that runs @p pass of @p g (g->algo fitting it)
 * on a device with @p caps, or on the reference backend when @p caps is
 * NULL (always DIRECT). */
int clconv__corr2d_algo_resolve(const clconv__device_caps *caps,
                                const clconv__corr2d_geom *g,
                                clconv_corr2d_pass pass);

/* Winograd F(m x m, 3x3)'s tiles of @p g: tiles_h x tiles_w per image,
 * tiles = N * tiles_h * tiles_w of them, rounded up to tiles_pad (a whole
 * number of the blocked kernel's widest tiles). */
typedef struct clconv__winograd_tiles {
  int m, alpha; /* output tile m x m, input tile alpha x alpha (m + 2) */
  int64_t tiles_h, tiles_w, tiles, tiles_pad;
} clconv__winograd_tiles;

/* Fills @p t for algorithm @p algo (WINOGRAD or WINOGRAD_4X4) on @p g.
 * @return 1, or 0 when the transformed input or output would need 64-bit
 * indices. */
int clconv__corr2d_algo_winograd_tiles(const clconv__corr2d_geom *g, int algo,
                                       clconv__winograd_tiles *t);

#endif
