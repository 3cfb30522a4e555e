/* layer_step.c: the layer's whole training step (forward, squared-error
 * loss, zero_grad, backward, SGD) in one call: one kernel for tiny
 * problems on a device, else the ops one after another. */
#include "api/layer.h"
#include "api/op_loss.h"
#include "api/op_sgd.h"
#include "check/corr2d_check.h"
#include "common/error.h"
#include "core/context.h"
#include "core/tensor.h"
#include "opencl/backend_opencl.h"

/* The step as the ops one after another. */
static clconv_status step_by_ops(clconv_conv2d *l, const clconv_tensor *x,
                                 const clconv_tensor *target,
                                 clconv_reduction reduction,
                                 const clconv_sgd_params *p, clconv_tensor *y,
                                 clconv_tensor *dx, double *loss) {
  CLCONV_FORWARD_IF_ERROR(clconv_conv2d_forward(l, x, y));
  CLCONV_FORWARD_IF_ERROR(
      clconv_squared_error(l->ctx, reduction, y, target, loss, l->step_dy));
  CLCONV_FORWARD_IF_ERROR(clconv_conv2d_zero_grad(l));
  CLCONV_FORWARD_IF_ERROR(clconv_conv2d_backward(l, x, l->step_dy, dx));
  return clconv_conv2d_sgd_step(l, p);
}

clconv_status clconv_conv2d_train_step(clconv_conv2d *l, const clconv_tensor *x,
                                       const clconv_tensor *target,
                                       clconv_reduction reduction,
                                       const clconv_sgd_params *given,
                                       clconv_tensor *y, clconv_tensor *dx,
                                       double *loss) {
  static const char *fn = "clconv_conv2d_train_step";
  clconv_sgd_params full;
  const clconv_sgd_params *p = &full;
  clconv_context *ctx;
  clconv__corr2d_geom g;
  clconv__sgd_consts k;
  clconv__train_step_operands o;
  int64_t y_dims[4];
  double sum = 0.0;
  if (l == NULL)
    return CLCONV_STATUS_INVALID_ARGUMENT;
  ctx = l->ctx;

  /* Checks everything the ops would, before any of them runs. */
  CLCONV_FORWARD_IF_ERROR(clconv__context_enter(ctx, fn));
  CLCONV_FORWARD_IF_ERROR(clconv__op_loss_check_reduction(ctx, fn, reduction));
  CLCONV_FORWARD_IF_ERROR(clconv__op_sgd_read(ctx, fn, given, &full));
  CLCONV_FORWARD_IF_ERROR(clconv__layer_ensure_parameters(l, fn, x));
  CLCONV_FORWARD_IF_ERROR(clconv__corr2d_check_problem(
      ctx, fn, &l->conv, x, "x", l->weight, l->bias, &g));
  CLCONV_RETURN_IF(ctx, target == NULL, CLCONV_STATUS_INVALID_ARGUMENT,
                   "%s: target is NULL", fn);
  CLCONV_FORWARD_IF_ERROR(
      clconv__corr2d_check_output(ctx, fn, &g, target, "target"));
  if (y != NULL) {
    CLCONV_FORWARD_IF_ERROR(clconv__corr2d_check_output(ctx, fn, &g, y, "y"));
    CLCONV_FORWARD_IF_ERROR(clconv__tensor_check_distinct(
        ctx, fn, y, "y", (const clconv_tensor *const[]){x, target},
        (const char *const[]){"x", "target"}, 2));
  }
  if (dx != NULL) {
    CLCONV_FORWARD_IF_ERROR(clconv__tensor_check(ctx, dx, 4, fn, "dx"));
    CLCONV_FORWARD_IF_ERROR(
        clconv__tensor_check_same_dims(ctx, fn, dx, "dx", x, "x"));
    CLCONV_FORWARD_IF_ERROR(clconv__tensor_check_distinct(
        ctx, fn, dx, "dx", (const clconv_tensor *const[]){x, target, y},
        (const char *const[]){"x", "target", "y"}, 3));
  }
  CLCONV_FORWARD_IF_ERROR(
      clconv__op_sgd_consts(ctx, fn, p, l->buffers_set, &k));

  /* The output (when the caller wants none) and dL/dy live in the layer. */
  y_dims[0] = g.n, y_dims[1] = g.cout, y_dims[2] = g.hout, y_dims[3] = g.wout;
  if (y == NULL) {
    CLCONV_FORWARD_IF_ERROR(clconv__tensor_reuse(ctx, 4, y_dims, &l->step_y));
    y = l->step_y;
  }
  CLCONV_FORWARD_IF_ERROR(clconv__tensor_reuse(ctx, 4, y_dims, &l->step_dy));
  if (ctx->is_reference || ctx->verify || y->count == 0 ||
      g.algo > CLCONV_ALGO_GEMM || !clconv__cl_train_step_fits(ctx, &g))
    return step_by_ops(l, x, target, reduction, p, y, dx, loss);

  /* One work-group does it all. */
  CLCONV_FORWARD_IF_ERROR(clconv__layer_momentum_buffers(l, p));
  o.x = x->mem;
  o.target = target->mem;
  o.w = l->weight->mem;
  o.b = l->bias != NULL ? l->bias->mem : NULL;
  o.y = y->mem;
  o.dy = l->step_dy->mem;
  o.dx = dx != NULL ? dx->mem : NULL;
  o.grad_w = l->grad_weight->mem;
  o.grad_b = l->grad_bias != NULL ? l->grad_bias->mem : NULL;
  o.buf_w = l->buf_weight != NULL ? l->buf_weight->mem : NULL;
  o.buf_b = l->buf_bias != NULL ? l->buf_bias->mem : NULL;
  CLCONV_FORWARD_IF_ERROR(clconv__cl_train_step_small(
      ctx, &g, &o, &k,
      reduction == CLCONV_REDUCTION_SUM ? 2.0f
                                        : (float)(2.0 / (double)y->count),
      loss != NULL ? &sum : NULL));
  if (k.use_momentum)
    l->buffers_set = 1;
  if (loss != NULL)
    *loss = reduction == CLCONV_REDUCTION_SUM ? sum : sum / (double)y->count;
  return CLCONV_STATUS_OK;
}
