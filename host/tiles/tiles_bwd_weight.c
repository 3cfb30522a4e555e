/* tiles_bwd_weight.c: the tiles of the blocked weight-gradient kernel: the
 * default, the validity check and the build options. */
#include "tiles/tiles_bwd_weight.h"

/* Accumulators of a GPU work-item, where a vector is vw scalar registers.
 * On a CPU the accumulators come from the device's registers
 * (device_caps.h), and all vectors live at once (the accumulators, tb input
 * vectors and one dY vector) must leave LIVE_SPARE registers free. */
#define SIMT_ACCUMULATORS 8
#define LIVE_SPARE 3

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

clconv__tiles_bwd_weight
clconv__tiles_bwd_weight_default(const clconv__device_caps *caps,
                                 const clconv__corr2d_geom *g) {
  const int gpu = caps->simt;
  const int64_t taps = g->cin_g * g->kh * g->kw;
  const int64_t rows = g->n * g->hout;
  const double terms = (double)g->n * (double)g->cout * (double)g->hout *
                       (double)g->wout * (double)taps;
  clconv__tiles_bwd_weight t = {4, 1, 1, 0, 1};
  double best = -1.0;
  int64_t base_items, target;
  int accumulators, live;

  /* A float8 is half an AVX-512 register, which Zen 4 runs as two halves
   * anyway: the wider vector only when it wastes no more lanes. */
  if (!gpu)
    t.vw = lanes_per_row(g->wout, 16) <= lanes_per_row(g->wout, 8) ? 16 : 8;
  t.padded = (g->wout + t.vw - 1) / t.vw < PAD_BELOW_BLOCKS;
  accumulators =
      gpu ? SIMT_ACCUMULATORS : clconv__device_caps_accumulators(caps, t.vw);
  live = clconv__device_caps_vectors(caps, t.vw) - LIVE_SPARE;

  /* The channel and tap blocks with the most multiply-adds per loaded
   * vector (tb * cb for tb + cb loads) that fit the registers. */
  for (int cb = gpu ? 4 : 8; cb >= 1; cb /= 2) {
    if (g->cout_g % cb != 0)
      continue;
    for (int tb = 1; tb <= 16 && tb <= taps; tb++) {
      const int acc = tb * cb;
      double score;
      if (taps % tb != 0 || acc > accumulators || (!gpu && acc + tb + 1 > live))
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
  target = (int64_t)caps->compute_units *
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

int clconv__tiles_bwd_weight_valid(const clconv__tiles_bwd_weight *t,
                                   const clconv__corr2d_geom *g) {
  const int64_t taps = g->cin_g * g->kh * g->kw;
  return (t->vw == 4 || t->vw == 8 || t->vw == 16) && t->cb >= 1 &&
         g->cout_g % t->cb == 0 && t->tb >= 1 && taps % t->tb == 0 &&
         t->chunks >= 1 &&
         t->chunks <= (g->n * g->hout > 1 ? g->n * g->hout : 1) &&
         (t->padded == 0 || t->padded == 1);
}

void clconv__tiles_bwd_weight_options(const clconv__tiles_bwd_weight *t,
                                      const clconv__corr2d_geom *f,
                                      clconv__kernel_options *o) {
  clconv__kernel_options_geometry(o, f);
  clconv__kernel_options_int(o, "VW", t->vw);
  clconv__kernel_options_int(o, "CB", t->cb);
  clconv__kernel_options_int(o, "TB", t->tb);
  clconv__kernel_options_int(o, "PADDED", t->padded);
  /* Strides 1 and 2 get loads specialized for them; 0 is any stride. */
  clconv__kernel_options_int(o, "STRIDE_W", f->stride_w <= 2 ? f->stride_w : 0);
}
