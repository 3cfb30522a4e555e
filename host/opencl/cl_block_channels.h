/* cl_block_channels.h: a copy of a tensor in channel blocks, (N, C/VW, H, W,
 * VW), for the kernels that vectorize across channels. */
#ifndef CLCONV_CL_BLOCK_CHANNELS_H
#define CLCONV_CL_BLOCK_CHANNELS_H

#include "core/internal.h"

/* Copies @p src, (n, channels, pixels) with channels a multiple of @p vw,
 * into the blocked-operand scratch buffer as (n, channels / vw, pixels, vw)
 * and sets @p *out to it. @p what names the op. */
clconv_status clconv__cl_block_channels(clconv_context *ctx, cl_mem src,
                                        int64_t n, int64_t channels,
                                        int64_t pixels, int vw,
                                        const char *what, cl_mem *out);

#endif
