/* corr2d_fwd_cvec.cl: forward cross-correlation for layers with many output
 * channels, vectorized across output channels (the form of oneDNN's direct
 * convolution micro-kernel). The weights come in channel blocks
 * (cl/block_channels.cl: for each tap, VW output channels side by side) and
 * x as a padded copy (cl/pad_input.cl), so no load needs a check. Each
 * work-item computes one output row for COB blocks of VW output channels,
 * RW pixels at a time: for every tap it loads COB weight vectors and
 * broadcasts RW input values, RW x COB vector multiply-adds into as many
 * accumulators. The input channels are taken CIB at a time, so that their
 * weights stay in the L1 cache while every tile of the row uses them; the
 * row's sums between two such chunks wait in part (channel blocks, one
 * vector per pixel and block; not used when one chunk holds every input
 * channel). The last chunk adds the bias and stores each lane in its
 * channel's plane of y. */

/* Build options the host must give (host/kernel_options.h); a missing one
 * fails the build instead of building a wrong kernel. */
#if !defined(KH) || !defined(KW) || !defined(VW) || !defined(COB) ||           \
    !defined(RW) || !defined(CIB) || !defined(IDX_T)
#error "corr2d_fwd_cvec.cl needs -DKH, -DKW, -DVW, -DCOB, -DRW, -DCIB, -DIDX_T"
#endif

__kernel void corr2d_fwd_cvec(__global const float *restrict xp,
                              __global const float *restrict wb,
                              __global const float *restrict bias,
                              __global float *restrict y,
                              __global float *restrict part, const long total,
                              CORR2D_GEOMETRY_PARAMS, const int col_tiles,
                              const int has_bias) {
  const idx_t gid = (idx_t)get_global_id(0);
  if ((long)gid >= total)
    return;
  /* (n, channel block, row), the row fastest. */
  const int oh = (int)(gid % hout);
  const idx_t rest = gid / hout;
  const int co_blocks = cout / (COB * VW);
  const int cob = (int)(rest % co_blocks);
  const idx_t n = rest / co_blocks;
  const int co0 = cob * (COB * VW);
  const int group = co0 / cout_g;
  const int taps = cin_g * (KH * KW);
  const int row_pixels = col_tiles * RW;
  /* This row's partial sums: block b, pixel p at (b * row_pixels + p) VW. */
  __global float *prow = part + (gid * COB) * (idx_t)row_pixels * VW;
  __global const float *xrow =
      xp + ((n * cin + (idx_t)group * cin_g) * h + (idx_t)oh * stride_h) * wd;
  /* Block b's vector of tap q is at wb + (b * taps + q) * VW. */
  __global const float *wblock = wb + (idx_t)(co0 / VW) * taps * VW;

  for (int ci0 = 0; ci0 < cin_g; ci0 += CIB) {
    const int ci_end = min(ci0 + CIB, cin_g);
    const int first = ci0 == 0, last = ci_end == cin_g;
#pragma nounroll
    for (int ct = 0; ct < col_tiles; ct++) {
      const int ow0 = ct * RW;
      floatV acc[RW * COB];
#pragma unroll
      for (int r = 0; r < RW; r++)
#pragma unroll
        for (int b = 0; b < COB; b++)
          acc[r * COB + b] =
              first ? (floatV)(0.0f)
                    : vloadV(0, prow + ((idx_t)b * row_pixels + ow0 + r) * VW);
      __global const float *xc = xrow + (idx_t)ci0 * h * wd + ow0 * stride_w;
      __global const float *wt = wblock + (idx_t)ci0 * (KH * KW) * VW;
      for (int ci = ci0; ci < ci_end; ci++) {
#pragma nounroll
        for (int kh = 0; kh < KH; kh++) {
          __global const float *row = xc + (idx_t)kh * dil_h * wd;
#pragma nounroll
          for (int kw = 0; kw < KW; kw++) {
            floatV wv[COB];
#pragma unroll
            for (int b = 0; b < COB; b++)
              wv[b] = vloadV(0, wt + ((idx_t)b * taps + kh * KW + kw) * VW);
#pragma unroll
            for (int r = 0; r < RW; r++) {
              const float xv = row[kw * dil_w + r * stride_w];
#pragma unroll
              for (int b = 0; b < COB; b++)
                acc[r * COB + b] += wv[b] * xv;
            }
          }
        }
        xc += (idx_t)h * wd;
        wt += KH * KW * VW;
      }
      if (!last) {
#pragma unroll
        for (int r = 0; r < RW; r++)
#pragma unroll
          for (int b = 0; b < COB; b++)
            vstoreV(acc[r * COB + b], 0,
                    prow + ((idx_t)b * row_pixels + ow0 + r) * VW);
        continue;
      }
      /* The last chunk: the bias, then each lane to its channel's plane. */
#pragma unroll
      for (int b = 0; b < COB; b++) {
        const floatV bv =
            has_bias ? vloadV(0, bias + co0 + b * VW) : (floatV)(0.0f);
        __global float *yb =
            y + ((n * cout + co0 + b * VW) * hout + oh) * (idx_t)wout;
#pragma unroll
        for (int r = 0; r < RW; r++) {
          if (ow0 + r >= wout)
            break;
          float v[VW];
          vstoreV(acc[r * COB + b] + bv, 0, v);
#pragma unroll
          for (int l = 0; l < VW; l++)
            yb[(idx_t)l * hout * wout + ow0 + r] = v[l];
        }
      }
    }
  }
}
