/* op_sgd.c: the SGD update with PyTorch's semantics: check; reference or
 * device; verify (from snapshots taken before the in-place update). */
#include "api/op_sgd.h"
#include "check/verify.h"
#include "common/abi.h"
#include "common/alloc.h"
#include "common/error.h"
#include "core/context.h"
#include "core/tensor.h"
#include "opencl/backend_opencl.h"
#include "reference/backend_ref.h"

#include <math.h>
#include <string.h>

/* Rounding steps in one update, for the tolerance (docs/design.md). */
#define SGD_TERMS 6.0

void clconv_sgd_params_init(clconv_sgd_params *params, size_t struct_size) {
  clconv_sgd_params p;
  memset(&p, 0, sizeof p);
  p.lr = 0.001f;
  clconv__abi_init(params, struct_size, &p, sizeof p);
}

/* Checks the hyper-parameters as torch.optim.SGD does. */
clconv_status clconv__op_sgd_read(clconv_context *ctx, const char *fn,
                                  const clconv_sgd_params *given,
                                  clconv_sgd_params *out) {
  const clconv_sgd_params defaults = clconv_sgd_params_default();
  const clconv_sgd_params *p = out;
  CLCONV_FORWARD_IF_ERROR(
      clconv__abi_read_checked(ctx, fn, "params", "clconv_sgd_params_default",
                               out, sizeof *out, &defaults, given));
  CLCONV_RETURN_IF(ctx, !(p->lr >= 0.0f) || isinf(p->lr),
                   CLCONV_STATUS_INVALID_ARGUMENT,
                   "%s: lr must be finite and >= 0, got %g", fn, (double)p->lr);
  CLCONV_RETURN_IF(ctx, !(p->momentum >= 0.0f) || isinf(p->momentum),
                   CLCONV_STATUS_INVALID_ARGUMENT,
                   "%s: momentum must be finite and >= 0, got %g", fn,
                   (double)p->momentum);
  CLCONV_RETURN_IF(ctx, !(p->weight_decay >= 0.0f) || isinf(p->weight_decay),
                   CLCONV_STATUS_INVALID_ARGUMENT,
                   "%s: weight_decay must be finite and >= 0, got %g", fn,
                   (double)p->weight_decay);
  CLCONV_RETURN_IF(ctx, !isfinite(p->dampening), CLCONV_STATUS_INVALID_ARGUMENT,
                   "%s: dampening must be finite, got %g", fn,
                   (double)p->dampening);
  CLCONV_RETURN_IF(ctx, p->nesterov != 0 && p->nesterov != 1,
                   CLCONV_STATUS_INVALID_ARGUMENT,
                   "%s: nesterov must be 0 or 1, got %d", fn, p->nesterov);
  CLCONV_RETURN_IF(ctx,
                   p->nesterov && (p->momentum <= 0.0f || p->dampening != 0.0f),
                   CLCONV_STATUS_INVALID_ARGUMENT,
                   "%s: nesterov needs momentum > 0 and dampening 0", fn);
  return CLCONV_STATUS_OK;
}

/* Host copies taken before the device updates in place (verify mode), and
 * the reference results. */
typedef struct sgd_host {
  float *w, *grad, *buf;
  double *w_ref, *w_mag, *buf_ref, *buf_mag;
} sgd_host;

static void sgd_host_free(sgd_host *h) {
  clconv__alloc_free(h->buf_mag);
  clconv__alloc_free(h->buf_ref);
  clconv__alloc_free(h->w_mag);
  clconv__alloc_free(h->w_ref);
  clconv__alloc_free(h->buf);
  clconv__alloc_free(h->grad);
  clconv__alloc_free(h->w);
}

/* The reference step, on the tensors' own host storage. */
static clconv_status reference_step(clconv_context *ctx, const char *fn,
                                    const clconv__sgd_consts *k,
                                    clconv_tensor *param,
                                    const clconv_tensor *grad,
                                    clconv_tensor *buf) {
  double *w_new = NULL, *buf_new = NULL;
  clconv_status status =
      clconv__verify_alloc_ref(ctx, fn, param->count, &w_new, NULL);
  if (status == CLCONV_STATUS_OK && k->use_momentum)
    status = clconv__verify_alloc_ref(ctx, fn, param->count, &buf_new, NULL);
  if (status == CLCONV_STATUS_OK) {
    clconv__ref_sgd_update(k, param->count, param->host, grad->host,
                           k->use_momentum ? buf->host : NULL, w_new, NULL,
                           buf_new, NULL);
    for (size_t i = 0; i < param->count; i++) {
      param->host[i] = (float)w_new[i];
      if (k->use_momentum)
        buf->host[i] = (float)buf_new[i];
    }
  }
  clconv__alloc_free(buf_new);
  clconv__alloc_free(w_new);
  return status;
}

/* Takes host copies of the inputs and computes the reference results from
 * them, before the device changes param and buf. */
static clconv_status snapshot(clconv_context *ctx, const char *fn,
                              const clconv__sgd_consts *k,
                              const clconv_tensor *param,
                              const clconv_tensor *grad,
                              const clconv_tensor *buf, sgd_host *h) {
  clconv_status status;
  memset(h, 0, sizeof *h);
  if ((status = clconv__tensor_download(param, &h->w)) != 0 ||
      (status = clconv__tensor_download(grad, &h->grad)) != 0 ||
      (status = clconv__verify_alloc_ref(ctx, fn, param->count, &h->w_ref,
                                         &h->w_mag)) != 0)
    return status;
  if (k->use_momentum &&
      ((status = clconv__tensor_download(buf, &h->buf)) != 0 ||
       (status = clconv__verify_alloc_ref(ctx, fn, param->count, &h->buf_ref,
                                          &h->buf_mag)) != 0))
    return status;
  clconv__ref_sgd_update(k, param->count, h->w, h->grad, h->buf, h->w_ref,
                         h->w_mag, h->buf_ref, h->buf_mag);
  return CLCONV_STATUS_OK;
}

/* Compares the updated param and buf with the reference of the snapshot. */
static clconv_status verify_step(clconv_context *ctx, const char *fn,
                                 const clconv__sgd_consts *k,
                                 const clconv_tensor *param,
                                 const clconv_tensor *buf, const sgd_host *h) {
  clconv__verify_begin(ctx);
  CLCONV_FORWARD_IF_ERROR(clconv__verify_tensor(
      ctx, fn, "param", param, h->w_ref, h->w_mag, SGD_TERMS, 0));
  if (k->use_momentum)
    CLCONV_FORWARD_IF_ERROR(clconv__verify_tensor(
        ctx, fn, "momentum_buffer", buf, h->buf_ref, h->buf_mag, SGD_TERMS, 0));
  return CLCONV_STATUS_OK;
}

clconv_status clconv__op_sgd_consts(clconv_context *ctx, const char *fn,
                                    const clconv_sgd_params *given,
                                    int buffer_is_set, clconv__sgd_consts *k) {
  clconv_sgd_params full;
  const clconv_sgd_params *p = &full;
  CLCONV_FORWARD_IF_ERROR(clconv__op_sgd_read(ctx, fn, given, &full));
  k->lr = p->lr;
  k->weight_decay = p->weight_decay;
  k->momentum = p->momentum;
  k->one_minus_dampening = (float)(1.0 - (double)p->dampening);
  k->use_momentum = p->momentum != 0.0f;
  k->nesterov = p->nesterov;
  k->buffer_is_set = buffer_is_set != 0;
  return CLCONV_STATUS_OK;
}

clconv_status clconv_sgd_step(clconv_context *ctx, const clconv_sgd_params *p,
                              clconv_tensor *param, const clconv_tensor *grad,
                              clconv_tensor *buf, int buffer_is_set) {
  static const char *fn = "clconv_sgd_step";
  clconv__sgd_consts k;
  sgd_host h;
  clconv_status status;
  CLCONV_FORWARD_IF_ERROR(clconv__context_enter(ctx, fn));
  CLCONV_FORWARD_IF_ERROR(clconv__op_sgd_consts(ctx, fn, p, buffer_is_set, &k));
  CLCONV_RETURN_IF(ctx, param == NULL || grad == NULL,
                   CLCONV_STATUS_INVALID_ARGUMENT, "%s: %s is NULL", fn,
                   param == NULL ? "param" : "grad");
  CLCONV_FORWARD_IF_ERROR(
      clconv__tensor_check(ctx, param, param->rank, fn, "param"));
  CLCONV_FORWARD_IF_ERROR(
      clconv__tensor_check(ctx, grad, grad->rank, fn, "grad"));
  CLCONV_FORWARD_IF_ERROR(
      clconv__tensor_check_same_dims(ctx, fn, param, "param", grad, "grad"));
  CLCONV_FORWARD_IF_ERROR(clconv__tensor_check_distinct(
      ctx, fn, param, "param", (const clconv_tensor *const[]){grad},
      (const char *const[]){"grad"}, 1));
  if (k.use_momentum) {
    CLCONV_RETURN_IF(ctx, buf == NULL, CLCONV_STATUS_INVALID_ARGUMENT,
                     "%s: momentum_buffer is NULL but momentum is %g", fn,
                     (double)k.momentum);
    CLCONV_FORWARD_IF_ERROR(
        clconv__tensor_check(ctx, buf, buf->rank, fn, "momentum_buffer"));
    CLCONV_FORWARD_IF_ERROR(clconv__tensor_check_same_dims(
        ctx, fn, buf, "momentum_buffer", param, "param"));
    CLCONV_FORWARD_IF_ERROR(clconv__tensor_check_distinct(
        ctx, fn, buf, "momentum_buffer",
        (const clconv_tensor *const[]){param, grad},
        (const char *const[]){"param", "grad"}, 2));
  }
  if (param->count == 0)
    return CLCONV_STATUS_OK;

  /* The reference, or the device (in verify mode after a snapshot, since
   * it updates in place), then the verification. */
  if (ctx->is_reference)
    return reference_step(ctx, fn, &k, param, grad, buf);
  if (!ctx->verify)
    return clconv__cl_sgd_update(ctx, &k, param, grad, buf);
  status = snapshot(ctx, fn, &k, param, grad, buf, &h);
  if (status == CLCONV_STATUS_OK)
    status = clconv__cl_sgd_update(ctx, &k, param, grad, buf);
  if (status == CLCONV_STATUS_OK)
    status = verify_step(ctx, fn, &k, param, buf, &h);
  sgd_host_free(&h);
  return status;
}
