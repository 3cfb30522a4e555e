/* cl_scratch.h: device buffers per context for intermediate data of an op
 * (packed weights, a padded input), grown on demand and reused by later
 * ops. */
#ifndef CLCONV_CL_SCRATCH_H
#define CLCONV_CL_SCRATCH_H

#include "internal.h"

/* What each scratch buffer holds. */
typedef enum clconv__scratch_slot {
  CLCONV__SCRATCH_WEIGHTS = 0, /* weights packed for a blocked kernel */
  CLCONV__SCRATCH_INPUT = 1,   /* a padded copy of an input */
  CLCONV__SCRATCH_PARTIAL = 2, /* partial sums of a split reduction */
  CLCONV__SCRATCH_FLIPPED = 3, /* weights flipped for an input gradient */
  CLCONV__SCRATCH_FLAG = 4,    /* one int: a flipped weight is not finite */
  CLCONV__SCRATCH_SLOTS = 5    /* how many there are */
} clconv__scratch_slot;

/* Sets @p *out to buffer @p slot, of at least @p bytes (> 0). It stays valid
 * until the next call for that slot or the context's release; ops run in
 * queue order, so an op may use it for the kernels it queues. @p what names
 * the op. @return OK, OUT_OF_DEVICE_MEMORY or OPENCL_ERROR. */
clconv_status clconv__cl_scratch_get(clconv_context *ctx,
                                  clconv__scratch_slot slot, size_t bytes,
                                  const char *what, cl_mem *out);

/* Releases the context's scratch buffers. */
void clconv__cl_scratch_release(clconv_context *ctx);

#endif
