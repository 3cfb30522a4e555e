/* common.cl: definitions shared by every clconv kernel; the library prepends
 * it to each kernel file when it builds a program. */

/* Index type: int unless the host asks for long (-DIDX_T=long) because some
 * index of the problem reaches 2^31. */
#ifndef IDX_T
#define IDX_T int
#endif
typedef IDX_T idx_t;

/* Vector helpers for the blocked kernels, which the host builds with -DVW=4,
 * 8 or 16 (output columns per work-item) and -DSTRIDE_W=1 or 2 (the column
 * stride, fixed for contiguous or even-lane loads) or 0 (any stride). */
#ifdef VW
#ifndef STRIDE_W
#define STRIDE_W 1
#endif
#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define floatV CAT(float, VW)
#define intV CAT(int, VW)
#define vloadV CAT(vload, VW)
#define vstoreV CAT(vstore, VW)
#if VW == 4
#define vload2V vload8
#elif VW == 8
#define vload2V vload16
#endif

/* The VW values of @p row at columns c, c + stride, ...: zero where a column
 * falls outside [0, width), the padding. */
inline floatV load_columns(__global const float *row, int c, int width,
                           int stride) {
#if STRIDE_W == 1
  if (c >= 0 && c + VW <= width)
    return vloadV(0, row + c);
#elif STRIDE_W == 2 && VW <= 8
  if (c >= 0 && c + 2 * VW <= width)
    return vload2V(0, row + c).even;
#endif
  float v[VW];
#pragma unroll
  for (int l = 0; l < VW; l++) {
    const int col = c + l * stride;
    v[l] = (col >= 0 && col < width) ? row[col] : 0.0f;
  }
  return vloadV(0, v);
}
#endif
