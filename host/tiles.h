/* tiles.h: how the blocked forward kernel splits a problem into work-items:
 * a default from the device type and the problem's shape, or what
 * clconv_tune_forward() found fastest (tuning.h). */
#ifndef CLCONV_TILES_H
#define CLCONV_TILES_H

#include "corr2d_geometry.h"
#include "internal.h"

/* One work-item of corr2d_fwd_vec computes rh output rows by cv vectors of
 * vw columns, for cb output channels; padded: see below. */
typedef struct clconv__fwd_tiles {
  int vw, cv, rh, cb;
  int padded; /* 1: read a padded copy of the input, without bounds checks;
                 0: tiles that reach outside the input take a slower path */
} clconv__fwd_tiles;

/* Largest accumulator count (cv * rh * cb) a tiling may ask for. */
#define CLCONV__MAX_ACCUMULATORS 32

/* The default tiles for problem @p g (already flattened for 1x1) on a device
 * of type @p type. */
clconv__fwd_tiles clconv__fwd_tiles_default(clconv_device_type type,
                                            const clconv__corr2d_geom *g);

/* Whether @p t is a valid tiling of @p g: vw 4, 8 or 16; cv, rh >= 1; cb
 * divides the output channels per group; at most 32 accumulators; padded 0
 * or 1. */
int clconv__fwd_tiles_valid(const clconv__fwd_tiles *t,
                            const clconv__corr2d_geom *g);

/* The fraction of @p t's tiles that read outside the input (padding, or
 * past its end) and so, unpadded, take the kernel's slower edge path. */
double clconv__fwd_tiles_edge_fraction(const clconv__fwd_tiles *t,
                                       const clconv__corr2d_geom *g);

/* The tilings of @p g worth timing on a device of type @p type, into
 * @p out (room for @p max): the default first, then the others by a
 * predicted merit, best first. @return how many were written. */
int clconv__fwd_tiles_candidates(clconv_device_type type,
                                 const clconv__corr2d_geom *g,
                                 clconv__fwd_tiles *out, int max);

/* Writes @p t as "vw16 cv1 rh3 cb8 padded" (or "unpadded"). */
void clconv__fwd_tiles_format(const clconv__fwd_tiles *t, char *out,
                              size_t size);

#endif
