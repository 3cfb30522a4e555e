/* corr2d_bwd_weight_blocked.cl: gradient of the cross-correlation with respect
 * to its weight, register-blocked and vectorized. Each work-item computes TB
 * consecutive taps (ci_local, kh, kw) of the weight for CB output channels,
 * summing dY * X over a chunk of the rows (n, oh) of dY, VW output columns at
 * a time: for each block of columns it loads TB input vectors and CB dY
 * vectors and does TB x CB vector multiply-adds; the lanes are added at the
 * end. A tap in the padding reads a zero that multiplies, as in the
 * reference. With PADDED, x is a copy with the padding and room for every
 * block (cl/pad_input.cl), so loads need no checks. Lanes past the end of a
 * row are zeroed in both factors. With one chunk the kernel writes dW (or adds
 * to it when accumulate = 1); with several, each chunk writes its partial sums
 * to out + chunk * dW's size, and cl/sum_chunks.cl adds them up in order. */

/* Build options the host must give (host/common/kernel_options.h); a missing one
 * fails the build instead of building a wrong kernel. */
#if !defined(KH) || !defined(KW) || !defined(VW) || !defined(CB) ||            \
    !defined(TB) || !defined(PADDED) || !defined(STRIDE_W) || !defined(IDX_T)
#error                                                                         \
    "corr2d_bwd_weight_blocked.cl needs -DKH, -DKW, -DVW, -DCB, -DTB, -DPADDED, -DSTRIDE_W, -DIDX_T"
#endif

/* The first @p lanes values at @p p, then zeros: the partial block at the
 * end of dY's last row, where a whole vector would read past the buffer. */
__attribute__((always_inline)) inline floatV load_first(__global const float *p,
                                                        int lanes) {
  float v[VW];
#pragma unroll
  for (int l = 0; l < VW; l++)
    v[l] = l < lanes ? p[l] : 0.0f;
  return vloadV(0, v);
}

__kernel void corr2d_bwd_weight_blocked(
    __global const float *restrict x, __global const float *restrict dy,
    __global float *restrict out, const long total, const int accumulate,
    const int n_batch, CORR2D_GEOMETRY_PARAMS, const int chunks) {
  const idx_t gid = (idx_t)get_global_id(0);
  if ((long)gid >= total)
    return;

  /* Splits the flat index into (chunk, channel block, tap block). */
  const int taps = cin_g * (KH * KW);
  const int tap_blocks = taps / TB;
  const int q0 = (int)(gid % tap_blocks) * TB;
  idx_t rest = gid / tap_blocks;
  const int co0 = (int)(rest % (cout / CB)) * CB;
  const int chunk = (int)(rest / (cout / CB));
  const int group = co0 / cout_g;
#if STRIDE_W == 0
  const int sw = stride_w;
#else
  const int sw = STRIDE_W;
#endif

  /* Where each tap reads: its input plane, row offset and column offset. */
  int plane[TB], row_off[TB], col_off[TB];
#pragma unroll
  for (int t = 0; t < TB; t++) {
    const int q = q0 + t;
    plane[t] = q / (KH * KW);
    row_off[t] = ((q / KW) % KH) * dil_h - pad_h;
    col_off[t] = (q % KW) * dil_w - pad_w;
  }

  /* This chunk's rows of dY, flattened over (n, oh). */
  const long rows = (long)n_batch * hout;
  const long first = rows * chunk / chunks;
  const long end = rows * (chunk + 1) / chunks;
  const int full_blocks = wout / VW;
  const int blocks = full_blocks + (wout % VW != 0);
  __global const float *dy_end = dy + (idx_t)n_batch * cout * hout * wout;
  int lane_index[VW];
#pragma unroll
  for (int l = 0; l < VW; l++)
    lane_index[l] = l;
  const intV lane = vloadV(0, lane_index);

  floatV acc[TB * CB];
#pragma unroll
  for (int i = 0; i < TB * CB; i++)
    acc[i] = (floatV)(0.0f);
  /* (n, oh) advance with r, without a division per row. */
  idx_t n = (idx_t)(first / hout);
  int oh = (int)(first % hout) - 1;
  for (long r = first; r < end; r++) {
    if (++oh == hout) {
      oh = 0;
      n++;
    }
    __global const float *xg = x + (n * cin + (idx_t)group * cin_g) * h * wd;
    __global const float *dyr = dy + ((n * cout + co0) * hout + oh) * wout;
    __global const float *row[TB];
    int row_inside[TB];
#pragma unroll
    for (int t = 0; t < TB; t++) {
      const int ih = oh * stride_h + row_off[t];
      row_inside[t] = PADDED || (ih >= 0 && ih < h);
      row[t] = xg + ((idx_t)plane[t] * h + (row_inside[t] ? ih : 0)) * wd;
    }
    for (int b = 0; b < blocks; b++) {
      const int ow0 = b * VW;
      const int lanes = b < full_blocks ? VW : wout - ow0;
      /* The TB input vectors first, then one dY vector per channel: TB + 1
       * vectors live beside the accumulators. */
      floatV xv[TB];
#pragma unroll
      for (int t = 0; t < TB; t++) {
        const int c = ow0 * sw + col_off[t];
#if PADDED
        xv[t] = load_columns_inside(row[t], c, sw);
#else
        xv[t] =
            row_inside[t] ? load_columns(row[t], c, wd, sw) : (floatV)(0.0f);
#endif
      }
      /* In the last, partial block, lanes past the row's end are zero in
       * both factors, so they add nothing even next to an infinity. */
      const intV keep = lane < lanes;
      if (lanes < VW) {
#pragma unroll
        for (int t = 0; t < TB; t++)
          xv[t] = select((floatV)(0.0f), xv[t], keep);
      }
#pragma unroll
      for (int j = 0; j < CB; j++) {
        __global const float *d = dyr + (idx_t)j * hout * wout + ow0;
        floatV dv;
        if (lanes == VW)
          dv = vloadV(0, d);
        else if (d + VW <= dy_end) /* reads into the next row */
          dv = select((floatV)(0.0f), vloadV(0, d), keep);
        else
          dv = load_first(d, lanes);
#pragma unroll
        for (int t = 0; t < TB; t++)
          acc[t * CB + j] += dv * xv[t];
      }
    }
  }

  /* Adds the lanes and stores dW[co0 + j, q0 + t] (its flat index is
   * (co0 + j) * taps + q0 + t), or the chunk's partial sum of it. */
  const idx_t size = (idx_t)cout * taps;
#pragma unroll
  for (int j = 0; j < CB; j++)
#pragma unroll
    for (int t = 0; t < TB; t++) {
      float v[VW];
      float sum = 0.0f;
      vstoreV(acc[t * CB + j], 0, v);
      for (int l = 0; l < VW; l++)
        sum += v[l];
      const idx_t at = (idx_t)(co0 + j) * taps + q0 + t;
      if (chunks > 1)
        out[chunk * size + at] = sum;
      else
        out[at] = accumulate ? out[at] + sum : sum;
    }
}
