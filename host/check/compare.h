/* compare.h: the one definition of "agrees with the reference"
 * (docs/design.md), used by verify mode, clconv_*_verify, the tool and the
 * tests. */
#ifndef CLCONV_COMPARE_H
#define CLCONV_COMPARE_H

#include "clconv.h"

#include <stddef.h>

/* The bounded tolerance for an element with @p terms products and magnitude
 * S: 2 * (terms + 2) * 2^-24 * S + 1e-30. */
double clconv__compare_tolerance(double terms, double magnitude);

/* 1 when every value is an integer and terms * max|a| * max|b| + max|c| <
 * 2^24, so any summation order is exact in float32. @p c may be NULL. */
int clconv__compare_exact_inputs(const float *a, size_t na, const float *b,
                                 size_t nb, const float *c, size_t nc,
                                 double terms);

/* Compares @p device with @p reference element by element: exactly when
 * @p exact, else within clconv__compare_tolerance(terms, magnitude[i]). NaN
 * must meet NaN and an infinity the same infinity, except that a device
 * infinity is accepted where the float32 partial sums can overflow
 * (magnitude[i] plus its tolerance beyond FLT_MAX), since whether they do
 * depends on the summation order. Fills @p report. */
void clconv__compare_values(const float *device, const double *reference,
                            const double *magnitude, double terms, int exact,
                            size_t count, clconv_verify_report *report);

#endif
