/* winograd.cl: the three transforms of Winograd's minimal filtering
 * F(MxM, 3x3) for a stride-1, undilated 3x3 cross-correlation (Lavin and
 * Gray, "Fast Algorithms for Convolutional Neural Networks", 2016):
 *   y_tile = AT [ (G g GT) .* (BT d B) ] A
 * with d an ALPHA x ALPHA input tile (ALPHA = M + 2), g a 3x3 filter and
 * y_tile the M x M outputs. The host transforms the input (winograd_input)
 * and the weights (winograd_weights), multiplies the ALPHA^2 transformed
 * planes as matrices (the blocked kernel as a grouped 1x1 correlation) and
 * transforms back (winograd_output); winograd_fixup computes again directly
 * a tile whose products are not all finite, so that infinities and NaN land
 * where direct summation puts them. docs/design.md derives the error bound.
 *
 * Layouts, with T tiles (N x tiles_h x tiles_w, rounded up to tiles_pad):
 *   v (ALPHA^2, Cin, tiles_pad), u (ALPHA^2, Cout, Cin/groups),
 *   m (ALPHA^2, Cout, tiles_pad). */

#if !defined(WINO_M) || !defined(HAS_BIAS) || !defined(MASKED)
#error "winograd.cl needs -DWINO_M, -DHAS_BIAS, -DMASKED"
#endif

#if WINO_M == 2
#define ALPHA 4
/* Interpolation points 0, 1, -1 and infinity. */
__constant float BT[4][4] = {
    {1, 0, -1, 0}, {0, 1, 1, 0}, {0, -1, 1, 0}, {0, 1, 0, -1}};
__constant float G[4][3] = {
    {1, 0, 0}, {0.5f, 0.5f, 0.5f}, {0.5f, -0.5f, 0.5f}, {0, 0, 1}};
__constant float AT[2][4] = {{1, 1, 1, 0}, {0, 1, -1, -1}};
#elif WINO_M == 4
#define ALPHA 6
/* Interpolation points 0, 1, -1, 2, -2 and infinity. */
__constant float BT[6][6] = {{4, 0, -5, 0, 1, 0},  {0, -4, -4, 1, 1, 0},
                             {0, 4, -4, -1, 1, 0}, {0, -2, -1, 2, 1, 0},
                             {0, 2, -1, -2, 1, 0}, {0, 4, 0, -5, 0, 1}};
__constant float G[6][3] = {{1.0f / 4, 0, 0},
                            {-1.0f / 6, -1.0f / 6, -1.0f / 6},
                            {-1.0f / 6, 1.0f / 6, -1.0f / 6},
                            {1.0f / 24, 1.0f / 12, 1.0f / 6},
                            {1.0f / 24, -1.0f / 12, 1.0f / 6},
                            {0, 0, 1}};
__constant float AT[4][6] = {{1, 1, 1, 1, 1, 0},
                             {0, 1, -1, 2, -2, 0},
                             {0, 1, 1, 4, 4, 0},
                             {0, 1, -1, 8, -8, 1}};
#else
#error "winograd.cl: WINO_M must be 2 or 4"
#endif

/* The loops below are unrolled, so each matrix entry is a constant: a zero
 * entry's term is left out (the tests on non-finite data route such tiles
 * to the direct path anyway) and a unit one costs no multiplication. */
#define TERM(acc, coef, value)                                                 \
  do {                                                                         \
    if ((coef) == 1.0f)                                                        \
      acc += (value);                                                          \
    else if ((coef) == -1.0f)                                                  \
      acc -= (value);                                                          \
    else if ((coef) != 0.0f)                                                   \
      acc += (coef) * (value);                                                 \
  } while (0)

/* out (R x C) = M (R x K) in (K x C), M one of the constant matrices. */
#define LEFT_PRODUCT(out, M, in, R, C, K)                                      \
  _Pragma("unroll") for (int i_ = 0; i_ < (R); i_++)                           \
      _Pragma("unroll") for (int j_ = 0; j_ < (C); j_++) {                     \
    float acc_ = 0.0f;                                                         \
    _Pragma("unroll") for (int k_ = 0; k_ < (K); k_++)                         \
        TERM(acc_, M[i_][k_], in[k_][j_]);                                     \
    out[i_][j_] = acc_;                                                        \
  }

/* out (R x C) = in (R x K) times the transpose of M (C x K). */
#define RIGHT_PRODUCT_T(out, in, M, R, C, K)                                   \
  _Pragma("unroll") for (int i_ = 0; i_ < (R); i_++)                           \
      _Pragma("unroll") for (int j_ = 0; j_ < (C); j_++) {                     \
    float acc_ = 0.0f;                                                         \
    _Pragma("unroll") for (int k_ = 0; k_ < (K); k_++)                         \
        TERM(acc_, M[j_][k_], in[i_][k_]);                                     \
    out[i_][j_] = acc_;                                                        \
  }

/* Splits tile index @p t into its image and top-left output. */
#define TILE_ORIGIN(t)                                                         \
  const int tn = (t) / (tiles_h * tiles_w);                                    \
  const int tr = (t) % (tiles_h * tiles_w);                                    \
  const int oh0 = (tr / tiles_w) * WINO_M;                                     \
  const int ow0 = (tr % tiles_w) * WINO_M

/* v[xi][c][t] = (BT d B)[xi] for input channel c = get_global_id(1) and
 * tile t = get_global_id(0); tiles past the last (up to tiles_pad) get 0. */
__kernel void winograd_input(__global const float *restrict x,
                             __global float *restrict v, const int cin,
                             const int h, const int wd, const int pad_h,
                             const int pad_w, const int tiles_h,
                             const int tiles_w, const int tiles,
                             const int tiles_pad) {
  const int t = (int)get_global_id(0);
  const int c = (int)get_global_id(1);
  if (t >= tiles_pad || c >= cin)
    return;
  float d[ALPHA][ALPHA];
  if (t < tiles) {
    TILE_ORIGIN(t);
    __global const float *plane = x + ((size_t)tn * cin + c) * h * wd;
#pragma unroll
    for (int i = 0; i < ALPHA; i++) {
      const int ih = oh0 - pad_h + i;
#pragma unroll
      for (int j = 0; j < ALPHA; j++) {
        const int iw = ow0 - pad_w + j;
        d[i][j] = (ih >= 0 && ih < h && iw >= 0 && iw < wd)
                      ? plane[(size_t)ih * wd + iw]
                      : 0.0f;
      }
    }
  } else {
#pragma unroll
    for (int i = 0; i < ALPHA; i++)
#pragma unroll
      for (int j = 0; j < ALPHA; j++)
        d[i][j] = 0.0f;
  }

  /* Rows (BT d), then columns ((BT d) B). */
  float r[ALPHA][ALPHA], e[ALPHA][ALPHA];
  LEFT_PRODUCT(r, BT, d, ALPHA, ALPHA, ALPHA)
  RIGHT_PRODUCT_T(e, r, BT, ALPHA, ALPHA, ALPHA)
  const size_t plane_stride = (size_t)cin * tiles_pad;
  __global float *out = v + (size_t)c * tiles_pad + t;
#pragma unroll
  for (int i = 0; i < ALPHA; i++)
#pragma unroll
    for (int j = 0; j < ALPHA; j++)
      out[(i * ALPHA + j) * plane_stride] = e[i][j];
}

/* u[xi][co][ci] = (G g GT)[xi] for the filter of output channel co and its
 * group's input channel ci, item co * cin_g + ci. */
__kernel void winograd_weights(__global const float *restrict w,
                               __global float *restrict u, const int filters) {
  const int f = (int)get_global_id(0);
  if (f >= filters)
    return;
  float g[3][3], r[ALPHA][3], e[ALPHA][ALPHA];
#pragma unroll
  for (int i = 0; i < 9; i++)
    g[i / 3][i % 3] = w[(size_t)f * 9 + i];
  LEFT_PRODUCT(r, G, g, ALPHA, 3, 3)
  RIGHT_PRODUCT_T(e, r, G, ALPHA, ALPHA, 3)
#pragma unroll
  for (int i = 0; i < ALPHA; i++)
#pragma unroll
    for (int j = 0; j < ALPHA; j++)
      u[(size_t)(i * ALPHA + j) * filters + f] = e[i][j];
}

/* Output (n, co, oh, ow) of the correlation computed directly, as
 * corr2d_fwd_naive does: the padding a zero that multiplies, or with
 * MASKED (an input gradient, whose padding stands for outputs that do not
 * exist) a tap that is left out. (No restrict here: inlined, it would
 * give LLVM noalias-scope declarations that Oclgrind 21.10 cannot run.) */
static float direct_output(__global const float *x, __global const float *w,
                           const int n, const int co, const int oh,
                           const int ow, const int cin, const int h,
                           const int wd, const int cin_g, const int cout_g,
                           const int pad_h, const int pad_w) {
  const int group = co / cout_g;
  __global const float *xc = x + ((size_t)n * cin + group * cin_g) * h * wd;
  __global const float *wc = w + (size_t)co * cin_g * 9;
  float acc = 0.0f;
  for (int ci = 0; ci < cin_g; ci++) {
    for (int kh = 0; kh < 3; kh++) {
      const int ih = oh - pad_h + kh;
      for (int kw = 0; kw < 3; kw++) {
        const int iw = ow - pad_w + kw;
        const int inside = ih >= 0 && ih < h && iw >= 0 && iw < wd;
#if MASKED
        if (inside)
          acc += xc[(size_t)ih * wd + iw] * wc[kh * 3 + kw];
#else
        acc += (inside ? xc[(size_t)ih * wd + iw] : 0.0f) * wc[kh * 3 + kw];
#endif
      }
    }
    xc += (size_t)h * wd;
    wc += 9;
  }
  return acc;
}

/* The ALPHA^2 products of tile @p t for output channel @p co, into @p p. */
__attribute__((always_inline)) inline void
load_products(__global const float *m, const int co, const int t,
              const int cout, const int tiles_pad, float p[ALPHA][ALPHA]) {
  const size_t plane_stride = (size_t)cout * tiles_pad;
  __global const float *in = m + (size_t)co * tiles_pad + t;
#pragma unroll
  for (int i = 0; i < ALPHA; i++)
#pragma unroll
    for (int j = 0; j < ALPHA; j++)
      p[i][j] = in[(i * ALPHA + j) * plane_stride];
}

/* y's M x M outputs of tile t = get_global_id(0) for output channel
 * co = get_global_id(1): AT m A plus the bias. A tile with a product or an
 * output that is not finite sets *nonfinite, for winograd_fixup. */
__kernel void winograd_output(__global const float *restrict m,
                              __global const float *restrict bias,
                              __global float *restrict y,
                              __global int *restrict nonfinite,
                              const int tiles_h, const int tiles_w,
                              const int tiles, const int tiles_pad,
                              const int cout, const int hout, const int wout) {
  const int t = (int)get_global_id(0);
  const int co = (int)get_global_id(1);
  if (t >= tiles || co >= cout)
    return;
  TILE_ORIGIN(t);
  float p[ALPHA][ALPHA];
  load_products(m, co, t, cout, tiles_pad, p);

  /* Rows (AT p), then columns ((AT p) A). */
  float r[WINO_M][ALPHA], e[WINO_M][WINO_M];
  LEFT_PRODUCT(r, AT, p, WINO_M, ALPHA, ALPHA)
  RIGHT_PRODUCT_T(e, r, AT, WINO_M, WINO_M, ALPHA)
#if HAS_BIAS
  const float b = bias[co];
#else
  const float b = 0.0f;
#endif
  __global float *plane = y + ((size_t)tn * cout + co) * hout * wout;
  /* A non-finite product makes every output of the tile that uses it
   * non-finite (AT has no zero column), so checking the outputs suffices
   * for the outputs that exist; a tile cut by the edge checks them all. */
  int any_not_finite = 0;
#pragma unroll
  for (int i = 0; i < WINO_M; i++) {
#pragma unroll
    for (int j = 0; j < WINO_M; j++) {
      const float acc = e[i][j] + b;
      any_not_finite |= not_finite(acc);
      const int oh = oh0 + i, ow = ow0 + j;
      if (oh < hout && ow < wout)
        plane[(size_t)oh * wout + ow] = acc;
    }
  }
  if (any_not_finite)
    *nonfinite = 1;
}

/* After winograd_output: returns at once unless *nonfinite; then computes
 * again, directly from x and w, every output of a tile whose products or
 * outputs are not all finite, so that infinities and NaN land where direct
 * summation puts them. One work-item per tile and output channel. */
__kernel void winograd_fixup(
    __global const float *restrict m, __global const float *restrict bias,
    __global float *restrict y, __global const int *restrict nonfinite,
    __global const float *restrict x, __global const float *restrict w,
    const int tiles_h, const int tiles_w, const int tiles, const int tiles_pad,
    CORR2D_GEOMETRY_PARAMS) {
  if (*nonfinite == 0)
    return;
  const int t = (int)get_global_id(0);
  const int co = (int)get_global_id(1);
  if (t >= tiles || co >= cout)
    return;
  TILE_ORIGIN(t);
  float p[ALPHA][ALPHA];
  int finite = 1;
  load_products(m, co, t, cout, tiles_pad, p);
  for (int k = 0; k < ALPHA * ALPHA; k++)
    finite &= !not_finite(p[k / ALPHA][k % ALPHA]);
#if HAS_BIAS
  const float b = bias[co];
#else
  const float b = 0.0f;
#endif
  __global float *plane = y + ((size_t)tn * cout + co) * hout * wout;
  for (int i = 0; i < WINO_M; i++) {
    for (int j = 0; j < WINO_M; j++) {
      const int oh = oh0 + i, ow = ow0 + j;
      if (oh >= hout || ow >= wout)
        continue;
      if (!finite || not_finite(plane[(size_t)oh * wout + ow]))
        plane[(size_t)oh * wout + ow] =
            direct_output(x, w, tn, co, oh, ow, cin, h, wd, cin_g, cout_g,
                          pad_h, pad_w) +
            b;
    }
  }
}
