/* pack_weights.cl: copies the weights (Cout, Cin/groups, KH, KW) into the
 * order the blocked forward kernel reads them: (Cout/CB, Cin/groups, KH, KW,
 * CB), so the CB weights of one tap lie side by side. */

/* Build options the host must give (host/common/kernel_options.h); a missing one
 * fails the build instead of building a wrong kernel. */
#if !defined(CB)
#error "pack_weights.cl needs -DCB"
#endif

__kernel void pack_weights(__global const float *restrict w,
                           __global float *restrict packed, const int total,
                           const int cin_g, const int taps) {
  const int i = (int)get_global_id(0); /* index into w */
  if (i >= total)
    return;
  const int tap = i % taps;
  const int ci = (i / taps) % cin_g;
  const int co = i / (taps * cin_g);
  packed[(((co / CB) * cin_g + ci) * taps + tap) * CB + co % CB] = w[i];
}
