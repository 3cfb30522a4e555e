/* layer.c: the Conv2D layer: parameters, gradients and momentum buffers on
 * one context, built from the ops (forward, gradients, SGD, init). */
#include "api/layer.h"
#include "api/op_sgd.h"
#include "check/corr2d_check.h"
#include "common/abi.h"
#include "common/alloc.h"
#include "common/error.h"
#include "core/context.h"
#include "core/tensor.h"

#include <math.h>
#include <string.h>

/* The bias stream differs from the weight stream of the same seed. */
#define BIAS_SEED_MIX 0xB1A5B1A5B1A5B1A5ull

void clconv_conv2d_params_init(clconv_conv2d_params *params,
                               size_t struct_size) {
  clconv_conv2d_params p;
  memset(&p, 0, sizeof p);
  p.out_channels = 1;
  p.kernel_h = p.kernel_w = 1;
  p.stride_h = p.stride_w = 1;
  p.dilation_h = p.dilation_w = 1;
  p.groups = 1;
  p.bias = 1;
  p.init = CLCONV_INIT_PYTORCH;
  clconv__abi_init(params, struct_size, &p, sizeof p);
}

/* The layer's cross-correlation parameters. */
static clconv_corr2d_params corr2d_params(const clconv_conv2d_params *p) {
  clconv_corr2d_params c = clconv_corr2d_params_default();
  c.pad_h = p->pad_h;
  c.pad_w = p->pad_w;
  c.stride_h = p->stride_h;
  c.stride_w = p->stride_w;
  c.dilation_h = p->dilation_h;
  c.dilation_w = p->dilation_w;
  c.groups = p->groups;
  c.algo = p->algo;
  return c;
}

/* Reads the caller's @p given (of its struct_size, over the defaults) into
 * @p out, with its cross-correlation parameters in @p conv, and checks
 * them. */
static clconv_status check_params(clconv_context *ctx, const char *fn,
                                  const clconv_conv2d_params *given,
                                  clconv_conv2d_params *out,
                                  clconv_corr2d_params *conv) {
  const clconv_conv2d_params defaults = clconv_conv2d_params_default();
  const clconv_conv2d_params *p = out;
  clconv_corr2d_params asked;
  CLCONV_FORWARD_IF_ERROR(clconv__abi_read_checked(
      ctx, fn, "params", "clconv_conv2d_params_default", out, sizeof *out,
      &defaults, given));
  asked = corr2d_params(out);
  CLCONV_FORWARD_IF_ERROR(clconv__corr2d_check_params(ctx, fn, &asked, conv));
  CLCONV_RETURN_IF(ctx, p->out_channels < 1 || p->out_channels > INT32_MAX,
                   CLCONV_STATUS_INVALID_ARGUMENT,
                   "%s: out_channels must be 1 to 2^31-1, got %lld", fn,
                   (long long)p->out_channels);
  CLCONV_RETURN_IF(ctx, p->in_channels < 0 || p->in_channels > INT32_MAX,
                   CLCONV_STATUS_INVALID_ARGUMENT,
                   "%s: in_channels must be 0 (inferred) to 2^31-1, got %lld",
                   fn, (long long)p->in_channels);
  CLCONV_RETURN_IF(ctx,
                   p->kernel_h < 1 || p->kernel_w < 1 ||
                       p->kernel_h > INT32_MAX || p->kernel_w > INT32_MAX,
                   CLCONV_STATUS_INVALID_ARGUMENT,
                   "%s: kernel_h and kernel_w must be >= 1, got %lld x %lld",
                   fn, (long long)p->kernel_h, (long long)p->kernel_w);
  CLCONV_RETURN_IF(ctx, p->out_channels % p->groups != 0,
                   CLCONV_STATUS_SHAPE_MISMATCH,
                   "%s: out_channels %lld is not divisible by groups = %lld",
                   fn, (long long)p->out_channels, (long long)p->groups);
  CLCONV_RETURN_IF(ctx, p->in_channels % p->groups != 0,
                   CLCONV_STATUS_SHAPE_MISMATCH,
                   "%s: in_channels %lld is not divisible by groups = %lld", fn,
                   (long long)p->in_channels, (long long)p->groups);
  CLCONV_RETURN_IF(ctx, p->bias != 0 && p->bias != 1,
                   CLCONV_STATUS_INVALID_ARGUMENT,
                   "%s: bias must be 0 or 1, got %d", fn, p->bias);
  CLCONV_RETURN_IF(
      ctx, p->init != CLCONV_INIT_PYTORCH && p->init != CLCONV_INIT_UNIFORM01,
      CLCONV_STATUS_INVALID_ARGUMENT,
      "%s: init must be CLCONV_INIT_PYTORCH or "
      "CLCONV_INIT_UNIFORM01, got %d",
      fn, (int)p->init);
  return CLCONV_STATUS_OK;
}

/* Creates the parameters for @p in_channels and initializes them. */
static clconv_status materialize(clconv_conv2d *l, int64_t in_channels) {
  const clconv_conv2d_params *p = &l->p;
  const int64_t w_dims[4] = {p->out_channels, in_channels / p->groups,
                             p->kernel_h, p->kernel_w};
  const int64_t b_dims[1] = {p->out_channels};
  const double fan_in = (double)w_dims[1] * (double)(p->kernel_h * p->kernel_w);
  const float bound = (float)(1.0 / sqrt(fan_in));
  clconv_context *ctx = l->ctx;

  /* Makes the weight, the bias and their gradients (zero). */
  CLCONV_FORWARD_IF_ERROR(clconv_tensor_create(ctx, 4, w_dims, &l->weight));
  CLCONV_FORWARD_IF_ERROR(
      clconv_tensor_create(ctx, 4, w_dims, &l->grad_weight));
  CLCONV_FORWARD_IF_ERROR(clconv__tensor_zero(l->grad_weight));
  if (p->bias) {
    CLCONV_FORWARD_IF_ERROR(clconv_tensor_create(ctx, 1, b_dims, &l->bias));
    CLCONV_FORWARD_IF_ERROR(
        clconv_tensor_create(ctx, 1, b_dims, &l->grad_bias));
    CLCONV_FORWARD_IF_ERROR(clconv__tensor_zero(l->grad_bias));
  }
  l->p.in_channels = in_channels;

  /* Draws the values from the seed. */
  if (p->init == CLCONV_INIT_UNIFORM01) {
    CLCONV_FORWARD_IF_ERROR(
        clconv_tensor_fill_uniform(l->weight, 0.0f, 1.0f, p->seed));
    if (p->bias)
      CLCONV_FORWARD_IF_ERROR(clconv__tensor_zero(l->bias));
  } else {
    CLCONV_FORWARD_IF_ERROR(
        clconv_tensor_fill_uniform(l->weight, -bound, bound, p->seed));
    if (p->bias)
      CLCONV_FORWARD_IF_ERROR(clconv_tensor_fill_uniform(
          l->bias, -bound, bound, p->seed ^ BIAS_SEED_MIX));
  }
  return CLCONV_STATUS_OK;
}

clconv_status clconv_conv2d_create(clconv_context *ctx,
                                   const clconv_conv2d_params *given,
                                   clconv_conv2d **out) {
  static const char *fn = "clconv_conv2d_create";
  clconv_conv2d_params full;
  clconv_corr2d_params conv;
  clconv_conv2d *l;
  clconv_status status;
  if (out != NULL)
    *out = NULL;
  CLCONV_FORWARD_IF_ERROR(clconv__context_enter(ctx, fn));
  CLCONV_RETURN_IF(ctx, out == NULL, CLCONV_STATUS_INVALID_ARGUMENT,
                   "%s: out is NULL", fn);
  CLCONV_FORWARD_IF_ERROR(check_params(ctx, fn, given, &full, &conv));
  l = clconv__alloc_zeroed(1, sizeof *l);
  CLCONV_RETURN_IF(ctx, l == NULL, CLCONV_STATUS_OUT_OF_HOST_MEMORY,
                   "%s: out of host memory", fn);
  l->ctx = ctx;
  l->p = full;
  l->conv = conv;
  if (full.in_channels > 0 &&
      (status = materialize(l, full.in_channels)) != CLCONV_STATUS_OK) {
    clconv_conv2d_release(l);
    return status;
  }
  *out = l;
  return CLCONV_STATUS_OK;
}

void clconv_conv2d_release(clconv_conv2d *l) {
  if (l == NULL)
    return;
  clconv_tensor_release(l->step_dy);
  clconv_tensor_release(l->step_y);
  clconv_tensor_release(l->buf_bias);
  clconv_tensor_release(l->buf_weight);
  clconv_tensor_release(l->grad_bias);
  clconv_tensor_release(l->grad_weight);
  clconv_tensor_release(l->bias);
  clconv_tensor_release(l->weight);
  clconv__alloc_free(l);
}

clconv_status clconv__layer_ensure_parameters(clconv_conv2d *l, const char *fn,
                                              const clconv_tensor *x) {
  clconv_status status;
  if (l->weight != NULL)
    return CLCONV_STATUS_OK;
  CLCONV_FORWARD_IF_ERROR(clconv__tensor_check(l->ctx, x, 4, fn, "x"));
  CLCONV_RETURN_IF(l->ctx, x->dims[1] < 1 || x->dims[1] % l->p.groups,
                   CLCONV_STATUS_SHAPE_MISMATCH,
                   "%s: x has %lld channels; the layer needs a positive "
                   "multiple of groups = %lld",
                   fn, (long long)x->dims[1], (long long)l->p.groups);
  status = materialize(l, x->dims[1]);
  if (status != CLCONV_STATUS_OK) {
    /* Leaves the layer as it was, so a later call can try again. */
    clconv_tensor_release(l->grad_bias);
    clconv_tensor_release(l->bias);
    clconv_tensor_release(l->grad_weight);
    clconv_tensor_release(l->weight);
    l->weight = l->grad_weight = l->bias = l->grad_bias = NULL;
    l->p.in_channels = 0;
  }
  return status;
}

clconv_status clconv_conv2d_output_dims(clconv_conv2d *l,
                                        const clconv_tensor *x,
                                        int64_t y_dims[4]) {
  static const char *fn = "clconv_conv2d_output_dims";
  if (l == NULL)
    return CLCONV_STATUS_INVALID_ARGUMENT;
  CLCONV_FORWARD_IF_ERROR(clconv__context_enter(l->ctx, fn));
  CLCONV_FORWARD_IF_ERROR(clconv__layer_ensure_parameters(l, fn, x));
  return clconv_corr2d_output_dims(l->ctx, &l->conv, x, l->weight, y_dims);
}

clconv_status clconv_conv2d_forward(clconv_conv2d *l, const clconv_tensor *x,
                                    clconv_tensor *y) {
  static const char *fn = "clconv_conv2d_forward";
  if (l == NULL)
    return CLCONV_STATUS_INVALID_ARGUMENT;
  CLCONV_FORWARD_IF_ERROR(clconv__context_enter(l->ctx, fn));
  CLCONV_FORWARD_IF_ERROR(clconv__layer_ensure_parameters(l, fn, x));
  return clconv_corr2d_forward(l->ctx, &l->conv, x, l->weight, l->bias, y);
}

clconv_status clconv_conv2d_backward(clconv_conv2d *l, const clconv_tensor *x,
                                     const clconv_tensor *dy,
                                     clconv_tensor *dx) {
  static const char *fn = "clconv_conv2d_backward";
  if (l == NULL)
    return CLCONV_STATUS_INVALID_ARGUMENT;
  CLCONV_FORWARD_IF_ERROR(clconv__context_enter(l->ctx, fn));
  CLCONV_RETURN_IF(l->ctx, l->weight == NULL, CLCONV_STATUS_INVALID_ARGUMENT,
                   "%s: the layer has no parameters yet: run a forward first "
                   "(in_channels is inferred there)",
                   fn);
  if (dx != NULL)
    CLCONV_FORWARD_IF_ERROR(
        clconv_corr2d_backward_data(l->ctx, &l->conv, dy, l->weight, dx));
  CLCONV_FORWARD_IF_ERROR(clconv_corr2d_backward_weight(l->ctx, &l->conv, x, dy,
                                                        l->grad_weight, 1));
  if (l->bias != NULL)
    CLCONV_FORWARD_IF_ERROR(
        clconv_corr2d_backward_bias(l->ctx, dy, l->grad_bias, 1));
  return CLCONV_STATUS_OK;
}

clconv_status clconv_conv2d_zero_grad(clconv_conv2d *l) {
  if (l == NULL)
    return CLCONV_STATUS_INVALID_ARGUMENT;
  CLCONV_FORWARD_IF_ERROR(
      clconv__context_enter(l->ctx, "clconv_conv2d_zero_grad"));
  if (l->grad_weight != NULL)
    CLCONV_FORWARD_IF_ERROR(clconv__tensor_zero(l->grad_weight));
  if (l->grad_bias != NULL)
    CLCONV_FORWARD_IF_ERROR(clconv__tensor_zero(l->grad_bias));
  return CLCONV_STATUS_OK;
}

clconv_status clconv__layer_momentum_buffers(clconv_conv2d *l,
                                             const clconv_sgd_params *p) {
  if (p->momentum != 0.0f && l->buf_weight == NULL) {
    CLCONV_FORWARD_IF_ERROR(
        clconv_tensor_create(l->ctx, 4, l->weight->dims, &l->buf_weight));
    if (l->bias != NULL)
      CLCONV_FORWARD_IF_ERROR(
          clconv_tensor_create(l->ctx, 1, l->bias->dims, &l->buf_bias));
  }
  return CLCONV_STATUS_OK;
}

clconv_status clconv_conv2d_sgd_step(clconv_conv2d *l,
                                     const clconv_sgd_params *given) {
  static const char *fn = "clconv_conv2d_sgd_step";
  clconv_sgd_params full;
  const clconv_sgd_params *p = &full;
  if (l == NULL)
    return CLCONV_STATUS_INVALID_ARGUMENT;
  CLCONV_FORWARD_IF_ERROR(clconv__context_enter(l->ctx, fn));
  CLCONV_FORWARD_IF_ERROR(clconv__op_sgd_read(l->ctx, fn, given, &full));
  CLCONV_RETURN_IF(l->ctx, l->weight == NULL, CLCONV_STATUS_INVALID_ARGUMENT,
                   "%s: the layer has no parameters yet: run a forward first",
                   fn);

  CLCONV_FORWARD_IF_ERROR(clconv__layer_momentum_buffers(l, p));
  CLCONV_FORWARD_IF_ERROR(clconv_sgd_step(l->ctx, p, l->weight, l->grad_weight,
                                          l->buf_weight, l->buffers_set));
  if (l->bias != NULL)
    CLCONV_FORWARD_IF_ERROR(clconv_sgd_step(l->ctx, p, l->bias, l->grad_bias,
                                            l->buf_bias, l->buffers_set));
  if (p->momentum != 0.0f)
    l->buffers_set = 1;
  return CLCONV_STATUS_OK;
}

clconv_tensor *clconv_conv2d_tensor(clconv_conv2d *l, clconv_conv2d_part part) {
  if (l == NULL)
    return NULL;
  switch (part) {
  case CLCONV_CONV2D_WEIGHT:
    return l->weight;
  case CLCONV_CONV2D_BIAS:
    return l->bias;
  case CLCONV_CONV2D_GRAD_WEIGHT:
    return l->grad_weight;
  case CLCONV_CONV2D_GRAD_BIAS:
    return l->grad_bias;
  default:
    return NULL;
  }
}

/* Finds @p part for get or set, failing with a message when it is absent. */
static clconv_status find_part(clconv_conv2d *l, const char *fn,
                               clconv_conv2d_part part, clconv_tensor **t) {
  if (l == NULL)
    return CLCONV_STATUS_INVALID_ARGUMENT;
  CLCONV_FORWARD_IF_ERROR(clconv__context_enter(l->ctx, fn));
  CLCONV_RETURN_IF(
      l->ctx, part < CLCONV_CONV2D_WEIGHT || part > CLCONV_CONV2D_GRAD_BIAS,
      CLCONV_STATUS_INVALID_ARGUMENT, "%s: unknown part %d", fn, (int)part);
  *t = clconv_conv2d_tensor(l, part);
  CLCONV_RETURN_IF(l->ctx, *t == NULL, CLCONV_STATUS_INVALID_ARGUMENT,
                   "%s: the layer has no %s%s", fn,
                   part == CLCONV_CONV2D_BIAS || part == CLCONV_CONV2D_GRAD_BIAS
                       ? "bias"
                       : "weight",
                   l->weight == NULL ? " yet (run a forward first)" : "");
  return CLCONV_STATUS_OK;
}

clconv_status clconv_conv2d_get(clconv_conv2d *l, clconv_conv2d_part part,
                                float *data, size_t count) {
  clconv_tensor *t = NULL;
  CLCONV_FORWARD_IF_ERROR(find_part(l, "clconv_conv2d_get", part, &t));
  return clconv_tensor_read(t, data, count);
}

clconv_status clconv_conv2d_set(clconv_conv2d *l, clconv_conv2d_part part,
                                const float *data, size_t count) {
  static const char *fn = "clconv_conv2d_set";
  clconv_tensor *t = NULL;
  CLCONV_FORWARD_IF_ERROR(find_part(l, fn, part, &t));
  CLCONV_RETURN_IF(l->ctx,
                   part != CLCONV_CONV2D_WEIGHT && part != CLCONV_CONV2D_BIAS,
                   CLCONV_STATUS_INVALID_ARGUMENT,
                   "%s: only the weight and the bias can be set", fn);
  return clconv_tensor_write(t, data, count);
}
