/* flip_weights.cl: the weights (Cout, Cin/groups, KH, KW) of a
 * cross-correlation turned into those of the stride-1 correlation that
 * computes one stride phase of its input gradient: (Cin, Cout/groups, TH,
 * TW), with the input and output channels exchanged within each group and
 * the phase's taps kh = first_h + m * step_h (m < TH), likewise kw, in
 * reverse order (for stride 1, all taps: the kernel rotated by 180 degrees).
 * Sets *nonfinite to 1 when some weight taken is infinite or NaN (the
 * caller zeroes it first): the gradient kernel then keeps such a weight
 * away from the zero padding, which in the reference never multiplies. */

__kernel void flip_weights(__global const float *restrict w,
                           __global float *restrict flipped,
                           __global int *restrict nonfinite, const int total,
                           const int cin_g, const int cout_g, const int kh,
                           const int kw, const int th, const int tw,
                           const int first_h, const int step_h,
                           const int first_w, const int step_w) {
  const int i = (int)get_global_id(0); /* index into flipped */
  if (i >= total)
    return;
  const int mw = i % tw;
  const int mh = (i / tw) % th;
  const int co_local = (i / (tw * th)) % cout_g;
  const int ci = i / (tw * th * cout_g);
  const int group = ci / cin_g;
  const int co = group * cout_g + co_local;
  const int tap_h = first_h + (th - 1 - mh) * step_h;
  const int tap_w = first_w + (tw - 1 - mw) * step_w;
  const float v = w[((co * cin_g + ci % cin_g) * kh + tap_h) * kw + tap_w];
  flipped[i] = v;
  if (not_finite(v))
    *nonfinite = 1;
}
