/* verify.c: merges comparisons into the context's verification report and
 * turns a mismatch into a status and a message. */
#include "check/verify.h"

#include "check/compare.h"
#include "common/alloc.h"
#include "common/error.h"
#include "core/tensor.h"

#include <string.h>

void clconv__verify_begin(clconv_context *ctx) {
  memset(&ctx->verify_report, 0, sizeof ctx->verify_report);
  ctx->verify_report.exact = 1;
}

/* Adds @p r to the context's report; the worst element is the one with the
 * largest error / tolerance over all outputs. */
static void merge(clconv_verify_report *into, const clconv_verify_report *r) {
  double total = (double)(into->count + r->count);
  if (r->count == 0)
    return;
  if (into->count == 0 || r->max_error_ratio > into->max_error_ratio) {
    into->worst_index = r->worst_index;
    into->worst_device = r->worst_device;
    into->worst_reference = r->worst_reference;
    into->max_error_ratio = r->max_error_ratio;
  }
  into->mean_abs_error = (into->mean_abs_error * (double)into->count +
                          r->mean_abs_error * (double)r->count) /
                         total;
  if (r->max_abs_error > into->max_abs_error)
    into->max_abs_error = r->max_abs_error;
  into->exact = into->exact && r->exact;
  into->count += r->count;
  into->mismatches += r->mismatches;
}

clconv_status clconv__verify_values(clconv_context *ctx, const char *fn,
                                    const char *what, const float *device,
                                    size_t count, const double *ref,
                                    const double *mag, double terms,
                                    int exact) {
  clconv_verify_report r;
  clconv__compare_values(device, ref, mag, terms, exact, count, &r);
  merge(&ctx->verify_report, &r);
  merge(&ctx->verify_total, &r);
  CLCONV_RETURN_IF(ctx, r.mismatches > 0, CLCONV_STATUS_VERIFY_MISMATCH,
                   "%s: %s: %zu of %zu elements differ from the reference "
                   "(%s comparison); worst at index %zu: %.9g, reference "
                   "%.9g",
                   fn, what, r.mismatches, r.count,
                   r.exact ? "exact" : "bounded", r.worst_index, r.worst_device,
                   r.worst_reference);
  return CLCONV_STATUS_OK;
}

clconv_status clconv__verify_tensor(clconv_context *ctx, const char *fn,
                                    const char *what, const clconv_tensor *t,
                                    const double *ref, const double *mag,
                                    double terms, int exact) {
  float *device = NULL;
  clconv_status status = clconv__tensor_download(t, &device);
  if (status == CLCONV_STATUS_OK)
    status = clconv__verify_values(ctx, fn, what, device, t->count, ref, mag,
                                   terms, exact);
  clconv__alloc_free(device);
  return status;
}

clconv_status clconv__verify_alloc_ref(clconv_context *ctx, const char *fn,
                                       size_t count, double **a, double **b) {
  int too_many = count > SIZE_MAX / sizeof(double);
  *a = too_many ? NULL : clconv__alloc(count * sizeof **a);
  if (b != NULL)
    *b = too_many ? NULL : clconv__alloc(count * sizeof **b);
  if (*a == NULL || (b != NULL && *b == NULL)) {
    clconv__alloc_free(*a);
    *a = NULL;
    if (b != NULL) {
      clconv__alloc_free(*b);
      *b = NULL;
    }
    return clconv__error_fail(ctx, CLCONV_STATUS_OUT_OF_HOST_MEMORY,
                              "%s: out of host memory for reference results",
                              fn);
  }
  return CLCONV_STATUS_OK;
}

clconv_status clconv__verify_elements(clconv_context *ctx, const char *fn,
                                      const char *what, const clconv_tensor *t,
                                      clconv__ref_element_fn ref,
                                      const void *args, double terms,
                                      int exact) {
  size_t n = t->count;
  float *device = NULL, *picked = NULL;
  double *ref_values = NULL, *mag = NULL;
  clconv_status status;
  if (ctx->verify_sample > 0 && ctx->verify_sample < n)
    n = ctx->verify_sample < 2 ? 2 : ctx->verify_sample;
  if ((status = clconv__tensor_download(t, &device)) != CLCONV_STATUS_OK ||
      (status = clconv__verify_alloc_ref(ctx, fn, n, &ref_values, &mag)) !=
          CLCONV_STATUS_OK)
    goto done;
  picked = clconv__alloc(n * sizeof *picked);
  if (picked == NULL) {
    status = clconv__error_fail(ctx, CLCONV_STATUS_OUT_OF_HOST_MEMORY,
                                "%s: out of host memory for verification", fn);
    goto done;
  }

  /* Element k of the sample is element k * (count - 1) / (n - 1). */
  for (size_t k = 0; k < n; k++) {
    size_t index =
        n == t->count
            ? k
            : (size_t)((double)k * (double)(t->count - 1) / (double)(n - 1));
    ref(args, (int64_t)index, &ref_values[k], &mag[k]);
    picked[k] = device[index];
  }
  status = clconv__verify_values(ctx, fn, what, picked, n, ref_values, mag,
                                 terms, exact);
done:
  clconv__alloc_free(picked);
  clconv__alloc_free(mag);
  clconv__alloc_free(ref_values);
  clconv__alloc_free(device);
  return status;
}
