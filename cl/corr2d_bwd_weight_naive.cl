/* corr2d_bwd_weight_naive.cl: gradient of the cross-correlation with respect to
 * its weight: one work-item per element of dW (Cout, Cin/groups, KH, KW),
 * summing dY * X over the batch and every output position whose tap reads
 * inside X. With accumulate = 1 the sum is added to what dW holds. */

/* Build options the host must give (host/common/kernel_options.h); a missing one
 * fails the build instead of building a wrong kernel. */
#if !defined(KH) || !defined(KW) || !defined(IDX_T)
#error "corr2d_bwd_weight_naive.cl needs -DKH, -DKW, -DIDX_T"
#endif

__kernel void corr2d_bwd_weight_naive(__global const float *restrict x,
                                      __global const float *restrict dy,
                                      __global float *restrict dw,
                                      const long total, const int accumulate,
                                      const int n_batch,
                                      CORR2D_GEOMETRY_PARAMS) {
  const idx_t gid = (idx_t)get_global_id(0);
  if ((long)gid >= total)
    return;

  /* Splits the flat index into (co, ci_local, kh, kw). */
  const int kw = (int)(gid % KW);
  idx_t rest = gid / KW;
  const int kh = (int)(rest % KH);
  rest /= KH;
  const idx_t ci_local = rest % cin_g;
  const idx_t co = rest / cin_g;
  const idx_t ci = (co / cout_g) * cin_g + ci_local;
  const idx_t dh = (idx_t)kh * dil_h - pad_h;
  const idx_t dw_off = (idx_t)kw * dil_w - pad_w;

  /* Sums over the batch and every output; a tap in the padding reads a zero
   * that multiplies (0 * Inf is NaN, as in PyTorch). */
  float acc = 0.0f;
  for (int n = 0; n < n_batch; n++) {
    __global const float *xc = x + (n * (idx_t)cin + ci) * (idx_t)h * wd;
    __global const float *dyc =
        dy + (n * (idx_t)cout + co) * (idx_t)hout * wout;
    for (idx_t oh = 0; oh < hout; oh++) {
      const idx_t ih = oh * stride_h + dh;
      const int row_inside = ih >= 0 && ih < h;
      for (idx_t ow = 0; ow < wout; ow++) {
        const idx_t iw = ow * stride_w + dw_off;
        const float xv =
            (row_inside && iw >= 0 && iw < wd) ? xc[ih * wd + iw] : 0.0f;
        acc += dyc[oh * wout + ow] * xv;
      }
    }
  }
  dw[gid] = accumulate ? dw[gid] + acc : acc;
}
