/* squared_error.cl: the notebooks' loss, sum (or mean) of (y_hat - y)^2, and
 * its gradient 2 * (y_hat - y) (divided by the count for the mean). Each
 * work-group writes the partial sum of its elements' squares; the host adds
 * the partial sums in double. */

#ifndef LOCAL_SIZE
#define LOCAL_SIZE 64
#endif
/* 1: write the gradient; 0: only the loss. */
#ifndef WRITE_GRAD
#define WRITE_GRAD 1
#endif
/* 1: write the partial sums of the loss; 0: only the gradient. */
#ifndef WRITE_LOSS
#define WRITE_LOSS 1
#endif

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
