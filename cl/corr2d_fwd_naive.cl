/* corr2d_fwd_naive.cl: forward cross-correlation, one work-item per output
 * element (N, Cout, Hout, Wout), any padding, stride, dilation and groups. */

/* Build options the host must give (host/common/kernel_options.h); a missing one
 * fails the build instead of building a wrong kernel. */
#if !defined(KH) || !defined(KW) || !defined(HAS_BIAS) || !defined(IDX_T)
#error "corr2d_fwd_naive.cl needs -DKH, -DKW, -DHAS_BIAS, -DIDX_T"
#endif

/* Kernel size, fixed at build time so the inner loops can be unrolled. */
/* 1: add bias[co] to every output of channel co. */
__kernel void corr2d_fwd_naive(__global const float *restrict x,
                               __global const float *restrict w,
                               __global const float *restrict bias,
                               __global float *restrict y, const long total,
                               CORR2D_GEOMETRY_PARAMS) {
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
