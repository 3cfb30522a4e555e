/* corr2d_bwd_data_vec.cl: gradient of the cross-correlation with respect to
 * its input, vectorized: each work-item computes VW consecutive columns of
 * dX for CB input channels of one row, so each dY vector loaded feeds CB
 * multiply-adds. Only outputs that exist contribute: where a lane's tap has
 * no output (the padding, or between strided outputs) its product is
 * dropped with select, so even an infinite weight adds nothing there, as in
 * the reference. */

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
#ifndef STRIDE_W /* 1: contiguous dY loads inside the row; 0: any stride */
#define STRIDE_W 1
#endif

#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define floatV CAT(float, VW)
#define intV CAT(int, VW)
#define vloadV CAT(vload, VW)
#define vstoreV CAT(vstore, VW)

__kernel void corr2d_bwd_data_vec(
    __global const float *restrict dy, __global const float *restrict w,
    __global float *restrict dx, const long total, const int cin, const int h,
    const int wd, const int cout, const int hout, const int wout,
    const int cin_g, const int cout_g, const int stride_h, const int stride_w,
    const int pad_h, const int pad_w, const int dil_h, const int dil_w,
    const int col_blocks) {
  const idx_t gid = (idx_t)get_global_id(0);
  if ((long)gid >= total)
    return;

  /* Splits the flat index into (n, channel block, ih, column block). */
  const int cb_count = cin / CB;
  const int iw0 = (int)(gid % col_blocks) * VW;
  idx_t rest = gid / col_blocks;
  const int ih = (int)(rest % h);
  rest /= h;
  const int ci0 = (int)(rest % cb_count) * CB;
  const idx_t n = rest / cb_count;
  const int group = ci0 / cin_g;
  const int ci_local0 = ci0 - group * cin_g;

  floatV acc[CB];
#pragma unroll
  for (int j = 0; j < CB; j++)
    acc[j] = (floatV)(0.0f);
  for (int col = 0; col < cout_g; col++) {
    const int co = group * cout_g + col;
    __global const float *dyc = dy + (n * cout + co) * (idx_t)hout * wout;
    __global const float *wc = w + ((idx_t)co * cin_g + ci_local0) * (KH * KW);
#pragma unroll
    for (int kh = 0; kh < KH; kh++) {
      const int th = ih + pad_h - kh * dil_h;
      if (th < 0 || th % stride_h != 0 || th / stride_h >= hout)
        continue;
      __global const float *dyr = dyc + (idx_t)(th / stride_h) * wout;
#pragma unroll
      for (int kw = 0; kw < KW; kw++) {
        const int tw0 = iw0 + pad_w - kw * dil_w; /* tap column of lane 0 */
        floatV dv;
        intV valid;
#if STRIDE_W == 1
        if (tw0 >= 0 && tw0 + VW <= wout) {
          dv = vloadV(0, dyr + tw0);
#pragma unroll
          for (int j = 0; j < CB; j++)
            acc[j] += dv * wc[j * (KH * KW) + kh * KW + kw];
          continue;
        }
#endif
        /* Lane by lane: which lanes have an output, and its dY. */
        {
          float d[VW];
          int m[VW];
#pragma unroll
          for (int l = 0; l < VW; l++) {
            const int tw = tw0 + l;
            const int ok =
                tw >= 0 && tw % stride_w == 0 && tw / stride_w < wout;
            d[l] = ok ? dyr[tw / stride_w] : 0.0f;
            m[l] = ok ? -1 : 0;
          }
          dv = vloadV(0, d);
          valid = CAT(vload, VW)(0, m);
        }
#pragma unroll
        for (int j = 0; j < CB; j++)
          acc[j] += select((floatV)(0.0f),
                           dv * wc[j * (KH * KW) + kh * KW + kw], valid);
      }
    }
  }

  /* Stores the columns that exist. */
#pragma unroll
  for (int j = 0; j < CB; j++) {
    __global float *out = dx + ((n * cin + ci0 + j) * h + ih) * (idx_t)wd + iw0;
    if (iw0 + VW <= wd) {
      vstoreV(acc[j], 0, out);
    } else {
      float v[VW];
      vstoreV(acc[j], 0, v);
      for (int l = 0; l < wd - iw0; l++)
        out[l] = v[l];
    }
  }
}
