/* sum_chunks.cl: adds up the partial sums that the chunks of a split
 * reduction wrote (chunk c's at partial + c * count), always in chunk order
 * so the result does not depend on timing, and stores the total in out (or
 * adds it to out when accumulate = 1). */

/* Build options the host must give (host/common/kernel_options.h); a missing one
 * fails the build instead of building a wrong kernel. */
#if !defined(IDX_T)
#error "sum_chunks.cl needs -DIDX_T"
#endif

__kernel void sum_chunks(__global const float *restrict partial,
                         __global float *restrict out, const long count,
                         const int chunks, const int accumulate) {
  const idx_t i = (idx_t)get_global_id(0);
  if ((long)i >= count)
    return;
  float sum = 0.0f;
  for (int c = 0; c < chunks; c++)
    sum += partial[(idx_t)c * count + i];
  out[i] = accumulate ? out[i] + sum : sum;
}
