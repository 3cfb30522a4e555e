/* corr2d_bwd_bias.cl: gradient of the cross-correlation with respect to its
 * bias: one work-item per output channel, summing dY over the batch and the
 * output plane. With accumulate = 1 the sum is added to what db holds. */

/* Build options the host must give (host/common/kernel_options.h); a missing one
 * fails the build instead of building a wrong kernel. */
#if !defined(IDX_T)
#error "corr2d_bwd_bias.cl needs -DIDX_T"
#endif

__kernel void corr2d_bwd_bias(__global const float *restrict dy,
                              __global float *restrict db, const int accumulate,
                              const int n_batch, const int cout,
                              const long plane) {
  const int co = (int)get_global_id(0);
  if (co >= cout)
    return;
  float acc = 0.0f;
  for (int n = 0; n < n_batch; n++) {
    __global const float *dyc = dy + (n * (idx_t)cout + co) * (idx_t)plane;
    for (idx_t i = 0; i < (idx_t)plane; i++)
      acc += dyc[i];
  }
  db[co] = accumulate ? db[co] + acc : acc;
}
