/* flip_weights.cl: the weights (Cout, Cin/groups, KH, KW) of a stride-1
 * cross-correlation turned into those of the correlation that computes its
 * input gradient: (Cin, Cout/groups, KH, KW), each kernel rotated by 180
 * degrees, the input and output channels exchanged within each group. Sets
 * *nonfinite to 1 when some weight is infinite or NaN (the caller zeroes it
 * first): the gradient kernel then keeps such a weight away from the zero
 * padding, which in the reference never multiplies. */

__kernel void flip_weights(__global const float *restrict w,
                           __global float *restrict flipped,
                           __global int *restrict nonfinite, const int total,
                           const int cin_g, const int cout_g, const int taps) {
  const int i = (int)get_global_id(0); /* index into w */
  if (i >= total)
    return;
  const int tap = i % taps;
  const int ci_local = (i / taps) % cin_g;
  const int co = i / (taps * cin_g);
  const int group = co / cout_g;
  const int ci = group * cin_g + ci_local;
  const float v = w[i];
  flipped[(ci * cout_g + co % cout_g) * taps + (taps - 1 - tap)] = v;
  if (!isfinite(v))
    *nonfinite = 1;
}
