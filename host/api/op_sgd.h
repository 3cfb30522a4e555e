/* op_sgd.h: what the layer's fused training step shares with the SGD op:
 * the hyper-parameters checked as torch.optim.SGD does and turned into the
 * constants both backends use. */
#ifndef CLCONV_OP_SGD_H
#define CLCONV_OP_SGD_H

#include "common/sgd_params.h"
#include "core/internal.h"

/* Checks @p p (messages name @p fn) and fills @p k, with @p buffer_is_set
 * (the momentum buffer holds values). @return OK or INVALID_ARGUMENT. */
clconv_status clconv__op_sgd_consts(clconv_context *ctx, const char *fn,
                                    const clconv_sgd_params *p,
                                    int buffer_is_set, clconv__sgd_consts *k);

/* Reads the caller's @p given (of its struct_size, over the defaults) into
 * @p out and checks the hyper-parameters as torch.optim.SGD does. */
clconv_status clconv__op_sgd_read(clconv_context *ctx, const char *fn,
                                  const clconv_sgd_params *given,
                                  clconv_sgd_params *out);

#endif
