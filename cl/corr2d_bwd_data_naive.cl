/* corr2d_bwd_data_naive.cl: gradient of the cross-correlation with respect to
 * its input, dX = dY correlated back through W: one work-item per element of dX
 * (N, Cin, H, W). An input no window reads gets 0. */

/* Build options the host must give (host/common/kernel_options.h); a missing one
 * fails the build instead of building a wrong kernel. */
#if !defined(KH) || !defined(KW) || !defined(IDX_T)
#error "corr2d_bwd_data_naive.cl needs -DKH, -DKW, -DIDX_T"
#endif

__kernel void corr2d_bwd_data_naive(__global const float *restrict dy,
                                    __global const float *restrict w,
                                    __global float *restrict dx,
                                    const long total, CORR2D_GEOMETRY_PARAMS) {
  const idx_t gid = (idx_t)get_global_id(0);
  if ((long)gid >= total)
    return;

  /* Splits the flat index into (n, ci, ih, iw). */
  const idx_t iw = gid % wd;
  idx_t rest = gid / wd;
  const idx_t ih = rest % h;
  rest /= h;
  const idx_t ci = rest % cin;
  const idx_t n = rest / cin;
  const idx_t group = ci / cin_g;
  const idx_t ci_local = ci - group * cin_g;

  /* Sums dY[n, co, oh, ow] * W[co, ci_local, kh, kw] over every output whose
   * window placed tap (kh, kw) on this input. */
  float acc = 0.0f;
  for (int col = 0; col < cout_g; col++) {
    const idx_t co = group * cout_g + col;
    __global const float *dyc = dy + (n * cout + co) * (idx_t)hout * wout;
    __global const float *wc = w + (co * cin_g + ci_local) * (KH * KW);
    for (int kh = 0; kh < KH; kh++) {
      const idx_t th = ih + pad_h - (idx_t)kh * dil_h;
      if (th < 0 || th % stride_h != 0)
        continue;
      const idx_t oh = th / stride_h;
      if (oh >= hout)
        continue;
      for (int kw = 0; kw < KW; kw++) {
        const idx_t tw = iw + pad_w - (idx_t)kw * dil_w;
        if (tw < 0 || tw % stride_w != 0)
          continue;
        const idx_t ow = tw / stride_w;
        if (ow >= wout)
          continue;
        acc += dyc[oh * wout + ow] * wc[kh * KW + kw];
      }
    }
  }
  dx[gid] = acc;
}
