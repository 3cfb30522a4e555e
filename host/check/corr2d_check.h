/* corr2d_check.h: the argument checks of the cross-correlation ops: the
 * parameters and tensor shapes of a problem, turned into its geometry, with
 * a message that names the bad argument. */
#ifndef CLCONV_CORR2D_CHECK_H
#define CLCONV_CORR2D_CHECK_H

#include "common/corr2d_geometry.h"
#include "core/internal.h"

/* Checks @p p, @p x (named @p x_name in messages), @p w and (when not NULL)
 * @p b, and fills @p g.
 * @return OK, INVALID_ARGUMENT, SHAPE_MISMATCH or WRONG_CONTEXT, with a
 *         message that starts with @p fn and names the bad argument. */
clconv_status clconv__corr2d_check_problem(
    clconv_context *ctx, const char *fn, const clconv_corr2d_params *p,
    const clconv_tensor *x, const char *x_name, const clconv_tensor *w,
    const clconv_tensor *b, clconv__corr2d_geom *g);

/* Checks that @p y (named @p y_name) is a tensor of @p ctx with the output
 * dims of @p g. */
clconv_status clconv__corr2d_check_output(clconv_context *ctx, const char *fn,
                                          const clconv__corr2d_geom *g,
                                          const clconv_tensor *y,
                                          const char *y_name);

/* Reads the caller's @p given (of its struct_size, over the defaults) into
 * @p out and checks padding, stride, dilation, groups and the algorithm
 * alone. */
clconv_status clconv__corr2d_check_params(clconv_context *ctx, const char *fn,
                                          const clconv_corr2d_params *given,
                                          clconv_corr2d_params *out);

/* Tests only: with @p on, every problem of @p ctx takes the kernels with
 * 64-bit indices that otherwise only problems beyond 2^31 elements reach,
 * so that they run (and run under Oclgrind) on small problems. */
void clconv__corr2d_check_test_naive_kernels(clconv_context *ctx, int on);

#endif
