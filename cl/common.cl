/* common.cl: definitions shared by every clconv kernel; the library prepends
 * it to each kernel file when it builds a program. */

/* Index type of the kernels that take -DIDX_T: int, or long when some index
 * of the problem reaches 2^31. Each such kernel requires the option. */
#ifdef IDX_T
typedef IDX_T idx_t;
#endif

/* 1 when @p v is an infinity or a NaN. Tested on the bits: a compiler that
 * assumes finite floats (Mesa's rusticl folds x * 0.0f to 0 and may fold
 * isfinite) cannot fold an integer test away. */
__attribute__((always_inline)) inline int not_finite(float v) {
  return (as_uint(v) & 0x7f800000u) == 0x7f800000u;
}

/* The geometry arguments every corr2d kernel takes, in this order; the host
 * sets them with clconv__cl_args_geometry() (host/opencl/cl_args.c). */
#define CORR2D_GEOMETRY_PARAMS                                                 \
  const int cin, const int h, const int wd, const int cout, const int hout,    \
      const int wout, const int cin_g, const int cout_g, const int stride_h,   \
      const int stride_w, const int pad_h, const int pad_w, const int dil_h,   \
      const int dil_w

/* Vector helpers for the blocked kernels, which the host builds with -DVW=4,
 * 8 or 16 (output columns per work-item) and, for the column loads below,
 * -DSTRIDE_W=1 or 2 (the column stride, fixed for contiguous or even-lane
 * loads) or 0 (any stride). */
#ifdef VW
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

#ifdef STRIDE_W
/* The VW values of @p row at columns c, c + stride, ..., all of which the
 * caller knows to exist (a padded copy of the input). With stride 2 the
 * loads run up to column c + 2 VW - 1. */
__attribute__((always_inline)) inline floatV
load_columns_inside(__global const float *row, int c, int stride) {
#if STRIDE_W == 1
  return vloadV(0, row + c);
#elif STRIDE_W == 2 && VW <= 8
  return vload2V(0, row + c).even;
#elif STRIDE_W == 2 && VW == 16
  return (float16)(vload16(0, row + c).even, vload16(1, row + c).even);
#else
  float v[VW];
#pragma unroll
  for (int l = 0; l < VW; l++)
    v[l] = row[c + l * stride];
  return vloadV(0, v);
#endif
}

/* The VW values of @p row at columns c, c + stride, ...: zero where a column
 * falls outside [0, width), the padding. */
__attribute__((always_inline)) inline floatV
load_columns(__global const float *row, int c, int width, int stride) {
#if STRIDE_W == 1 || STRIDE_W == 2
  if (c >= 0 && c + STRIDE_W * VW <= width)
    return load_columns_inside(row, c, stride);
#endif
  float v[VW];
#pragma unroll
  for (int l = 0; l < VW; l++) {
    const int col = c + l * stride;
    v[l] = (col >= 0 && col < width) ? row[col] : 0.0f;
  }
  return vloadV(0, v);
}

/* Columns of a row that one load_columns_inside() starting at c reads. */
#if STRIDE_W == 1
#define LOAD_SPAN(stride) VW
#elif STRIDE_W == 2
#define LOAD_SPAN(stride) (2 * VW)
#else
#define LOAD_SPAN(stride) ((VW - 1) * (stride) + 1)
#endif
#endif /* STRIDE_W */

/* Stores the first @p remaining lanes of @p v at @p out (all VW when
 * remaining >= VW, none when it is <= 0 or when @p row_exists is 0): the
 * columns of a tile that exist in the output. */
__attribute__((always_inline)) inline void
store_columns(__global float *out, floatV v, int row_exists, int remaining) {
  if (!row_exists || remaining <= 0)
    return;
  if (remaining >= VW) {
    vstoreV(v, 0, out);
    return;
  }
  float s[VW];
  vstoreV(v, 0, s);
  for (int l = 0; l < remaining; l++)
    out[l] = s[l];
}
#endif

#if defined(MOMENTUM) && defined(NESTEROV)
/* One step of SGD with PyTorch's semantics for a parameter of value @p wv
 * and gradient @p grad, with momentum (MOMENTUM=1) its buffer at @p buf
 * (which it updates; set on the first step, when @p buffer_is_set is 0):
 *   g = grad + weight_decay * w
 *   with momentum: buf = g on the first step, else momentum * buf +
 *                  (1 - dampening) * g; g = NESTEROV ? g + momentum * buf : buf
 * @return w - lr * g. Used by sgd_update.cl and train_step_small.cl. */
__attribute__((always_inline)) inline float
sgd_apply(const float wv, const float grad, __global float *buf, const float lr,
          const float weight_decay, const float momentum,
          const float one_minus_dampening, const int buffer_is_set) {
  float g = grad + weight_decay * wv;
#if MOMENTUM
  const float b = buffer_is_set ? momentum * *buf + one_minus_dampening * g : g;
  *buf = b;
#if NESTEROV
  g = g + momentum * b;
#else
  g = b;
#endif
#else
  (void)buf;
  (void)momentum;
  (void)one_minus_dampening;
  (void)buffer_is_set;
#endif
  return wv - lr * g;
}
#endif
