/* verify.h: verification of device results against the reference backend,
 * shared by every op's verify mode (CLCONV_VERIFY=1 or options.verify). Ops
 * that change their inputs take host snapshots before they run. */
#ifndef CLCONV_VERIFY_H
#define CLCONV_VERIFY_H

#include "core/internal.h"

/* Starts a verification: clears the context's report. */
void clconv__verify_begin(clconv_context *ctx);

/* Compares device values with the reference (@p ref, with magnitudes @p mag
 * for the bound), merges the result into the context's report, and fails
 * with VERIFY_MISMATCH naming @p what when any element is off. */
clconv_status clconv__verify_values(clconv_context *ctx, const char *fn,
                                    const char *what, const float *device,
                                    size_t count, const double *ref,
                                    const double *mag, double terms, int exact);

/* The same for a tensor's contents, read back from the device. */
clconv_status clconv__verify_tensor(clconv_context *ctx, const char *fn,
                                    const char *what, const clconv_tensor *t,
                                    const double *ref, const double *mag,
                                    double terms, int exact);

/* Computes the reference of one element (flat @p index) of an op's output
 * from @p args; the sum and its magnitude S go to the last two. */
typedef void (*clconv__ref_element_fn)(const void *args, int64_t index,
                                       double *sum, double *magnitude);

/* Verifies tensor @p t element by element against @p ref: every element, or
 * when the context's verify_sample is smaller than the count, that many
 * spread evenly over the tensor (always including the first and last). */
clconv_status clconv__verify_elements(clconv_context *ctx, const char *fn,
                                      const char *what, const clconv_tensor *t,
                                      clconv__ref_element_fn ref,
                                      const void *args, double terms,
                                      int exact);

/* Allocates @p count doubles for reference results in *a and, unless @p b
 * is NULL, their magnitudes in *b; fails with a message, leaving them NULL. */
clconv_status clconv__verify_alloc_ref(clconv_context *ctx, const char *fn,
                                       size_t count, double **a, double **b);

#endif
