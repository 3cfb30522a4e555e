/* backend_ref.h: the reference backend: plain, obviously correct loops that
 * accumulate in double. Every op of the OpenCL backend has its twin here.
 * Each clconv__ref_X function lives in ref_X.c (ref_corr2d.c, ref_loss.c,
 * ref_sgd.c, ref_init.c). */
#ifndef CLCONV_BACKEND_REF_H
#define CLCONV_BACKEND_REF_H

#include "common/corr2d_geometry.h"
#include "common/sgd_params.h"

#include <stddef.h>
#include <stdint.h>

/* Forward cross-correlation. @p b may be NULL. Each output may be NULL:
 * @p y gets the result rounded to float, @p y_exact the double sum, and
 * @p magnitude S = |b| + sum |products| for the tolerance. The padding is a
 * zero that multiplies like any value (0 * Inf is NaN, as in PyTorch). */
void clconv__ref_corr2d_fwd(const clconv__corr2d_geom *g, const float *x,
                            const float *weight, const float *b, float *y,
                            double *y_exact, double *magnitude);

/* One element of each: @p index is the flat index of the output element
 * (of y, dX or dW); the sum and the magnitude S go to the last two. The whole
 * ops above and below are loops over these. */
void clconv__ref_corr2d_fwd_at(const clconv__corr2d_geom *g, const float *x,
                               const float *weight, const float *b,
                               int64_t index, double *sum, double *magnitude);
void clconv__ref_corr2d_bwd_data_at(const clconv__corr2d_geom *g,
                                    const float *dy, const float *weight,
                                    int64_t index, double *sum,
                                    double *magnitude);
void clconv__ref_corr2d_bwd_weight_at(const clconv__corr2d_geom *g,
                                      const float *x, const float *dy,
                                      const float *old, int64_t index,
                                      double *sum, double *magnitude);

/* The gradients of the cross-correlation. Each writes the double result and,
 * when @p magnitude is not NULL, S = the sum of |terms| for the tolerance.
 * dX: inputs that no window reads get 0. With @p old not NULL the sums are
 * added to it (gradient accumulation). */
void clconv__ref_corr2d_bwd_data(const clconv__corr2d_geom *g, const float *dy,
                                 const float *weight, double *dx,
                                 double *magnitude);
void clconv__ref_corr2d_bwd_weight(const clconv__corr2d_geom *g, const float *x,
                                   const float *dy, const float *old,
                                   double *dw, double *magnitude);
void clconv__ref_corr2d_bwd_bias(const clconv__corr2d_geom *g, const float *dy,
                                 const float *old, double *db,
                                 double *magnitude);

/* Squared error over @p count elements: *loss = sum (y_hat - y)^2 (not yet
 * divided for the mean), grad = grad_scale * (y_hat - y). Outputs may be
 * NULL. */
void clconv__ref_loss_squared_error(const float *y_hat, const float *y,
                                    size_t count, float grad_scale,
                                    double *loss, double *loss_magnitude,
                                    double *grad, double *grad_magnitude);

/* One SGD step over @p count parameters with the constants of @p k; writes
 * the new parameters and momentum buffer (when k->use_momentum). */
void clconv__ref_sgd_update(const clconv__sgd_consts *k, size_t count,
                            const float *w, const float *grad, const float *buf,
                            double *w_new, double *w_mag, double *buf_new,
                            double *buf_mag);

/* Element i = lo + scale * u_i with u_i from splitmix64(seed, i): the same
 * bits as cl/init_uniform.cl. */
void clconv__ref_init_uniform(float *t, size_t count, uint64_t seed, float lo,
                              float scale);

#endif
