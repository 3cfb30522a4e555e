/* pad_input.cl: copies the planes of x (H x W) into planes of HP x WP with
 * pad_h rows and pad_w columns of zeros before the data and zeros after it,
 * so the blocked forward kernel loads every vector without bounds checks. */

/* Build options the host must give (host/common/kernel_options.h); a missing one
 * fails the build instead of building a wrong kernel. */
#if !defined(IDX_T)
#error "pad_input.cl needs -DIDX_T"
#endif

__kernel void pad_input(__global const float *restrict x,
                        __global float *restrict xp, const long rows,
                        const int h, const int w, const int hp, const int wp,
                        const int pad_h, const int pad_w) {
  const idx_t r = (idx_t)get_global_id(0); /* a row of xp */
  if ((long)r >= rows)
    return;
  const idx_t plane = r / hp;
  const int ih = (int)(r % hp) - pad_h;
  __global float *dst = xp + r * wp;
  if (ih < 0 || ih >= h) {
    for (int c = 0; c < wp; c++)
      dst[c] = 0.0f;
    return;
  }
  __global const float *src = x + (plane * h + ih) * w - pad_w;
  const int end = min(pad_w + w, wp);
  int c = 0;
  for (; c < pad_w; c++)
    dst[c] = 0.0f;
  for (; c < end; c++)
    dst[c] = src[c];
  for (; c < wp; c++)
    dst[c] = 0.0f;
}
