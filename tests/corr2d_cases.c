/* corr2d_cases.c: seeded random cross-correlation problems shared by the
 * forward and gradient suites. */
#include "corr2d_cases.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t dims_count(const int64_t *dims, int rank) {
  size_t n = 1;
  for (int i = 0; i < rank; i++)
    n *= (size_t)dims[i];
  return n;
}

/* Draws one random configuration; @p i forces the cases the sweep must
 * cover: 1x1, kernel equal to the padded input, padding larger than the
 * kernel, stride larger than the kernel, non-square kernels. */
void random_case(test_rng *r, int i, corr2d_case *c) {
  int64_t groups = test_int(r, 1, 3), cin_g = test_int(r, 1, 4);
  int64_t cout_g = test_int(r, 1, 3);
  int64_t kh = test_int(r, 1, 5), kw = test_int(r, 1, 5);
  int64_t eff_h, eff_w, h, w;
  int integer_data = i % 2 == 0;
  memset(c, 0, sizeof *c);
  c->p = clconv_corr2d_params_default();
  c->p.groups = groups;
  c->p.dilation_h = test_int(r, 0, 3) == 0 ? test_int(r, 2, 3) : 1;
  c->p.dilation_w = test_int(r, 0, 3) == 0 ? test_int(r, 2, 3) : 1;
  c->p.stride_h = test_int(r, 1, 3);
  c->p.stride_w = test_int(r, 1, 3);
  c->p.pad_h = test_int(r, 0, 2);
  c->p.pad_w = test_int(r, 0, 2);
  switch (i % 6) {
  case 0: /* 1x1 */
    kh = kw = 1;
    break;
  case 2: /* padding larger than the kernel */
    c->p.pad_h = kh + test_int(r, 0, 2);
    c->p.pad_w = kw + test_int(r, 0, 2);
    break;
  case 3: /* stride larger than the kernel */
    c->p.stride_h = kh + test_int(r, 1, 3);
    c->p.stride_w = kw + test_int(r, 1, 3);
    break;
  case 4: /* non-square */
    kh = test_int(r, 1, 2);
    kw = test_int(r, 3, 5);
    break;
  default:
    break;
  }
  eff_h = c->p.dilation_h * (kh - 1) + 1;
  eff_w = c->p.dilation_w * (kw - 1) + 1;
  h = test_int(r, eff_h - 2 * c->p.pad_h > 1 ? eff_h - 2 * c->p.pad_h : 1,
               eff_h + 11);
  w = test_int(r, eff_w - 2 * c->p.pad_w > 1 ? eff_w - 2 * c->p.pad_w : 1,
               eff_w + 13);
  if (i % 6 == 1) { /* the kernel covers the whole padded input */
    c->p.pad_h = test_int(r, 0, (eff_h - 1) / 2);
    c->p.pad_w = test_int(r, 0, (eff_w - 1) / 2);
    h = eff_h - 2 * c->p.pad_h;
    w = eff_w - 2 * c->p.pad_w;
  }
  c->x_dims[0] = i % 25 == 7 ? 0 : test_int(r, 1, 3);
  c->x_dims[1] = groups * cin_g;
  c->x_dims[2] = h;
  c->x_dims[3] = w;
  c->w_dims[0] = groups * cout_g;
  c->w_dims[1] = cin_g;
  c->w_dims[2] = kh;
  c->w_dims[3] = kw;
  c->has_bias = test_int(r, 0, 1);

  /* Fills the data: small integers (exact comparison) or floats. */
  c->x = malloc(dims_count(c->x_dims, 4) * sizeof(float) + 1);
  c->w = malloc(dims_count(c->w_dims, 4) * sizeof(float) + 1);
  c->b = malloc((size_t)c->w_dims[0] * sizeof(float));
  for (size_t k = 0; k < dims_count(c->x_dims, 4); k++)
    c->x[k] = integer_data ? (float)test_int(r, -8, 8) : test_float(r, -1, 1);
  for (size_t k = 0; k < dims_count(c->w_dims, 4); k++)
    c->w[k] = integer_data ? (float)test_int(r, -8, 8) : test_float(r, -1, 1);
  for (int64_t k = 0; k < c->w_dims[0]; k++)
    c->b[k] = integer_data ? (float)test_int(r, -8, 8) : test_float(r, -1, 1);
}

void case_free(corr2d_case *c) {
  free(c->x);
  free(c->w);
  free(c->b);
  c->x = c->w = c->b = NULL;
}

void case_output_dims(const corr2d_case *c, int64_t y_dims[4]) {
  const clconv_corr2d_params *p = &c->p;
  y_dims[0] = c->x_dims[0];
  y_dims[1] = c->w_dims[0];
  y_dims[2] =
      (c->x_dims[2] + 2 * p->pad_h - p->dilation_h * (c->w_dims[2] - 1) - 1) /
          p->stride_h +
      1;
  y_dims[3] =
      (c->x_dims[3] + 2 * p->pad_w - p->dilation_w * (c->w_dims[3] - 1) - 1) /
          p->stride_w +
      1;
}

void case_print(const corr2d_case *c) {
  fprintf(
      stderr,
      "  x (%lld, %lld, %lld, %lld), w (%lld, %lld, %lld, %lld), bias %d, "
      "padding (%lld, %lld), stride (%lld, %lld), dilation (%lld, %lld), "
      "groups %lld\n",
      (long long)c->x_dims[0], (long long)c->x_dims[1], (long long)c->x_dims[2],
      (long long)c->x_dims[3], (long long)c->w_dims[0], (long long)c->w_dims[1],
      (long long)c->w_dims[2], (long long)c->w_dims[3], c->has_bias,
      (long long)c->p.pad_h, (long long)c->p.pad_w, (long long)c->p.stride_h,
      (long long)c->p.stride_w, (long long)c->p.dilation_h,
      (long long)c->p.dilation_w, (long long)c->p.groups);
}
