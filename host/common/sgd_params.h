/* sgd_params.h: the SGD constants exactly as both backends use them (float,
 * as the kernel receives them). */
#ifndef CLCONV_SGD_PARAMS_H
#define CLCONV_SGD_PARAMS_H

typedef struct clconv__sgd_consts {
  float lr, weight_decay, momentum, one_minus_dampening;
  int use_momentum, nesterov, buffer_is_set;
} clconv__sgd_consts;

#endif
