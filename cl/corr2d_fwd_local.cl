/* corr2d_fwd_local.cl: forward cross-correlation tiled in local memory, for
 * GPUs. A work-group of LX x LY work-items computes an LX x LY tile of
 * output pixels for CB output channels of one image. For each input channel
 * of the group it copies the input patch the tile reads (zeros where it
 * falls in the padding) and the CB x KH x KW weights into local memory, once
 * for the whole group, then every work-item sums its pixel's window from
 * there into CB accumulators. Any padding, stride, dilation and groups; CB
 * divides the output channels per group. */

/* Build options the host must give (host/common/kernel_options.h); a missing one
 * fails the build instead of building a wrong kernel. */
#if !defined(KH) || !defined(KW) || !defined(LX) || !defined(LY) ||            \
    !defined(CB) || !defined(IDX_T)
#error "corr2d_fwd_local.cl needs -DKH, -DKW, -DLX, -DLY, -DCB, -DIDX_T"
#endif

__kernel __attribute__((reqd_work_group_size(LX, LY, 1))) void corr2d_fwd_local(
    __global const float *restrict x, __global const float *restrict w,
    __global const float *restrict bias, __global float *restrict y,
    const long total, CORR2D_GEOMETRY_PARAMS, const int has_bias,
    const int patch_h, const int patch_w, __local float *restrict patch,
    __local float *restrict wl) {
  const int lx = (int)get_local_id(0), ly = (int)get_local_id(1);
  const int ow = (int)get_global_id(0), oh = (int)get_global_id(1);
  const idx_t z = (idx_t)get_global_id(2); /* (n, channel block) */
  const int cb_count = cout / CB;
  const int co0 = (int)(z % cb_count) * CB;
  const idx_t n = z / cb_count;
  const int group = co0 / cout_g;
  /* The first input row and column the group's tile reads. */
  const int ih0 = (int)get_group_id(1) * LY * stride_h - pad_h;
  const int iw0 = (int)get_group_id(0) * LX * stride_w - pad_w;
  const int lid = ly * LX + lx;
  /* z is uniform across the group, so every work-item reaches the barriers. */
  const int active = (long)z < total;

  float acc[CB];
  for (int j = 0; j < CB; j++)
    acc[j] = 0.0f;
  __global const float *xc = x + (n * cin + (idx_t)group * cin_g) * h * wd;
  for (int ci = 0; ci < cin_g; ci++) {
    /* Copies the patch and the weights of this input channel. */
    for (int i = lid; active && i < patch_h * patch_w; i += LX * LY) {
      const int ih = ih0 + i / patch_w, iw = iw0 + i % patch_w;
      patch[i] = (ih >= 0 && ih < h && iw >= 0 && iw < wd)
                     ? xc[(idx_t)ih * wd + iw]
                     : 0.0f;
    }
    for (int i = lid; active && i < CB * KH * KW; i += LX * LY)
      wl[i] = w[((idx_t)(co0 + i / (KH * KW)) * cin_g + ci) * (KH * KW) +
                i % (KH * KW)];
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int kh = 0; kh < KH; kh++) {
      for (int kw = 0; kw < KW; kw++) {
        const float xv = patch[(ly * stride_h + kh * dil_h) * patch_w +
                               lx * stride_w + kw * dil_w];
        for (int j = 0; j < CB; j++)
          acc[j] += xv * wl[(j * KH + kh) * KW + kw];
      }
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    xc += (idx_t)h * wd;
  }
  if (!active || ow >= wout || oh >= hout)
    return;
  for (int j = 0; j < CB; j++)
    y[((n * cout + co0 + j) * hout + oh) * (idx_t)wout + ow] =
        acc[j] + (has_bias ? bias[co0 + j] : 0.0f);
}
