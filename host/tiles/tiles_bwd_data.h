/* tiles_bwd_data.h: the tunable parameters of the phase-walking
 * input-gradient kernel (cl/corr2d_bwd_data_phases.cl), used where dX is not
 * a set of forward correlations: their default for a device, their validity
 * and the -D options they build the kernel with. */
#ifndef CLCONV_TILES_BWD_DATA_H
#define CLCONV_TILES_BWD_DATA_H

#include "common/corr2d_geometry.h"
#include "common/device_caps.h"
#include "common/kernel_options.h"

/* One work-item computes vw columns of one stride phase of dX, for cb input
 * channels of one row. */
typedef struct clconv__tiles_bwd_data {
  int vw, cb;
} clconv__tiles_bwd_data;

/* The tiles for problem @p g (already flattened for 1x1) on a device with
 * capabilities @p caps. */
clconv__tiles_bwd_data
clconv__tiles_bwd_data_default(const clconv__device_caps *caps,
                               const clconv__corr2d_geom *g);

/* Whether @p t is a valid tiling of @p g: vw 4, 8 or 16; cb divides the
 * input channels per group. */
int clconv__tiles_bwd_data_valid(const clconv__tiles_bwd_data *t,
                                 const clconv__corr2d_geom *g);

/* The blocks of vw columns one stride phase of a row of dX takes. */
int64_t clconv__tiles_bwd_data_phase_blocks(const clconv__tiles_bwd_data *t,
                                            const clconv__corr2d_geom *g);

/* Appends the options that build corr2d_bwd_data_phases for @p t on
 * problem @p g. */
void clconv__tiles_bwd_data_options(const clconv__tiles_bwd_data *t,
                                    const clconv__corr2d_geom *g,
                                    clconv__kernel_options *o);

#endif
