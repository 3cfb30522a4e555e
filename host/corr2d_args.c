/* corr2d_args.c: build options and geometry arguments of the corr2d
 * kernels. */
#include "corr2d_args.h"

#include <stdio.h>

void clconv__corr2d_options(const clconv__corr2d_geom *g, const char *extra,
                            char *out, size_t size) {
  snprintf(out, size, "-DKH=%lld -DKW=%lld -DIDX_T=%s%s%s", (long long)g->kh,
           (long long)g->kw, g->needs_long_index ? "long" : "int",
           extra[0] != '\0' ? " " : "", extra);
}

void clconv__args_corr2d_geometry(clconv__args *a,
                                  const clconv__corr2d_geom *g) {
  clconv__args_int(a, g->cin);
  clconv__args_int(a, g->h);
  clconv__args_int(a, g->w);
  clconv__args_int(a, g->cout);
  clconv__args_int(a, g->hout);
  clconv__args_int(a, g->wout);
  clconv__args_int(a, g->cin_g);
  clconv__args_int(a, g->cout_g);
  clconv__args_int(a, g->stride_h);
  clconv__args_int(a, g->stride_w);
  clconv__args_int(a, g->pad_h);
  clconv__args_int(a, g->pad_w);
  clconv__args_int(a, g->dil_h);
  clconv__args_int(a, g->dil_w);
}

const char *clconv__index_type(size_t count) {
  return count > (size_t)INT32_MAX ? "long" : "int";
}
