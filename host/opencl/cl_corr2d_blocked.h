/* cl_corr2d_blocked.h: one correlation by the blocked kernel
 * (cl/corr2d_fwd_blocked.cl), shared by the forward and the input gradient:
 * tiles chosen (tuning.h), the input padded when the tiles ask for it, the
 * weights packed, the kernel specialized and queued. */
#ifndef CLCONV_CL_CORR2D_BLOCKED_H
#define CLCONV_CL_CORR2D_BLOCKED_H

#include "common/corr2d_geometry.h"
#include "core/internal.h"

/* The buffers of one blocked correlation. */
typedef struct clconv__cl_corr2d_blocked_operands {
  cl_mem x, w, b, y; /* b may be NULL */
  size_t w_count;    /* elements of w */
  cl_mem nonfinite;  /* NULL for a forward; for an input gradient, the
                        flag cl/flip_weights.cl sets: MASKED */
  const clconv__input_grad_phase *phase; /* NULL, or a stride phase of
                                            dX: SCATTER */
  int64_t out_h, out_w, out_sh, out_sw;  /* dX's planes and strides */
  const char *what;                      /* the op, for messages */
} clconv__cl_corr2d_blocked_operands;

/* Queues the blocked kernel for problem @p g (32-bit indices) on the
 * buffers @p o. For an input gradient (o->nonfinite set) on a small problem
 * that is the MASKED form, which skips taps on the padding when a weight is
 * not finite; on a large one the plain form alone, and the caller redoes
 * dX when the flag is set (clconv__cl_corr2d_blocked_needs_fixup). */
clconv_status
clconv__cl_corr2d_blocked_run(clconv_context *ctx, const clconv__corr2d_geom *g,
                              const clconv__cl_corr2d_blocked_operands *o);

/* @return 1 when clconv__cl_corr2d_blocked_run(g, o) of an input gradient
 * leaves non-finite weights to the caller's fix-up. */
int clconv__cl_corr2d_blocked_needs_fixup(
    const clconv__corr2d_geom *g, const clconv__cl_corr2d_blocked_operands *o);

#endif
