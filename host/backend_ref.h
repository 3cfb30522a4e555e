/* backend_ref.h: the reference backend: plain, obviously correct loops that
 * accumulate in double. Every op of the OpenCL backend has its twin here. */
#ifndef CLCONV_BACKEND_REF_H
#define CLCONV_BACKEND_REF_H

#include "corr2d_geometry.h"

/* Forward cross-correlation. @p b may be NULL. Each output may be NULL:
 * @p y gets the result rounded to float, @p y_exact the double sum, and
 * @p magnitude S = |b| + sum |products| for the tolerance. Input positions in
 * the padding are skipped, not multiplied by zero. */
void clconv__ref_corr2d_fwd(const clconv__corr2d_geom *g, const float *x,
                            const float *w, const float *b, float *y,
                            double *y_exact, double *magnitude);

#endif
