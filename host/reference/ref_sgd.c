/* ref_sgd.c: the reference SGD update, in double, with the magnitudes its
 * tolerance needs; built with -ffp-contract=off. */
#include "reference/backend_ref.h"

#include <math.h>

void clconv__ref_sgd_update(const clconv__sgd_consts *k, size_t count,
                            const float *w, const float *grad, const float *buf,
                            double *w_new, double *w_mag, double *buf_new,
                            double *buf_mag) {
  const double lr = k->lr, wd = k->weight_decay, m = k->momentum;
  const double damp = k->one_minus_dampening;
  for (size_t i = 0; i < count; i++) {
    /* Each value comes with the sum of the magnitudes that formed it. */
    double g = (double)grad[i] + wd * (double)w[i];
    double g_mag = fabs((double)grad[i]) + fabs(wd * (double)w[i]);
    if (k->use_momentum) {
      double b = g, b_mag = g_mag;
      if (k->buffer_is_set) {
        b = m * (double)buf[i] + damp * g;
        b_mag = fabs(m * (double)buf[i]) + fabs(damp) * g_mag;
      }
      buf_new[i] = b;
      if (buf_mag != NULL)
        buf_mag[i] = b_mag;
      if (k->nesterov) {
        g = g + m * b;
        g_mag = g_mag + fabs(m) * b_mag;
      } else {
        g = b;
        g_mag = b_mag;
      }
    }
    w_new[i] = (double)w[i] - lr * g;
    if (w_mag != NULL)
      w_mag[i] = fabs((double)w[i]) + fabs(lr) * g_mag;
  }
}
