/* squared_error.cl: the notebooks' loss, sum (or mean) of (y_hat - y)^2, and
 * its gradient 2 * (y_hat - y) (divided by the count for the mean). Each
 * work-group writes the partial sum of its elements' squares; the host adds
 * the partial sums in double. */

/* Build options the host must give (host/common/kernel_options.h); a missing one
 * fails the build instead of building a wrong kernel. */
#if !defined(LOCAL_SIZE) || !defined(WRITE_GRAD) || !defined(WRITE_LOSS) ||    \
    !defined(IDX_T)
#error                                                                         \
    "squared_error.cl needs -DLOCAL_SIZE, -DWRITE_GRAD, -DWRITE_LOSS, -DIDX_T"
#endif

/* 1: write the gradient; 0: only the loss. */
/* 1: write the partial sums of the loss; 0: only the gradient. */
__kernel __attribute__((reqd_work_group_size(LOCAL_SIZE, 1, 1))) void
squared_error(__global const float *restrict y_hat,
              __global const float *restrict y, __global float *restrict grad,
              __global float *restrict partial, const long total,
              const float grad_scale) {
  const idx_t gid = (idx_t)get_global_id(0);
  const int lid = (int)get_local_id(0);
  float d = 0.0f;
  if ((long)gid < total) {
    d = y_hat[gid] - y[gid];
#if WRITE_GRAD
    grad[gid] = grad_scale * d;
#endif
  }
#if WRITE_LOSS
  /* Sums the squares of the work-group in local memory. */
  __local float squares[LOCAL_SIZE];
  squares[lid] = d * d;
  barrier(CLK_LOCAL_MEM_FENCE);
  for (int step = LOCAL_SIZE / 2; step > 0; step /= 2) {
    if (lid < step)
      squares[lid] += squares[lid + step];
    barrier(CLK_LOCAL_MEM_FENCE);
  }
  if (lid == 0)
    partial[get_group_id(0)] = squares[0];
#endif
}
