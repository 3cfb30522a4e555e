/* corr2d_args.h: what the launches of the corr2d kernels share: build
 * options, geometry arguments, index types and work-group sizes. */
#ifndef CLCONV_CORR2D_ARGS_H
#define CLCONV_CORR2D_ARGS_H

#include "corr2d_geometry.h"
#include "launch.h"

/* Work-items per work-group for the element-wise kernels. */
#define CLCONV__ELEMENTWISE_LOCAL 64

/* Writes the build options every corr2d kernel takes (kernel size, index
 * type), followed by @p extra, to @p out. */
void clconv__corr2d_options(const clconv__corr2d_geom *g, const char *extra,
                            char *out, size_t size);

/* Sets the geometry arguments every corr2d kernel ends with, in order: cin,
 * h, w, cout, hout, wout, cin_g, cout_g, stride, padding, dilation. */
void clconv__args_corr2d_geometry(clconv__args *a,
                                  const clconv__corr2d_geom *g);

/* The index type ("int" or "long") of a kernel over @p count elements. */
const char *clconv__index_type(size_t count);

#endif
