/* tiles_bwd_weight_cvec.c: the parameters of the channel-vector weight
 * gradient (see tiles_bwd_weight_cvec.h). */
#include "tiles/tiles_bwd_weight_cvec.h"

/* dY rows of one chunk (all output channels of a group) should stay in a
 * core's L2 cache while the work-items of the chunk read them. Measured on
 * a 2 MB-L2 Xeon (S3, S4, S5): 192 KB 6.4 / 9.6 / 1.9 ms, 768 KB 6.0 / 9.2
 * / 1.7 ms, 1 MB about the same; 768 KB leaves room in a 1 MB L2 too. */
#define CHUNK_BYTES (768 * 1024)

/* Beside the accumulators live the COB dY vectors and one broadcast. */
#define LIVE_SPARE 1

int clconv__tiles_bwd_weight_cvec_suits(const clconv__device_caps *caps,
                                        const clconv__corr2d_geom *g) {
  const int vw = caps->native_float_width;
  return !caps->simt && (vw == 4 || vw == 8 || vw == 16) &&
         g->cout_g % (2 * vw) == 0;
}

clconv__tiles_bwd_weight_cvec
clconv__tiles_bwd_weight_cvec_default(const clconv__device_caps *caps,
                                      const clconv__corr2d_geom *g) {
  const int64_t taps = g->cin_g * g->kh * g->kw;
  const int64_t rows = g->n * g->hout;
  const int live = clconv__device_caps_vectors(caps, caps->native_float_width);
  clconv__tiles_bwd_weight_cvec t = {caps->native_float_width, 1, 1, 1};
  double best = -1.0;
  int64_t row_bytes, rows_per_chunk;

  /* The most multiply-adds per load (tb x cob for cob vector loads and tb
   * broadcasts) whose accumulators and operands fit the registers. */
  for (int cob = 1; cob <= 8; cob++) {
    if (g->cout_g % (cob * t.vw) != 0)
      continue;
    for (int tb = 1; tb <= 32 && tb <= taps; tb++) {
      double score;
      if (taps % tb != 0 || tb * cob + cob + LIVE_SPARE > live)
        continue;
      score = (double)(tb * cob) / (double)(tb + cob);
      if (score > best * 1.0001) {
        best = score;
        t.cob = cob;
        t.tb = tb;
      }
    }
  }

  /* Chunks of rows whose dY fits the cache; their partial sums are added
   * up by a second kernel. */
  row_bytes = g->cout_g * g->wout * (int64_t)sizeof(float);
  rows_per_chunk = CHUNK_BYTES / row_bytes > 0 ? CHUNK_BYTES / row_bytes : 1;
  t.chunks = (rows + rows_per_chunk - 1) / rows_per_chunk;
  if (t.chunks < 1)
    t.chunks = 1;
  return t;
}

int clconv__tiles_bwd_weight_cvec_valid(const clconv__tiles_bwd_weight_cvec *t,
                                        const clconv__corr2d_geom *g) {
  const int64_t taps = g->cin_g * g->kh * g->kw;
  return (t->vw == 4 || t->vw == 8 || t->vw == 16) && t->cob >= 1 &&
         g->cout_g % (t->cob * t->vw) == 0 && t->tb >= 1 && taps % t->tb == 0 &&
         t->chunks >= 1 &&
         t->chunks <= (g->n * g->hout > 1 ? g->n * g->hout : 1);
}

void clconv__tiles_bwd_weight_cvec_options(
    const clconv__tiles_bwd_weight_cvec *t, const clconv__corr2d_geom *f,
    clconv__kernel_options *o) {
  clconv__kernel_options_geometry(o, f);
  clconv__kernel_options_int(o, "VW", t->vw);
  clconv__kernel_options_int(o, "COB", t->cob);
  clconv__kernel_options_int(o, "TB", t->tb);
}
