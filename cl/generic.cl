/* generic.cl: the first tier: one program per device that serves every
 * problem at once, its kernel size, bias and accumulation given at run time
 * instead of compiled in, while the specialized programs of a new problem
 * build in the background (docs/design.md, "First contact"). Built with
 * -DIDX_T=int; problems whose indices reach 2^31 take the specialized
 * kernels. Each sums the terms the naive kernels sum (the forward and the
 * weight gradient in their order), within the same bound. */

#if !defined(IDX_T)
#error "generic.cl needs -DIDX_T"
#endif

/* Output channels per work-item of the forward: the input value loaded
 * once serves this many weights. */
#define GENERIC_COB 4

/* Forward: work-item (ow, oh, n * blocks + block) computes up to COB
 * output channels of one output pixel, within one group. With per_group 0
 * the groups' channels divide by COB and block b starts at channel b * COB;
 * else each group has per_group blocks of its own. */
__kernel void generic_fwd(__global const float *restrict x,
                          __global const float *restrict w,
                          __global const float *restrict bias,
                          __global float *restrict y, const int kh_size,
                          const int kw_size, const int has_bias,
                          const int blocks, const int per_group,
                          CORR2D_GEOMETRY_PARAMS) {
  const int ow = (int)get_global_id(0), oh = (int)get_global_id(1);
  const int nb = (int)get_global_id(2);
  if (ow >= wout || oh >= hout)
    return;
  const int n = nb / blocks, block = nb % blocks;
  const int co0 = per_group == 0 ? block * GENERIC_COB
                                 : (block / per_group) * cout_g +
                                       (block % per_group) * GENERIC_COB;
  const int group = co0 / cout_g;
  /* The block stops at the group's end and at cout. */
  int cob = min(GENERIC_COB, min(cout - co0, (group + 1) * cout_g - co0));
  const int ih0 = oh * stride_h - pad_h, iw0 = ow * stride_w - pad_w;
  const int taps = kh_size * kw_size;
  __global const float *xc =
      x + ((idx_t)n * cin + (idx_t)group * cin_g) * (idx_t)h * wd;
  __global const float *wc = w + (idx_t)co0 * cin_g * taps;
  float acc[GENERIC_COB] = {0.0f, 0.0f, 0.0f, 0.0f};
  for (int ci = 0; ci < cin_g; ci++) {
    for (int kh = 0; kh < kh_size; kh++) {
      const int ih = ih0 + kh * dil_h;
      const int row_inside = ih >= 0 && ih < h;
      for (int kw = 0; kw < kw_size; kw++) {
        const int iw = iw0 + kw * dil_w;
        /* The padding is a zero that multiplies (0 * Inf is NaN). */
        const float xv = (row_inside && iw >= 0 && iw < wd)
                             ? xc[(idx_t)ih * wd + iw]
                             : 0.0f;
        const int tap = (ci * kh_size + kh) * kw_size + kw;
#pragma unroll
        for (int j = 0; j < GENERIC_COB; j++)
          if (j < cob)
            acc[j] += xv * wc[(idx_t)j * cin_g * taps + tap];
      }
    }
    xc += (idx_t)h * wd;
  }
  for (int j = 0; j < cob; j++) {
    const int co = co0 + j;
    float v = acc[j];
    if (has_bias)
      v += bias[co];
    y[(((idx_t)n * cout + co) * hout + oh) * wout + ow] = v;
  }
}

/* Input gradient: element @p gid of dX (N, Cin, H, W), the sum of
 * dY[n, co, oh, ow] * W[co, ci_local, kh, kw] over every output whose
 * window placed tap (kh, kw) on it; an input no window reads gets 0. The
 * padding never multiplies here. */
__attribute__((always_inline)) inline float
bwd_data_element(__global const float *dy, __global const float *w,
                 const int gid, const int kh_size, const int kw_size,
                 CORR2D_GEOMETRY_PARAMS) {
  const int iw = gid % wd;
  int rest = gid / wd;
  const int ih = rest % h;
  rest /= h;
  const int ci = rest % cin;
  const int n = rest / cin;
  const int group = ci / cin_g, ci_local = ci - group * cin_g;
  const int taps = kh_size * kw_size;
  /* The taps that reach this input, each then summed over the group's
   * output channels. */
  __global const float *dyn =
      dy + ((idx_t)n * cout + (idx_t)group * cout_g) * hout * wout;
  __global const float *wg =
      w + ((idx_t)group * cout_g * cin_g + ci_local) * taps;
  const idx_t plane = (idx_t)hout * wout, w_step = (idx_t)cin_g * taps;
  float acc = 0.0f;
  for (int kh = 0; kh < kh_size; kh++) {
    const int th = ih + pad_h - kh * dil_h;
    if (th < 0 || th % stride_h != 0 || th / stride_h >= hout)
      continue;
    const int oh = th / stride_h;
    for (int kw = 0; kw < kw_size; kw++) {
      const int tw = iw + pad_w - kw * dil_w;
      if (tw < 0 || tw % stride_w != 0 || tw / stride_w >= wout)
        continue;
      __global const float *d = dyn + (idx_t)oh * wout + tw / stride_w;
      __global const float *k = wg + kh * kw_size + kw;
      for (int col = 0; col < cout_g; col++)
        acc += d[col * plane] * k[col * w_step];
    }
  }
  return acc;
}

#define GEOMETRY_ARGS                                                          \
  cin, h, wd, cout, hout, wout, cin_g, cout_g, stride_h, stride_w, pad_h,      \
      pad_w, dil_h, dil_w

/* Input gradient: one work-item per element of dX. */
__kernel void generic_bwd_data(__global const float *restrict dy,
                               __global const float *restrict w,
                               __global float *restrict dx, const int total,
                               const int kh_size, const int kw_size,
                               CORR2D_GEOMETRY_PARAMS) {
  const int gid = (int)get_global_id(0);
  if (gid < total)
    dx[gid] =
        bwd_data_element(dy, w, gid, kh_size, kw_size, GEOMETRY_ARGS);
}

/* The same only when *nonfinite (a weight is not finite): the fix-up after
 * the specialized input gradient of a larger problem, whose fast form lets
 * an infinite weight meet a padding zero. */
__kernel void generic_bwd_data_if(__global const float *restrict dy,
                                  __global const float *restrict w,
                                  __global float *restrict dx,
                                  __global const int *restrict nonfinite,
                                  const int total, const int kh_size,
                                  const int kw_size, CORR2D_GEOMETRY_PARAMS) {
  const int gid = (int)get_global_id(0);
  if (*nonfinite && gid < total)
    dx[gid] =
        bwd_data_element(dy, w, gid, kh_size, kw_size, GEOMETRY_ARGS);
}

/* Weight gradient: one work-item per element of dW (Cout, Cin/groups, KH,
 * KW), summing dY * X over the batch and every output; a tap in the padding
 * reads a zero that multiplies. With accumulate the sum is added to dW. */
__kernel void generic_bwd_weight(__global const float *restrict x,
                                 __global const float *restrict dy,
                                 __global float *restrict dw, const int total,
                                 const int kh_size, const int kw_size,
                                 const int accumulate, const int n_batch,
                                 CORR2D_GEOMETRY_PARAMS) {
  const int gid = (int)get_global_id(0);
  if (gid >= total)
    return;
  const int kw = gid % kw_size;
  int rest = gid / kw_size;
  const int kh = rest % kh_size;
  rest /= kh_size;
  const int ci_local = rest % cin_g;
  const int co = rest / cin_g;
  const int ci = (co / cout_g) * cin_g + ci_local;
  const int dh = kh * dil_h - pad_h, dw_off = kw * dil_w - pad_w;
  float acc = 0.0f;
  for (int n = 0; n < n_batch; n++) {
    __global const float *xc = x + ((idx_t)n * cin + ci) * h * wd;
    __global const float *dyc = dy + ((idx_t)n * cout + co) * hout * wout;
    for (int oh = 0; oh < hout; oh++) {
      const int ih = oh * stride_h + dh;
      const int row_inside = ih >= 0 && ih < h;
      for (int ow = 0; ow < wout; ow++) {
        const int iw = ow * stride_w + dw_off;
        const float xv = (row_inside && iw >= 0 && iw < wd)
                             ? xc[(idx_t)ih * wd + iw]
                             : 0.0f;
        acc += dyc[(idx_t)oh * wout + ow] * xv;
      }
    }
  }
  dw[gid] = accumulate ? dw[gid] + acc : acc;
}
