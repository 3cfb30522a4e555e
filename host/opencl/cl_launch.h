/* cl_launch.h: launching 1-D and 3-D ranges with every size checked before
 * the enqueue. */
#ifndef CLCONV_CL_LAUNCH_H
#define CLCONV_CL_LAUNCH_H

#include "core/internal.h"
#include "opencl/cl_args.h"

/* Work-items per work-group for the element-wise kernels. */
#define CLCONV__ELEMENTWISE_LOCAL 64

/* Launches @p a's kernel over @p items work-items in work-groups of at most
 * @p preferred_local, after checking the arguments and the rounded global
 * size; a kernel built for a fixed group size takes exactly
 * @p preferred_local. @p what names the op for messages. */
clconv_status clconv__cl_launch_1d(clconv_context *ctx, clconv__cl_args *a,
                                   uint64_t items, size_t preferred_local,
                                   const char *what);

/* Launches @p a's kernel over a 3-D range of @p items[0] x [1] x [2]
 * work-items, in work-groups of up to @p preferred_local along the first
 * dimension (rounded up; the kernel checks its bounds), after the same
 * checks as clconv__cl_launch_1d. On a CPU the group shape is the same for
 * every launch of a kernel (PoCL compiles each new shape). */
clconv_status clconv__cl_launch_3d(clconv_context *ctx, clconv__cl_args *a,
                                   const uint64_t items[3],
                                   size_t preferred_local, const char *what);

/* Launches @p a's kernel over @p items in groups of exactly @p local (a
 * kernel with reqd_work_group_size), each dimension rounded up to whole
 * groups; TOO_LARGE when the kernel cannot take groups that large. */
clconv_status clconv__cl_launch_3d_exact(clconv_context *ctx,
                                         clconv__cl_args *a,
                                         const uint64_t items[3],
                                         const size_t local[3],
                                         const char *what);

/* Waits until every command queued on the context has finished: a marker's
 * event, then clFinish (rusticl's clFinish of Mesa 22.3 returns before
 * the queued kernels have run; an event's wait does not). A failure makes
 * the context unusable, as clconv__cl_launch_lost. */
clconv_status clconv__cl_launch_wait(clconv_context *ctx, const char *what);

/* Records an OpenCL failure met while waiting for queued work: the context
 * becomes unusable, since work after the failure can no longer be trusted. */
clconv_status clconv__cl_launch_lost(clconv_context *ctx, cl_int err,
                                     const char *what);

#endif
