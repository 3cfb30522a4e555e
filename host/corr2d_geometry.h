/* corr2d_geometry.h: the checked sizes of one cross-correlation problem, as
 * both backends see it. */
#ifndef CLCONV_CORR2D_GEOMETRY_H
#define CLCONV_CORR2D_GEOMETRY_H

#include "internal.h"

typedef struct clconv__corr2d_geom {
  int64_t n, cin, h, w; /* input x (N, Cin, H, W) */
  int64_t cout, kh, kw; /* weight (Cout, Cin/groups, KH, KW) */
  int64_t hout, wout;   /* output y (N, Cout, Hout, Wout) */
  int64_t groups, cin_g, cout_g;
  int64_t stride_h, stride_w, pad_h, pad_w, dil_h, dil_w;
  int has_bias;
  int needs_long_index; /* some index reaches 2^31: kernels use long */
} clconv__corr2d_geom;

/* Checks @p p, @p x (named @p x_name in messages), @p w and (when not NULL)
 * @p b, and fills @p g.
 * @return OK, INVALID_ARGUMENT, SHAPE_MISMATCH or WRONG_CONTEXT, with a
 *         message that starts with @p fn and names the bad argument. */
clconv_status
clconv__corr2d_geometry(clconv_context *ctx, const char *fn,
                        const clconv_corr2d_params *p, const clconv_tensor *x,
                        const char *x_name, const clconv_tensor *w,
                        const clconv_tensor *b, clconv__corr2d_geom *g);

/* Checks that @p y (named @p y_name) is a tensor of @p ctx with the output
 * dims of @p g. */
clconv_status clconv__corr2d_check_output(clconv_context *ctx, const char *fn,
                                          const clconv__corr2d_geom *g,
                                          const clconv_tensor *y,
                                          const char *y_name);

/* Checks padding, stride, dilation and groups alone. */
clconv_status clconv__corr2d_check_params(clconv_context *ctx, const char *fn,
                                          const clconv_corr2d_params *p);

/* @p g as the blocked kernels see it: a 1x1 kernel with stride 1, no
 * padding and output planes the size of the input's treats each plane as
 * one long row, so the vectors run over whole planes instead of short rows.
 * Other problems are returned unchanged. */
clconv__corr2d_geom
clconv__corr2d_flatten_pointwise(const clconv__corr2d_geom *g);

/* Number of products summed into one output element, bias excluded. */
int64_t clconv__corr2d_terms(const clconv__corr2d_geom *g);

/* One stride phase of the input gradient of a problem: the elements of dX at
 * rows row0, row0 + stride_h, ... and columns col0, col0 + stride_w, ...
 * Only the taps kh = first_h + m * step_h (and likewise kw) reach them, so
 * they are a stride-1 forward correlation, @p f, of dY with those taps of
 * the weights, rotated by 180 degrees and with the channels exchanged
 * within each group (cl/flip_weights.cl), its zero padding never
 * multiplying (it stands for outputs that do not exist). */
typedef struct clconv__input_grad_phase {
  clconv__corr2d_geom f;   /* input dY, output this phase of dX */
  int64_t row0, col0;      /* the phase */
  int64_t first_h, step_h; /* the taps of the weights it uses */
  int64_t first_w, step_w;
} clconv__input_grad_phase;

/* Fills @p out with phase (@p row0, @p col0) of the input gradient of
 * @p g, row0 < stride_h, col0 < stride_w. @return 1, or 0 when the phase
 * is not such a correlation: no tap reaches it, or dY would have to start
 * before its first row or column (padding beyond the kernel's reach). */
int clconv__corr2d_input_grad_phase(const clconv__corr2d_geom *g, int64_t row0,
                                    int64_t col0,
                                    clconv__input_grad_phase *out);

/* Whether every stride phase of the input gradient of @p g is such a
 * correlation. */
int clconv__corr2d_input_grad_by_phases(const clconv__corr2d_geom *g);

#endif
