/* op_corr2d_backward.c: the public gradient entry points of the
 * cross-correlation (data, weight, bias), each in three steps: check; the
 * reference or the device; in verify mode, compare with the reference. */
#include "check/compare.h"
#include "check/corr2d_check.h"
#include "check/self_check.h"
#include "check/verify.h"
#include "check/winograd_bound.h"
#include "common/alloc.h"
#include "common/corr2d_algo.h"
#include "common/error.h"
#include "core/context.h"
#include "core/tensor.h"
#include "opencl/backend_opencl.h"
#include "reference/backend_ref.h"

#include <string.h>

static const float one = 1.0f;

/* What the reference needs to compute one gradient element. For an input
 * gradient that Winograd F(m x m, 3x3) computed, wino_m is 2 or 4 and f and
 * flipped are the correlation it computed and its weights; else 0. */
typedef struct grad_args {
  const clconv__corr2d_geom *g;
  const float *a, *b, *old;
  int wino_m;
  const clconv__corr2d_geom *f;
  const float *flipped;
} grad_args;

static void data_element(const void *p, int64_t index, double *sum,
                         double *mag) {
  const grad_args *a = p;
  clconv__ref_corr2d_bwd_data_at(a->g, a->a, a->b, index, sum, mag);
  if (a->wino_m != 0)
    *mag = clconv__winograd_bound_magnitude(a->f, a->wino_m, a->a, a->flipped,
                                            NULL, index);
}

static void weight_element(const void *p, int64_t index, double *sum,
                           double *mag) {
  const grad_args *a = p;
  clconv__ref_corr2d_bwd_weight_at(a->g, a->a, a->b, a->old, index, sum, mag);
}

/* Converts reference results into a reference-backend tensor. */
static void store(clconv_tensor *t, const double *values) {
  for (size_t i = 0; i < t->count; i++)
    t->host[i] = (float)values[i];
}

/* A gradient on the reference backend, element by element (the same
 * elements verify mode compares) from the tensors' host storage into @p t.
 * In place is safe: element i reads only its own old value. */
static void reference_elements(clconv_tensor *t, clconv__ref_element_fn ref,
                               const void *args) {
  for (size_t i = 0; i < t->count; i++) {
    double sum, magnitude;
    ref(args, (int64_t)i, &sum, &magnitude);
    t->host[i] = (float)sum;
  }
}

/* Host copies of a gradient op's device tensors, for verification. */
typedef struct host_copies {
  float *a, *b, *old;
  double *ref, *mag;
} host_copies;

static void host_copies_free(host_copies *h) {
  clconv__alloc_free(h->mag);
  clconv__alloc_free(h->ref);
  clconv__alloc_free(h->old);
  clconv__alloc_free(h->b);
  clconv__alloc_free(h->a);
}

/* Compares the device's dX with the reference. */
static clconv_status verify_data(clconv_context *ctx, const char *fn,
                                 const clconv__corr2d_geom *g,
                                 const clconv_tensor *dy,
                                 const clconv_tensor *w,
                                 const clconv_tensor *dx) {
  double terms = (double)(g->cout_g * g->kh * g->kw);
  const int wino_m = clconv__winograd_bound_m(
      clconv__corr2d_algo_resolve(&ctx->caps, g, CLCONV_PASS_BACKWARD_DATA));
  const clconv__corr2d_geom f = clconv__winograd_bound_input_grad_geometry(g);
  host_copies h = {0};
  float *flipped = NULL;
  clconv_status status;
  clconv__verify_begin(ctx);
  if ((status = clconv__tensor_download(dy, &h.a)) == CLCONV_STATUS_OK &&
      (status = clconv__tensor_download(w, &h.b)) == CLCONV_STATUS_OK) {
    /* Winograd's result is held to its own bound (as in the forward). */
    if (wino_m != 0) {
      flipped = clconv__alloc(w->count * sizeof *flipped);
      if (flipped == NULL)
        status = clconv__error_fail(ctx, CLCONV_STATUS_OUT_OF_HOST_MEMORY,
                                    "%s: out of host memory for the flipped "
                                    "weights of the verification",
                                    fn);
      else
        clconv__winograd_bound_flip(g, h.b, flipped);
      terms += clconv__winograd_bound_extra_terms(wino_m);
    }
    if (status == CLCONV_STATUS_OK) {
      const grad_args args = {g, h.a, h.b, NULL, wino_m, &f, flipped};
      status = clconv__verify_elements(
          ctx, fn, "dx", dx, data_element, &args, terms,
          wino_m == 0 && clconv__compare_exact_inputs(
                             h.a, dy->count, h.b, w->count, NULL, 0, terms));
    }
  }
  clconv__alloc_free(flipped);
  host_copies_free(&h);
  return status;
}

/* An input gradient's operands, for its self-check. */
typedef struct data_ops {
  const char *fn;
  const clconv__corr2d_geom *g;
  const clconv_tensor *dy, *w;
  clconv_tensor *dx;
} data_ops;

static clconv_status data_compare(clconv_context *ctx, const void *args) {
  const data_ops *o = args;
  return verify_data(ctx, o->fn, o->g, o->dy, o->w, o->dx);
}

static clconv_status data_rerun(clconv_context *ctx, const void *args) {
  const data_ops *o = args;
  return clconv__cl_corr2d_bwd_data(ctx, o->g, o->dy, o->w, o->dx);
}

clconv_status clconv_corr2d_backward_data(clconv_context *ctx,
                                          const clconv_corr2d_params *p,
                                          const clconv_tensor *dy,
                                          const clconv_tensor *w,
                                          clconv_tensor *dx) {
  static const char *fn = "clconv_corr2d_backward_data";
  clconv__corr2d_geom g;
  CLCONV_FORWARD_IF_ERROR(clconv__context_enter(ctx, fn));
  CLCONV_FORWARD_IF_ERROR(
      clconv__corr2d_check_problem(ctx, fn, p, dx, "dx", w, NULL, &g));
  CLCONV_FORWARD_IF_ERROR(clconv__tensor_check_distinct(
      ctx, fn, dx, "dx", (const clconv_tensor *const[]){dy, w},
      (const char *const[]){"dy", "w"}, 2));
  CLCONV_FORWARD_IF_ERROR(clconv__corr2d_check_output(ctx, fn, &g, dy, "dy"));
  if (dx->count == 0)
    return CLCONV_STATUS_OK;

  if (ctx->is_reference) {
    const grad_args args = {&g, dy->host, w->host, NULL, 0, NULL, NULL};
    reference_elements(dx, data_element, &args);
    return CLCONV_STATUS_OK;
  }
  CLCONV_FORWARD_IF_ERROR(clconv__cl_corr2d_bwd_data(ctx, &g, dy, w, dx));
  if (ctx->verify)
    return verify_data(ctx, fn, &g, dy, w, dx);
  {
    const data_ops ops = {fn, &g, dy, w, dx};
    return clconv__self_check(ctx, fn, CLCONV_PASS_BACKWARD_DATA, &g,
                              data_compare, data_rerun, &ops);
  }
}

/* Compares the device's dW with the reference; @p old is dW as it was
 * before the op when it was added to, else NULL. */
static clconv_status verify_weight(clconv_context *ctx, const char *fn,
                                   const clconv__corr2d_geom *g,
                                   const clconv_tensor *x,
                                   const clconv_tensor *dy,
                                   const clconv_tensor *dw, const float *old) {
  const double terms = (double)(g->n * g->hout * g->wout);
  host_copies h = {0};
  clconv_status status;
  clconv__verify_begin(ctx);
  if ((status = clconv__tensor_download(x, &h.a)) == CLCONV_STATUS_OK &&
      (status = clconv__tensor_download(dy, &h.b)) == CLCONV_STATUS_OK) {
    const grad_args args = {g, h.a, h.b, old, 0, NULL, NULL};
    status = clconv__verify_elements(
        ctx, fn, "dw", dw, weight_element, &args, terms + (old != NULL),
        clconv__compare_exact_inputs(h.a, x->count, h.b, dy->count, old,
                                     old != NULL ? dw->count : 0, terms));
  }
  host_copies_free(&h);
  return status;
}

/* A weight gradient's operands, for its self-check; @p old is dW as it
 * was before an op that adds to it. */
typedef struct weight_ops {
  const char *fn;
  const clconv__corr2d_geom *g;
  const clconv_tensor *x, *dy;
  clconv_tensor *dw;
  const float *old;
  int accumulate;
} weight_ops;

static clconv_status weight_compare(clconv_context *ctx, const void *args) {
  const weight_ops *o = args;
  return verify_weight(ctx, o->fn, o->g, o->x, o->dy, o->dw, o->old);
}

/* Runs the gradient again, from dW as it was when it is added to. */
static clconv_status weight_rerun(clconv_context *ctx, const void *args) {
  const weight_ops *o = args;
  if (o->accumulate)
    CLCONV_FORWARD_IF_ERROR(clconv_tensor_write(o->dw, o->old, o->dw->count));
  return clconv__cl_corr2d_bwd_weight(ctx, o->g, o->x, o->dy, o->dw,
                                      o->accumulate);
}

clconv_status clconv_corr2d_backward_weight(clconv_context *ctx,
                                            const clconv_corr2d_params *p,
                                            const clconv_tensor *x,
                                            const clconv_tensor *dy,
                                            clconv_tensor *dw, int accumulate) {
  static const char *fn = "clconv_corr2d_backward_weight";
  clconv__corr2d_geom g;
  float *old = NULL;
  clconv_status status;
  CLCONV_FORWARD_IF_ERROR(clconv__context_enter(ctx, fn));
  CLCONV_FORWARD_IF_ERROR(
      clconv__corr2d_check_problem(ctx, fn, p, x, "x", dw, NULL, &g));
  CLCONV_FORWARD_IF_ERROR(clconv__tensor_check_distinct(
      ctx, fn, dw, "dw", (const clconv_tensor *const[]){x, dy},
      (const char *const[]){"x", "dy"}, 2));
  CLCONV_FORWARD_IF_ERROR(clconv__corr2d_check_output(ctx, fn, &g, dy, "dy"));
  CLCONV_RETURN_IF(ctx, accumulate != 0 && accumulate != 1,
                   CLCONV_STATUS_INVALID_ARGUMENT,
                   "%s: accumulate must be 0 or 1, got %d", fn, accumulate);
  /* An empty batch sums nothing: dW is 0, or keeps what it held. */
  if (dy->count == 0)
    return accumulate ? CLCONV_STATUS_OK : clconv__tensor_zero(dw);

  if (ctx->is_reference) {
    const grad_args args = {&g, x->host, dy->host, accumulate ? dw->host : NULL,
                            0,  NULL,    NULL};
    reference_elements(dw, weight_element, &args);
    return CLCONV_STATUS_OK;
  }
  /* Verify mode, and a self-check to come, keep the gradient the device
   * adds to. */
  if (accumulate && (ctx->verify || clconv__self_check_pending(
                                        ctx, CLCONV_PASS_BACKWARD_WEIGHT, &g)))
    CLCONV_FORWARD_IF_ERROR(clconv__tensor_download(dw, &old));
  status = clconv__cl_corr2d_bwd_weight(ctx, &g, x, dy, dw, accumulate);
  if (status == CLCONV_STATUS_OK && ctx->verify) {
    status = verify_weight(ctx, fn, &g, x, dy, dw, old);
  } else if (status == CLCONV_STATUS_OK && (!accumulate || old != NULL)) {
    const weight_ops ops = {fn, &g, x, dy, dw, old, accumulate};
    status = clconv__self_check(ctx, fn, CLCONV_PASS_BACKWARD_WEIGHT, &g,
                                weight_compare, weight_rerun, &ops);
  }
  clconv__alloc_free(old);
  return status;
}

/* db on the reference backend, from the tensors' host storage. */
static clconv_status reference_bias(clconv_context *ctx, const char *fn,
                                    const clconv__corr2d_geom *g,
                                    const clconv_tensor *dy, clconv_tensor *db,
                                    int accumulate) {
  double *ref = NULL;
  CLCONV_FORWARD_IF_ERROR(
      clconv__verify_alloc_ref(ctx, fn, db->count, &ref, NULL));
  clconv__ref_corr2d_bwd_bias(g, dy->host, accumulate ? db->host : NULL, ref,
                              NULL);
  store(db, ref);
  clconv__alloc_free(ref);
  return CLCONV_STATUS_OK;
}

/* Compares the device's db with the reference; @p old as for dW. */
static clconv_status verify_bias(clconv_context *ctx, const char *fn,
                                 const clconv__corr2d_geom *g,
                                 const clconv_tensor *dy,
                                 const clconv_tensor *db, const float *old) {
  const double terms = (double)(g->n * g->hout * g->wout);
  host_copies h = {0};
  clconv_status status;
  clconv__verify_begin(ctx);
  if ((status = clconv__tensor_download(dy, &h.a)) == CLCONV_STATUS_OK &&
      (status = clconv__verify_alloc_ref(ctx, fn, db->count, &h.ref, &h.mag)) ==
          CLCONV_STATUS_OK) {
    clconv__ref_corr2d_bwd_bias(g, h.a, old, h.ref, h.mag);
    status = clconv__verify_tensor(
        ctx, fn, "db", db, h.ref, h.mag, terms + (old != NULL),
        clconv__compare_exact_inputs(h.a, dy->count, &one, 1, old,
                                     old != NULL ? db->count : 0, terms));
  }
  host_copies_free(&h);
  return status;
}

clconv_status clconv_corr2d_backward_bias(clconv_context *ctx,
                                          const clconv_tensor *dy,
                                          clconv_tensor *db, int accumulate) {
  static const char *fn = "clconv_corr2d_backward_bias";
  clconv__corr2d_geom g;
  float *old = NULL;
  clconv_status status;
  CLCONV_FORWARD_IF_ERROR(clconv__context_enter(ctx, fn));
  CLCONV_FORWARD_IF_ERROR(clconv__tensor_check(ctx, dy, 4, fn, "dy"));
  CLCONV_FORWARD_IF_ERROR(clconv__tensor_check(ctx, db, 1, fn, "db"));
  CLCONV_FORWARD_IF_ERROR(clconv__tensor_check_distinct(
      ctx, fn, db, "db", (const clconv_tensor *const[]){dy},
      (const char *const[]){"dy"}, 1));
  CLCONV_RETURN_IF(ctx, db->dims[0] != dy->dims[1],
                   CLCONV_STATUS_SHAPE_MISMATCH,
                   "%s: db has %lld elements but dy has %lld channels", fn,
                   (long long)db->dims[0], (long long)dy->dims[1]);
  CLCONV_RETURN_IF(ctx, accumulate != 0 && accumulate != 1,
                   CLCONV_STATUS_INVALID_ARGUMENT,
                   "%s: accumulate must be 0 or 1, got %d", fn, accumulate);
  memset(&g, 0, sizeof g);
  g.n = dy->dims[0];
  g.cout = dy->dims[1];
  g.hout = dy->dims[2];
  g.wout = dy->dims[3];
  /* An empty batch sums nothing: db is 0, or keeps what it held. */
  if (db->count == 0 || dy->count == 0)
    return accumulate || db->count == 0 ? CLCONV_STATUS_OK
                                        : clconv__tensor_zero(db);

  if (ctx->is_reference)
    return reference_bias(ctx, fn, &g, dy, db, accumulate);
  if (ctx->verify && accumulate)
    CLCONV_FORWARD_IF_ERROR(clconv__tensor_download(db, &old));
  status = clconv__cl_corr2d_bwd_bias(ctx, &g, dy, db, accumulate);
  if (status == CLCONV_STATUS_OK && ctx->verify)
    status = verify_bias(ctx, fn, &g, dy, db, old);
  clconv__alloc_free(old);
  return status;
}
