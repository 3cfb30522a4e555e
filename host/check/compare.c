/* compare.c: device-versus-reference comparison, exact or bounded. */
#include "check/compare.h"

#include <float.h>
#include <math.h>
#include <string.h>

#define TWO_POW_24 16777216.0

double clconv__compare_tolerance(double terms, double magnitude) {
  return 2.0 * (terms + 2.0) * (magnitude / TWO_POW_24) + 1e-30;
}

static int max_abs_integer(const float *v, size_t n, double *max_abs) {
  double m = 0.0;
  for (size_t i = 0; i < n; i++) {
    double a = fabs((double)v[i]);
    if (!(a < TWO_POW_24) || a != floor(a))
      return 0;
    if (a > m)
      m = a;
  }
  *max_abs = m;
  return 1;
}

int clconv__compare_exact_inputs(const float *a, size_t na, const float *b,
                                 size_t nb, const float *c, size_t nc,
                                 double terms) {
  double ma = 0.0, mb = 0.0, mc = 0.0;
  if (!max_abs_integer(a, na, &ma) || !max_abs_integer(b, nb, &mb))
    return 0;
  if (c != NULL && !max_abs_integer(c, nc, &mc))
    return 0;
  return terms * ma * mb + mc < TWO_POW_24;
}

/* @return error / tolerance for one element: 0 for a match, > 1 outside
 * tolerance, INFINITY when the special values (NaN, infinities) disagree. */
static double element_ratio(float device, double reference, double magnitude,
                            double terms, int exact, double *abs_error) {
  double d = (double)device;
  *abs_error = 0.0;
  if (isnan(reference) || isnan(d))
    return isnan(reference) && isnan(d) ? 0.0 : INFINITY;
  if (isinf(reference) || isinf(d)) {
    if (d == reference)
      return 0.0;
    /* A float32 sum overflows or not depending on its order: where the
     * partial sums can pass FLT_MAX (their magnitude, with rounding, is
     * bounded by S), a device infinity of either sign is no error. */
    if (!exact && isinf(d) && !isinf(reference) &&
        magnitude + clconv__compare_tolerance(terms, magnitude) > FLT_MAX)
      return 0.0;
    return INFINITY;
  }
  *abs_error = fabs(d - reference);
  if (exact)
    return d == (double)(float)reference ? 0.0 : INFINITY;
  return *abs_error / clconv__compare_tolerance(terms, magnitude);
}

void clconv__compare_values(const float *device, const double *reference,
                            const double *magnitude, double terms, int exact,
                            size_t count, clconv_verify_report *report) {
  double sum_error = 0.0;
  size_t finite = 0;
  memset(report, 0, sizeof *report);
  report->exact = exact;
  report->count = count;
  report->max_error_ratio = 0.0;
  for (size_t i = 0; i < count; i++) {
    double abs_error;
    double ratio = element_ratio(device[i], reference[i], magnitude[i], terms,
                                 exact, &abs_error);
    if (isfinite(reference[i]) && isfinite((double)device[i])) {
      finite++;
      sum_error += abs_error;
      if (abs_error > report->max_abs_error)
        report->max_abs_error = abs_error;
    }
    if (ratio > 1.0 || (exact && ratio > 0.0))
      report->mismatches++;
    if (i == 0 || ratio > report->max_error_ratio) {
      report->max_error_ratio = ratio;
      report->worst_index = i;
      report->worst_device = (double)device[i];
      report->worst_reference = reference[i];
    }
  }
  report->mean_abs_error = finite > 0 ? sum_error / (double)finite : 0.0;
}
