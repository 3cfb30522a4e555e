/* launch.h: setting kernel arguments and launching 1-D ranges with every size
 * checked before the enqueue. */
#ifndef CLCONV_LAUNCH_H
#define CLCONV_LAUNCH_H

#include "internal.h"

/* Accumulates kernel arguments; the first failure is kept and reported by
 * clconv__launch_1d. */
typedef struct clconv__args {
  cl_kernel kernel;
  cl_uint next;
  cl_int err;
  cl_uint failed_index;
} clconv__args;

void clconv__args_begin(clconv__args *a, cl_kernel kernel);
void clconv__args_mem(clconv__args *a, cl_mem mem);    /* mem may be NULL */
void clconv__args_int(clconv__args *a, int64_t value); /* must fit in int */
void clconv__args_long(clconv__args *a, int64_t value);
void clconv__args_ulong(clconv__args *a, uint64_t value);
void clconv__args_float(clconv__args *a, float value);
void clconv__args_local(clconv__args *a, size_t bytes); /* __local buffer */

/* Launches @p a's kernel over @p items work-items in work-groups of at most
 * @p preferred_local, after checking the arguments and the rounded global
 * size. @p what names the op for messages. */
clconv_status clconv__launch_1d(clconv_context *ctx, clconv__args *a,
                                uint64_t items, size_t preferred_local,
                                const char *what);

/* Launches @p a's kernel over a 3-D range of @p items[0] x [1] x [2]
 * work-items, in work-groups of up to @p preferred_local along the first
 * dimension (rounded up; the kernel checks its bounds), after the same
 * checks as clconv__launch_1d. On a CPU the group shape is the same for every
 * launch of a kernel (PoCL compiles each new shape). */
clconv_status clconv__launch_3d(clconv_context *ctx, clconv__args *a,
                                const uint64_t items[3], size_t preferred_local,
                                const char *what);

/* Launches @p a's kernel over @p items in groups of exactly @p local (a
 * kernel with reqd_work_group_size), each dimension rounded up to whole
 * groups; TOO_LARGE when the kernel cannot take groups that large. */
clconv_status clconv__launch_3d_exact(clconv_context *ctx, clconv__args *a,
                                      const uint64_t items[3],
                                      const size_t local[3], const char *what);

#endif
