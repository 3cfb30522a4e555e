/* backend_opencl.h: the OpenCL backend: enqueues the kernels of cl/ for each
 * op. Arguments arrive validated by the op entry points. */
#ifndef CLCONV_BACKEND_OPENCL_H
#define CLCONV_BACKEND_OPENCL_H

#include "corr2d_geometry.h"

/* Queues the forward cross-correlation of @p g. @p b may be NULL. */
clconv_status clconv__cl_corr2d_fwd(clconv_context *ctx,
                                    const clconv__corr2d_geom *g,
                                    const clconv_tensor *x,
                                    const clconv_tensor *w,
                                    const clconv_tensor *b, clconv_tensor *y);

#endif
