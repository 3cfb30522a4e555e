/* replicas.c: data-parallel training of one layer across contexts: the
 * batch split, forward and backward on every replica, the gradients summed
 * in double in replica order (then across processes by the application's
 * all-reduce), and the same SGD step on each. */
#include "clconv.h"
#include "common/abi.h"
#include "common/alloc.h"
#include "common/batch_split.h"
#include "core/tensor.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define MESSAGE_SIZE 1024

/* One replica: its context, layer and the tensors of its shard. */
typedef struct replica {
  clconv_context *ctx;
  clconv_conv2d *layer;
  clconv_tensor *x, *target, *y, *dy;
  int64_t rows; /* rows of the current shard */
} replica;

struct clconv_replicas {
  int count;
  replica *r;
  clconv_replicas_params p;
  double *shares;        /* a copy of p.shares, or NULL */
  int64_t *first, *rows; /* the current split */
  double *sums;          /* dW, db, the loss, the count, the failed processes */
  float *grad;           /* one replica's dW then db, as floats */
  size_t n_weight, n_bias; /* elements of dW and db */
  char message[MESSAGE_SIZE];
};

void clconv_replicas_params_init(clconv_replicas_params *params,
                                 size_t struct_size) {
  clconv_replicas_params p;
  memset(&p, 0, sizeof p);
  clconv__abi_init(params, struct_size, &p, sizeof p);
}

/* Sets the message and returns @p status. */
static clconv_status fail(clconv_replicas *r, char *out, size_t out_size,
                          clconv_status status, const char *fmt, ...) {
  va_list args;
  char *to = r != NULL ? r->message : out;
  const size_t size = r != NULL ? sizeof r->message : out_size;
  if (to != NULL && size > 0) {
    va_start(args, fmt);
    vsnprintf(to, size, fmt, args);
    va_end(args);
  }
  return status;
}

/* Fails with the message of replica @p i's context. */
static clconv_status fail_replica(clconv_replicas *r, int i,
                                  clconv_status status, const char *what) {
  return fail(r, NULL, 0, status, "replica %d: %s: %s: %s", i, what,
              clconv_status_name(status), clconv_context_message(r->r[i].ctx));
}

void clconv_replicas_release(clconv_replicas *r) {
  if (r == NULL)
    return;
  for (int i = 0; r->r != NULL && i < r->count; i++) {
    clconv_tensor_release(r->r[i].dy);
    clconv_tensor_release(r->r[i].y);
    clconv_tensor_release(r->r[i].target);
    clconv_tensor_release(r->r[i].x);
    clconv_conv2d_release(r->r[i].layer);
  }
  clconv__alloc_free(r->grad);
  clconv__alloc_free(r->sums);
  clconv__alloc_free(r->rows);
  clconv__alloc_free(r->first);
  clconv__alloc_free(r->shares);
  clconv__alloc_free(r->r);
  clconv__alloc_free(r);
}

/* Checks the creation's arguments, reading the caller's @p given_layer and
 * @p given (NULL: the defaults) over the defaults into @p layer and @p p.
 * @return OK or INVALID_ARGUMENT. */
static clconv_status check_create(clconv_context *const *contexts, int count,
                                  const clconv_conv2d_params *given_layer,
                                  const clconv_replicas_params *given,
                                  clconv_conv2d_params *layer,
                                  clconv_replicas_params *p,
                                  clconv_replicas **out, char *message,
                                  size_t message_size) {
  static const char *fn = "clconv_replicas_create";
  const clconv_status bad = CLCONV_STATUS_INVALID_ARGUMENT;
  const clconv_conv2d_params layer_defaults = clconv_conv2d_params_default();
  const clconv_replicas_params defaults = clconv_replicas_params_default();
  double total = 0.0;
  if (out == NULL || contexts == NULL || given_layer == NULL)
    return fail(NULL, message, message_size, bad, "%s: %s is NULL", fn,
                out == NULL        ? "out"
                : contexts == NULL ? "contexts"
                                   : "layer");
  if (!clconv__abi_read(layer, sizeof *layer, &layer_defaults, given_layer))
    return fail(NULL, message, message_size, bad,
                "%s: layer.struct_size is %zu: make it with "
                "clconv_conv2d_params_default()",
                fn, given_layer->struct_size);
  if (!clconv__abi_read(p, sizeof *p, &defaults,
                        given != NULL ? given : &defaults))
    return fail(NULL, message, message_size, bad,
                "%s: params.struct_size is %zu: make params with "
                "clconv_replicas_params_default()",
                fn, given->struct_size);
  if (count < 1)
    return fail(NULL, message, message_size, bad,
                "%s: count must be at least 1, got %d", fn, count);
  for (int i = 0; i < count; i++)
    if (contexts[i] == NULL)
      return fail(NULL, message, message_size, bad, "%s: contexts[%d] is NULL",
                  fn, i);
  if (layer->in_channels < 1)
    return fail(NULL, message, message_size, bad,
                "%s: layer.in_channels must be given (the replicas are made "
                "at once), got %lld",
                fn, (long long)layer->in_channels);
  for (int i = 0; p->shares != NULL && i < count; i++) {
    if (!(p->shares[i] >= 0.0) || p->shares[i] > 1e300)
      return fail(NULL, message, message_size, bad,
                  "%s: shares[%d] must be finite and >= 0, got %g", fn, i,
                  p->shares[i]);
    total += p->shares[i];
  }
  if (p->shares != NULL && !(total > 0.0))
    return fail(NULL, message, message_size, bad,
                "%s: the shares sum to %g; at least one must be > 0", fn,
                total);
  return CLCONV_STATUS_OK;
}

clconv_status clconv_replicas_create(clconv_context *const *contexts, int count,
                                     const clconv_conv2d_params *given_layer,
                                     const clconv_replicas_params *given,
                                     clconv_replicas **out, char *message,
                                     size_t message_size) {
  clconv_conv2d_params layer_full;
  clconv_replicas_params full;
  const clconv_conv2d_params *layer = &layer_full;
  const clconv_replicas_params *p = &full;
  clconv_replicas *r;
  clconv_status status;
  clconv_tensor *w, *b;
  if (out != NULL)
    *out = NULL;
  if (message != NULL && message_size > 0)
    message[0] = '\0';
  status = check_create(contexts, count, given_layer, given, &layer_full, &full,
                        out, message, message_size);
  if (status != CLCONV_STATUS_OK)
    return status;
  r = clconv__alloc_zeroed(1, sizeof *r);
  if (r == NULL ||
      (r->r = clconv__alloc_zeroed((size_t)count, sizeof *r->r)) == NULL ||
      (r->first = clconv__alloc_zeroed((size_t)count, sizeof *r->first)) ==
          NULL ||
      (r->rows = clconv__alloc_zeroed((size_t)count, sizeof *r->rows)) ==
          NULL ||
      (p->shares != NULL && (r->shares = clconv__alloc_zeroed(
                                 (size_t)count, sizeof *r->shares)) == NULL)) {
    clconv_replicas_release(r);
    return fail(NULL, message, message_size, CLCONV_STATUS_OUT_OF_HOST_MEMORY,
                "clconv_replicas_create: out of host memory");
  }
  r->count = count;
  r->p = full;
  if (r->shares != NULL)
    memcpy(r->shares, p->shares, (size_t)count * sizeof *r->shares);

  /* One layer per context, the same seed: the same weights everywhere. */
  for (int i = 0; i < count; i++) {
    r->r[i].ctx = contexts[i];
    status = clconv_conv2d_create(contexts[i], layer, &r->r[i].layer);
    if (status != CLCONV_STATUS_OK) {
      fail(NULL, message, message_size, status, "replica %d: %s", i,
           clconv_context_message(contexts[i]));
      clconv_replicas_release(r);
      return status;
    }
  }
  w = clconv_conv2d_tensor(r->r[0].layer, CLCONV_CONV2D_WEIGHT);
  b = clconv_conv2d_tensor(r->r[0].layer, CLCONV_CONV2D_BIAS);
  r->n_weight = clconv_tensor_count(w);
  r->n_bias = b != NULL ? clconv_tensor_count(b) : 0;
  r->sums = clconv__alloc((r->n_weight + r->n_bias + 3) * sizeof *r->sums);
  r->grad = clconv__alloc((r->n_weight + r->n_bias + 1) * sizeof *r->grad);
  if (r->sums == NULL || r->grad == NULL) {
    clconv_replicas_release(r);
    return fail(NULL, message, message_size, CLCONV_STATUS_OUT_OF_HOST_MEMORY,
                "clconv_replicas_create: out of host memory");
  }
  *out = r;
  return CLCONV_STATUS_OK;
}

const char *clconv_replicas_message(const clconv_replicas *r) {
  return r != NULL ? r->message : "";
}

int clconv_replicas_count(const clconv_replicas *r) {
  return r != NULL ? r->count : 0;
}

clconv_conv2d *clconv_replicas_layer(clconv_replicas *r, int i) {
  return r != NULL && i >= 0 && i < r->count ? r->r[i].layer : NULL;
}

clconv_status clconv_replicas_rows(const clconv_replicas *r, int64_t n, int i,
                                   int64_t *first, int64_t *rows) {
  if (r == NULL || i < 0 || i >= r->count || n < 0 || first == NULL ||
      rows == NULL)
    return CLCONV_STATUS_INVALID_ARGUMENT;
  clconv__batch_split(n, r->count, r->shares, r->first, r->rows);
  *first = r->first[i];
  *rows = r->rows[i];
  return CLCONV_STATUS_OK;
}

/* Queues replica @p i's forward on its shard of the batch. */
static clconv_status queue_forward(clconv_replicas *r, int i, const float *x,
                                   const int64_t x_dims[4], const float *target,
                                   const int64_t t_dims[4]) {
  replica *p = &r->r[i];
  const size_t x_row = (size_t)(x_dims[1] * x_dims[2] * x_dims[3]);
  const size_t t_row = (size_t)(t_dims[1] * t_dims[2] * t_dims[3]);
  int64_t xd[4], td[4];
  clconv_status status;
  memcpy(xd, x_dims, sizeof xd);
  memcpy(td, t_dims, sizeof td);
  xd[0] = td[0] = p->rows = r->rows[i];
  if ((status = clconv__tensor_reuse(p->ctx, 4, xd, &p->x)) != 0 ||
      (status = clconv__tensor_reuse(p->ctx, 4, td, &p->target)) != 0 ||
      (status = clconv__tensor_reuse(p->ctx, 4, td, &p->y)) != 0 ||
      (status = clconv__tensor_reuse(p->ctx, 4, td, &p->dy)) != 0 ||
      (status = clconv_tensor_write(p->x, x + (size_t)r->first[i] * x_row,
                                    (size_t)p->rows * x_row)) != 0 ||
      (status =
           clconv_tensor_write(p->target, target + (size_t)r->first[i] * t_row,
                               (size_t)p->rows * t_row)) != 0)
    return status;
  return clconv_conv2d_forward(p->layer, p->x, p->y);
}

/* Replica @p i's loss (summed) and gradients, added into r->sums. */
static clconv_status add_gradients(clconv_replicas *r, int i) {
  replica *p = &r->r[i];
  double loss = 0.0;
  clconv_status status;
  if ((status = clconv_squared_error(p->ctx, CLCONV_REDUCTION_SUM, p->y,
                                     p->target, &loss, p->dy)) != 0 ||
      (status = clconv_conv2d_zero_grad(p->layer)) != 0 ||
      (status = clconv_conv2d_backward(p->layer, p->x, p->dy, NULL)) != 0 ||
      (status = clconv_conv2d_get(p->layer, CLCONV_CONV2D_GRAD_WEIGHT, r->grad,
                                  r->n_weight)) != 0 ||
      (r->n_bias > 0 &&
       (status = clconv_conv2d_get(p->layer, CLCONV_CONV2D_GRAD_BIAS,
                                   r->grad + r->n_weight, r->n_bias)) != 0))
    return status;
  for (size_t k = 0; k < r->n_weight + r->n_bias; k++)
    r->sums[k] += (double)r->grad[k];
  r->sums[r->n_weight + r->n_bias] += loss;
  return CLCONV_STATUS_OK;
}

/* Writes the summed gradients into every replica and takes the step. */
static clconv_status update_all(clconv_replicas *r, double scale,
                                const clconv_sgd_params *sgd) {
  clconv_status status;
  for (size_t k = 0; k < r->n_weight + r->n_bias; k++)
    r->grad[k] = (float)(r->sums[k] * scale);
  for (int i = 0; i < r->count; i++) {
    clconv_conv2d *l = r->r[i].layer;
    if ((status = clconv_tensor_write(
             clconv_conv2d_tensor(l, CLCONV_CONV2D_GRAD_WEIGHT), r->grad,
             r->n_weight)) != 0 ||
        (r->n_bias > 0 && (status = clconv_tensor_write(
                               clconv_conv2d_tensor(l, CLCONV_CONV2D_GRAD_BIAS),
                               r->grad + r->n_weight, r->n_bias)) != 0) ||
        (status = clconv_conv2d_sgd_step(l, sgd)) != 0)
      return fail_replica(r, i, status, "the update");
  }
  return CLCONV_STATUS_OK;
}

clconv_status clconv_replicas_train_step(
    clconv_replicas *r, const float *x, const int64_t x_dims[4],
    const float *target, const int64_t target_dims[4],
    clconv_reduction reduction, const clconv_sgd_params *sgd, double *loss) {
  static const char *fn = "clconv_replicas_train_step";
  const size_t n_sums = r != NULL ? r->n_weight + r->n_bias + 3 : 0;
  double count, scale;
  clconv_status status;
  if (r == NULL)
    return CLCONV_STATUS_INVALID_ARGUMENT;
  r->message[0] = '\0';
  if (x == NULL || x_dims == NULL || target == NULL || target_dims == NULL ||
      sgd == NULL)
    return fail(r, NULL, 0, CLCONV_STATUS_INVALID_ARGUMENT, "%s: %s is NULL",
                fn,
                x == NULL             ? "x"
                : x_dims == NULL      ? "x_dims"
                : target == NULL      ? "target"
                : target_dims == NULL ? "target_dims"
                                      : "sgd");
  if (reduction != CLCONV_REDUCTION_SUM && reduction != CLCONV_REDUCTION_MEAN)
    return fail(r, NULL, 0, CLCONV_STATUS_INVALID_ARGUMENT,
                "%s: reduction must be CLCONV_REDUCTION_SUM or _MEAN, got %d",
                fn, (int)reduction);
  if (x_dims[0] != target_dims[0] || x_dims[0] < 0)
    return fail(r, NULL, 0, CLCONV_STATUS_SHAPE_MISMATCH,
                "%s: x has %lld rows and target %lld", fn, (long long)x_dims[0],
                (long long)target_dims[0]);

  /* Every replica's forward queued, then each one's loss and gradients
   * (replicas on other devices go on meanwhile), summed in order. */
  clconv__batch_split(x_dims[0], r->count, r->shares, r->first, r->rows);
  memset(r->sums, 0, n_sums * sizeof *r->sums);
  status = CLCONV_STATUS_OK;
  for (int i = 0; i < r->count && status == 0; i++)
    if (r->rows[i] > 0 &&
        (status = queue_forward(r, i, x, x_dims, target, target_dims)) != 0)
      fail_replica(r, i, status, "the forward");
  for (int i = 0; i < r->count && status == 0; i++)
    if (r->rows[i] > 0 && (status = add_gradients(r, i)) != 0)
      fail_replica(r, i, status, "the gradients");
  r->sums[n_sums - 2] = (double)(target_dims[0] * target_dims[1] *
                                 target_dims[2] * target_dims[3]);

  /* Across processes (a process that failed still takes part, flagged, so
   * that none waits for it), then one update for all. */
  if (r->p.allreduce != NULL) {
    const clconv_status local = status;
    r->sums[n_sums - 1] = local != 0 ? 1.0 : 0.0;
    status = r->p.allreduce(r->p.allreduce_user, r->sums, n_sums);
    if (local != 0)
      return local;
    if (status != 0)
      return fail(r, NULL, 0, status, "%s: the all-reduce failed: %s", fn,
                  clconv_status_name(status));
    if (r->sums[n_sums - 1] != 0.0)
      return fail(r, NULL, 0, CLCONV_STATUS_OPENCL_ERROR,
                  "%s: %.0f other process(es) failed this step; no update", fn,
                  r->sums[n_sums - 1]);
  }
  if (status != 0)
    return status;
  count = r->sums[n_sums - 2];
  if (count == 0.0) { /* nothing to learn from: as PyTorch, NaN or 0 */
    if (loss != NULL)
      *loss = reduction == CLCONV_REDUCTION_MEAN ? (double)NAN : 0.0;
    return CLCONV_STATUS_OK;
  }
  scale = reduction == CLCONV_REDUCTION_MEAN ? 1.0 / count : 1.0;
  if (loss != NULL)
    *loss = r->sums[n_sums - 3] * scale;
  return update_all(r, scale, sgd);
}
