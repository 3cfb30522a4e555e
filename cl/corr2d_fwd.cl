/* corr2d_fwd.cl: forward cross-correlation, one work-item per output element
 * (N, Cout, Hout, Wout), any padding, stride, dilation and groups. */

/* Kernel size, fixed at build time so the inner loops can be unrolled. */
#ifndef KH
#define KH 3
#endif
#ifndef KW
#define KW 3
#endif
/* 1: add bias[co] to every output of channel co. */
#ifndef HAS_BIAS
#define HAS_BIAS 1
#endif

__kernel void corr2d_fwd(__global const float *restrict x,
                         __global const float *restrict w,
                         __global const float *restrict bias,
                         __global float *restrict y, const long total,
                         const int cin, const int h, const int wd,
                         const int cout, const int hout, const int wout,
                         const int cin_g, const int cout_g, const int stride_h,
                         const int stride_w, const int pad_h, const int pad_w,
                         const int dil_h, const int dil_w) {
  const idx_t gid = (idx_t)get_global_id(0);
  if ((long)gid >= total)
    return;

  /* Splits the flat index into (n, co, oh, ow). */
  const idx_t ow = gid % wout;
  idx_t rest = gid / wout;
  const idx_t oh = rest % hout;
  rest /= hout;
  const idx_t co = rest % cout;
  const idx_t n = rest / cout;
  const idx_t group = co / cout_g;
  const idx_t ih0 = oh * stride_h - pad_h;
  const idx_t iw0 = ow * stride_w - pad_w;

  /* Sums the window over the group's input channels; the padding is a zero
   * that multiplies (0 * Inf is NaN, as in PyTorch). */
  __global const float *xc = x + (n * cin + group * cin_g) * (idx_t)h * wd;
  __global const float *wc = w + co * (idx_t)cin_g * (KH * KW);
  float acc = 0.0f;
  for (int ci = 0; ci < cin_g; ci++) {
    for (int kh = 0; kh < KH; kh++) {
      const idx_t ih = ih0 + (idx_t)kh * dil_h;
      for (int kw = 0; kw < KW; kw++) {
        const idx_t iw = iw0 + (idx_t)kw * dil_w;
        const float xv =
            (ih >= 0 && ih < h && iw >= 0 && iw < wd) ? xc[ih * wd + iw] : 0.0f;
        acc += xv * wc[kh * KW + kw];
      }
    }
    xc += (idx_t)h * wd;
    wc += KH * KW;
  }
#if HAS_BIAS
  acc += bias[co];
#endif
  y[gid] = acc;
}
