/* sgd_update.cl: one step of stochastic gradient descent with PyTorch's
 * semantics, one work-item per parameter:
 *   g = grad + weight_decay * w
 *   with momentum: buf = g on the first step, else momentum * buf +
 *                  (1 - dampening) * g; g = nesterov ? g + momentum * buf : buf
 *   w = w - lr * g
 * (sgd_apply in common.cl). */

/* Build options the host must give (host/common/kernel_options.h); a missing one
 * fails the build instead of building a wrong kernel. */
#if !defined(MOMENTUM) || !defined(NESTEROV) || !defined(IDX_T)
#error "sgd_update.cl needs -DMOMENTUM, -DNESTEROV, -DIDX_T"
#endif

__kernel void sgd_update(__global float *restrict w,
                         __global const float *restrict grad,
                         __global float *restrict buf, const long total,
                         const float lr, const float weight_decay,
                         const float momentum, const float one_minus_dampening,
                         const int buffer_is_set) {
  const idx_t gid = (idx_t)get_global_id(0);
  if ((long)gid >= total)
    return;
  w[gid] = sgd_apply(w[gid], grad[gid], buf + gid, lr, weight_decay, momentum,
                     one_minus_dampening, buffer_is_set);
}
