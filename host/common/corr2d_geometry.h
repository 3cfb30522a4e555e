/* corr2d_geometry.h: the sizes of one cross-correlation problem and what
 * follows from them alone (output size, terms per output, the stride phases
 * of the input gradient). Pure arithmetic: no context, tensor or error; the
 * checks that fill a geometry from tensors are in corr2d_check.h. */
#ifndef CLCONV_CORR2D_GEOMETRY_H
#define CLCONV_CORR2D_GEOMETRY_H

#include <stdint.h>

typedef struct clconv__corr2d_geom {
  int64_t n, cin, h, w; /* input x (N, Cin, H, W) */
  int64_t cout, kh, kw; /* weight (Cout, Cin/groups, KH, KW) */
  int64_t hout, wout;   /* output y (N, Cout, Hout, Wout) */
  int64_t groups, cin_g, cout_g;
  int64_t stride_h, stride_w, pad_h, pad_w, dil_h, dil_w;
  int has_bias;
  int needs_long_index; /* some index reaches 2^31: kernels use long */
  int algo;             /* the clconv_algo asked for (corr2d_algo.h) */
} clconv__corr2d_geom;

/* The largest index or size a kernel takes as int. */
#define CLCONV__CORR2D_INDEX_LIMIT ((int64_t)INT32_MAX)

/* Output size along one axis of an input of @p in with a kernel of @p k,
 * padding @p pad, stride @p stride and dilation @p dil (all checked >= their
 * minimum); -1 when the dilated kernel is larger than the padded input. */
int64_t clconv__corr2d_geometry_output_size(int64_t in, int64_t k, int64_t pad,
                                            int64_t stride, int64_t dil);

/* Completes @p g from its input, weight and parameter fields (n, cin, h, w,
 * cout, kh, kw, groups, strides, paddings, dilations; groups dividing both
 * channel counts): channels per group, output size and needs_long_index.
 * @return 0, or -1 when the kernel does not fit the padded input. */
int clconv__corr2d_geometry_derive(clconv__corr2d_geom *g);

/* @p g as the blocked kernels see it: a 1x1 kernel with stride 1, no
 * padding and output planes the size of the input's treats each plane as
 * one long row, so the vectors run over whole planes instead of short rows
 * (a matrix product), unless g->algo asks for DIRECT. Other problems are
 * returned unchanged. */
clconv__corr2d_geom
clconv__corr2d_geometry_flatten_pointwise(const clconv__corr2d_geom *g);

/* Number of products summed into one output element, bias excluded. */
int64_t clconv__corr2d_geometry_terms(const clconv__corr2d_geom *g);

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
int clconv__corr2d_geometry_input_grad_phase(const clconv__corr2d_geom *g,
                                             int64_t row0, int64_t col0,
                                             clconv__input_grad_phase *out);

/* Whether every stride phase of the input gradient of @p g is such a
 * correlation. */
int clconv__corr2d_geometry_input_grad_by_phases(const clconv__corr2d_geom *g);

#endif
