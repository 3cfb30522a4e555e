/* test_gradients.c: the cross-correlation's gradients. The reference is
 * checked by central finite differences in double; derived cases pin the
 * edges (inputs no window reads, windows of only padding); then the device
 * is compared with the reference on hundreds of seeded configurations. */
#include "corr2d_cases.h"
#include "reference/backend_ref.h"
#include "support.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static clconv_context *device_ctx; /* in verify mode */
static clconv_context *reference_ctx;

/* The geometry of @p c, built by hand from the formula. */
static clconv__corr2d_geom case_geom(const corr2d_case *c) {
  clconv__corr2d_geom g;
  int64_t y_dims[4];
  memset(&g, 0, sizeof g);
  case_output_dims(c, y_dims);
  g.n = c->x_dims[0];
  g.cin = c->x_dims[1];
  g.h = c->x_dims[2];
  g.w = c->x_dims[3];
  g.cout = c->w_dims[0];
  g.kh = c->w_dims[2];
  g.kw = c->w_dims[3];
  g.hout = y_dims[2];
  g.wout = y_dims[3];
  g.groups = c->p.groups;
  g.cin_g = g.cin / g.groups;
  g.cout_g = g.cout / g.groups;
  g.stride_h = c->p.stride_h;
  g.stride_w = c->p.stride_w;
  g.pad_h = c->p.pad_h;
  g.pad_w = c->p.pad_w;
  g.dil_h = c->p.dilation_h;
  g.dil_w = c->p.dilation_w;
  g.has_bias = c->has_bias;
  return g;
}

/* L = sum r * y(x, w, b) in double, with the reference forward. */
static double weighted_sum(const clconv__corr2d_geom *g, const float *x,
                           const float *w, const float *b, const float *r,
                           double *y, size_t ny) {
  double sum = 0.0;
  clconv__ref_corr2d_fwd(g, x, w, b, NULL, y, NULL);
  for (size_t i = 0; i < ny; i++)
    sum += (double)r[i] * y[i];
  return sum;
}

/* Checks d/dv[i] of L by central differences with step 1/8 for every element
 * of @p v (x, w or b of the problem). The data are multiples of 1/8, so every
 * value and product is exact and, L being linear in v, the difference
 * quotient equals the gradient up to double rounding. */
static int check_fd(const clconv__corr2d_geom *g, const corr2d_case *c,
                    float *v, size_t nv, const double *grad, const float *r,
                    double *y, size_t ny, const char *what) {
  const float step = 0.125f;
  int bad = 0;
  for (size_t i = 0; i < nv; i++) {
    const float saved = v[i];
    double up, down, fd;
    v[i] = saved + step;
    up = weighted_sum(g, c->x, c->w, c->has_bias ? c->b : NULL, r, y, ny);
    v[i] = saved - step;
    down = weighted_sum(g, c->x, c->w, c->has_bias ? c->b : NULL, r, y, ny);
    v[i] = saved;
    fd = (up - down) / (2.0 * step);
    if (fabs(fd - grad[i]) > 1e-9 * (1.0 + fabs(fd))) {
      if (bad++ == 0)
        fprintf(stderr, "\n%s[%zu]: finite difference %.17g, gradient %.17g\n",
                what, i, fd, grad[i]);
    }
  }
  return bad;
}

/* Rounds every value to a multiple of 1/8 in [-2, 2]. */
static void dyadic(test_rng *r, float *v, size_t n) {
  for (size_t i = 0; i < n; i++)
    v[i] = (float)test_int(r, -16, 16) / 8.0f;
}

/* The reference gradients match central finite differences on small random
 * shapes covering every option. */
static void test_reference_vs_finite_differences(void) {
  test_rng r = {test_seed() + 17};
  int failures = 0, checked = 0;
  for (int i = 0; i < 60; i++) {
    corr2d_case c;
    clconv__corr2d_geom g;
    size_t nx, nw, ny;
    float *weights;
    double *y, *dx, *dw, *db;
    random_case(&r, i, &c);
    g = case_geom(&c);
    nx = dims_count(c.x_dims, 4);
    nw = dims_count(c.w_dims, 4);
    ny = (size_t)(g.n * g.cout * g.hout * g.wout);
    if (nx > 600 || ny == 0) { /* keeps the O(n^2) differences quick */
      case_free(&c);
      continue;
    }
    dyadic(&r, c.x, nx);
    dyadic(&r, c.w, nw);
    dyadic(&r, c.b, (size_t)g.cout);
    weights = malloc(ny * sizeof *weights);
    y = malloc(ny * sizeof *y);
    dx = malloc(nx * sizeof *dx);
    dw = malloc(nw * sizeof *dw);
    db = malloc((size_t)g.cout * sizeof *db);
    dyadic(&r, weights, ny);

    /* dL/dy = r, so the gradients of L are the backward ops applied to r. */
    clconv__ref_corr2d_bwd_data(&g, weights, c.w, dx, NULL);
    clconv__ref_corr2d_bwd_weight(&g, c.x, weights, NULL, dw, NULL);
    clconv__ref_corr2d_bwd_bias(&g, weights, NULL, db, NULL);
    failures += check_fd(&g, &c, c.x, nx, dx, weights, y, ny, "dx") != 0;
    failures += check_fd(&g, &c, c.w, nw, dw, weights, y, ny, "dw") != 0;
    if (c.has_bias)
      failures +=
          check_fd(&g, &c, c.b, (size_t)g.cout, db, weights, y, ny, "db") != 0;
    checked++;
    free(db);
    free(dw);
    free(dx);
    free(y);
    free(weights);
    case_free(&c);
  }
  CU_ASSERT_EQUAL(failures, 0);
  CU_ASSERT(checked >= 30);
  printf("\n    %d configurations checked by finite differences\n    ",
         checked);
}

/* Derived: a 1x1 kernel w = 3 with padding 2 on a 2x2 image of ones gives a
 * 6x6 output. With dY = ones: each input is read by exactly one output, so
 * dX = 3 everywhere; dW sums dY * X over the 4 outputs that read inside X (the
 * 32 windows of only padding add nothing): 4; db = 36. */
static void test_padding_only_windows(void) {
  clconv_context *contexts[2] = {reference_ctx, device_ctx};
  const int64_t xd[4] = {1, 1, 2, 2}, wd[4] = {1, 1, 1, 1},
                yd[4] = {1, 1, 6, 6};
  const int64_t bd[1] = {1};
  float ones[36], three[1] = {3}, dx[4], dw[1], db[1];
  clconv_corr2d_params p = clconv_corr2d_params_default();
  for (int i = 0; i < 36; i++)
    ones[i] = 1;
  p.pad_h = p.pad_w = 2;
  for (int k = 0; k < 2; k++) {
    clconv_context *ctx = contexts[k];
    clconv_tensor *x = test_tensor(ctx, 4, xd, ones);
    clconv_tensor *w = test_tensor(ctx, 4, wd, three);
    clconv_tensor *dy = test_tensor(ctx, 4, yd, ones);
    clconv_tensor *tdx = test_tensor(ctx, 4, xd, NULL);
    clconv_tensor *tdw = test_tensor(ctx, 4, wd, NULL);
    clconv_tensor *tdb = test_tensor(ctx, 1, bd, NULL);
    CU_ASSERT_EQUAL(clconv_corr2d_backward_data(ctx, &p, dy, w, tdx), 0);
    CU_ASSERT_EQUAL(clconv_corr2d_backward_weight(ctx, &p, x, dy, tdw, 0), 0);
    CU_ASSERT_EQUAL(clconv_corr2d_backward_bias(ctx, dy, tdb, 0), 0);
    CU_ASSERT_EQUAL(clconv_tensor_read(tdx, dx, 4), 0);
    CU_ASSERT_EQUAL(clconv_tensor_read(tdw, dw, 1), 0);
    CU_ASSERT_EQUAL(clconv_tensor_read(tdb, db, 1), 0);
    CU_ASSERT(dx[0] == 3 && dx[1] == 3 && dx[2] == 3 && dx[3] == 3);
    CU_ASSERT(dw[0] == 4);
    CU_ASSERT(db[0] == 36);
    clconv_tensor_release(tdb);
    clconv_tensor_release(tdw);
    clconv_tensor_release(tdx);
    clconv_tensor_release(dy);
    clconv_tensor_release(w);
    clconv_tensor_release(x);
  }
}

/* Derived: stride 3 with a 1x1 kernel on a 1x7 row reads columns 0, 3 and 6
 * only; the others get dX = 0 exactly (also when pre-filled with NaN). */
static void test_unread_inputs_get_zero(void) {
  clconv_context *contexts[2] = {reference_ctx, device_ctx};
  const int64_t xd[4] = {1, 1, 1, 7}, wd[4] = {1, 1, 1, 1},
                yd[4] = {1, 1, 1, 3};
  float w[1] = {2}, dy[3] = {1, 10, 100}, nan7[7], dx[7];
  const float expected[7] = {2, 0, 0, 20, 0, 0, 200};
  clconv_corr2d_params p = clconv_corr2d_params_default();
  for (int i = 0; i < 7; i++)
    nan7[i] = NAN;
  p.stride_w = 3;
  for (int k = 0; k < 2; k++) {
    clconv_context *ctx = contexts[k];
    clconv_tensor *tw = test_tensor(ctx, 4, wd, w);
    clconv_tensor *tdy = test_tensor(ctx, 4, yd, dy);
    clconv_tensor *tdx = test_tensor(ctx, 4, xd, nan7);
    CU_ASSERT_EQUAL(clconv_corr2d_backward_data(ctx, &p, tdy, tw, tdx), 0);
    CU_ASSERT_EQUAL(clconv_tensor_read(tdx, dx, 7), 0);
    CU_ASSERT_EQUAL(memcmp(dx, expected, sizeof dx), 0);
    clconv_tensor_release(tdx);
    clconv_tensor_release(tdy);
    clconv_tensor_release(tw);
  }
}

/* Derived: dX of a 3x3 input under a 3x3 kernel with padding 1 and dY = 1,
 * where the top-left weight is infinite (or NaN) and the others are 1. dX at
 * (i, j) adds w[kh][kw] for every output (i + 1 - kh, j + 1 - kw) that
 * exists; the top-left tap has one only for i, j <= 1, so the last row and
 * column stay finite: the padding never multiplies the weight. Counting
 * taps: dX[2][2] = 4 (kh, kw >= 1), dX[2][1] = dX[1][2] = 6,
 * dX[2][0] = dX[0][2] = 4. */
static void test_nonfinite_weight_meets_no_padding(void) {
  clconv_context *contexts[2] = {reference_ctx, device_ctx};
  const int64_t d3[4] = {1, 1, 3, 3};
  const float specials[2] = {INFINITY, NAN};
  float w[9], ones[9], dx[9];
  clconv_corr2d_params p = clconv_corr2d_params_default();
  p.pad_h = p.pad_w = 1;
  for (int i = 0; i < 9; i++)
    ones[i] = 1;
  for (int k = 0; k < 2; k++) {
    for (int sp = 0; sp < 2; sp++) {
      clconv_context *ctx = contexts[k];
      clconv_tensor *tw, *tdy, *tdx;
      memcpy(w, ones, sizeof w);
      w[0] = specials[sp];
      tw = test_tensor(ctx, 4, d3, w);
      tdy = test_tensor(ctx, 4, d3, ones);
      tdx = test_tensor(ctx, 4, d3, NULL);
      CU_ASSERT_EQUAL(clconv_corr2d_backward_data(ctx, &p, tdy, tw, tdx), 0);
      CU_ASSERT_EQUAL(clconv_tensor_read(tdx, dx, 9), 0);
      for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++)
          CU_ASSERT(sp == 0 ? dx[i * 3 + j] == INFINITY : isnan(dx[i * 3 + j]));
      CU_ASSERT(dx[2] == 4 && dx[5] == 6 && dx[6] == 4 && dx[7] == 6 &&
                dx[8] == 4);
      clconv_tensor_release(tdx);
      clconv_tensor_release(tdy);
      clconv_tensor_release(tw);
    }
  }
}

/* Runs dX, and dW overwritten and accumulated, on the verify-mode device
 * context for input dims @p xd, weight dims @p wd, padding @p pad,
 * @p stride, @p dilation and @p groups, with dyadic data (exact comparison)
 * and, when @p special is not 0, that value at every 7th weight. @return the
 * number of failures. */
static int verified_gradients(test_rng *r, const int64_t xd[4],
                              const int64_t wd[4], int pad, int stride,
                              int dilation, int groups, float special) {
  clconv_context *ctx = device_ctx;
  clconv_corr2d_params p = clconv_corr2d_params_default();
  const int64_t yd[4] = {
      xd[0], wd[0], (xd[2] + 2 * pad - dilation * (wd[2] - 1) - 1) / stride + 1,
      (xd[3] + 2 * pad - dilation * (wd[3] - 1) - 1) / stride + 1};
  const size_t nx = dims_count(xd, 4), nw = dims_count(wd, 4),
               ny = dims_count(yd, 4);
  float *x = malloc(nx * sizeof *x), *w = malloc(nw * sizeof *w),
        *dy = malloc(ny * sizeof *dy);
  clconv_tensor *tx, *tw, *tdy, *tdx, *tdw;
  int failures = 0;
  p.pad_h = p.pad_w = pad;
  p.stride_h = p.stride_w = stride;
  p.dilation_h = p.dilation_w = dilation;
  p.groups = groups;
  dyadic(r, x, nx);
  dyadic(r, w, nw);
  dyadic(r, dy, ny);
  for (size_t i = 0; special != 0.0f && i < nw; i += 7)
    w[i] = special;
  tx = test_tensor(ctx, 4, xd, x);
  tw = test_tensor(ctx, 4, wd, w);
  tdy = test_tensor(ctx, 4, yd, dy);
  tdx = test_tensor(ctx, 4, xd, NULL);
  tdw = test_tensor(ctx, 4, wd, w);
  for (int op = 0; op < 3; op++) {
    const clconv_status s =
        op == 0 ? clconv_corr2d_backward_data(ctx, &p, tdy, tw, tdx)
                : clconv_corr2d_backward_weight(ctx, &p, tx, tdy, tdw, op == 1);
    if (s != CLCONV_STATUS_OK && failures++ == 0)
      fprintf(stderr, "\n%s: %s\n", clconv_status_name(s),
              clconv_context_message(ctx));
  }
  clconv_tensor_release(tdw);
  clconv_tensor_release(tdx);
  clconv_tensor_release(tdy);
  clconv_tensor_release(tw);
  clconv_tensor_release(tx);
  free(dy);
  free(w);
  free(x);
  return failures;
}

/* Problems large enough for the blocked kernels' other paths, verified
 * against the reference: the input gradient by the forward kernel on a
 * padded copy and with interior tiles, and by stride phases (stride 2, a
 * 7x7 kernel), with infinite and NaN weights (every tile then avoids the
 * padding); the weight gradient of one or two channels,
 * whose rows are split into chunks added up by a second kernel. */
static void test_blocked_paths(void) {
  test_rng r = {test_seed() + 29};
  const float specials[3] = {0.0f, INFINITY, NAN};
  const int64_t x1[4] = {2, 8, 20, 37}, w1[4] = {8, 8, 3, 3};
  const int64_t x2[4] = {1, 4, 40, 300}, w2[4] = {4, 2, 3, 3};
  const int64_t x3[4] = {1, 1, 300, 200}, w3[4] = {1, 1, 3, 3};
  const int64_t x4[4] = {1, 2, 200, 300}, w4[4] = {2, 1, 5, 3};
  const int64_t x5[4] = {2, 3, 30, 41}, w5[4] = {8, 3, 7, 7};
  int failures = 0;
  for (int sp = 0; sp < 3; sp++) {
    failures += verified_gradients(&r, x1, w1, 1, 1, 1, 1, specials[sp]);
    failures += verified_gradients(&r, x2, w2, 1, 1, 1, 2, specials[sp]);
    failures += verified_gradients(&r, x5, w5, 3, 2, 1, 1, specials[sp]);
  }
  failures += verified_gradients(&r, x3, w3, 1, 1, 1, 1, 0.0f);
  failures += verified_gradients(&r, x4, w4, 2, 1, 1, 2, 0.0f);
  CU_ASSERT_EQUAL(failures, 0);
}

/* The weight gradient vectorized across output channels (CPU-like devices,
 * output channels per group a multiple of two vectors): 12 random problems
 * with 32 or 64 output channels per group, every option, overwritten and
 * accumulated,
 * dyadic data so that the reference must agree exactly. */
static void test_channel_vector_weight_gradient(void) {
  test_rng r = {test_seed() + 31};
  int failures = 0;
  for (int i = 0; i < 12; i++) {
    const int groups = (int)test_int(&r, 1, 2);
    const int64_t cout = groups * (test_int(&r, 0, 1) ? 64 : 32);
    const int64_t cin = groups * test_int(&r, 1, 5);
    const int64_t kh = i % 4 == 0 ? 1 : 3, kw = i % 3 == 0 ? 1 : 3;
    const int pad = (int)test_int(&r, 0, 2), stride = (int)test_int(&r, 1, 2);
    const int dilation = (int)test_int(&r, 1, 2);
    const int64_t side = test_int(&r, 2 * (kh > kw ? kh : kw), 17);
    const int64_t xd[4] = {test_int(&r, 1, 3), cin, side,
                           side + test_int(&r, 0, 9)};
    const int64_t wd[4] = {cout, cin / groups, kh, kw};
    failures +=
        verified_gradients(&r, xd, wd, pad, stride, dilation, groups, 0.0f);
  }
  CU_ASSERT_EQUAL(failures, 0);
}

/* Worst agreement per gradient over the sweep, for the report. */
typedef struct worst {
  double ratio, abs_error;
  size_t compared;
} worst;

static void note(worst *wst, clconv_context *ctx) {
  clconv_verify_report r;
  clconv_context_last_verify(ctx, &r);
  wst->compared += r.count;
  if (!r.exact && r.max_error_ratio > wst->ratio)
    wst->ratio = r.max_error_ratio;
  if (r.max_abs_error > wst->abs_error)
    wst->abs_error = r.max_abs_error;
}

/* Runs the three gradients of @p c on the verify-mode device context, where
 * each op is compared with the reference; dW and db are also accumulated onto
 * random values. @return the number of failures. */
static int device_case(const corr2d_case *c, test_rng *r, worst *w_dx,
                       worst *w_dw, worst *w_db) {
  clconv_context *ctx = device_ctx;
  int64_t yd[4];
  const int64_t bd[1] = {c->w_dims[0]};
  size_t ny, nw = dims_count(c->w_dims, 4);
  float *dy, *old;
  int failures = 0;
  clconv_tensor *x, *w, *tdy, *dx, *dw, *db;
  case_output_dims(c, yd);
  ny = dims_count(yd, 4);
  dy = malloc(ny * sizeof *dy + 1);
  old = malloc(nw * sizeof *old);
  for (size_t i = 0; i < ny; i++)
    dy[i] = c->x[0] == floorf(c->x[0]) ? (float)test_int(r, -8, 8)
                                       : test_float(r, -1, 1);
  for (size_t i = 0; i < nw; i++)
    old[i] = (float)test_int(r, -4, 4);
  x = test_tensor(ctx, 4, c->x_dims, c->x);
  w = test_tensor(ctx, 4, c->w_dims, c->w);
  tdy = test_tensor(ctx, 4, yd, dy);
  dx = test_tensor(ctx, 4, c->x_dims, NULL);
  dw = test_tensor(ctx, 4, c->w_dims, old);
  db = test_tensor(ctx, 1, bd, old);

#define RUN(call, wst)                                                         \
  do {                                                                         \
    clconv_status s_ = (call);                                                 \
    if (s_ != CLCONV_STATUS_OK) {                                              \
      failures++;                                                              \
      fprintf(stderr, "\n%s: %s\n", #call, clconv_context_message(ctx));       \
      case_print(c);                                                           \
    } else {                                                                   \
      note(wst, ctx);                                                          \
    }                                                                          \
  } while (0)
  RUN(clconv_corr2d_backward_data(ctx, &c->p, tdy, w, dx), w_dx);
  RUN(clconv_corr2d_backward_weight(ctx, &c->p, x, tdy, dw, 1), w_dw);
  RUN(clconv_corr2d_backward_weight(ctx, &c->p, x, tdy, dw, 0), w_dw);
  RUN(clconv_corr2d_backward_bias(ctx, tdy, db, 1), w_db);
  RUN(clconv_corr2d_backward_bias(ctx, tdy, db, 0), w_db);
#undef RUN
  clconv_tensor_release(db);
  clconv_tensor_release(dw);
  clconv_tensor_release(dx);
  clconv_tensor_release(tdy);
  clconv_tensor_release(w);
  clconv_tensor_release(x);
  free(old);
  free(dy);
  return failures;
}

/* 320 seeded configurations: dX, dW (overwrite and accumulate) and db on the
 * device, each compared with the reference in verify mode. */
static void test_device_vs_reference(void) {
  test_rng r = {test_seed() + 3};
  worst w_dx = {0, 0, 0}, w_dw = {0, 0, 0}, w_db = {0, 0, 0};
  int failures = 0;
  for (int i = 0; i < 320; i++) {
    corr2d_case c;
    random_case(&r, i, &c);
    failures += device_case(&c, &r, &w_dx, &w_dw, &w_db);
    case_free(&c);
  }
  CU_ASSERT_EQUAL(failures, 0);
  CU_ASSERT(w_dx.compared > 0 && w_dw.compared > 0 && w_db.compared > 0);
  printf("\n    320 configurations; worst bounded error / tolerance (absolute):"
         "\n    dX %.3g (%.3g), dW %.3g (%.3g), db %.3g (%.3g)\n    ",
         w_dx.ratio, w_dx.abs_error, w_dw.ratio, w_dw.abs_error, w_db.ratio,
         w_db.abs_error);
}

/* Bad arguments of the gradient functions, on both backends. */
static void test_bad_input(void) {
  clconv_context *contexts[2] = {reference_ctx, device_ctx};
  const int64_t xd[4] = {1, 2, 5, 5}, wd[4] = {3, 2, 2, 2},
                yd[4] = {1, 3, 4, 4};
  const int64_t bad_yd[4] = {1, 3, 4, 3}, bd[1] = {3}, bad_bd[1] = {2};
  for (int k = 0; k < 2; k++) {
    clconv_context *ctx = contexts[k];
    clconv_corr2d_params p = clconv_corr2d_params_default();
    clconv_tensor *x = test_tensor(ctx, 4, xd, NULL);
    clconv_tensor *w = test_tensor(ctx, 4, wd, NULL);
    clconv_tensor *dy = test_tensor(ctx, 4, yd, NULL);
    clconv_tensor *bad_dy = test_tensor(ctx, 4, bad_yd, NULL);
    clconv_tensor *db = test_tensor(ctx, 1, bd, NULL);
    clconv_tensor *bad_db = test_tensor(ctx, 1, bad_bd, NULL);
    TEST_EXPECT_ERROR(ctx, clconv_corr2d_backward_data(ctx, &p, dy, w, NULL),
                      CLCONV_STATUS_INVALID_ARGUMENT, "dx is NULL");
    TEST_EXPECT_ERROR(
        ctx, clconv_corr2d_backward_data(ctx, &p, bad_dy, w, x),
        CLCONV_STATUS_SHAPE_MISMATCH,
        "dy has dims (1, 3, 4, 3) but the output is (1, 3, 4, 4)");
    TEST_EXPECT_ERROR(ctx, clconv_corr2d_backward_data(ctx, &p, x, w, x),
                      CLCONV_STATUS_INVALID_ARGUMENT,
                      "dx must not be the same tensor as dy");
    TEST_EXPECT_ERROR(ctx, clconv_corr2d_backward_data(ctx, NULL, dy, w, x),
                      CLCONV_STATUS_INVALID_ARGUMENT, "params is NULL");
    p.stride_h = 0;
    TEST_EXPECT_ERROR(ctx, clconv_corr2d_backward_weight(ctx, &p, x, dy, w, 0),
                      CLCONV_STATUS_INVALID_ARGUMENT, "stride_h");
    p.stride_h = 1;
    TEST_EXPECT_ERROR(ctx, clconv_corr2d_backward_weight(ctx, &p, x, dy, w, 2),
                      CLCONV_STATUS_INVALID_ARGUMENT,
                      "accumulate must be 0 or 1, got 2");
    TEST_EXPECT_ERROR(ctx,
                      clconv_corr2d_backward_weight(ctx, &p, x, bad_dy, w, 0),
                      CLCONV_STATUS_SHAPE_MISMATCH, "dy has dims");
    TEST_EXPECT_ERROR(ctx,
                      clconv_corr2d_backward_weight(ctx, &p, x, dy, NULL, 0),
                      CLCONV_STATUS_INVALID_ARGUMENT, "w is NULL");
    TEST_EXPECT_ERROR(ctx, clconv_corr2d_backward_bias(ctx, dy, bad_db, 0),
                      CLCONV_STATUS_SHAPE_MISMATCH,
                      "db has 2 elements but dy has 3 channels");
    TEST_EXPECT_ERROR(ctx, clconv_corr2d_backward_bias(ctx, NULL, db, 0),
                      CLCONV_STATUS_INVALID_ARGUMENT, "dy is NULL");
    TEST_EXPECT_ERROR(ctx, clconv_corr2d_backward_bias(ctx, dy, db, -1),
                      CLCONV_STATUS_INVALID_ARGUMENT, "accumulate");
    clconv_tensor_release(bad_db);
    clconv_tensor_release(db);
    clconv_tensor_release(bad_dy);
    clconv_tensor_release(dy);
    clconv_tensor_release(w);
    clconv_tensor_release(x);
  }
}

int main(void) {
  static const test_case tests[] = {
      {"reference vs finite differences", test_reference_vs_finite_differences},
      {"windows of only padding add nothing", test_padding_only_windows},
      {"inputs no window reads get zero", test_unread_inputs_get_zero},
      {"a non-finite weight meets no padding in dX",
       test_nonfinite_weight_meets_no_padding},
      {"blocked paths: padded, interior, non-finite, chunks",
       test_blocked_paths},
      {"weight gradient across output channels",
       test_channel_vector_weight_gradient},
      {"device vs reference", test_device_vs_reference},
      {"bad input", test_bad_input},
  };
  int status;
  device_ctx = test_open_device_verify();
  reference_ctx = test_open_reference();
  status = test_run_suite("gradients", tests, sizeof tests / sizeof tests[0]);
  clconv_context_release(reference_ctx);
  clconv_context_release(device_ctx);
  return status;
}
