/* ref_loss.c: the reference squared-error loss and its gradient, in
 * double. */
#include "reference/backend_ref.h"

#include <math.h>

void clconv__ref_loss_squared_error(const float *y_hat, const float *y,
                                    size_t count, float grad_scale,
                                    double *loss, double *loss_magnitude,
                                    double *grad, double *grad_magnitude) {
  double sum = 0.0;
  for (size_t i = 0; i < count; i++) {
    const double d = (double)y_hat[i] - (double)y[i];
    sum += d * d;
    if (grad != NULL)
      grad[i] = (double)grad_scale * d;
    /* The float difference is rounded once relative to |y_hat| + |y|. */
    if (grad_magnitude != NULL)
      grad_magnitude[i] = fabs((double)grad_scale) *
                          (fabs((double)y_hat[i]) + fabs((double)y[i]));
  }
  if (loss != NULL)
    *loss = sum;
  if (loss_magnitude != NULL)
    *loss_magnitude = sum;
}
