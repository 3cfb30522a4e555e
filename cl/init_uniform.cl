/* init_uniform.cl: fills a tensor with uniform numbers from a seed, the same
 * bits on every device: element i is lo + scale * u_i, where u_i in [0, 1)
 * has 24 random bits from splitmix64 of (seed, i). */

/* No fused multiply-add here: every device must round alike. */
#pragma OPENCL FP_CONTRACT OFF

__kernel void init_uniform(__global float *restrict t, const long total,
                           const ulong seed, const float lo,
                           const float scale) {
  const long gid = (long)get_global_id(0);
  if (gid >= total)
    return;
  ulong z = seed + ((ulong)gid + 1UL) * 0x9E3779B97F4A7C15UL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
  z ^= z >> 31;
  const float u = (float)(z >> 40) * (1.0f / 16777216.0f);
  t[gid] = lo + scale * u;
}
