/* cl_corr2d_winograd.h: one stride-1 3x3 correlation by Winograd's
 * F(m x m, 3x3) (cl/winograd.cl): the input and weights transformed, the
 * transformed planes multiplied by the blocked kernel as one grouped 1x1
 * correlation, the products transformed back. */
#ifndef CLCONV_CL_CORR2D_WINOGRAD_H
#define CLCONV_CL_CORR2D_WINOGRAD_H

#include "common/corr2d_geometry.h"
#include "core/internal.h"

/* Queues problem @p g (3x3, stride 1, dilation 1; algo, a Winograd one whose
 * tiles fit 32-bit indices: corr2d_algo.h) from @p x and @p w into @p y,
 * adding @p b unless NULL. @p masked: an input gradient, whose padding
 * stands for outputs that do not exist (the direct path of a tile with a
 * non-finite product leaves it out). @p what names the op. */
clconv_status clconv__cl_corr2d_winograd_run(clconv_context *ctx,
                                             const clconv__corr2d_geom *g,
                                             int algo, cl_mem x, cl_mem w,
                                             cl_mem b, cl_mem y, int masked,
                                             const char *what);

#endif
