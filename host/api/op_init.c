/* op_init.c: seeded uniform initialization, bit-identical on every device. */
#include "check/verify.h"
#include "common/alloc.h"
#include "common/error.h"
#include "core/context.h"
#include "core/tensor.h"
#include "opencl/backend_opencl.h"
#include "reference/backend_ref.h"

#include <math.h>

clconv_status clconv_tensor_fill_uniform(clconv_tensor *t, float lo, float hi,
                                         uint64_t seed) {
  static const char *fn = "clconv_tensor_fill_uniform";
  clconv_context *ctx;
  float scale;
  float *expected = NULL;
  double *ref = NULL;
  clconv_status status;
  if (t == NULL)
    return CLCONV_STATUS_INVALID_ARGUMENT;
  ctx = t->ctx;
  CLCONV_FORWARD_IF_ERROR(clconv__context_enter(ctx, fn));
  CLCONV_RETURN_IF(ctx, !isfinite(lo) || !isfinite(hi) || lo > hi,
                   CLCONV_STATUS_INVALID_ARGUMENT,
                   "%s: needs finite lo <= hi, got lo %g, hi %g", fn,
                   (double)lo, (double)hi);
  scale = (float)((double)hi - (double)lo);
  CLCONV_RETURN_IF(ctx, !isfinite(scale), CLCONV_STATUS_INVALID_ARGUMENT,
                   "%s: hi - lo overflows float (lo %g, hi %g)", fn, (double)lo,
                   (double)hi);
  CLCONV_FORWARD_IF_ERROR(
      clconv__tensor_check_distinct(ctx, fn, t, "t", NULL, NULL, 0));
  if (t->count == 0)
    return CLCONV_STATUS_OK;
  if (ctx->is_reference) {
    clconv__ref_init_uniform(t->host, t->count, seed, lo, scale);
    return CLCONV_STATUS_OK;
  }
  CLCONV_FORWARD_IF_ERROR(clconv__cl_init_uniform(ctx, t, seed, lo, scale));
  if (!ctx->verify)
    return CLCONV_STATUS_OK;

  /* Verify mode: the device must give the reference's bits exactly. */
  clconv__verify_begin(ctx);
  expected = clconv__alloc(t->bytes);
  status = expected == NULL
               ? clconv__error_fail(ctx, CLCONV_STATUS_OUT_OF_HOST_MEMORY,
                                    "%s: out of host memory", fn)
               : clconv__verify_alloc_ref(ctx, fn, t->count, &ref, NULL);
  if (status == CLCONV_STATUS_OK) {
    clconv__ref_init_uniform(expected, t->count, seed, lo, scale);
    for (size_t i = 0; i < t->count; i++)
      ref[i] = (double)expected[i];
    status = clconv__verify_tensor(ctx, fn, "t", t, ref, ref, 0.0, 1);
  }
  clconv__alloc_free(ref);
  clconv__alloc_free(expected);
  return status;
}
