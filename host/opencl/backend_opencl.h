/* backend_opencl.h: the OpenCL backend: enqueues the kernels of cl/ for each
 * op. Arguments arrive validated by the op entry points; the twin of each
 * function is in backend_ref.h. Each clconv__cl_X function lives in
 * cl_X.c (cl_corr2d_fwd.c, cl_corr2d_bwd_data.c, cl_loss.c, ...). */
#ifndef CLCONV_BACKEND_OPENCL_H
#define CLCONV_BACKEND_OPENCL_H

#include "common/corr2d_geometry.h"
#include "common/sgd_params.h"
#include "core/internal.h"

/* Queues the forward cross-correlation of @p g. @p b may be NULL. */
clconv_status clconv__cl_corr2d_fwd(clconv_context *ctx,
                                    const clconv__corr2d_geom *g,
                                    const clconv_tensor *x,
                                    const clconv_tensor *w,
                                    const clconv_tensor *b, clconv_tensor *y);

/* Whether the local-memory forward (cl/corr2d_fwd_local.cl) takes @p g on
 * @p ctx's device: 32-bit indices, its tile within the local memory and
 * work-group size. */
int clconv__cl_corr2d_fwd_local_fits(const clconv_context *ctx,
                                     const clconv__corr2d_geom *g);

/* Queues the local-memory forward of @p g, the default on GPUs when it fits
 * (TOO_LARGE otherwise). @p b may be NULL. */
clconv_status
clconv__cl_corr2d_fwd_local(clconv_context *ctx, const clconv__corr2d_geom *g,
                            const clconv_tensor *x, const clconv_tensor *w,
                            const clconv_tensor *b, clconv_tensor *y);

/* Queues the gradients: dX, dW (added to dW when @p accumulate) and db. */
clconv_status clconv__cl_corr2d_bwd_data(clconv_context *ctx,
                                         const clconv__corr2d_geom *g,
                                         const clconv_tensor *dy,
                                         const clconv_tensor *w,
                                         clconv_tensor *dx);
clconv_status clconv__cl_corr2d_bwd_weight(clconv_context *ctx,
                                           const clconv__corr2d_geom *g,
                                           const clconv_tensor *x,
                                           const clconv_tensor *dy,
                                           clconv_tensor *dw, int accumulate);
clconv_status clconv__cl_corr2d_bwd_bias(clconv_context *ctx,
                                         const clconv__corr2d_geom *g,
                                         const clconv_tensor *dy,
                                         clconv_tensor *db, int accumulate);

/* Squared error: queues grad = grad_scale * (y_hat - y) when @p grad is not
 * NULL; when @p loss is not NULL, waits and stores sum (y_hat - y)^2. */
clconv_status clconv__cl_loss_squared_error(clconv_context *ctx,
                                            const clconv_tensor *y_hat,
                                            const clconv_tensor *y,
                                            float grad_scale,
                                            clconv_tensor *grad, double *loss);

/* Queues one SGD step on @p w; @p buf is used when k->use_momentum. */
clconv_status clconv__cl_sgd_update(clconv_context *ctx,
                                    const clconv__sgd_consts *k,
                                    clconv_tensor *w, const clconv_tensor *grad,
                                    clconv_tensor *buf);

/* The buffers of a layer's training step (buf_w and buf_b, the momentum
 * buffers, NULL without momentum; b and grad_b NULL without a bias; dx
 * NULL when dL/dx is not wanted). */
typedef struct clconv__train_step_operands {
  cl_mem x, target, w, b, y, dy, dx, grad_w, grad_b, buf_w, buf_b;
} clconv__train_step_operands;

/* Whether the training step of problem @p g is small enough for one
 * work-group of cl/train_step_small.cl on @p ctx's device. */
int clconv__cl_train_step_fits(const clconv_context *ctx,
                               const clconv__corr2d_geom *g);

/* Queues the whole training step of @p g (forward, squared-error gradient
 * scaled by @p grad_scale, dX when o->dx, dW and db replacing the gradients,
 * SGD by @p k)
 * as one work-group; with @p loss, waits and sets it to the sum of squares
 * (before any division for the mean). */
clconv_status clconv__cl_train_step_small(clconv_context *ctx,
                                          const clconv__corr2d_geom *g,
                                          const clconv__train_step_operands *o,
                                          const clconv__sgd_consts *k,
                                          float grad_scale, double *loss);

/* Queues the seeded uniform fill of cl/init_uniform.cl. */
clconv_status clconv__cl_init_uniform(clconv_context *ctx, clconv_tensor *t,
                                      uint64_t seed, float lo, float scale);

#endif
