/* op_loss.h: what the layer's training step shares with the loss op: the
 * check of the reduction. */
#ifndef CLCONV_OP_LOSS_H
#define CLCONV_OP_LOSS_H

#include "core/internal.h"

/* Checks that @p reduction is SUM or MEAN (messages name @p fn).
 * @return OK or INVALID_ARGUMENT. */
clconv_status clconv__op_loss_check_reduction(clconv_context *ctx,
                                              const char *fn,
                                              clconv_reduction reduction);

#endif
