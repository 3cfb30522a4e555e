/* corr2d_bwd_weight_vec.cl: gradient of the cross-correlation with respect to
 * its weight, vectorized: each work-item computes CB output channels of one
 * (ci, kh, kw) tap, summing dY * X over the batch and the output plane VW
 * columns at a time, so each input vector loaded feeds CB multiply-adds; the
 * lanes are added at the end. A tap in the padding reads a zero that
 * multiplies, as in the reference. With accumulate = 1 the sums are added to
 * what dW holds. */

#ifndef KH
#define KH 3
#endif
#ifndef KW
#define KW 3
#endif
#ifndef VW
#define VW 8
#endif
#ifndef CB
#define CB 4
#endif

__kernel void corr2d_bwd_weight_vec(
    __global const float *restrict x, __global const float *restrict dy,
    __global float *restrict dw, const long total, const int accumulate,
    const int n_batch, const int cin, const int h, const int wd,
    const int cout, const int hout, const int wout, const int cin_g,
    const int cout_g, const int stride_h, const int stride_w, const int pad_h,
    const int pad_w, const int dil_h, const int dil_w) {
  const idx_t gid = (idx_t)get_global_id(0);
  if ((long)gid >= total)
    return;

  /* Splits the flat index into (channel block, ci_local, kh, kw). */
  const int kw = (int)(gid % KW);
  idx_t rest = gid / KW;
  const int kh = (int)(rest % KH);
  rest /= KH;
  const int ci_local = (int)(rest % cin_g);
  const int co0 = (int)(rest / cin_g) * CB;
  const int ci = (co0 / cout_g) * cin_g + ci_local;
#if STRIDE_W == 0
  const int sw = stride_w;
#else
  const int sw = STRIDE_W;
#endif
  const int full_blocks = wout / VW;

  floatV acc[CB];
  float tail[CB];
#pragma unroll
  for (int j = 0; j < CB; j++) {
    acc[j] = (floatV)(0.0f);
    tail[j] = 0.0f;
  }
  for (int n = 0; n < n_batch; n++) {
    __global const float *xc = x + ((idx_t)n * cin + ci) * h * wd;
    __global const float *dyc = dy + ((idx_t)n * cout + co0) * hout * wout;
    for (int oh = 0; oh < hout; oh++) {
      const int ih = oh * stride_h - pad_h + kh * dil_h;
      const int row_inside = ih >= 0 && ih < h;
      __global const float *row = xc + (idx_t)(row_inside ? ih : 0) * wd;
      __global const float *dyr = dyc + (idx_t)oh * wout;
      /* Whole blocks of VW output columns. */
      for (int b = 0; b < full_blocks; b++) {
        const int ow0 = b * VW;
        const floatV xv =
            row_inside ? load_columns(row, ow0 * sw - pad_w + kw * dil_w, wd, sw)
                       : (floatV)(0.0f);
#pragma unroll
        for (int j = 0; j < CB; j++)
          acc[j] += vloadV(0, dyr + (idx_t)j * hout * wout + ow0) * xv;
      }
      /* The columns after the last whole block, one by one. */
      for (int ow = full_blocks * VW; ow < wout; ow++) {
        const int iw = ow * sw - pad_w + kw * dil_w;
        const float xs =
            (row_inside && iw >= 0 && iw < wd) ? row[iw] : 0.0f;
#pragma unroll
        for (int j = 0; j < CB; j++)
          tail[j] += dyr[(idx_t)j * hout * wout + ow] * xs;
      }
    }
  }

  /* Adds the lanes and stores (or adds to) dW[co0 + j, ci_local, kh, kw]. */
#pragma unroll
  for (int j = 0; j < CB; j++) {
    float v[VW];
    float sum = tail[j];
    vstoreV(acc[j], 0, v);
    for (int l = 0; l < VW; l++)
      sum += v[l];
    const idx_t at = (((idx_t)(co0 + j) * cin_g + ci_local) * KH + kh) * KW + kw;
    dw[at] = accumulate ? dw[at] + sum : sum;
  }
}
