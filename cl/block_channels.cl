/* block_channels.cl: reorders a tensor (N, C, H, W) into channel blocks
 * (N, C / VW, H, W, VW): the VW channels of a block lie side by side for
 * each pixel, so a kernel loads them as one vector (the layout oneDNN calls
 * nChw16c). C is a multiple of VW. */

/* Build options the host must give (host/common/kernel_options.h); a missing one
 * fails the build instead of building a wrong kernel. */
#if !defined(VW) || !defined(IDX_T)
#error "block_channels.cl needs -DVW, -DIDX_T"
#endif

__kernel void block_channels(__global const float *restrict src,
                             __global float *restrict dst, const long total,
                             const int channels, const int pixels) {
  /* One work-item per (n, block, pixel): it gathers VW channels. */
  const idx_t i = (idx_t)get_global_id(0);
  if ((long)i >= total)
    return;
  const idx_t pixel = i % pixels;
  const idx_t nb = i / pixels; /* n * (channels / VW) + block */
  __global const float *from = src + nb * VW * (idx_t)pixels + pixel;
  float v[VW];
#pragma unroll
  for (int l = 0; l < VW; l++)
    v[l] = from[(idx_t)l * pixels];
  vstoreV(vloadV(0, v), 0, dst + i * VW);
}
