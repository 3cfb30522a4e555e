/* tiles_fwd_blocked.h: the tunable parameters of the blocked forward kernel
 * (cl/corr2d_fwd_blocked.cl): how it splits a problem into work-items, their
 * default for a device and a problem, their validity, the candidates that
 * clconv_tune_forward() times (tuning.h keeps its result), and the -D
 * options they build the kernel with. */
#ifndef CLCONV_TILES_FWD_BLOCKED_H
#define CLCONV_TILES_FWD_BLOCKED_H

#include "common/corr2d_geometry.h"
#include "common/device_caps.h"
#include "common/kernel_options.h"

#include <stddef.h>

/* One work-item of corr2d_fwd_blocked computes rh output rows by cv vectors of
 * vw columns, for cb output channels; padded: see below. */
typedef struct clconv__tiles_fwd_blocked {
  int vw, cv, rh, cb;
  int padded; /* 1: read a padded copy of the input, without bounds checks;
                 0: tiles that reach outside the input take a slower path */
} clconv__tiles_fwd_blocked;

/* Whether the work-items of @p t on @p f should take the channel blocks
 * innermost, neighbours sharing a column tile of the input: for 1x1
 * problems whose image's input (cin x h x w floats) outgrows a core's L2
 * cache, and would otherwise be read again from memory for every channel
 * block, while all the weights fit it. Otherwise the column tiles are
 * innermost, neighbours sharing the weights. */
int clconv__tiles_fwd_blocked_channels_inner(const clconv__tiles_fwd_blocked *t,
                                             const clconv__corr2d_geom *f);

/* Whether @p f does enough work (a million floating-point operations) that
 * a second, mostly empty launch costs little beside it. */
int clconv__tiles_fwd_blocked_large(const clconv__corr2d_geom *f);

/* Largest accumulator count (cv * rh * cb) a tiling may ask for. */
#define CLCONV__MAX_ACCUMULATORS 32

/* The default tiles for problem @p g (already flattened for 1x1) on a device
 * with capabilities @p caps. */
clconv__tiles_fwd_blocked
clconv__tiles_fwd_blocked_default(const clconv__device_caps *caps,
                                  const clconv__corr2d_geom *g);

/* Whether @p t is a valid tiling of @p g: vw 4, 8 or 16; cv, rh >= 1; cb
 * divides the output channels per group; at most 32 accumulators; padded 0
 * or 1. */
int clconv__tiles_fwd_blocked_valid(const clconv__tiles_fwd_blocked *t,
                                    const clconv__corr2d_geom *g);

/* The fraction of @p t's tiles that read outside the input (padding, or
 * past its end) and so, unpadded, take the kernel's slower edge path. */
double
clconv__tiles_fwd_blocked_edge_fraction(const clconv__tiles_fwd_blocked *t,
                                        const clconv__corr2d_geom *g);

/* The tilings of @p g worth timing on a device with capabilities @p caps,
 * into @p out (room for @p max): the default first, then the others by a
 * predicted merit, best first. @return how many were written. */
int clconv__tiles_fwd_blocked_candidates(const clconv__device_caps *caps,
                                         const clconv__corr2d_geom *g,
                                         clconv__tiles_fwd_blocked *out,
                                         int max);

/* Writes @p t as "vw16 cv1 rh3 cb8 padded" (or "unpadded"). */
void clconv__tiles_fwd_blocked_format(const clconv__tiles_fwd_blocked *t,
                                      char *out, size_t size);

/* Appends the options that build corr2d_fwd_blocked for @p t on problem
 * @p f: the geometry's, the tiles, MASKED (the input gradient's guard
 * against non-finite weights) and SCATTER (writing one stride phase of dX),
 * each 0 or 1. */
void clconv__tiles_fwd_blocked_options(const clconv__tiles_fwd_blocked *t,
                                       const clconv__corr2d_geom *f, int masked,
                                       int scatter, clconv__kernel_options *o);

#endif
