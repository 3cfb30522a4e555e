/* cl_pad_input.h: a copy of a kernel's input with its zero padding and
 * room for every tile, so that the blocked kernels load without checks. */
#ifndef CLCONV_CL_PAD_INPUT_H
#define CLCONV_CL_PAD_INPUT_H

#include "common/corr2d_geometry.h"
#include "core/internal.h"

/* The input @p x of problem @p f as a blocked kernel reads it without bounds
 * checks, for @p cols output columns and @p rows output rows:
 * planes of hp x wp holding every row and column a tile touches. When x
 * already holds them (no padding, tiles that fit), @p *xp is x itself and
 * @p *f is unchanged; otherwise x is copied, with its padding, into the
 * input scratch buffer and @p *f describes the copy (padding 0).
 * @p *padded is 0 when the copy would exceed the device's largest buffer:
 * the kernel then checks its bounds. */
clconv_status clconv__cl_pad_input(clconv_context *ctx, cl_mem x, int64_t cols,
                                   int64_t rows, const char *what,
                                   clconv__corr2d_geom *f, cl_mem *xp,
                                   int *padded);

#endif
