/* tiles_fwd_cvec.c: the parameters of the channel-vector forward (see
 * tiles_fwd_cvec.h). */
#include "tiles_fwd_cvec.h"

/* Input channels per group below which the column-vector kernel wins. */
#define MIN_CIN_G 16

/* The weights of one chunk of input channels, kept in the L1 cache. */
#define L1_WEIGHT_BYTES (24 * 1024)

int clconv__tiles_fwd_cvec_suits(const clconv__device_caps *caps,
                                 const clconv__corr2d_geom *g) {
  const int vw = caps->native_float_width;
  return !caps->simt && (vw == 4 || vw == 8 || vw == 16) &&
         g->cout_g % (2 * vw) == 0 && g->cin_g >= MIN_CIN_G;
}

int64_t clconv__tiles_fwd_cvec_col_tiles(const clconv__tiles_fwd_cvec *t,
                                         const clconv__corr2d_geom *g) {
  return (g->wout + t->rw - 1) / t->rw;
}

clconv__tiles_fwd_cvec
clconv__tiles_fwd_cvec_default(const clconv__device_caps *caps,
                               const clconv__corr2d_geom *g) {
  const int live = clconv__device_caps_vectors(caps, caps->native_float_width);
  clconv__tiles_fwd_cvec t = {caps->native_float_width, 1, 1, 1};
  int64_t per_channel;
  double best = -1.0;
  /* The most multiply-adds per load (rw x cob for cob vector loads and rw
   * broadcasts), discounted by the columns the last tile wastes, among
   * those whose accumulators, weight vectors and broadcasts all fit the
   * registers (the compiler loads a tap's broadcasts together). */
  for (int cob = 1; cob <= 8; cob++) {
    if (g->cout_g % (cob * t.vw) != 0)
      continue;
    for (int rw = 1; rw <= 32; rw++) {
      const int64_t tiles = (g->wout + rw - 1) / rw;
      double score;
      if (rw * cob + cob + rw > live)
        continue;
      score = (double)(rw * cob) / (double)(rw + cob) * (double)g->wout /
              (double)(tiles * rw);
      if (score > best * 1.0001) {
        best = score;
        t.cob = cob;
        t.rw = rw;
      }
    }
  }
  per_channel = (int64_t)t.cob * t.vw * g->kh * g->kw * (int64_t)sizeof(float);
  t.cib =
      (int)(L1_WEIGHT_BYTES / per_channel > 0 ? L1_WEIGHT_BYTES / per_channel
                                              : 1);
  if (t.cib > g->cin_g)
    t.cib = (int)g->cin_g;
  return t;
}

int clconv__tiles_fwd_cvec_valid(const clconv__tiles_fwd_cvec *t,
                                 const clconv__corr2d_geom *g) {
  return (t->vw == 4 || t->vw == 8 || t->vw == 16) && t->cob >= 1 &&
         g->cout_g % (t->cob * t->vw) == 0 && t->rw >= 1 && t->rw <= 32 &&
         t->cib >= 1;
}

void clconv__tiles_fwd_cvec_options(const clconv__tiles_fwd_cvec *t,
                                    const clconv__corr2d_geom *f,
                                    clconv__kernel_options *o) {
  clconv__kernel_options_geometry(o, f);
  clconv__kernel_options_int(o, "VW", t->vw);
  clconv__kernel_options_int(o, "COB", t->cob);
  clconv__kernel_options_int(o, "RW", t->rw);
  clconv__kernel_options_int(o, "CIB", t->cib);
}
