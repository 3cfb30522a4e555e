/* backend_ref.c: the reference backend's ops, in plain C with double
 * accumulation; built with -ffp-contract=off so no fused multiply-add hides
 * a rounding. */
#include "backend_ref.h"

#include <math.h>

void clconv__ref_corr2d_fwd(const clconv__corr2d_geom *g, const float *x,
                            const float *w, const float *b, float *y,
                            double *y_exact, double *magnitude) {
  int64_t out = 0;
  for (int64_t n = 0; n < g->n; n++) {
    for (int64_t co = 0; co < g->cout; co++) {
      const int64_t group = co / g->cout_g;
      for (int64_t oh = 0; oh < g->hout; oh++) {
        for (int64_t ow = 0; ow < g->wout; ow++, out++) {
          double sum = 0.0, mag = 0.0;
          /* Sums every product of the window, skipping the padding. */
          for (int64_t ci = 0; ci < g->cin_g; ci++) {
            const int64_t c = group * g->cin_g + ci;
            for (int64_t kh = 0; kh < g->kh; kh++) {
              const int64_t ih = oh * g->stride_h - g->pad_h + kh * g->dil_h;
              if (ih < 0 || ih >= g->h)
                continue;
              for (int64_t kw = 0; kw < g->kw; kw++) {
                const int64_t iw = ow * g->stride_w - g->pad_w + kw * g->dil_w;
                double product;
                if (iw < 0 || iw >= g->w)
                  continue;
                product =
                    (double)x[((n * g->cin + c) * g->h + ih) * g->w + iw] *
                    (double)w[((co * g->cin_g + ci) * g->kh + kh) * g->kw + kw];
                sum += product;
                mag += fabs(product);
              }
            }
          }
          if (b != NULL) {
            sum += (double)b[co];
            mag += fabs((double)b[co]);
          }
          if (y != NULL)
            y[out] = (float)sum;
          if (y_exact != NULL)
            y_exact[out] = sum;
          if (magnitude != NULL)
            magnitude[out] = mag;
        }
      }
    }
  }
}
