/* corr2d_fwd_vec.cl: forward cross-correlation, register-blocked and
 * vectorized: each work-item computes VW consecutive output columns (one
 * floatVW vector) of CB output channels of one output row, so each input
 * vector loaded feeds CB vector multiply-adds. Any padding, stride, dilation
 * and groups; CB divides the output channels per group. Explicit vectors
 * because PoCL does not vectorize plain float work across work-items. */

#ifndef KH
#define KH 3
#endif
#ifndef KW
#define KW 3
#endif
#ifndef VW /* output columns per work-item: 4, 8 or 16 */
#define VW 8
#endif
#ifndef CB /* output channels per work-item */
#define CB 4
#endif

__kernel void
corr2d_fwd_vec(__global const float *restrict x,
               __global const float *restrict w,
               __global const float *restrict bias, __global float *restrict y,
               const long total, const int cin, const int h, const int wd,
               const int cout, const int hout, const int wout, const int cin_g,
               const int cout_g, const int stride_h, const int stride_w,
               const int pad_h, const int pad_w, const int dil_h,
               const int dil_w, const int col_blocks, const int has_bias) {
  /* A 3-D range: (column block, output row, batch x channel block). */
  const int wb = (int)get_global_id(0);
  const int oh = (int)get_global_id(1);
  const idx_t z = (idx_t)get_global_id(2);
  const int cb_count = cout / CB;
  if (wb >= col_blocks || oh >= hout || (long)z >= total)
    return;
  const int co0 = (int)(z % cb_count) * CB;
  const idx_t n = z / cb_count;
  const int group = co0 / cout_g;
  const int ow0 = wb * VW;
#if STRIDE_W == 0
  const int sw = stride_w;
#else
  const int sw = STRIDE_W;
#endif
  const int iw0 = ow0 * sw - pad_w;
  const int ih0 = oh * stride_h - pad_h;

  /* Accumulates CB vectors over the group's channels and the kernel taps;
   * rows in the padding load zeros, which multiply like any value. */
  floatV acc[CB];
#pragma unroll
  for (int j = 0; j < CB; j++)
    acc[j] = (floatV)(0.0f);
  __global const float *xc = x + (n * cin + (idx_t)group * cin_g) * h * wd;
  __global const float *wc = w + (idx_t)co0 * cin_g * (KH * KW);
  const idx_t w_step = (idx_t)cin_g * (KH * KW);
  for (int ci = 0; ci < cin_g; ci++) {
#pragma unroll
    for (int kh = 0; kh < KH; kh++) {
      const int ih = ih0 + kh * dil_h;
      const int row_inside = ih >= 0 && ih < h;
      __global const float *row = xc + (idx_t)(row_inside ? ih : 0) * wd;
#pragma unroll
      for (int kw = 0; kw < KW; kw++) {
        const floatV xv = row_inside
                              ? load_columns(row, iw0 + kw * dil_w, wd, sw)
                              : (floatV)(0.0f);
#pragma unroll
        for (int j = 0; j < CB; j++)
          acc[j] += xv * wc[j * w_step + kh * KW + kw];
      }
    }
    xc += (idx_t)h * wd;
    wc += KH * KW;
  }

  /* Adds the bias and stores the columns that exist. */
#pragma unroll
  for (int j = 0; j < CB; j++) {
    if (has_bias)
      acc[j] += bias[co0 + j];
    __global float *out =
        y + ((n * cout + co0 + j) * hout + oh) * (idx_t)wout + ow0;
    if (ow0 + VW <= wout) {
      vstoreV(acc[j], 0, out);
    } else {
      float v[VW];
      vstoreV(acc[j], 0, v);
      for (int l = 0; l < wout - ow0; l++)
        out[l] = v[l];
    }
  }
}
