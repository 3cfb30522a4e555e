/* train_step_small.cl: a whole training step of a tiny layer in one
 * work-group, so that it costs one launch instead of about ten: the forward
 * y = corr2d(x, w) + b, the squared-error gradient dy = scale (y - target)
 * with one partial sum of the squares per work-item, then (WRITE_DX) dX,
 * then dW and db (the previous gradients replaced, as after zero_grad) and
 * the SGD update of w and b. The same arithmetic as corr2d_fwd_naive,
 * squared_error, corr2d_bwd_data_naive, corr2d_bwd_weight_naive,
 * corr2d_bwd_bias and sgd_update, one element per work-item at a time. */

#if !defined(KH) || !defined(KW) || !defined(HAS_BIAS) || !defined(LOCAL) ||   \
    !defined(MOMENTUM) || !defined(NESTEROV) || !defined(WRITE_DX)
#error                                                                         \
    "train_step_small.cl needs -DKH, -DKW, -DHAS_BIAS, -DLOCAL, -DMOMENTUM, -DNESTEROV, -DWRITE_DX"
#endif

__kernel __attribute__((reqd_work_group_size(LOCAL, 1, 1))) void
train_step_small(__global const float *restrict x,
                 __global const float *restrict target,
                 __global float *restrict w, __global float *restrict bias,
                 __global float *restrict y, __global float *restrict dy,
                 __global float *restrict dx, __global float *restrict grad_w,
                 __global float *restrict grad_b,
                 __global float *restrict buf_w, __global float *restrict buf_b,
                 __global float *restrict partial, const int n_batch,
                 const float grad_scale, const float lr,
                 const float weight_decay, const float momentum,
                 const float one_minus_dampening, const int buffer_is_set,
                 CORR2D_GEOMETRY_PARAMS) {
  const int lid = (int)get_local_id(0);
  const int outputs = n_batch * cout * hout * wout;
  const int weights = cout * cin_g * KH * KW;

  /* The forward and the loss gradient, one output at a time. */
  float squares = 0.0f;
  for (int i = lid; i < outputs; i += LOCAL) {
    const int ow = i % wout, oh = i / wout % hout;
    const int co = i / (wout * hout) % cout, n = i / (wout * hout * cout);
    const int group = co / cout_g;
    __global const float *xc = x + (n * cin + group * cin_g) * h * wd;
    __global const float *wc = w + co * cin_g * (KH * KW);
    float acc = 0.0f;
    for (int ci = 0; ci < cin_g; ci++) {
      for (int kh = 0; kh < KH; kh++) {
        const int ih = oh * stride_h + kh * dil_h - pad_h;
        for (int kw = 0; kw < KW; kw++) {
          const int iw = ow * stride_w + kw * dil_w - pad_w;
          const float xv = (ih >= 0 && ih < h && iw >= 0 && iw < wd)
                               ? xc[ih * wd + iw]
                               : 0.0f;
          acc += xv * wc[kh * KW + kw];
        }
      }
      xc += h * wd;
      wc += KH * KW;
    }
#if HAS_BIAS
    acc += bias[co];
#endif
    y[i] = acc;
    const float d = acc - target[i];
    dy[i] = grad_scale * d;
    squares += d * d;
  }
  partial[lid] = squares;
  /* Every dy written before any work-item reads it; every read of w and
   * bias done before any is updated. */
  barrier(CLK_GLOBAL_MEM_FENCE);

#if WRITE_DX
  /* dX from dY and the weights as they were (none is updated before the
   * barrier below): an input that no window reads gets 0. */
  const int inputs = n_batch * cin * h * wd;
  for (int i = lid; i < inputs; i += LOCAL) {
    const int iw = i % wd, ih = i / wd % h;
    const int ci = i / (wd * h) % cin, n = i / (wd * h * cin);
    const int group = ci / cin_g, ci_local = ci % cin_g;
    float acc = 0.0f;
    for (int k = 0; k < cout_g; k++) {
      const int co = group * cout_g + k;
      __global const float *wc = w + (co * cin_g + ci_local) * (KH * KW);
      __global const float *dyc = dy + (n * cout + co) * hout * wout;
      for (int kh = 0; kh < KH; kh++) {
        const int rh = ih + pad_h - kh * dil_h;
        if (rh < 0 || rh % stride_h != 0 || rh / stride_h >= hout)
          continue;
        for (int kw = 0; kw < KW; kw++) {
          const int rw = iw + pad_w - kw * dil_w;
          if (rw < 0 || rw % stride_w != 0 || rw / stride_w >= wout)
            continue;
          acc += dyc[(rh / stride_h) * wout + rw / stride_w] * wc[kh * KW + kw];
        }
      }
    }
    dx[i] = acc;
  }
  barrier(CLK_GLOBAL_MEM_FENCE);
#endif

  /* dW, then the update of each weight. */
  for (int j = lid; j < weights; j += LOCAL) {
    const int kw = j % KW, kh = j / KW % KH;
    const int ci_local = j / (KW * KH) % cin_g, co = j / (KW * KH * cin_g);
    const int ci = (co / cout_g) * cin_g + ci_local;
    float acc = 0.0f;
    for (int n = 0; n < n_batch; n++) {
      __global const float *xc = x + (n * cin + ci) * h * wd;
      __global const float *dyc = dy + (n * cout + co) * hout * wout;
      for (int oh = 0; oh < hout; oh++) {
        const int ih = oh * stride_h + kh * dil_h - pad_h;
        for (int ow = 0; ow < wout; ow++) {
          const int iw = ow * stride_w + kw * dil_w - pad_w;
          const float xv = (ih >= 0 && ih < h && iw >= 0 && iw < wd)
                               ? xc[ih * wd + iw]
                               : 0.0f;
          acc += dyc[oh * wout + ow] * xv;
        }
      }
    }
    grad_w[j] = 0.0f + acc; /* as zero_grad, then accumulate */
    w[j] = sgd_apply(w[j], acc, buf_w + j, lr, weight_decay, momentum,
                     one_minus_dampening, buffer_is_set);
  }

#if HAS_BIAS
  /* db, then the update of each bias. */
  for (int co = lid; co < cout; co += LOCAL) {
    float acc = 0.0f;
    for (int n = 0; n < n_batch; n++) {
      __global const float *dyc = dy + (n * cout + co) * hout * wout;
      for (int k = 0; k < hout * wout; k++)
        acc += dyc[k];
    }
    grad_b[co] = 0.0f + acc;
    bias[co] = sgd_apply(bias[co], acc, buf_b + co, lr, weight_decay, momentum,
                         one_minus_dampening, buffer_is_set);
  }
#endif
}
