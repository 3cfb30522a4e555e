/* layer.h: the Conv2D layer's state, shared by layer.c (its parts, forward,
 * backward, update) and layer_step.c (the whole training step). */
#ifndef CLCONV_LAYER_H
#define CLCONV_LAYER_H

#include "core/internal.h"

struct clconv_conv2d {
  clconv_context *ctx;
  clconv_conv2d_params p;
  clconv_corr2d_params conv; /* p's padding, stride, dilation, groups, algo */
  clconv_tensor *weight, *bias, *grad_weight, *grad_bias;
  clconv_tensor *buf_weight, *buf_bias; /* momentum, made at the first step */
  int buffers_set;                      /* the momentum buffers hold values */
  clconv_tensor *step_y, *step_dy;      /* the training step's output and loss
                                           gradient, made at its first use */
};

/* Makes the parameters at the first use, inferring in_channels from @p x
 * (LazyConv2d); messages name @p fn. */
clconv_status clconv__layer_ensure_parameters(clconv_conv2d *l, const char *fn,
                                              const clconv_tensor *x);

/* Makes the momentum buffers the first time @p p uses momentum. */
clconv_status clconv__layer_momentum_buffers(clconv_conv2d *l,
                                             const clconv_sgd_params *p);

#endif
