/* peak.cl: micro-kernels that measure a device's arithmetic peak (chains of
 * float16 fused multiply-adds, eight independent per work-item) and its
 * memory bandwidth (a float4 copy), for `clconv bench`. */

__kernel void peak_fma(__global float *restrict out, const int iterations,
                       const float seed) {
  const float s = seed + (float)get_global_id(0) * 1e-9f;
  float16 a0 = (float16)(s), a1 = a0 + 1e-3f, a2 = a0 + 2e-3f,
          a3 = a0 + 3e-3f, a4 = a0 + 4e-3f, a5 = a0 + 5e-3f, a6 = a0 + 6e-3f,
          a7 = a0 + 7e-3f;
  const float16 m = (float16)(0.999f), c = (float16)(1e-4f);
  for (int i = 0; i < iterations; i++) {
    a0 = fma(a0, m, c);
    a1 = fma(a1, m, c);
    a2 = fma(a2, m, c);
    a3 = fma(a3, m, c);
    a4 = fma(a4, m, c);
    a5 = fma(a5, m, c);
    a6 = fma(a6, m, c);
    a7 = fma(a7, m, c);
  }
  const float16 t = ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7));
  out[get_global_id(0)] = t.s0 + t.s1 + t.s2 + t.s3 + t.s4 + t.s5 + t.s6 +
                          t.s7 + t.s8 + t.s9 + t.sa + t.sb + t.sc + t.sd +
                          t.se + t.sf;
}

__kernel void peak_copy(__global const float4 *restrict in,
                        __global float4 *restrict out) {
  out[get_global_id(0)] = in[get_global_id(0)];
}
