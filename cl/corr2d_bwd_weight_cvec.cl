/* corr2d_bwd_weight_cvec.cl: gradient of the cross-correlation with respect
 * to its weight for layers with many output channels, vectorized across
 * output channels (the form of oneDNN's weight-gradient micro-kernel). dY
 * comes in channel blocks (cl/block_channels.cl: VW channels side by side
 * per pixel) and x as a padded copy (cl/pad_input.cl), so no load needs a
 * check. Each work-item owns COB blocks of VW output channels and TB
 * consecutive taps (ci_local, kh, kw), and sums over a chunk of the rows
 * (n, oh) of dY, one output pixel at a time: COB dY vectors loaded, TB
 * input values broadcast, TB x COB vector multiply-adds into as many
 * accumulators. A tap in the padding reads a zero that multiplies, as in the
 * reference. With one chunk the kernel writes dW (or adds to it when
 * accumulate = 1); with several, each chunk writes its partial sums to
 * out + chunk * dW's size, and cl/sum_chunks.cl adds them up in order. The
 * work-items of one chunk have neighbouring ids, so they run together while
 * the chunk's dY rows are in cache. */

/* Build options the host must give (host/common/kernel_options.h); a missing one
 * fails the build instead of building a wrong kernel. */
#if !defined(KH) || !defined(KW) || !defined(VW) || !defined(COB) ||           \
    !defined(TB) || !defined(IDX_T)
#error "corr2d_bwd_weight_cvec.cl needs -DKH, -DKW, -DVW, -DCOB, -DTB, -DIDX_T"
#endif

__kernel void corr2d_bwd_weight_cvec(__global const float *restrict xp,
                                     __global const float *restrict dyb,
                                     __global float *restrict out,
                                     const long total, const int accumulate,
                                     const int n_batch, CORR2D_GEOMETRY_PARAMS,
                                     const int chunks) {
  const idx_t gid = (idx_t)get_global_id(0);
  if ((long)gid >= total)
    return;

  /* Splits the flat index into (chunk, channel block, tap block), the tap
   * block fastest. */
  const int taps = cin_g * (KH * KW);
  const int tap_blocks = taps / TB;
  const int co_blocks = cout / (COB * VW);
  const int q0 = (int)(gid % tap_blocks) * TB;
  const idx_t rest = gid / tap_blocks;
  const int cob = (int)(rest % co_blocks);
  const int chunk = (int)(rest / co_blocks);
  const int co0 = cob * (COB * VW);
  const int group = co0 / cout_g;
  const int vblocks = cout / VW; /* dY's channel blocks per image */

  /* Where each tap reads in a plane of the padded input (h x wd, no
   * padding left): its plane and its offset from an output pixel's
   * top-left corner. */
  int plane[TB], offset[TB];
#pragma unroll
  for (int t = 0; t < TB; t++) {
    const int q = q0 + t;
    plane[t] = group * cin_g + q / (KH * KW);
    offset[t] = ((q / KW) % KH) * dil_h * wd + (q % KW) * dil_w;
  }

  /* This chunk's rows of dY, flattened over (n, oh). */
  const long rows = (long)n_batch * hout;
  const long first = rows * chunk / chunks;
  const long end = rows * (chunk + 1) / chunks;

  floatV acc[TB * COB];
#pragma unroll
  for (int i = 0; i < TB * COB; i++)
    acc[i] = (floatV)(0.0f);
  idx_t n = (idx_t)(first / hout);
  int oh = (int)(first % hout) - 1;
  for (long r = first; r < end; r++) {
    if (++oh == hout) {
      oh = 0;
      n++;
    }
    __global const float *xrow[TB];
#pragma unroll
    for (int t = 0; t < TB; t++)
      xrow[t] = xp + ((n * cin + plane[t]) * h + (idx_t)oh * stride_h) * wd +
                offset[t];
    __global const float *d =
        dyb + (((n * vblocks + co0 / VW) * hout + oh) * (idx_t)wout) * VW;
    const idx_t block_stride = (idx_t)hout * wout * VW;
    for (int ow = 0; ow < wout; ow++) {
      floatV dv[COB];
#pragma unroll
      for (int b = 0; b < COB; b++)
        dv[b] = vloadV(0, d + b * block_stride);
      d += VW;
      const int col = ow * stride_w;
#pragma unroll
      for (int t = 0; t < TB; t++) {
        const float xv = xrow[t][col];
#pragma unroll
        for (int b = 0; b < COB; b++)
          acc[t * COB + b] += dv[b] * xv;
      }
    }
  }

  /* Stores dW[co0 + b VW + l, q0 + t] (flat (co) * taps + q), or the
   * chunk's partial sum of it. */
  const idx_t size = (idx_t)cout * taps;
#pragma unroll
  for (int b = 0; b < COB; b++)
#pragma unroll
    for (int t = 0; t < TB; t++) {
      float v[VW];
      vstoreV(acc[t * COB + b], 0, v);
#pragma unroll
      for (int l = 0; l < VW; l++) {
        const idx_t at = (idx_t)(co0 + b * VW + l) * taps + q0 + t;
        if (chunks > 1)
          out[chunk * size + at] = v[l];
        else
          out[at] = accumulate ? out[at] + v[l] : v[l];
      }
    }
}
