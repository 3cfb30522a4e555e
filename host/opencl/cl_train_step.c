/* cl_train_step.c: a tiny layer's whole training step as one work-group of
 * cl/train_step_small.cl; the loss's partial sums added on the host. */
#include "opencl/backend_opencl.h"

#include "common/error.h"
#include "common/kernel_options.h"
#include "opencl/cl_launch.h"
#include "opencl/cl_program.h"
#include "opencl/cl_scratch.h"

/* Work-items of the one work-group, at most. */
#define STEP_LOCAL 64

/* Problems this small (outputs, weights, inputs; floating-point operations
 * of the forward) run as one work-group: beyond them, one group's work
 * outweighs the launches it saves. */
#define STEP_MAX_ELEMENTS 4096
#define STEP_MAX_FLOPS 65536.0

int clconv__cl_train_step_fits(const clconv_context *ctx,
                               const clconv__corr2d_geom *g) {
  const double outputs = (double)(g->n * g->cout * g->hout * g->wout);
  const double flops = 2.0 * outputs * (double)(g->cin_g * g->kh * g->kw);
  const double inputs = (double)(g->n * g->cin * g->h * g->w);
  return !g->needs_long_index && ctx->caps.max_work_group_size >= 8 &&
         outputs <= STEP_MAX_ELEMENTS && inputs <= STEP_MAX_ELEMENTS &&
         (double)(g->cout * g->cin_g * g->kh * g->kw) <= STEP_MAX_ELEMENTS &&
         flops <= STEP_MAX_FLOPS;
}

/* The group's work-items: a power of two, at most STEP_LOCAL. */
static size_t step_local(const clconv_context *ctx) {
  size_t local = STEP_LOCAL;
  while (local > ctx->caps.max_work_group_size && local > 1)
    local /= 2;
  return local;
}

/* The kernel for groups of @p local (cl/train_step_small.cl). */
static clconv_status step_kernel(clconv_context *ctx,
                                 const clconv__corr2d_geom *g,
                                 const clconv__train_step_operands *o,
                                 const clconv__sgd_consts *k, size_t local,
                                 cl_kernel *kernel) {
  clconv__kernel_options options;
  clconv__kernel_options_begin(&options);
  clconv__kernel_options_int(&options, "KH", g->kh);
  clconv__kernel_options_int(&options, "KW", g->kw);
  clconv__kernel_options_int(&options, "HAS_BIAS", o->b != NULL);
  clconv__kernel_options_int(&options, "WRITE_DX", o->dx != NULL);
  clconv__kernel_options_int(&options, "LOCAL", (int64_t)local);
  clconv__kernel_options_int(&options, "MOMENTUM", k->use_momentum);
  clconv__kernel_options_int(&options, "NESTEROV", k->nesterov);
  return clconv__cl_program_kernel(ctx, "train_step_small",
                                   clconv__kernel_options_string(&options),
                                   "train_step_small", kernel);
}

clconv_status clconv__cl_train_step_small(clconv_context *ctx,
                                          const clconv__corr2d_geom *g,
                                          const clconv__train_step_operands *o,
                                          const clconv__sgd_consts *k,
                                          float grad_scale, double *loss) {
  static const char *what = "train_step_small";
  uint64_t items[3] = {1, 1, 1};
  size_t local[3] = {1, 1, 1};
  cl_kernel kernel;
  clconv__cl_args a;
  cl_mem partial;
  float sums[STEP_LOCAL];
  clconv_status status;
  cl_int err;
  CLCONV_FORWARD_IF_ERROR(clconv__cl_scratch_get(ctx, CLCONV__SCRATCH_PARTIAL,
                                                 sizeof sums, what, &partial));
  /* Sized again where the device takes fewer work-items than it said. */
  do {
    local[0] = step_local(ctx);
    status = step_kernel(ctx, g, o, k, local[0], &kernel);
  } while (status == CLCONV__STATUS_GROUP_SHRUNK);
  CLCONV_FORWARD_IF_ERROR(status);
  items[0] = local[0];

  /* The arguments in the order of cl/train_step_small.cl. */
  clconv__cl_args_begin(&a, kernel);
  clconv__cl_args_mem(&a, o->x);
  clconv__cl_args_mem(&a, o->target);
  clconv__cl_args_mem(&a, o->w);
  clconv__cl_args_mem(&a, o->b);
  clconv__cl_args_mem(&a, o->y);
  clconv__cl_args_mem(&a, o->dy);
  clconv__cl_args_mem(&a, o->dx);
  clconv__cl_args_mem(&a, o->grad_w);
  clconv__cl_args_mem(&a, o->grad_b);
  clconv__cl_args_mem(&a, k->use_momentum ? o->buf_w : NULL);
  clconv__cl_args_mem(&a, k->use_momentum ? o->buf_b : NULL);
  clconv__cl_args_mem(&a, partial);
  clconv__cl_args_int(&a, g->n);
  clconv__cl_args_float(&a, grad_scale);
  clconv__cl_args_float(&a, k->lr);
  clconv__cl_args_float(&a, k->weight_decay);
  clconv__cl_args_float(&a, k->momentum);
  clconv__cl_args_float(&a, k->one_minus_dampening);
  clconv__cl_args_int(&a, k->buffer_is_set);
  clconv__cl_args_geometry(&a, g);
  CLCONV_FORWARD_IF_ERROR(
      clconv__cl_launch_3d_exact(ctx, &a, items, local, what));
  if (loss == NULL || ctx->probing)
    return CLCONV_STATUS_OK;

  /* Reads the partial sums back (this waits for the kernel) and adds them
   * in double, as the loss op does. */
  err = clEnqueueReadBuffer(ctx->queue, partial, CL_TRUE, 0,
                            local[0] * sizeof *sums, sums, 0, NULL, NULL);
  if (err != CL_SUCCESS)
    return clconv__error_fail_cl(ctx, err,
                                 "train_step_small: reading the loss");
  *loss = 0.0;
  for (size_t i = 0; i < local[0]; i++)
    *loss += (double)sums[i];
  return CLCONV_STATUS_OK;
}
