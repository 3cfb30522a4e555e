/* winograd_bound.c: the magnitude S_W that bounds the rounding error of a
 * Winograd F(m x m, 3x3) result, in double, and the input gradient's
 * flipped weights. */
#include "check/winograd_bound.h"

#include "clconv.h"

#include <math.h>

/* The transform matrices in absolute value (see cl/winograd.cl). */
static const double bt2[4][6] = {
    {1, 0, 1, 0}, {0, 1, 1, 0}, {0, 1, 1, 0}, {0, 1, 0, 1}};
static const double g2[4][3] = {
    {1, 0, 0}, {.5, .5, .5}, {.5, .5, .5}, {0, 0, 1}};
static const double at2[2][6] = {{1, 1, 1, 0}, {0, 1, 1, 1}};
static const double bt4[6][6] = {{4, 0, 5, 0, 1, 0}, {0, 4, 4, 1, 1, 0},
                                 {0, 4, 4, 1, 1, 0}, {0, 2, 1, 2, 1, 0},
                                 {0, 2, 1, 2, 1, 0}, {0, 4, 0, 5, 0, 1}};
static const double g4[6][3] = {{1. / 4, 0, 0},
                                {1. / 6, 1. / 6, 1. / 6},
                                {1. / 6, 1. / 6, 1. / 6},
                                {1. / 24, 1. / 12, 1. / 6},
                                {1. / 24, 1. / 12, 1. / 6},
                                {0, 0, 1}};
static const double at4[4][6] = {{1, 1, 1, 1, 1, 0},
                                 {0, 1, 1, 2, 2, 0},
                                 {0, 1, 1, 4, 4, 0},
                                 {0, 1, 1, 8, 8, 1}};

int clconv__winograd_bound_m(int algo) {
  return algo == CLCONV_ALGO_WINOGRAD       ? 2
         : algo == CLCONV_ALGO_WINOGRAD_4X4 ? 4
                                            : 0;
}

int clconv__winograd_bound_extra_terms(int m) {
  /* Rounding steps of one output (docs/design.md): weight transform 4
   * (F(2x2)) or 6 (F(4x4), whose 1/6 and 1/12 are rounded too), input
   * transform 2 or 10, the product 1, output transform 4 or 8, bias 1; the
   * sum over channels is within the K of the direct count. */
  return m == 2 ? 12 : 26;
}

double clconv__winograd_bound_magnitude(const clconv__corr2d_geom *g, int m,
                                        const float *x, const float *w,
                                        const float *b, int64_t index) {
  const int alpha = m + 2;
  const double(*bt)[6] = m == 2 ? bt2 : bt4;
  const double(*gm)[3] = m == 2 ? g2 : g4;
  const double(*at)[6] = m == 2 ? at2 : at4;
  const int64_t ow = index % g->wout, oh = index / g->wout % g->hout;
  const int64_t co = index / (g->wout * g->hout) % g->cout;
  const int64_t n = index / (g->wout * g->hout * g->cout);
  const int64_t group = co / g->cout_g;
  const int i = (int)(oh % m), j = (int)(ow % m);
  const int64_t row0 = oh - i - g->pad_h, col0 = ow - j - g->pad_w;
  /* The weights of the output's row and column of AT, outer product. */
  double coef[6][6];
  double total = b != NULL ? fabs((double)b[co]) : 0.0;
  for (int a = 0; a < alpha; a++)
    for (int c = 0; c < alpha; c++)
      coef[a][c] = at[i][a] * at[j][c];

  for (int64_t ci = 0; ci < g->cin_g; ci++) {
    const float *plane = x + (n * g->cin + group * g->cin_g + ci) * g->h * g->w;
    const float *filter = w + (co * g->cin_g + ci) * 9;
    double d[6][6], v[6][6], u[6][6], r[6][6];
    for (int a = 0; a < alpha; a++)
      for (int c = 0; c < alpha; c++) {
        const int64_t ih = row0 + a, iw = col0 + c;
        d[a][c] = ih >= 0 && ih < g->h && iw >= 0 && iw < g->w
                      ? fabs((double)plane[ih * g->w + iw])
                      : 0.0;
      }
    /* |BT| |d| |B| */
    for (int a = 0; a < alpha; a++)
      for (int c = 0; c < alpha; c++) {
        r[a][c] = 0.0;
        for (int k = 0; k < alpha; k++)
          r[a][c] += bt[a][k] * d[k][c];
      }
    for (int a = 0; a < alpha; a++)
      for (int c = 0; c < alpha; c++) {
        v[a][c] = 0.0;
        for (int k = 0; k < alpha; k++)
          v[a][c] += r[a][k] * bt[c][k];
      }
    /* |G| |g| |GT| */
    for (int a = 0; a < alpha; a++)
      for (int c = 0; c < 3; c++) {
        r[a][c] = 0.0;
        for (int k = 0; k < 3; k++)
          r[a][c] += gm[a][k] * fabs((double)filter[k * 3 + c]);
      }
    for (int a = 0; a < alpha; a++)
      for (int c = 0; c < alpha; c++) {
        u[a][c] = 0.0;
        for (int k = 0; k < 3; k++)
          u[a][c] += r[a][k] * gm[c][k];
      }
    for (int a = 0; a < alpha; a++)
      for (int c = 0; c < alpha; c++)
        total += coef[a][c] * u[a][c] * v[a][c];
  }
  return total;
}

void clconv__winograd_bound_flip(const clconv__corr2d_geom *g, const float *w,
                                 float *out) {
  const int64_t taps = g->kh * g->kw;
  for (int64_t ci = 0; ci < g->cin; ci++) {
    const int64_t group = ci / g->cin_g;
    for (int64_t k = 0; k < g->cout_g; k++) {
      const float *src =
          w + ((group * g->cout_g + k) * g->cin_g + ci % g->cin_g) * taps;
      float *dst = out + (ci * g->cout_g + k) * taps;
      for (int64_t t = 0; t < taps; t++)
        dst[t] = src[taps - 1 - t];
    }
  }
}

clconv__corr2d_geom
clconv__winograd_bound_input_grad_geometry(const clconv__corr2d_geom *g) {
  clconv__corr2d_geom f = *g;
  f.cin = g->cout;
  f.h = g->hout;
  f.w = g->wout;
  f.cout = g->cin;
  f.cin_g = g->cout_g;
  f.cout_g = g->cin_g;
  f.hout = g->h;
  f.wout = g->w;
  f.pad_h = g->kh - 1 - g->pad_h;
  f.pad_w = g->kw - 1 - g->pad_w;
  f.has_bias = 0;
  return f;
}
