/* corr2d_cases.h: seeded random cross-correlation problems that cover what
 * the suites must: batch (with N = 0), channels, groups, 1x1 and non-square
 * kernels, a kernel equal to the padded input, padding and stride larger
 * than the kernel, dilation, odd sizes; half with small-integer data. */
#ifndef CLCONV_TEST_CORR2D_CASES_H
#define CLCONV_TEST_CORR2D_CASES_H

#include "support.h"

/* One problem: shapes, parameters and host data. */
typedef struct corr2d_case {
  int64_t x_dims[4], w_dims[4];
  clconv_corr2d_params p;
  int has_bias;
  float *x, *w, *b;
} corr2d_case;

/* Product of @p rank dims. */
size_t dims_count(const int64_t *dims, int rank);

/* Draws configuration @p i (its index picks the forced cases; even indices
 * get integer data in [-8, 8], odd ones floats in [-1, 1)). */
void random_case(test_rng *r, int i, corr2d_case *c);

/* Frees the data of @p c. */
void case_free(corr2d_case *c);

/* The output dims by the formula of docs/design.md, computed independently. */
void case_output_dims(const corr2d_case *c, int64_t y_dims[4]);

/* Prints @p c's shapes and parameters to stderr, for a failure report. */
void case_print(const corr2d_case *c);

#endif
