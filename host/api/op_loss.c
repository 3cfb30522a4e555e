/* op_loss.c: the squared-error loss and its gradient: validation, dispatch,
 * and verification against the reference backend. */
#include "api/op_loss.h"
#include "check/compare.h"
#include "check/verify.h"
#include "common/alloc.h"
#include "common/error.h"
#include "core/context.h"
#include "core/tensor.h"
#include "opencl/backend_opencl.h"
#include "reference/backend_ref.h"

#include <math.h>

/* Compares the device's loss and gradient with the reference. */
static clconv_status verify_loss(clconv_context *ctx, const char *fn,
                                 const clconv_tensor *y_hat,
                                 const clconv_tensor *y, float grad_scale,
                                 const double *loss,
                                 const clconv_tensor *grad) {
  float *hy_hat = NULL, *hy = NULL;
  double *ref = NULL, *mag = NULL, ref_loss, loss_mag;
  const double count = (double)y_hat->count;
  clconv_status status;
  clconv__verify_begin(ctx);
  if ((status = clconv__tensor_download(y_hat, &hy_hat)) != 0 ||
      (status = clconv__tensor_download(y, &hy)) != 0 ||
      (status = clconv__verify_alloc_ref(ctx, fn, y_hat->count, &ref, &mag)) !=
          0)
    goto done;
  clconv__ref_loss_squared_error(hy_hat, hy, y_hat->count, grad_scale,
                                 &ref_loss, &loss_mag, ref, mag);
  if (grad != NULL &&
      (status = clconv__verify_tensor(ctx, fn, "grad", grad, ref, mag, 1.0,
                                      0)) != CLCONV_STATUS_OK)
    goto done;
  if (loss != NULL) {
    /* The loss (the sum, before any mean) sums `count` rounded squares. */
    const float device_sum = (float)(*loss);
    status = clconv__verify_values(ctx, fn, "loss", &device_sum, 1, &ref_loss,
                                   &loss_mag, count + 2.0, 0);
  }
done:
  clconv__alloc_free(mag);
  clconv__alloc_free(ref);
  clconv__alloc_free(hy);
  clconv__alloc_free(hy_hat);
  return status;
}

clconv_status clconv__op_loss_check_reduction(clconv_context *ctx,
                                              const char *fn,
                                              clconv_reduction reduction) {
  CLCONV_RETURN_IF(ctx,
                   reduction != CLCONV_REDUCTION_SUM &&
                       reduction != CLCONV_REDUCTION_MEAN,
                   CLCONV_STATUS_INVALID_ARGUMENT,
                   "%s: reduction must be CLCONV_REDUCTION_SUM or _MEAN, got "
                   "%d",
                   fn, (int)reduction);
  return CLCONV_STATUS_OK;
}

clconv_status clconv_squared_error(clconv_context *ctx,
                                   clconv_reduction reduction,
                                   const clconv_tensor *y_hat,
                                   const clconv_tensor *y, double *loss,
                                   clconv_tensor *grad) {
  static const char *fn = "clconv_squared_error";
  float grad_scale;
  double sum = 0.0;
  clconv_status status;
  CLCONV_FORWARD_IF_ERROR(clconv__context_enter(ctx, fn));
  CLCONV_FORWARD_IF_ERROR(clconv__op_loss_check_reduction(ctx, fn, reduction));
  CLCONV_RETURN_IF(ctx, y_hat == NULL || y == NULL,
                   CLCONV_STATUS_INVALID_ARGUMENT, "%s: %s is NULL", fn,
                   y_hat == NULL ? "y_hat" : "y");
  CLCONV_RETURN_IF(ctx, loss == NULL && grad == NULL,
                   CLCONV_STATUS_INVALID_ARGUMENT,
                   "%s: loss and grad are both NULL: nothing to compute", fn);
  CLCONV_FORWARD_IF_ERROR(
      clconv__tensor_check(ctx, y_hat, y_hat->rank, fn, "y_hat"));
  CLCONV_FORWARD_IF_ERROR(clconv__tensor_check(ctx, y, y->rank, fn, "y"));
  CLCONV_FORWARD_IF_ERROR(
      clconv__tensor_check_same_dims(ctx, fn, y_hat, "y_hat", y, "y"));
  if (grad != NULL) {
    CLCONV_FORWARD_IF_ERROR(
        clconv__tensor_check(ctx, grad, grad->rank, fn, "grad"));
    CLCONV_FORWARD_IF_ERROR(
        clconv__tensor_check_same_dims(ctx, fn, grad, "grad", y_hat, "y_hat"));
    CLCONV_FORWARD_IF_ERROR(clconv__tensor_check_distinct(
        ctx, fn, grad, "grad", (const clconv_tensor *const[]){y_hat, y},
        (const char *const[]){"y_hat", "y"}, 2));
  }

  /* The mean of nothing is NaN, as in PyTorch; the sum of nothing is 0. */
  if (y_hat->count == 0) {
    if (loss != NULL)
      *loss = reduction == CLCONV_REDUCTION_MEAN ? NAN : 0.0;
    return CLCONV_STATUS_OK;
  }
  grad_scale = reduction == CLCONV_REDUCTION_SUM
                   ? 2.0f
                   : (float)(2.0 / (double)y_hat->count);

  /* Dispatches, then divides the sum for the mean. */
  if (ctx->is_reference) {
    double *g = NULL;
    if (grad != NULL)
      CLCONV_FORWARD_IF_ERROR(
          clconv__verify_alloc_ref(ctx, fn, grad->count, &g, NULL));
    clconv__ref_loss_squared_error(y_hat->host, y->host, y_hat->count,
                                   grad_scale, &sum, NULL, g, NULL);
    for (size_t i = 0; grad != NULL && i < grad->count; i++)
      grad->host[i] = (float)g[i];
    clconv__alloc_free(g);
  } else {
    CLCONV_FORWARD_IF_ERROR(clconv__cl_loss_squared_error(
        ctx, y_hat, y, grad_scale, grad, loss != NULL ? &sum : NULL));
    if (ctx->verify) {
      status = verify_loss(ctx, fn, y_hat, y, grad_scale,
                           loss != NULL ? &sum : NULL, grad);
      if (status != CLCONV_STATUS_OK)
        return status;
    }
  }
  if (loss != NULL)
    *loss =
        reduction == CLCONV_REDUCTION_SUM ? sum : sum / (double)y_hat->count;
  return CLCONV_STATUS_OK;
}
