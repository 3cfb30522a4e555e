/* corr2d_algo.c: the algorithms' names, whether one fits a problem, and
 * what AUTO resolves to on a device. */
#include "common/corr2d_algo.h"

#include <string.h>

static const char *const names[] = {"auto", "direct", "gemm", "winograd",
                                    "winograd4x4"};
#define NAME_COUNT ((int)(sizeof names / sizeof names[0]))

const char *clconv_algo_name(int algo) {
  return algo >= 0 && algo < NAME_COUNT ? names[algo] : "unknown";
}

clconv_status clconv_algo_parse(const char *name, int *algo) {
  if (name == NULL || algo == NULL)
    return CLCONV_STATUS_INVALID_ARGUMENT;
  for (int i = 0; i < NAME_COUNT; i++) {
    if (strcmp(name, names[i]) == 0) {
      *algo = i;
      return CLCONV_STATUS_OK;
    }
  }
  return CLCONV_STATUS_INVALID_ARGUMENT;
}

static int is_pointwise(const clconv__corr2d_geom *g) {
  return g->kh == 1 && g->kw == 1 && g->stride_h == 1 && g->stride_w == 1 &&
         g->pad_h == 0 && g->pad_w == 0;
}

/* Winograd's F(m x m, 3x3) as built here: a 3x3 kernel, stride 1, no
 * dilation, and (for the input gradient, which correlates dY with the
 * rotated kernel and padding 2 - pad) padding of at most 2. */
static int is_winograd_shape(const clconv__corr2d_geom *g) {
  return g->kh == 3 && g->kw == 3 && g->stride_h == 1 && g->stride_w == 1 &&
         g->dil_h == 1 && g->dil_w == 1 && g->pad_h <= 2 && g->pad_w <= 2;
}

const char *clconv__corr2d_algo_unfit(const clconv__corr2d_geom *g) {
  switch (g->algo) {
  case CLCONV_ALGO_GEMM:
    return is_pointwise(g) ? NULL : "a 1x1 kernel with stride 1 and no padding";
  case CLCONV_ALGO_WINOGRAD:
  case CLCONV_ALGO_WINOGRAD_4X4:
    return is_winograd_shape(g)
               ? NULL
               : "a 3x3 kernel with stride 1, dilation 1 and padding <= 2";
  default:
    return NULL;
  }
}

int clconv__corr2d_algo_winograd_tiles(const clconv__corr2d_geom *g, int algo,
                                       clconv__winograd_tiles *t) {
  /* The GEMM's rows: a whole number of the blocked kernel's widest column
   * tile (16 lanes x 4 vectors), so it never pads a copy. */
  const int64_t row_quantum = 64;
  const int64_t limit = CLCONV__CORR2D_INDEX_LIMIT;
  int64_t planes, channels;
  t->m = algo == CLCONV_ALGO_WINOGRAD_4X4 ? 4 : 2;
  t->alpha = t->m + 2;
  t->tiles_h = (g->hout + t->m - 1) / t->m;
  t->tiles_w = (g->wout + t->m - 1) / t->m;
  if (g->n > limit / t->tiles_h / t->tiles_w)
    return 0;
  t->tiles = g->n * t->tiles_h * t->tiles_w;
  t->tiles_pad = (t->tiles + row_quantum - 1) / row_quantum * row_quantum;
  planes = (int64_t)t->alpha * t->alpha;
  channels = g->cin > g->cout ? g->cin : g->cout;
  /* The largest index: into the transformed input or products. */
  return !g->needs_long_index && t->tiles_pad <= limit / planes / channels;
}

int clconv__corr2d_algo_resolve(const clconv__device_caps *caps,
                                const clconv__corr2d_geom *g,
                                clconv_corr2d_pass pass) {
  clconv__winograd_tiles t;
  /* The correlation Winograd would compute: for the input gradient, dY
   * correlated into dX (the channel counts exchanged, the input's size). */
  clconv__corr2d_geom computed = *g;
  if (pass == CLCONV_PASS_BACKWARD_DATA) {
    computed.hout = g->h;
    computed.wout = g->w;
  }
  if (caps == NULL)
    return CLCONV_ALGO_DIRECT;
  switch (g->algo) {
  case CLCONV_ALGO_DIRECT:
    return g->algo;
  case CLCONV_ALGO_GEMM: /* a quirk may rule it out: direct instead */
    return (caps->avoid & CLCONV__AVOID_GEMM) != 0 ? CLCONV_ALGO_DIRECT
                                                   : g->algo;
  case CLCONV_ALGO_WINOGRAD:
  case CLCONV_ALGO_WINOGRAD_4X4:
    /* The weight gradient runs direct, and so does a problem too large
     * for 32-bit indices into the transformed tensors, or a form a quirk
     * rules out. */
    return pass != CLCONV_PASS_BACKWARD_WEIGHT &&
                   (caps->avoid & (g->algo == CLCONV_ALGO_WINOGRAD
                                       ? CLCONV__AVOID_WINOGRAD
                                       : CLCONV__AVOID_WINOGRAD_4X4)) == 0 &&
                   clconv__corr2d_algo_winograd_tiles(&computed, g->algo, &t)
               ? g->algo
               : CLCONV_ALGO_DIRECT;
  default: /* AUTO */
    /* Not Winograd: on this project's CPUs it lost to the direct kernels or
     * won by a little at a looser error bound (docs/design.md,
     * "Algorithms"); on GPUs it has not been measured. */
    return is_pointwise(g) && (caps->avoid & CLCONV__AVOID_GEMM) == 0
               ? CLCONV_ALGO_GEMM
               : CLCONV_ALGO_DIRECT;
  }
}
