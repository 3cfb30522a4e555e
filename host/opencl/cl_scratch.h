/* cl_scratch.h: device buffers per context for intermediate data of an op
 * (packed weights, a padded input), grown on demand and reused by later
 * ops. */
#ifndef CLCONV_CL_SCRATCH_H
#define CLCONV_CL_SCRATCH_H

#include "core/internal.h"

/* The slots, clconv__scratch_slot, are listed in internal.h. */

/* Sets @p *out to buffer @p slot, of at least @p bytes (> 0). It stays valid
 * until the next call for that slot or the context's release; ops run in
 * queue order, so an op may use it for the kernels it queues. @p what names
 * the op. @return OK, OUT_OF_DEVICE_MEMORY or OPENCL_ERROR. */
clconv_status clconv__cl_scratch_get(clconv_context *ctx,
                                     clconv__scratch_slot slot, size_t bytes,
                                     const char *what, cl_mem *out);

/* Sets @p *flag to the one-int FLAG buffer and queues its zeroing (the
 * kernels that use it set it to 1). @p what names the op; @p fill_call is
 * how a failing fill is named ("OP: clEnqueueFillBuffer").
 * @return OK, OUT_OF_DEVICE_MEMORY or OPENCL_ERROR. */
clconv_status clconv__cl_scratch_zeroed_flag(clconv_context *ctx,
                                             const char *what,
                                             const char *fill_call,
                                             cl_mem *flag);

/* Releases the context's scratch buffers. */
void clconv__cl_scratch_release(clconv_context *ctx);

#endif
