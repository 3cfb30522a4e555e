/* tiles_fwd_blocked.c: the register tiles of the blocked forward kernel:
 * the default, the candidates for tuning and the build options. */
#include "tiles/tiles_fwd_blocked.h"

#include <stdio.h>
#include <stdlib.h>

/* Accumulators of a GPU work-item: a floatVW there is VW scalar
 * registers, and many small work-items run at once. */
#define SIMT_ACCUMULATORS 16

/* Output channels per work-item to try, widest first; each list ends in 1. */
static const int cpu_channel_blocks[] = {8, 4, 2, 1};
static const int simt_channel_blocks[] = {4, 2, 1};

/* Below this many floating-point operations a forward takes microseconds,
 * less than a launch: the smallest tiles, which build fastest, do. */
#define SMALL_PROBLEM_FLOPS (1 << 20)

/* 1x1 problems (one wide row once flattened) whose image's input is beyond
 * this and whose weights are within it take the channel blocks innermost
 * (clconv__tiles_fwd_blocked_channels_inner). Measured on the 2 MB-L2 Xeon
 * at batch 2: 1x1 layers of 512, 256 and 128 channels at 56x56, 56x56 and
 * 112x112 went from 150, 140 and 123 GFLOP/s to 275, 270 and 276; 3x3
 * layers lost (512 channels at 56x56 from 216 to 150, 64 at 224x224 from
 * 207 to 158), so they keep the column tiles innermost. */
#define CHANNELS_INNER_BYTES (1024 * 1024)

/* Above this fraction of edge tiles, copying the input with its padding
 * costs less than the edge path. */
#define PAD_EDGE_FRACTION 0.1

/* The largest of @p choices (descending, ending in 1) that divides @p n
 * and is at most @p limit. */
static int largest_divisor(int64_t n, const int *choices, int limit) {
  int i = 0;
  while (choices[i] > 1 && (n % choices[i] != 0 || choices[i] > limit))
    i++;
  return choices[i];
}

/* How well a tile of cv x rh vectors by cb channels uses the machine: the
 * fraction of computed outputs that exist, times the multiply-adds per load
 * (t * cb multiply-adds for t vector loads and cb weight broadcasts). */
static double tile_score(const clconv__corr2d_geom *g, int vw, int cv, int rh,
                         int cb) {
  const int64_t vectors = (g->wout + vw - 1) / vw;
  const int64_t cols = (vectors + cv - 1) / cv * cv * vw;
  const int64_t rows = (g->hout + rh - 1) / rh * rh;
  const double useful = (double)(g->wout * g->hout) / (double)(cols * rows);
  const double t = (double)(cv * rh);
  return useful * (t * cb) / (t + cb);
}

static double forward_flops(const clconv__corr2d_geom *g) {
  return 2.0 * (double)g->n * (double)g->cout * (double)g->hout *
         (double)g->wout * (double)clconv__corr2d_geometry_terms(g);
}

clconv__tiles_fwd_blocked
clconv__tiles_fwd_blocked_default(const clconv__device_caps *caps,
                                  const clconv__corr2d_geom *g) {
  clconv__tiles_fwd_blocked t = {4, 1, 1, 1, 0};
  double best = -1.0;
  int accumulators, budget;
  if (caps->simt) {
    /* A GPU vector is vw scalar registers; many small work-items. */
    t.cb = largest_divisor(g->cout_g, simt_channel_blocks, SIMT_ACCUMULATORS);
  } else {
    /* CPUs: the widest vector the output's width fills (PoCL maps float16
     * to one AVX-512 register, two AVX2 ones). With one channel per
     * work-item (memory-bound images) a few vectors suffice. */
    t.vw = g->wout >= 16 ? 16 : 8;
    accumulators = clconv__device_caps_accumulators(caps, t.vw);
    t.cb = largest_divisor(g->cout_g, cpu_channel_blocks, accumulators);
    budget =
        t.cb == 1 ? (accumulators < 8 ? accumulators : 8) : accumulators / t.cb;
    if (forward_flops(g) < SMALL_PROBLEM_FLOPS)
      budget = 1;
    for (int cv = 1; cv <= budget; cv++) {
      for (int rh = 1; cv * rh <= budget && rh <= g->hout; rh++) {
        const double score = tile_score(g, t.vw, cv, rh, t.cb);
        if (score > best * 1.0001) {
          best = score;
          t.cv = cv;
          t.rh = rh;
        }
      }
    }
  }
  t.padded = forward_flops(g) >= SMALL_PROBLEM_FLOPS &&
             clconv__tiles_fwd_blocked_edge_fraction(&t, g) > PAD_EDGE_FRACTION;
  return t;
}

int clconv__tiles_fwd_blocked_valid(const clconv__tiles_fwd_blocked *t,
                                    const clconv__corr2d_geom *g) {
  return (t->vw == 4 || t->vw == 8 || t->vw == 16) && t->cv >= 1 &&
         t->rh >= 1 && t->cb >= 1 && g->cout_g % t->cb == 0 &&
         t->cv <= CLCONV__MAX_ACCUMULATORS &&
         t->rh <= CLCONV__MAX_ACCUMULATORS &&
         t->cb <= CLCONV__MAX_ACCUMULATORS &&
         t->cv * t->rh * t->cb <= CLCONV__MAX_ACCUMULATORS &&
         (t->padded == 0 || t->padded == 1);
}

/* Columns one vector load starting at some column reads (load_columns_inside
 * in cl/common.cl). */
static int64_t load_span(int vw, int64_t stride) {
  if (stride == 1)
    return vw;
  if (stride == 2)
    return 2 * vw;
  return (vw - 1) * stride + 1;
}

/* How many of @p tiles tiles of @p size outputs read only inputs in
 * [0, extent): tile i reads from i * size * stride - pad to that plus
 * @p reach. */
static int64_t inside_tiles(int64_t tiles, int64_t size, int64_t stride,
                            int64_t pad, int64_t reach, int64_t extent) {
  int64_t inside = 0;
  for (int64_t i = 0; i < tiles; i++) {
    const int64_t first = i * size * stride - pad;
    inside += first >= 0 && first + reach <= extent;
  }
  return inside;
}

double
clconv__tiles_fwd_blocked_edge_fraction(const clconv__tiles_fwd_blocked *t,
                                        const clconv__corr2d_geom *g) {
  const int64_t col_size = (int64_t)t->vw * t->cv;
  const int64_t col_tiles = (g->wout + col_size - 1) / col_size;
  const int64_t row_tiles = (g->hout + t->rh - 1) / t->rh;
  const int64_t col_reach = (int64_t)(t->cv - 1) * t->vw * g->stride_w +
                            (g->kw - 1) * g->dil_w +
                            load_span(t->vw, g->stride_w);
  const int64_t row_reach =
      (int64_t)(t->rh - 1) * g->stride_h + (g->kh - 1) * g->dil_h + 1;
  const int64_t cols_in =
      inside_tiles(col_tiles, col_size, g->stride_w, g->pad_w, col_reach, g->w);
  const int64_t rows_in =
      inside_tiles(row_tiles, t->rh, g->stride_h, g->pad_h, row_reach, g->h);
  if (col_tiles == 0 || row_tiles == 0)
    return 0.0;
  return 1.0 - (double)(cols_in * rows_in) / (double)(col_tiles * row_tiles);
}

void clconv__tiles_fwd_blocked_format(const clconv__tiles_fwd_blocked *t,
                                      char *out, size_t size) {
  snprintf(out, size, "vw%d cv%d rh%d cb%d %s", t->vw, t->cv, t->rh, t->cb,
           t->padded ? "padded" : "unpadded");
}

/* A candidate and its predicted merit, for sorting. */
typedef struct ranked {
  clconv__tiles_fwd_blocked t;
  double merit;
} ranked;

static int by_merit(const void *a, const void *b) {
  const double ma = ((const ranked *)a)->merit, mb = ((const ranked *)b)->merit;
  return (ma < mb) - (ma > mb);
}

static int same_tiles(const clconv__tiles_fwd_blocked *a,
                      const clconv__tiles_fwd_blocked *b) {
  return a->vw == b->vw && a->cv == b->cv && a->rh == b->rh && a->cb == b->cb &&
         a->padded == b->padded;
}

int clconv__tiles_fwd_blocked_candidates(const clconv__device_caps *caps,
                                         const clconv__corr2d_geom *g,
                                         clconv__tiles_fwd_blocked *out,
                                         int max) {
  static const int widths[] = {4, 8, 16};
  static const int channels[] = {1, 2, 4, 8, 16};
  static const int vectors[] = {1, 2, 3, 4};
  static const int rows[] = {1, 2, 3, 4, 6, 8};
  enum {
    POOL = (sizeof widths / sizeof *widths) *
           (sizeof channels / sizeof *channels) *
           (sizeof vectors / sizeof *vectors) * (sizeof rows / sizeof *rows) *
           2 /* unpadded, padded */
  };
  ranked pool[POOL];
  int count = 0, written = 0;
  if (max <= 0)
    return 0;
  out[written++] = clconv__tiles_fwd_blocked_default(caps, g);
  for (size_t a = 0; a < sizeof widths / sizeof *widths; a++)
    for (size_t b = 0; b < sizeof channels / sizeof *channels; b++)
      for (size_t c = 0; c < sizeof vectors / sizeof *vectors; c++)
        for (size_t d = 0; d < sizeof rows / sizeof *rows; d++)
          for (int padded = 0; padded <= 1; padded++) {
            const clconv__tiles_fwd_blocked t = {widths[a], vectors[c], rows[d],
                                                 channels[b], padded};
            const double edge = clconv__tiles_fwd_blocked_edge_fraction(&t, g);
            const int accumulators =
                caps->simt ? SIMT_ACCUMULATORS
                           : clconv__device_caps_accumulators(caps, t.vw) + 4;
            /* CPU vectors under half a register waste it; rows past the
             * output, or padding nothing reads, change nothing. */
            if (!clconv__tiles_fwd_blocked_valid(&t, g) || t.cv * t.rh > 8 ||
                t.cv * t.rh * t.cb > accumulators ||
                (!caps->simt && 2 * t.vw < caps->native_float_width) ||
                t.rh > g->hout || (padded && edge == 0.0) ||
                same_tiles(&t, &out[0]))
              continue;
            pool[count].t = t;
            /* Unpadded edge tiles run about half as fast. */
            pool[count].merit = tile_score(g, t.vw, t.cv, t.rh, t.cb) *
                                (padded ? 1.0 : 1.0 - 0.5 * edge);
            count++;
          }
  qsort(pool, (size_t)count, sizeof *pool, by_merit);
  for (int i = 0; i < count && written < max; i++)
    out[written++] = pool[i].t;
  return written;
}

void clconv__tiles_fwd_blocked_options(const clconv__tiles_fwd_blocked *t,
                                       const clconv__corr2d_geom *f, int masked,
                                       int scatter, clconv__kernel_options *o) {
  clconv__kernel_options_geometry(o, f);
  clconv__kernel_options_int(o, "VW", t->vw);
  clconv__kernel_options_int(o, "CV", t->cv);
  clconv__kernel_options_int(o, "RH", t->rh);
  clconv__kernel_options_int(o, "CB", t->cb);
  clconv__kernel_options_int(o, "PADDED", t->padded);
  clconv__kernel_options_int(o, "MASKED", masked);
  clconv__kernel_options_int(o, "SCATTER", scatter);
  /* Strides 1 and 2 get loads specialized for them; 0 is any stride. */
  clconv__kernel_options_int(o, "STRIDE_W", f->stride_w <= 2 ? f->stride_w : 0);
}

int clconv__tiles_fwd_blocked_channels_inner(const clconv__tiles_fwd_blocked *t,
                                             const clconv__corr2d_geom *f) {
  const int64_t input_bytes = f->cin_g * f->h * f->w * (int64_t)sizeof(float);
  const int64_t weight_bytes =
      f->cout * f->cin_g * f->kh * f->kw * (int64_t)sizeof(float);
  return f->kh * f->kw == 1 && f->cout / t->cb > 1 &&
         input_bytes > CHANNELS_INNER_BYTES &&
         weight_bytes <= CHANNELS_INNER_BYTES;
}

int clconv__tiles_fwd_blocked_large(const clconv__corr2d_geom *f) {
  return forward_flops(f) >= SMALL_PROBLEM_FLOPS;
}
