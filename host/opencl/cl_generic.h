/* cl_generic.h: the first tier: the kernels of cl/generic.cl, one program
 * per device for every problem (sizes and taps as run-time arguments), run
 * while a new problem's specialized programs build. Problems whose indices
 * reach 2^31 are not theirs (clconv__cl_generic_serves). */
#ifndef CLCONV_CL_GENERIC_H
#define CLCONV_CL_GENERIC_H

#include "common/corr2d_geometry.h"
#include "core/internal.h"

/* @return 1 when the generic kernels can compute problem @p g. */
int clconv__cl_generic_serves(const clconv__corr2d_geom *g);

/* Makes the generic program's kernels (from the disk cache, or built).
 * An async op does this before its probe queues any build: some
 * implementations (PoCL) load a program only between two builds. */
clconv_status clconv__cl_generic_ready(clconv_context *ctx);

/* y = corr2d(x, w) + b (b may be NULL), as clconv__cl_corr2d_fwd. */
clconv_status clconv__cl_generic_fwd(clconv_context *ctx,
                                     const clconv__corr2d_geom *g, cl_mem x,
                                     cl_mem w, cl_mem b, cl_mem y);

/* dx from dy and w, as clconv__cl_corr2d_bwd_data. */
clconv_status clconv__cl_generic_bwd_data(clconv_context *ctx,
                                          const clconv__corr2d_geom *g,
                                          cl_mem dy, cl_mem w, cl_mem dx);

/* dx from dy and w as above, only when the int at @p nonfinite is not 0:
 * the fix-up of a larger input gradient (cl_corr2d_blocked.h). */
clconv_status clconv__cl_generic_bwd_data_if(clconv_context *ctx,
                                             const clconv__corr2d_geom *g,
                                             cl_mem dy, cl_mem w, cl_mem dx,
                                             cl_mem nonfinite);

/* dw from x and dy (added to dw with @p accumulate). */
clconv_status clconv__cl_generic_bwd_weight(clconv_context *ctx,
                                            const clconv__corr2d_geom *g,
                                            cl_mem x, cl_mem dy, cl_mem dw,
                                            int accumulate);

#endif
