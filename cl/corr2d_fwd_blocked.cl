/* corr2d_fwd_blocked.cl: forward cross-correlation, register-blocked and
 * vectorized. Each work-item computes a tile of RH output rows by CV vectors
 * of VW consecutive output columns, for CB output channels: RH x CV x CB
 * floatVW accumulators. For every kernel tap it loads RH x CV input vectors
 * and broadcasts CB weights, an outer product of RH x CV x CB vector
 * multiply-adds (the "implicit GEMM" micro-kernel). The weights come packed
 * (cl/pack_weights.cl), so the CB weights of a tap lie side by side at
 * offsets known when the kernel is built. Any padding, stride, dilation and
 * groups; CB divides the output channels per group. With PADDED, x is a
 * copy with the padding and room for every tile, so loads need no checks.
 * Explicit vectors because PoCL does not vectorize plain float work across
 * work-items.
 *
 * With MASKED (the input gradient of a stride-1 correlation, computed as a
 * correlation of dY with the flipped weights, cl/flip_weights.cl), a tap
 * that falls on the padding adds nothing instead of multiplying a zero, as
 * the reference's input gradient skips outputs that do not exist: the edge
 * path drops those rows and lanes, and when some weight is not finite
 * (*nonfinite) every tile takes that path, so no infinite weight meets a
 * padding zero. The original rows and columns of x are [mask_top, mask_top +
 * mask_h) and [mask_left, mask_left + mask_w), also in a padded copy.
 * (On a larger problem the host runs the plain form instead, and redoes dX
 * with the generic kernel when *nonfinite: host/opencl/cl_corr2d_bwd_data.c.)
 *
 * With SCATTER (one stride phase of such a gradient, host/corr2d_geometry.h)
 * output (oh, ow) goes to row out_row0 + oh * out_sh and column out_col0 +
 * ow * out_sw of planes of out_h x out_w: the phase's place in dX. */

/* Build options the host must give (host/common/kernel_options.h); a missing one
 * fails the build instead of building a wrong kernel. */
#if !defined(KH) || !defined(KW) || !defined(VW) || !defined(CV) ||            \
    !defined(RH) || !defined(CB) || !defined(PADDED) || !defined(MASKED) ||    \
    !defined(SCATTER) || !defined(STRIDE_W) || !defined(CHANNELS_INNER) ||     \
    !defined(IDX_T)
#error                                                                         \
    "corr2d_fwd_blocked.cl needs -DKH, -DKW, -DVW, -DCV, -DRH, -DCB, -DPADDED, -DMASKED, -DSCATTER, -DSTRIDE_W, -DCHANNELS_INNER, -DIDX_T"
#endif

#define TILE (RH * CV) /* input vectors per tap */

#if SCATTER
/* Stores the first @p remaining lanes of @p v (all VW when remaining >= VW,
 * none when it is <= 0 or when @p row_exists is 0) at out[0], out[step],
 * out[2 step], ... */
__attribute__((always_inline)) inline void
store_strided(__global float *out, floatV v, int row_exists, int remaining,
              int step) {
  if (!row_exists || remaining <= 0)
    return;
  float s[VW];
  vstoreV(v, 0, s);
  const int count = remaining < VW ? remaining : VW;
  for (int l = 0; l < count; l++)
    out[l * step] = s[l];
}

/* Stores the accumulator of channel j, row r and vector c of the tile. */
#define STORE_TILE(j, r, c, value)                                             \
  store_strided(y +                                                            \
                    ((n * cout + co0 + (j)) * (idx_t)out_h +                   \
                     (oh0 + (r)) * out_sh + out_row0) *                        \
                        (idx_t)out_w +                                         \
                    (ow0 + (c)*VW) * out_sw + out_col0,                        \
                (value), oh0 + (r) < hout, wout - (ow0 + (c)*VW), out_sw)
#else
#define STORE_TILE(j, r, c, value)                                             \
  store_columns(yt + ((idx_t)(j)*hout + (r)) * wout + (c)*VW, (value),         \
                oh0 + (r) < hout, wout - (ow0 + (c)*VW))
#endif

__kernel void corr2d_fwd_blocked(
    __global const float *restrict x, __global const float *restrict wp,
    __global const float *restrict bias, __global float *restrict y,
    const long total, CORR2D_GEOMETRY_PARAMS, const int col_tiles,
    const int row_tiles, const int has_bias
#if MASKED
    ,
    __global const int *restrict nonfinite, const int mask_top,
    const int mask_left, const int mask_h, const int mask_w
#endif
#if SCATTER
    ,
    const int out_h, const int out_w, const int out_row0, const int out_col0,
    const int out_sh, const int out_sw
#endif
) {
  const int cb_count = cout / CB;
#if CHANNELS_INNER
  /* A 3-D range: (column tile x channel block, row tile, batch), the channel
   * block fastest, so that neighbouring work-items share their input tile
   * while it is in cache (for inputs larger than the cache). */
  const int ct = (int)(get_global_id(0) / cb_count);
  const int cbi = (int)(get_global_id(0) % cb_count);
  const int rt = (int)get_global_id(1);
  const idx_t n = (idx_t)get_global_id(2);
  if (ct >= col_tiles || rt >= row_tiles || (long)n >= total)
    return;
#else
  /* A 3-D range: (column tile, row tile, batch x channel block). */
  const int ct = (int)get_global_id(0);
  const int rt = (int)get_global_id(1);
  const idx_t z = (idx_t)get_global_id(2);
  if (ct >= col_tiles || rt >= row_tiles || (long)z >= total)
    return;
  const int cbi = (int)(z % cb_count);
  const idx_t n = z / cb_count;
#endif
  const int co0 = cbi * CB;
  const int group = co0 / cout_g;
  const int ow0 = ct * (CV * VW);
  const int oh0 = rt * RH;
#if STRIDE_W == 0
  const int sw = stride_w;
#else
  const int sw = STRIDE_W;
#endif
  const int iw0 = ow0 * sw - pad_w;

  const int bias_on = has_bias;
#if PADDED
  int interior = 1;
#else
  /* A tile is interior when every row and column it reads exists. */
  const int ih_first = oh0 * stride_h - pad_h;
  const int ih_last = (oh0 + RH - 1) * stride_h - pad_h + (KH - 1) * dil_h;
  const int iw_end =
      iw0 + ((CV - 1) * VW) * sw + (KW - 1) * dil_w + LOAD_SPAN(sw);
  int interior = ih_first >= 0 && ih_last < h && iw0 >= 0 && iw_end <= wd;
#endif
#if MASKED
  if (*nonfinite)
    interior = 0;
#endif
  __global const float *xc = x + (n * cin + (idx_t)group * cin_g) * h * wd;
  __global const float *wt = wp + (idx_t)cbi * cin_g * (KH * KW * CB);
#if !SCATTER
  __global float *yt = y + ((n * cout + co0) * hout + oh0) * (idx_t)wout + ow0;
#endif

  if (interior) {
    /* The fast path: everything unrolled, loads without checks. */
    floatV acc[TILE * CB];
#pragma unroll
    for (int i = 0; i < TILE * CB; i++)
      acc[i] = (floatV)(0.0f);
    for (int ci = 0; ci < cin_g; ci++) {
#pragma nounroll
      for (int kh = 0; kh < KH; kh++) {
        __global const float *row[RH];
#pragma unroll
        for (int r = 0; r < RH; r++)
          row[r] = xc + (idx_t)((oh0 + r) * stride_h - pad_h + kh * dil_h) * wd;
#pragma unroll
        for (int kw = 0; kw < KW; kw++) {
          floatV xv[TILE];
#pragma unroll
          for (int r = 0; r < RH; r++)
#pragma unroll
            for (int c = 0; c < CV; c++)
              xv[r * CV + c] = load_columns_inside(
                  row[r], iw0 + (c * VW) * sw + kw * dil_w, sw);
#pragma unroll
          for (int j = 0; j < CB; j++) {
            const float wv = wt[(kh * KW + kw) * CB + j];
#pragma unroll
            for (int t = 0; t < TILE; t++)
              acc[t * CB + j] += xv[t] * wv;
          }
        }
      }
      xc += (idx_t)h * wd;
      wt += KH * KW * CB;
    }
#pragma unroll
    for (int j = 0; j < CB; j++) {
      const float b = bias_on ? bias[co0 + j] : 0.0f;
#pragma unroll
      for (int r = 0; r < RH; r++)
#pragma unroll
        for (int c = 0; c < CV; c++)
          STORE_TILE(j, r, c, acc[(r * CV + c) * CB + j] + b);
    }
    return;
  }
#if !PADDED || MASKED
  /* The edge path: one vector of columns at a time, loads that check their
   * bounds (rows and columns in the padding load zeros; MASKED drops them),
   * loops kept rolled so that the kernel stays small to compile. */
#pragma nounroll
  for (int r = 0; r < RH; r++) {
#pragma nounroll
    for (int c = 0; c < CV; c++) {
      floatV acc[CB];
#pragma unroll
      for (int j = 0; j < CB; j++)
        acc[j] = (floatV)(0.0f);
      __global const float *xe = xc;
      __global const float *we = wt;
      for (int ci = 0; ci < cin_g; ci++) {
#pragma nounroll
        for (int kh = 0; kh < KH; kh++) {
          const int ih = (oh0 + r) * stride_h - pad_h + kh * dil_h;
          const int row_exists = ih >= 0 && ih < h;
#if MASKED
          if (ih - mask_top < 0 || ih - mask_top >= mask_h)
            continue;
#endif
#pragma nounroll
          for (int kw = 0; kw < KW; kw++) {
            const int col = iw0 + (c * VW) * sw + kw * dil_w;
            const floatV xv =
                row_exists ? load_columns(xe + (idx_t)ih * wd, col, wd, sw)
                           : (floatV)(0.0f);
#if MASKED
            int lane_inside[VW];
#pragma unroll
            for (int l = 0; l < VW; l++)
              lane_inside[l] = col + l * sw - mask_left >= 0 &&
                                       col + l * sw - mask_left < mask_w
                                   ? -1
                                   : 0;
            const intV inside = vloadV(0, lane_inside);
#pragma unroll
            for (int j = 0; j < CB; j++)
              acc[j] += select((floatV)(0.0f), xv * we[(kh * KW + kw) * CB + j],
                               inside);
#else
#pragma unroll
            for (int j = 0; j < CB; j++)
              acc[j] += xv * we[(kh * KW + kw) * CB + j];
#endif
          }
        }
        xe += (idx_t)h * wd;
        we += KH * KW * CB;
      }
#pragma unroll
      for (int j = 0; j < CB; j++)
        STORE_TILE(j, r, c, acc[j] + (bias_on ? bias[co0 + j] : 0.0f));
    }
  }
#endif
}
