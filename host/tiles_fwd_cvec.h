/* tiles_fwd_cvec.h: when and how the channel-vector forward kernel
 * (cl/corr2d_fwd_cvec.cl) runs: vectors across output channels, for
 * CPU-like devices and layers with many input and output channels; its
 * tiles and -D options. */
#ifndef CLCONV_TILES_FWD_CVEC_H
#define CLCONV_TILES_FWD_CVEC_H

#include "corr2d_geometry.h"
#include "device_caps.h"
#include "kernel_options.h"

/* One work-item computes an output row for cob blocks of vw output
 * channels, rw pixels at a time, over cib input channels at a time (their
 * weights held in the L1 cache). */
typedef struct clconv__tiles_fwd_cvec {
  int vw, cob, rw, cib;
} clconv__tiles_fwd_cvec;

/* Whether the kernel suits problem @p g on a device with @p caps: a
 * CPU-like device, output channels per group a multiple of two vectors of
 * the native width, and at least 16 input channels per group (with fewer,
 * the column-vector kernel does better). */
int clconv__tiles_fwd_cvec_suits(const clconv__device_caps *caps,
                                 const clconv__corr2d_geom *g);

/* The tiles for @p g on @p caps (where it suits). */
clconv__tiles_fwd_cvec
clconv__tiles_fwd_cvec_default(const clconv__device_caps *caps,
                               const clconv__corr2d_geom *g);

/* Whether @p t is a valid tiling of @p g: vw 4, 8 or 16; cob x vw divides
 * the output channels per group; 1 <= rw <= 32; cib >= 1. */
int clconv__tiles_fwd_cvec_valid(const clconv__tiles_fwd_cvec *t,
                                 const clconv__corr2d_geom *g);

/* Column tiles per output row. */
int64_t clconv__tiles_fwd_cvec_col_tiles(const clconv__tiles_fwd_cvec *t,
                                         const clconv__corr2d_geom *g);

/* Appends the options that build corr2d_fwd_cvec for @p t on @p f. */
void clconv__tiles_fwd_cvec_options(const clconv__tiles_fwd_cvec *t,
                                    const clconv__corr2d_geom *f,
                                    clconv__kernel_options *o);

#endif
