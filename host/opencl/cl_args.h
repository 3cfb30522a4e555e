/* cl_args.h: setting a kernel's arguments in order, the first failure kept
 * for the launch (cl_launch.h) to report. */
#ifndef CLCONV_CL_ARGS_H
#define CLCONV_CL_ARGS_H

#include "common/corr2d_geometry.h"
#include "core/internal.h"

/* Accumulates kernel arguments; the first failure is kept and reported by
 * clconv__cl_launch_1d. */
typedef struct clconv__cl_args {
  cl_kernel kernel;
  cl_uint next;
  cl_int err;
  cl_uint failed_index;
} clconv__cl_args;

void clconv__cl_args_begin(clconv__cl_args *a, cl_kernel kernel);
void clconv__cl_args_mem(clconv__cl_args *a, cl_mem mem); /* mem may be NULL */
void clconv__cl_args_int(clconv__cl_args *a,
                         int64_t value); /* must fit in int */
void clconv__cl_args_long(clconv__cl_args *a, int64_t value);
void clconv__cl_args_ulong(clconv__cl_args *a, uint64_t value);
void clconv__cl_args_float(clconv__cl_args *a, float value);
void clconv__cl_args_local(clconv__cl_args *a,
                           size_t bytes); /* __local buffer */

/* Sets the 14 geometry arguments every corr2d kernel takes, in the order of
 * CORR2D_GEOMETRY_PARAMS in cl/common.cl: cin, h, w, cout, hout, wout,
 * cin_g, cout_g, stride, padding, dilation. */
void clconv__cl_args_geometry(clconv__cl_args *a, const clconv__corr2d_geom *g);

#endif
