/* bwd_weight_tiles.c: the default tiles of the blocked weight-gradient
 * kernel. */
#include "bwd_weight_tiles.h"

/* Accumulator vectors a work-item may hold, and all vectors live at once
 * (accumulators, tb input vectors, one dY vector): AVX-512 has 32 registers.
 * A GPU vector is vw scalar registers, so GPUs get fewer. */
#define CPU_ACCUMULATORS 24
#define CPU_LIVE_VECTORS 29
#define GPU_ACCUMULATORS 8

/* Work-items per compute unit that keep a device busy: a few per CPU
 * thread to even out the load, many per GPU multiprocessor. */
#define CPU_ITEMS_PER_UNIT 64
#define GPU_ITEMS_PER_UNIT 256

/* Bytes of dY rows a chunk may span on a CPU: a part of a core's L2. */
#define CPU_CHUNK_BYTES (256 * 1024)

/* Below this many multiply-adds the op takes microseconds, less than a
 * launch: one chunk, so one kernel. */
#define SMALL_PROBLEM_TERMS (1 << 19)

/* Below this many blocks of columns per row, the blocks at the ends of a
 * row, whose loads check their bounds, cost more than copying the input
 * with its padding. */
#define PAD_BELOW_BLOCKS 20

/* The lanes computed for a row of @p wout columns in vectors of @p vw. */
static int64_t lanes_per_row(int64_t wout, int vw) {
  return (wout + vw - 1) / vw * vw;
}

clconv__bwd_weight_tiles
clconv__bwd_weight_tiles_default(clconv_device_type type,
                                 unsigned compute_units,
                                 const clconv__corr2d_geom *g) {
  const int gpu = type == CLCONV_DEVICE_TYPE_GPU;
  const int64_t taps = g->cin_g * g->kh * g->kw;
  const int64_t rows = g->n * g->hout;
  const double terms = (double)g->n * (double)g->cout * (double)g->hout *
                       (double)g->wout * (double)taps;
  clconv__bwd_weight_tiles t = {4, 1, 1, 0, 1};
  double best = -1.0;
  int64_t base_items, target;

  /* A float8 is half an AVX-512 register, which Zen 4 runs as two halves
   * anyway: the wider vector only when it wastes no more lanes. */
  if (!gpu)
    t.vw = lanes_per_row(g->wout, 16) <= lanes_per_row(g->wout, 8) ? 16 : 8;
  t.padded = (g->wout + t.vw - 1) / t.vw < PAD_BELOW_BLOCKS;

  /* The channel and tap blocks with the most multiply-adds per loaded
   * vector (tb * cb for tb + cb loads) that fit the registers. */
  for (int cb = gpu ? 4 : 8; cb >= 1; cb /= 2) {
    if (g->cout_g % cb != 0)
      continue;
    for (int tb = 1; tb <= 16 && tb <= taps; tb++) {
      const int acc = tb * cb;
      double score;
      if (taps % tb != 0 || acc > (gpu ? GPU_ACCUMULATORS : CPU_ACCUMULATORS) ||
          (!gpu && acc + tb + 1 > CPU_LIVE_VECTORS))
        continue;
      score = (double)acc / (double)(tb + cb);
      if (score > best * 1.0001) {
        best = score;
        t.cb = cb;
        t.tb = tb;
      }
    }
  }

  /* The rows are split into chunks when the weight alone has too few
   * blocks to fill the device, and on a CPU also so that the dY rows of one
   * chunk stay in the core's cache while the work-items of one channel
   * block, which run one after another, read them for their taps. */
  base_items = (g->cout / t.cb) * (taps / t.tb);
  target = (int64_t)(compute_units > 0 ? compute_units : 1) *
           (gpu ? GPU_ITEMS_PER_UNIT : CPU_ITEMS_PER_UNIT);
  if (terms >= SMALL_PROBLEM_TERMS && rows > 1) {
    const int64_t row_bytes = (int64_t)t.cb * g->wout * (int64_t)sizeof(float);
    const int64_t cached_rows =
        CPU_CHUNK_BYTES / row_bytes > 0 ? CPU_CHUNK_BYTES / row_bytes : 1;
    if (base_items < target)
      t.chunks = (target + base_items - 1) / base_items;
    if (!gpu && (rows + cached_rows - 1) / cached_rows > t.chunks)
      t.chunks = (rows + cached_rows - 1) / cached_rows;
    if (t.chunks > rows)
      t.chunks = rows;
  }
  return t;
}
