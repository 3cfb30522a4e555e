/* winograd_bound.h: what verification needs to hold a Winograd result to its
 * error bound (docs/design.md, "Algorithms"): the magnitude that bounds its
 * rounding, computed in double, and the input gradient's flipped weights. */
#ifndef CLCONV_WINOGRAD_BOUND_H
#define CLCONV_WINOGRAD_BOUND_H

#include "common/corr2d_geometry.h"

/* The m of Winograd F(m x m, 3x3) for clconv_algo @p algo: 2, 4, or 0 when
 * @p algo is not a Winograd one. */
int clconv__winograd_bound_m(int algo);

/* Rounding steps beyond the direct count K that the bound of F(m x m, 3x3)
 * allows: 2 * (K + 2 + extra) * 2^-24 * S_W. */
int clconv__winograd_bound_extra_terms(int m);

/* S_W of output element @p index of the forward of @p g (3x3, stride 1)
 * computed by F(@p m x @p m, 3x3): |b| plus, over the group's channels,
 * |AT| ((|G| |g| |GT|) .* (|BT| |d| |B|)) |A| at the element's place in its
 * tile, with d the input tile (zero outside x) and g the filter. */
double clconv__winograd_bound_magnitude(const clconv__corr2d_geom *g, int m,
                                        const float *x, const float *w,
                                        const float *b, int64_t index);

/* The weights of the correlation that computes the input gradient of the
 * stride-1 problem @p g: (Cin, Cout/groups, KH, KW), the channels exchanged
 * within each group and every filter rotated by 180 degrees, into @p out. */
void clconv__winograd_bound_flip(const clconv__corr2d_geom *g, const float *w,
                                 float *out);

/* The geometry of that correlation: input dY, output dX, padding
 * KH - 1 - pad_h (likewise for the width). */
clconv__corr2d_geom
clconv__winograd_bound_input_grad_geometry(const clconv__corr2d_geom *g);

#endif
