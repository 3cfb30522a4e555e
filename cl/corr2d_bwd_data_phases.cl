/* corr2d_bwd_data_phases.cl: gradient of the cross-correlation with respect to
 * its input, vectorized: each work-item computes VW columns of dX of one
 * stride phase (iw = r, r + s, r + 2s, ... for column stride s) for CB input
 * channels of one row. In one phase every lane's tap lands on an output
 * column or none does, and those output columns are consecutive, so dY is
 * read as whole vectors and each feeds CB multiply-adds. Only outputs that
 * exist contribute: lanes past the edges of dY are dropped with select, so
 * even an infinite weight adds nothing there, as in the reference. */

/* Build options the host must give (host/common/kernel_options.h); a missing one
 * fails the build instead of building a wrong kernel. */
#if !defined(KH) || !defined(KW) || !defined(VW) || !defined(CB) ||            \
    !defined(IDX_T)
#error "corr2d_bwd_data_phases.cl needs -DKH, -DKW, -DVW, -DCB, -DIDX_T"
#endif

__kernel void corr2d_bwd_data_phases(__global const float *restrict dy,
                                     __global const float *restrict w,
                                     __global float *restrict dx,
                                     const long total, CORR2D_GEOMETRY_PARAMS,
                                     const int phase_blocks) {
  const idx_t gid = (idx_t)get_global_id(0);
  if ((long)gid >= total)
    return;

  /* Splits the flat index into (n, channel block, ih, phase, block). */
  const int cb_count = cin / CB;
  const int col_blocks = stride_w * phase_blocks;
  const int cblock = (int)(gid % col_blocks);
  const int phase = cblock / phase_blocks;
  const int iw0 = phase + stride_w * (cblock % phase_blocks) * VW;
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
        /* Lane l reads output column ow0 + l, if lane 0's tap has one. */
        const int tw0 = iw0 + pad_w - kw * dil_w;
        if (tw0 % stride_w != 0)
          continue;
        const int ow0 = tw0 / stride_w;
        if (ow0 >= 0 && ow0 + VW <= wout) {
          const floatV dv = vloadV(0, dyr + ow0);
#pragma unroll
          for (int j = 0; j < CB; j++)
            acc[j] += dv * wc[j * (KH * KW) + kh * KW + kw];
        } else {
          float d[VW];
          int m[VW];
#pragma unroll
          for (int l = 0; l < VW; l++) {
            const int ok = ow0 + l >= 0 && ow0 + l < wout;
            d[l] = ok ? dyr[ow0 + l] : 0.0f;
            m[l] = ok ? -1 : 0;
          }
          const floatV dv = vloadV(0, d);
          const intV valid = CAT(vload, VW)(0, m);
#pragma unroll
          for (int j = 0; j < CB; j++)
            acc[j] += select((floatV)(0.0f),
                             dv * wc[j * (KH * KW) + kh * KW + kw], valid);
        }
      }
    }
  }

  /* Stores the columns that exist: contiguous for stride 1, else spaced. */
#pragma unroll
  for (int j = 0; j < CB; j++) {
    __global float *out = dx + ((n * cin + ci0 + j) * h + ih) * (idx_t)wd;
    if (stride_w == 1 && iw0 + VW <= wd) {
      vstoreV(acc[j], 0, out + iw0);
    } else {
      float v[VW];
      vstoreV(acc[j], 0, v);
      for (int l = 0; l < VW && iw0 + l * stride_w < wd; l++)
        out[iw0 + l * stride_w] = v[l];
    }
  }
}
