/* tiles_fwd_local.h: the tunable parameters of the forward kernel tiled in
 * local memory (cl/corr2d_fwd_local.cl): the work-group's tile, their
 * default for a device, whether a problem fits the device with them, and the
 * -D options they build the kernel with. */
#ifndef CLCONV_TILES_FWD_LOCAL_H
#define CLCONV_TILES_FWD_LOCAL_H

#include "common/corr2d_geometry.h"
#include "common/device_caps.h"
#include "common/kernel_options.h"

/* A work-group of lx x ly work-items computes lx x ly output pixels for cb
 * output channels; it holds one input patch of patch_h x patch_w floats and
 * cb x KH x KW weights in local memory. */
typedef struct clconv__tiles_fwd_local {
  int lx, ly, cb;
} clconv__tiles_fwd_local;

/* The tiles for problem @p g on a device with capabilities @p caps: 16 x 8
 * work-items (four 32-wide warps) where the device allows 128 per group,
 * fewer rows otherwise; the most channels of 4, 2, 1 dividing the output
 * channels per group whose weights still fit the local memory. */
clconv__tiles_fwd_local
clconv__tiles_fwd_local_default(const clconv__device_caps *caps,
                                const clconv__corr2d_geom *g);

/* The input patch one group reads, in rows and columns. */
void clconv__tiles_fwd_local_patch(const clconv__tiles_fwd_local *t,
                                   const clconv__corr2d_geom *g, int64_t *rows,
                                   int64_t *cols);

/* Local memory one group of @p t needs for @p g, in bytes. */
uint64_t clconv__tiles_fwd_local_bytes(const clconv__tiles_fwd_local *t,
                                       const clconv__corr2d_geom *g);

/* Whether @p t runs @p g on the device: 32-bit indices, the group within
 * the work-group limit, its patch and weights within the local memory. */
int clconv__tiles_fwd_local_fits(const clconv__tiles_fwd_local *t,
                                 const clconv__device_caps *caps,
                                 const clconv__corr2d_geom *g);

/* Appends the options that build corr2d_fwd_local for @p t on problem
 * @p g. */
void clconv__tiles_fwd_local_options(const clconv__tiles_fwd_local *t,
                                     const clconv__corr2d_geom *g,
                                     clconv__kernel_options *o);

#endif
