/* test_algorithms.c: the algorithms a caller may ask for (params.algo):
 * Winograd F(2x2, 3x3) and F(4x4, 3x3), forward and input gradient, held on
 * random problems to the error bound derived in docs/design.md against a
 * double-precision reference computed here; non-finite values landing where
 * direct summation puts them; the matrix product and direct forms of 1x1
 * layers agreeing bit for bit; what AUTO chooses; and the refusals. */
#include "support.h"

#include <float.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static clconv_context *device_ctx;
static clconv_context *reference_ctx;

/* Largest error / bound seen per algorithm (index m / 4: F(2x2), F(4x4)). */
static double worst_ratio[2];

/* One random stride-1 3x3 problem, in host memory. */
typedef struct problem {
  int64_t n, cin, h, w, cout, groups, pad;
  int has_bias;
  float *x, *wt, *b, *dy;
  int64_t hout, wout;
} problem;

static size_t count4(int64_t a, int64_t b, int64_t c, int64_t d) {
  return (size_t)(a * b * c * d);
}

static float *random_data(test_rng *r, size_t n, int integers, float scale) {
  float *v = malloc(n * sizeof *v + 1);
  CU_ASSERT_PTR_NOT_NULL_FATAL(v);
  for (size_t i = 0; i < n; i++)
    v[i] = integers ? (float)test_int(r, -8, 8)
                    : test_float(r, -1.0f, 1.0f) * scale;
  return v;
}

/* Draws problem @p i: odd ones get integer data, others floats whose
 * magnitude varies by channel block (so that cancellation happens). */
static void problem_draw(test_rng *r, int i, problem *p) {
  const int integers = i % 2;
  memset(p, 0, sizeof *p);
  p->groups = test_int(r, 1, 3);
  p->n = test_int(r, 1, 3);
  p->cin = p->groups * test_int(r, 1, 7);
  p->cout = p->groups * test_int(r, 1, 7);
  p->pad = test_int(r, 0, 2);
  p->h = test_int(r, 3 - 2 * p->pad > 1 ? 3 - 2 * p->pad : 1, 19);
  p->w = test_int(r, 3 - 2 * p->pad > 1 ? 3 - 2 * p->pad : 1, 19);
  p->hout = p->h + 2 * p->pad - 2;
  p->wout = p->w + 2 * p->pad - 2;
  p->has_bias = test_int(r, 0, 1);
  p->x = random_data(r, count4(p->n, p->cin, p->h, p->w), integers,
                     i % 4 == 0 ? 1000.0f : 1.0f);
  p->wt =
      random_data(r, count4(p->cout, p->cin / p->groups, 3, 3), integers, 1.0f);
  p->b = random_data(r, (size_t)p->cout, integers, 1.0f);
  p->dy =
      random_data(r, count4(p->n, p->cout, p->hout, p->wout), integers, 1.0f);
}

static void problem_free(problem *p) {
  free(p->x);
  free(p->wt);
  free(p->b);
  free(p->dy);
}

/* The correlation that an algorithm computes, as the test sees it: input
 * planes (n, c_in, ih, iw), filters f(co, ci, kh, kw) already arranged for
 * it, output (n, c_out, oh, ow) with padding pad. */
typedef struct correlation {
  int64_t n, c_in, ih, iw, c_out, oh, ow, pad, groups;
  const float *in, *bias;
  float *filters; /* (c_out, c_in / groups, 3, 3) */
} correlation;

/* F(m x m, 3x3): the largest factor over an output of a tile by which the
 * transforms can amplify max|g| * max|d| along one axis (design.md). */
static double axis_factor(int m) { return m == 2 ? 8.0 : 48.0; }
static double extra_steps(int m) { return m == 2 ? 12.0 : 26.0; }

/* Checks @p got (the device's output of @p c by F(@p m x @p m, 3x3)) against
 * the double-precision sum, within 2 (K + 2 + extra) 2^-24 (|b| + A^2 sum
 * over channels of max|g| max|d over the output's input tile|), K = 9 C.
 * @return how many elements are outside. */
static int check_within_bound(const correlation *c, int m, const float *got) {
  const int64_t cin_g = c->c_in / c->groups, cout_g = c->c_out / c->groups;
  const double a = axis_factor(m);
  const double steps = 9.0 * (double)cin_g + 2.0 + extra_steps(m);
  int bad = 0;
  for (int64_t n = 0; n < c->n; n++)
    for (int64_t co = 0; co < c->c_out; co++)
      for (int64_t oh = 0; oh < c->oh; oh++)
        for (int64_t ow = 0; ow < c->ow; ow++) {
          const int64_t group = co / cout_g;
          const int64_t th = oh - oh % m - c->pad, tw = ow - ow % m - c->pad;
          double sum = c->bias != NULL ? c->bias[co] : 0.0;
          double magnitude = c->bias != NULL ? fabs(c->bias[co]) : 0.0;
          for (int64_t k = 0; k < cin_g; k++) {
            const float *plane =
                c->in + (n * c->c_in + group * cin_g + k) * c->ih * c->iw;
            const float *f = c->filters + (co * cin_g + k) * 9;
            double max_g = 0.0, max_d = 0.0;
            for (int t = 0; t < 9; t++) {
              const int64_t y = oh - c->pad + t / 3, x = ow - c->pad + t % 3;
              if (y >= 0 && y < c->ih && x >= 0 && x < c->iw)
                sum += (double)f[t] * plane[y * c->iw + x];
              max_g = fmax(max_g, fabs(f[t]));
            }
            for (int64_t y = th; y < th + m + 2; y++)
              for (int64_t x = tw; x < tw + m + 2; x++)
                if (y >= 0 && y < c->ih && x >= 0 && x < c->iw)
                  max_d = fmax(max_d, fabs(plane[y * c->iw + x]));
            magnitude += a * a * max_g * max_d;
          }
          {
            const double bound = 2.0 * steps * ldexp(magnitude, -24) + 1e-30;
            const size_t i =
                (size_t)(((n * c->c_out + co) * c->oh + oh) * c->ow + ow);
            const double error = fabs((double)got[i] - sum);
            const int slot = m == 2 ? 0 : 1;
            if (!(error <= bound)) {
              if (bad++ == 0)
                fprintf(stderr,
                        "\n  F(%dx%d): element %zu is %.9g, the sum %.9g, "
                        "error %.3g > bound %.3g\n",
                        m, m, i, (double)got[i], sum, error, bound);
            } else if (bound > 1e-30 && error / bound > worst_ratio[slot]) {
              worst_ratio[slot] = error / bound;
            }
          }
        }
  return bad;
}

/* Runs forward and input gradient of @p p with algorithm @p algo on the
 * device in verify mode off, checks both against the bound here, and
 * checks that the library's own verification (its tighter S_W bound)
 * accepts the forward. @return elements outside. */
static int run_problem(const problem *p, int algo) {
  clconv_context *ctx = device_ctx;
  clconv_corr2d_params params = clconv_corr2d_params_default();
  const int64_t x_dims[4] = {p->n, p->cin, p->h, p->w};
  const int64_t w_dims[4] = {p->cout, p->cin / p->groups, 3, 3};
  const int64_t y_dims[4] = {p->n, p->cout, p->hout, p->wout};
  const int64_t b_dims[1] = {p->cout};
  const int m = algo == CLCONV_ALGO_WINOGRAD ? 2 : 4;
  const size_t ny = count4(p->n, p->cout, p->hout, p->wout);
  const size_t nx = count4(p->n, p->cin, p->h, p->w);
  const int64_t cin_g = p->cin / p->groups, cout_g = p->cout / p->groups;
  float *y = malloc(ny * sizeof *y), *dx = malloc(nx * sizeof *dx);
  float *flipped = malloc(count4(p->cin, cout_g, 3, 3) * sizeof *flipped);
  clconv_tensor *x = test_tensor(ctx, 4, x_dims, p->x);
  clconv_tensor *w = test_tensor(ctx, 4, w_dims, p->wt);
  clconv_tensor *b = p->has_bias ? test_tensor(ctx, 1, b_dims, p->b) : NULL;
  clconv_tensor *ty = test_tensor(ctx, 4, y_dims, NULL);
  clconv_tensor *tdy = test_tensor(ctx, 4, y_dims, p->dy);
  clconv_tensor *tdx = test_tensor(ctx, 4, x_dims, NULL);
  correlation fwd, grad;
  int bad = 0;
  CU_ASSERT_PTR_NOT_NULL_FATAL(y);
  CU_ASSERT_PTR_NOT_NULL_FATAL(dx);
  CU_ASSERT_PTR_NOT_NULL_FATAL(flipped);
  params.pad_h = params.pad_w = p->pad;
  params.groups = p->groups;
  params.algo = algo;
  TEST_EXPECT_ERROR(ctx, clconv_corr2d_forward(ctx, &params, x, w, b, ty),
                    CLCONV_STATUS_OK, "");
  TEST_EXPECT_ERROR(ctx, clconv_corr2d_verify(ctx, &params, x, w, b, ty, NULL),
                    CLCONV_STATUS_OK, "");
  TEST_EXPECT_ERROR(ctx, clconv_corr2d_backward_data(ctx, &params, tdy, w, tdx),
                    CLCONV_STATUS_OK, "");
  CU_ASSERT_EQUAL(clconv_tensor_read(ty, y, ny), CLCONV_STATUS_OK);
  CU_ASSERT_EQUAL(clconv_tensor_read(tdx, dx, nx), CLCONV_STATUS_OK);

  /* The forward as it is. */
  fwd.n = p->n, fwd.c_in = p->cin, fwd.ih = p->h, fwd.iw = p->w;
  fwd.c_out = p->cout, fwd.oh = p->hout, fwd.ow = p->wout;
  fwd.pad = p->pad, fwd.groups = p->groups;
  fwd.in = p->x, fwd.bias = p->has_bias ? p->b : NULL;
  fwd.filters = p->wt;
  bad += check_within_bound(&fwd, m, y);

  /* The input gradient: dY correlated with the filters rotated by 180
   * degrees, channels exchanged within each group, padding 2 - pad (a tap
   * on that padding adds nothing). */
  for (int64_t ci = 0; ci < p->cin; ci++)
    for (int64_t k = 0; k < cout_g; k++)
      for (int t = 0; t < 9; t++)
        flipped[(ci * cout_g + k) * 9 + t] =
            p->wt[(((ci / cin_g) * cout_g + k) * cin_g + ci % cin_g) * 9 + 8 -
                  t];
  grad.n = p->n, grad.c_in = p->cout, grad.ih = p->hout, grad.iw = p->wout;
  grad.c_out = p->cin, grad.oh = p->h, grad.ow = p->w;
  grad.pad = 2 - p->pad, grad.groups = p->groups;
  grad.in = p->dy, grad.bias = NULL;
  grad.filters = flipped;
  bad += check_within_bound(&grad, m, dx);

  clconv_tensor_release(tdx);
  clconv_tensor_release(tdy);
  clconv_tensor_release(ty);
  clconv_tensor_release(b);
  clconv_tensor_release(w);
  clconv_tensor_release(x);
  free(flipped);
  free(dx);
  free(y);
  return bad;
}

/* 60 seeded random problems, both Winograd forms, forward and input
 * gradient, every element within the bound. */
static void test_winograd_random_within_bound(void) {
  test_rng r = {test_seed() + 7};
  int bad = 0;
  for (int i = 0; i < 60; i++) {
    problem p;
    problem_draw(&r, i, &p);
    for (int k = 0; k < 2; k++) {
      const int algo = k == 0 ? CLCONV_ALGO_WINOGRAD : CLCONV_ALGO_WINOGRAD_4X4;
      const int failed = run_problem(&p, algo);
      if (failed != 0)
        fprintf(stderr,
                "  in x (%lld,%lld,%lld,%lld) Cout %lld groups %lld pad %lld "
                "bias %d, %s\n",
                (long long)p.n, (long long)p.cin, (long long)p.h,
                (long long)p.w, (long long)p.cout, (long long)p.groups,
                (long long)p.pad, p.has_bias, clconv_algo_name(algo));
      bad += failed;
    }
    problem_free(&p);
  }
  CU_ASSERT_EQUAL(bad, 0);
  printf("\n    worst error / bound: F(2x2,3x3) %.3g, F(4x4,3x3) %.3g\n    ",
         worst_ratio[0], worst_ratio[1]);
}

/* 0: finite, 1: NaN, 2: +Inf, 3: -Inf. */
static int kind(float v) {
  return isnan(v) ? 1 : isinf(v) ? (v > 0 ? 2 : 3) : 0;
}

/* Runs forward (@p input_gradient 0) or input gradient (1) of a 1x2x9x10
 * problem, padding 1, with @p x and @p k, by @p algo; output into @p out. */
static void run_small(int algo, int input_gradient, const float *x,
                      const float *k, float *out) {
  clconv_context *ctx = device_ctx;
  clconv_corr2d_params params = clconv_corr2d_params_default();
  const int64_t x_dims[4] = {1, 2, 9, 10}, w_dims[4] = {2, 2, 3, 3};
  clconv_tensor *tx = test_tensor(ctx, 4, x_dims, x);
  clconv_tensor *tw = test_tensor(ctx, 4, w_dims, k);
  clconv_tensor *to = test_tensor(ctx, 4, x_dims, NULL);
  params.pad_h = params.pad_w = 1;
  params.algo = algo;
  if (input_gradient)
    TEST_EXPECT_ERROR(ctx,
                      clconv_corr2d_backward_data(ctx, &params, tx, tw, to),
                      CLCONV_STATUS_OK, "");
  else
    TEST_EXPECT_ERROR(ctx,
                      clconv_corr2d_forward(ctx, &params, tx, tw, NULL, to),
                      CLCONV_STATUS_OK, "");
  CU_ASSERT_EQUAL(clconv_tensor_read(to, out, 180), CLCONV_STATUS_OK);
  clconv_tensor_release(to);
  clconv_tensor_release(tw);
  clconv_tensor_release(tx);
}

/* NaN and infinities in the input or the weights land exactly where direct
 * summation puts them (the fix-up recomputes such tiles): in the forward,
 * where the padding multiplies an infinite weight (NaN), and in the input
 * gradient, where it does not. Values near the top of the float range,
 * which the transforms could carry past it, come out as direct ones do. */
static void test_winograd_nonfinite_like_direct(void) {
  float x[180], k[36], direct[180], wino[180];
  test_rng r = {test_seed() + 11};
  for (int round = 0; round < 3; round++) {
    for (int i = 0; i < 180; i++)
      x[i] = round == 2 ? 3e36f * test_float(&r, 0.5f, 1.0f)
                        : test_float(&r, -1.0f, 1.0f);
    for (int i = 0; i < 36; i++)
      k[i] = test_float(&r, 0.5f, 1.0f);
    if (round == 0) {
      x[23] = NAN;
      x[67] = INFINITY;
      x[90 + 45] = -INFINITY;
    } else if (round == 1) {
      k[4] = INFINITY;
      k[9 + 0] = -INFINITY;
    }
    for (int grad = 0; grad < 2; grad++) {
      run_small(CLCONV_ALGO_DIRECT, grad, x, k, direct);
      for (int a = CLCONV_ALGO_WINOGRAD; a <= CLCONV_ALGO_WINOGRAD_4X4; a++) {
        int differ = 0;
        run_small(a, grad, x, k, wino);
        for (int i = 0; i < 180; i++) {
          const int same = kind(direct[i]) == kind(wino[i]) &&
                           (kind(direct[i]) != 0 ||
                            fabsf(direct[i] - wino[i]) <=
                                1e-3f * fmaxf(1.0f, fabsf(direct[i])));
          if (!same && differ++ == 0)
            fprintf(stderr,
                    "\n  round %d %s %s: element %d direct %g, Winograd %g\n",
                    round, grad ? "input gradient" : "forward",
                    clconv_algo_name(a), i, (double)direct[i], (double)wino[i]);
        }
        CU_ASSERT_EQUAL(differ, 0);
      }
    }
  }
}

/* 1x1 layers, integer data: the matrix product (gemm, what AUTO picks),
 * and the direct form give the same bits as the reference. */
static void test_pointwise_forms_agree(void) {
  const int64_t x_dims[4] = {2, 6, 7, 5}, w_dims[4] = {4, 3, 1, 1};
  const int64_t y_dims[4] = {2, 4, 7, 5}, b_dims[1] = {4};
  test_rng r = {test_seed() + 13};
  float x[420], k[12], b[4], want[280], got[280];
  for (int i = 0; i < 420; i++)
    x[i] = (float)test_int(&r, -9, 9);
  for (int i = 0; i < 12; i++)
    k[i] = (float)test_int(&r, -9, 9);
  for (int i = 0; i < 4; i++)
    b[i] = (float)test_int(&r, -9, 9);
  for (int c = 0; c < 3; c++) {
    const int algo = c == 0   ? CLCONV_ALGO_AUTO
                     : c == 1 ? CLCONV_ALGO_GEMM
                              : CLCONV_ALGO_DIRECT;
    clconv_context *ctx = c == 0 ? reference_ctx : device_ctx;
    clconv_corr2d_params params = clconv_corr2d_params_default();
    clconv_tensor *tx = test_tensor(ctx, 4, x_dims, x);
    clconv_tensor *tw = test_tensor(ctx, 4, w_dims, k);
    clconv_tensor *tb = test_tensor(ctx, 1, b_dims, b);
    clconv_tensor *ty = test_tensor(ctx, 4, y_dims, NULL);
    params.groups = 2;
    params.algo = algo;
    TEST_EXPECT_ERROR(ctx, clconv_corr2d_forward(ctx, &params, tx, tw, tb, ty),
                      CLCONV_STATUS_OK, "");
    CU_ASSERT_EQUAL(clconv_tensor_read(ty, c == 0 ? want : got, 280),
                    CLCONV_STATUS_OK);
    if (c > 0)
      CU_ASSERT_EQUAL(memcmp(want, got, sizeof got), 0);
    clconv_tensor_release(ty);
    clconv_tensor_release(tb);
    clconv_tensor_release(tw);
    clconv_tensor_release(tx);
  }
}

/* What each pass runs by, asked and chosen. */
static void expect_chosen(clconv_context *ctx, const clconv_corr2d_params *p,
                          clconv_tensor *x, clconv_tensor *w,
                          clconv_corr2d_pass pass, int want) {
  int got = -1;
  TEST_EXPECT_ERROR(ctx, clconv_corr2d_algo_chosen(ctx, p, x, w, pass, &got),
                    CLCONV_STATUS_OK, "");
  CU_ASSERT_EQUAL(got, want);
  if (got != want)
    fprintf(stderr, "\n  pass %d: %s, wanted %s\n", (int)pass,
            clconv_algo_name(got), clconv_algo_name(want));
}

static void test_choice_and_refusals(void) {
  clconv_context *ctx = device_ctx;
  const int64_t x_dims[4] = {1, 4, 10, 10}, w3[4] = {4, 4, 3, 3};
  const int64_t w1[4] = {4, 4, 1, 1};
  clconv_tensor *x = test_tensor(ctx, 4, x_dims, NULL);
  clconv_tensor *k3 = test_tensor(ctx, 4, w3, NULL);
  clconv_tensor *k1 = test_tensor(ctx, 4, w1, NULL);
  clconv_tensor *rx = test_tensor(reference_ctx, 4, x_dims, NULL);
  clconv_tensor *rk = test_tensor(reference_ctx, 4, w3, NULL);
  clconv_corr2d_params p = clconv_corr2d_params_default();
  int64_t y_dims[4];
  int parsed = -1;

  /* Names round-trip; a wrong one is refused. */
  for (int a = CLCONV_ALGO_AUTO; a <= CLCONV_ALGO_WINOGRAD_4X4; a++) {
    CU_ASSERT_EQUAL(clconv_algo_parse(clconv_algo_name(a), &parsed),
                    CLCONV_STATUS_OK);
    CU_ASSERT_EQUAL(parsed, a);
  }
  CU_ASSERT_EQUAL(clconv_algo_parse("fft", &parsed),
                  CLCONV_STATUS_INVALID_ARGUMENT);
  CU_ASSERT_STRING_EQUAL(clconv_algo_name(42), "unknown");

  /* AUTO: 1x1 as a matrix product, 3x3 direct; Winograd asked for runs
   * the forward and input gradient, the weight gradient runs direct; the
   * reference always sums directly. */
  expect_chosen(ctx, &p, x, k1, CLCONV_PASS_FORWARD, CLCONV_ALGO_GEMM);
  expect_chosen(ctx, &p, x, k1, CLCONV_PASS_BACKWARD_WEIGHT, CLCONV_ALGO_GEMM);
  expect_chosen(ctx, &p, x, k3, CLCONV_PASS_FORWARD, CLCONV_ALGO_DIRECT);
  p.algo = CLCONV_ALGO_WINOGRAD_4X4;
  expect_chosen(ctx, &p, x, k3, CLCONV_PASS_FORWARD, CLCONV_ALGO_WINOGRAD_4X4);
  expect_chosen(ctx, &p, x, k3, CLCONV_PASS_BACKWARD_DATA,
                CLCONV_ALGO_WINOGRAD_4X4);
  expect_chosen(ctx, &p, x, k3, CLCONV_PASS_BACKWARD_WEIGHT,
                CLCONV_ALGO_DIRECT);
  expect_chosen(reference_ctx, &p, rx, rk, CLCONV_PASS_FORWARD,
                CLCONV_ALGO_DIRECT);

  /* Refusals name the parameter and what the algorithm needs. */
  p.algo = CLCONV_ALGO_GEMM;
  TEST_EXPECT_ERROR(ctx, clconv_corr2d_output_dims(ctx, &p, x, k3, y_dims),
                    CLCONV_STATUS_INVALID_ARGUMENT,
                    "params.algo gemm needs a 1x1 kernel");
  p.algo = CLCONV_ALGO_WINOGRAD;
  p.stride_h = 2;
  TEST_EXPECT_ERROR(ctx, clconv_corr2d_output_dims(ctx, &p, x, k3, y_dims),
                    CLCONV_STATUS_INVALID_ARGUMENT,
                    "params.algo winograd needs a 3x3 kernel with stride 1");
  TEST_EXPECT_ERROR(
      reference_ctx,
      clconv_corr2d_output_dims(reference_ctx, &p, rx, rk, y_dims),
      CLCONV_STATUS_INVALID_ARGUMENT, "params.algo winograd");
  p.stride_h = 1;
  p.algo = 99;
  TEST_EXPECT_ERROR(ctx, clconv_corr2d_output_dims(ctx, &p, x, k3, y_dims),
                    CLCONV_STATUS_INVALID_ARGUMENT,
                    "params.algo = 99 is not a clconv_algo");
  TEST_EXPECT_ERROR(
      ctx, clconv_corr2d_algo_chosen(ctx, &p, x, k3, CLCONV_PASS_FORWARD, NULL),
      CLCONV_STATUS_INVALID_ARGUMENT, "algo is NULL");

  /* A struct of 0.2's size (before algo) is read over the defaults: its
   * algo is AUTO, whatever lies beyond it. */
  p = clconv_corr2d_params_default();
  p.algo = 99;
  p.struct_size = offsetof(clconv_corr2d_params, algo);
  TEST_EXPECT_ERROR(ctx, clconv_corr2d_output_dims(ctx, &p, x, k3, y_dims),
                    CLCONV_STATUS_OK, "");
  /* One too small to hold struct_size itself is refused. */
  p.struct_size = 0;
  TEST_EXPECT_ERROR(ctx, clconv_corr2d_output_dims(ctx, &p, x, k3, y_dims),
                    CLCONV_STATUS_INVALID_ARGUMENT, "params.struct_size is 0");

  clconv_tensor_release(rk);
  clconv_tensor_release(rx);
  clconv_tensor_release(k1);
  clconv_tensor_release(k3);
  clconv_tensor_release(x);
}

int main(void) {
  static const test_case tests[] = {
      {"Winograd on random problems, within the derived bound",
       test_winograd_random_within_bound},
      {"Winograd: NaN and infinities as direct summation",
       test_winograd_nonfinite_like_direct},
      {"1x1: matrix product and direct agree bit for bit",
       test_pointwise_forms_agree},
      {"what AUTO chooses, and the refusals", test_choice_and_refusals},
  };
  int status;
  device_ctx = test_open_device();
  reference_ctx = test_open_reference();
  status = test_run_suite("algorithms", tests, sizeof tests / sizeof tests[0]);
  clconv_context_release(reference_ctx);
  clconv_context_release(device_ctx);
  return status;
}
