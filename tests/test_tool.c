/* test_tool.c: the clconv tool end to end: `run` on .npy files (the notebook
 * example, 4-D with every option, bad inputs that must write nothing), the
 * exit codes of --help and bad options, and `demo`; all files live in a
 * temporary working folder. */
#include "npy.h"
#include "support.h"
#include "tool_support.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The notebook's X and K as 2-D files give Y = [[19, 25], [37, 43]]. */
static void test_run_notebook(void) {
  const float x[9] = {0, 1, 2, 3, 4, 5, 6, 7, 8}, k[4] = {0, 1, 2, 3};
  const int64_t xs[2] = {3, 3}, ks[2] = {2, 2};
  npy_array y;
  char err[256];
  write_npy("tool_x.npy", 2, xs, x);
  write_npy("tool_k.npy", 2, ks, k);
  remove("tool_y.npy");
  CU_ASSERT_EQUAL(tool("run --input tool_x.npy --weight tool_k.npy --output "
                       "tool_y.npy"),
                  0);
  CU_ASSERT_EQUAL_FATAL(npy_read("tool_y.npy", &y, err, sizeof err), 0);
  CU_ASSERT_EQUAL(y.ndim, 2);
  CU_ASSERT(y.shape[0] == 2 && y.shape[1] == 2);
  CU_ASSERT(y.data[0] == 19 && y.data[1] == 25 && y.data[2] == 37 &&
            y.data[3] == 43);
  npy_free(&y);
}

/* A 4-D problem with bias, padding, stride, dilation and groups matches the
 * library's reference backend. */
static void test_run_all_options(void) {
  const int64_t xs[4] = {2, 4, 7, 8}, ws[4] = {6, 2, 3, 2}, bs[1] = {6};
  float x[2 * 4 * 7 * 8], w[6 * 2 * 3 * 2], b[6];
  test_rng r = {test_seed()};
  clconv_context *ctx = test_open_reference();
  clconv_corr2d_params p = clconv_corr2d_params_default();
  clconv_tensor *tx, *tw, *tb, *ty;
  int64_t yd[4];
  float expected[2 * 6 * 5 * 4];
  npy_array y;
  char err[256];
  for (size_t i = 0; i < sizeof x / sizeof x[0]; i++)
    x[i] = test_float(&r, -1, 1);
  for (size_t i = 0; i < sizeof w / sizeof w[0]; i++)
    w[i] = test_float(&r, -1, 1);
  for (size_t i = 0; i < 6; i++)
    b[i] = test_float(&r, -1, 1);
  write_npy("tool_x4.npy", 4, xs, x);
  write_npy("tool_w4.npy", 4, ws, w);
  write_npy("tool_b.npy", 1, bs, b);
  CU_ASSERT_EQUAL(tool("run --input tool_x4.npy --weight tool_w4.npy --bias "
                       "tool_b.npy --padding 2,1 --stride 2 --dilation 1,2 "
                       "--groups 2 --output tool_y4.npy"),
                  0);

  /* The same through the library on the reference backend. */
  p.pad_h = 2;
  p.pad_w = 1;
  p.stride_h = p.stride_w = 2;
  p.dilation_w = 2;
  p.groups = 2;
  tx = test_tensor(ctx, 4, xs, x);
  tw = test_tensor(ctx, 4, ws, w);
  tb = test_tensor(ctx, 1, bs, b);
  CU_ASSERT_EQUAL_FATAL(clconv_corr2d_output_dims(ctx, &p, tx, tw, yd), 0);
  CU_ASSERT(yd[0] == 2 && yd[1] == 6 && yd[2] == 5 && yd[3] == 4);
  ty = test_tensor(ctx, 4, yd, NULL);
  CU_ASSERT_EQUAL(clconv_corr2d_forward(ctx, &p, tx, tw, tb, ty), 0);
  CU_ASSERT_EQUAL(clconv_tensor_read(ty, expected, 2 * 6 * 5 * 4), 0);
  CU_ASSERT_EQUAL_FATAL(npy_read("tool_y4.npy", &y, err, sizeof err), 0);
  CU_ASSERT_EQUAL(y.ndim, 4);
  CU_ASSERT_EQUAL(memcmp(y.shape, yd, sizeof yd), 0);
  for (size_t i = 0; i < y.count; i++) {
    double tol = 1e-5;
    if (y.data[i] - expected[i] > tol || expected[i] - y.data[i] > tol) {
      CU_FAIL("tool output differs from the reference");
      break;
    }
  }
  npy_free(&y);
  clconv_tensor_release(ty);
  clconv_tensor_release(tb);
  clconv_tensor_release(tw);
  clconv_tensor_release(tx);
  clconv_context_release(ctx);
}

/* Bad files and shapes fail with a message and write nothing. */
static void test_run_bad_inputs(void) {
  const int64_t ks3[3] = {1, 2, 2};
  const float k[4] = {1, 2, 3, 4};
  FILE *f = fopen("tool_garbage.npy", "wb");
  CU_ASSERT_PTR_NOT_NULL_FATAL(f);
  fputs("this is not a numpy file", f);
  fclose(f);
  write_npy("tool_k3.npy", 3, ks3, k);
  remove("tool_bad.npy");

  CU_ASSERT_EQUAL(tool("run --input tool_garbage.npy --weight tool_k.npy "
                       "--output tool_bad.npy"),
                  1);
  CU_ASSERT(stderr_has("not a .npy file"));
  CU_ASSERT_EQUAL(tool("run --input tool_x.npy --weight tool_k3.npy "
                       "--output tool_bad.npy"),
                  1);
  CU_ASSERT(stderr_has("has 3 dimensions"));
  CU_ASSERT_EQUAL(tool("run --input tool_x.npy --weight tool_k.npy --groups 2 "
                       "--output tool_bad.npy"),
                  1);
  CU_ASSERT(stderr_has("not divisible by groups = 2"));
  CU_ASSERT_EQUAL(tool("run --input tool_x.npy --weight tool_x4.npy "
                       "--output tool_bad.npy"),
                  1);
  CU_ASSERT(stderr_has("SHAPE_MISMATCH"));
  CU_ASSERT_EQUAL(tool("run --input missing.npy --weight tool_k.npy "
                       "--output tool_bad.npy"),
                  1);
  CU_ASSERT(stderr_has("missing.npy"));
  CU_ASSERT_EQUAL(tool("run --input tool_x.npy --weight tool_k.npy "
                       "--device no-such-device --output tool_bad.npy"),
                  1);
  CU_ASSERT(stderr_has("no-such-device"));
  CU_ASSERT_FALSE(file_exists("tool_bad.npy"));
}

static void test_usage_errors(void) {
  CU_ASSERT_EQUAL(tool("--help"), 0);
  CU_ASSERT_EQUAL(tool("run --help"), 0);
  CU_ASSERT_EQUAL(tool("demo --help"), 0);
  CU_ASSERT_EQUAL(tool("devices --help"), 0);
  CU_ASSERT_EQUAL(tool(""), 2);
  CU_ASSERT_EQUAL(tool("frobnicate"), 2);
  CU_ASSERT_EQUAL(tool("run --input tool_x.npy --output y.npy"), 2);
  CU_ASSERT(stderr_has("--weight is required"));
  CU_ASSERT_EQUAL(tool("run --input tool_x.npy --weight tool_k.npy --stride "
                       "2x2 --output y.npy"),
                  2);
  CU_ASSERT(stderr_has("--stride takes SH,SW"));
  CU_ASSERT_EQUAL(tool("run --input tool_x.npy --weight tool_k.npy --stride "
                       "0 --output tool_bad.npy"),
                  1);
  CU_ASSERT(stderr_has("stride_h must be >= 1, got 0"));
}

/* Backward on the notebook's X and K with dY = ones(2, 2), derived by hand:
 * dW[i][j] = the sum of X's 2x2 window at (i, j) = [[8, 12], [20, 24]];
 * dB = 4; dX[a][b] = sum of K[a - oh][b - ow] over the outputs whose window
 * covers (a, b) = [[0, 1, 1], [2, 6, 4], [2, 5, 3]]. */
static void test_run_backward(void) {
  const float ones[4] = {1, 1, 1, 1}, bias[1] = {0};
  const int64_t ys[2] = {2, 2}, bs[1] = {1};
  const float dw[4] = {8, 12, 20, 24}, dx[9] = {0, 1, 1, 2, 6, 4, 2, 5, 3};
  npy_array a;
  char err[256];
  write_npy("tool_dy.npy", 2, ys, ones);
  write_npy("tool_b1.npy", 1, bs, bias);
  remove("tool_dx.npy");
  CU_ASSERT_EQUAL(tool("run --input tool_x.npy --weight tool_k.npy --bias "
                       "tool_b1.npy --grad-output tool_dy.npy --grad-input "
                       "tool_dx.npy --grad-weight tool_dw.npy --grad-bias "
                       "tool_db.npy"),
                  0);
  CU_ASSERT_EQUAL_FATAL(npy_read("tool_dx.npy", &a, err, sizeof err), 0);
  CU_ASSERT(a.ndim == 2 && a.shape[0] == 3 && a.shape[1] == 3);
  CU_ASSERT_EQUAL(memcmp(a.data, dx, sizeof dx), 0);
  npy_free(&a);
  CU_ASSERT_EQUAL_FATAL(npy_read("tool_dw.npy", &a, err, sizeof err), 0);
  CU_ASSERT(a.ndim == 2 && a.shape[0] == 2 && a.shape[1] == 2);
  CU_ASSERT_EQUAL(memcmp(a.data, dw, sizeof dw), 0);
  npy_free(&a);
  CU_ASSERT_EQUAL_FATAL(npy_read("tool_db.npy", &a, err, sizeof err), 0);
  CU_ASSERT(a.ndim == 1 && a.shape[0] == 1 && a.data[0] == 4);
  npy_free(&a);

  /* One gradient alone; a dY of the wrong shape writes nothing. */
  remove("tool_dw.npy");
  CU_ASSERT_EQUAL(tool("run --input tool_x.npy --weight tool_k.npy "
                       "--grad-output tool_dy.npy --grad-weight tool_dw.npy"),
                  0);
  CU_ASSERT(file_exists("tool_dw.npy"));
  remove("tool_dw.npy");
  CU_ASSERT_EQUAL(tool("run --input tool_x.npy --weight tool_k.npy "
                       "--grad-output tool_x.npy --grad-weight tool_dw.npy"),
                  1);
  CU_ASSERT(stderr_has("dy has dims (1, 1, 3, 3) but the output is"));
  CU_ASSERT_FALSE(file_exists("tool_dw.npy"));
  CU_ASSERT_EQUAL(tool("run --input tool_x.npy --weight tool_k.npy "
                       "--grad-output tool_dy.npy"),
                  2);
  CU_ASSERT(stderr_has("--grad-output needs"));
}

/* `clconv fit` learns the notebook's kernel from the edge image and writes
 * it; bad arguments and a target of the wrong shape write nothing. */
static void test_fit(void) {
  float x[48], y[42];
  const int64_t xs[2] = {6, 8}, ys[2] = {6, 7}, bad_ys[2] = {6, 6};
  npy_array w;
  char err[256];
  for (int i = 0; i < 6; i++)
    for (int j = 0; j < 8; j++)
      x[i * 8 + j] = (j >= 2 && j <= 5) ? 0.0f : 1.0f;
  for (int i = 0; i < 6; i++)
    for (int j = 0; j < 7; j++)
      y[i * 7 + j] = x[i * 8 + j] - x[i * 8 + j + 1];
  write_npy("tool_edge_x.npy", 2, xs, x);
  write_npy("tool_edge_y.npy", 2, ys, y);
  write_npy("tool_edge_bad.npy", 2, bad_ys, y);
  remove("tool_w.npy");
  CU_ASSERT_EQUAL(tool("fit --input tool_edge_x.npy --target tool_edge_y.npy "
                       "--kernel 1x2 --epochs 20 --seed 4 --weights-out "
                       "tool_w.npy"),
                  0);
  CU_ASSERT_EQUAL_FATAL(npy_read("tool_w.npy", &w, err, sizeof err), 0);
  CU_ASSERT(w.ndim == 2 && w.shape[0] == 1 && w.shape[1] == 2);
  CU_ASSERT(fabsf(w.data[0] - 1) < 0.15f && fabsf(w.data[1] + 1) < 0.15f);
  npy_free(&w);
  CU_ASSERT_EQUAL(tool("fit --input tool_edge_x.npy --target tool_edge_y.npy "
                       "--kernel 1x2 --bias --momentum 0.5 --epochs 30 "
                       "--weights-out tool_w.npy --bias-out tool_fb.npy"),
                  0);
  CU_ASSERT(file_exists("tool_fb.npy"));

  remove("tool_w.npy");
  CU_ASSERT_EQUAL(tool("fit --input tool_edge_x.npy --target "
                       "tool_edge_bad.npy --kernel 1x2 --weights-out "
                       "tool_w.npy"),
                  1);
  CU_ASSERT(stderr_has("--target has shape (1, 1, 6, 6) but the layer gives "
                       "(1, 1, 6, 7)"));
  CU_ASSERT_EQUAL(tool("fit --input tool_edge_x.npy --target tool_edge_y.npy "
                       "--kernel 1by2 --weights-out tool_w.npy"),
                  2);
  CU_ASSERT(stderr_has("--kernel takes KHxKW"));
  CU_ASSERT_EQUAL(tool("fit --input tool_edge_x.npy --target tool_edge_y.npy "
                       "--kernel 1x2 --lr -1 --weights-out tool_w.npy"),
                  1);
  CU_ASSERT(stderr_has("lr must be finite and >= 0, got -1"));
  CU_ASSERT_EQUAL(tool("fit --input tool_edge_x.npy --kernel 1x2 "
                       "--weights-out tool_w.npy"),
                  2);
  CU_ASSERT_FALSE(file_exists("tool_w.npy"));
  CU_ASSERT_EQUAL(tool("fit --help"), 0);
}

/* `clconv bench` on the seed shape: every op checked, a JSON record each. */
static void test_bench(void) {
  char text[8192] = "";
  FILE *f;
  int records = 0;
  remove("tool_bench.json");
  CU_ASSERT_EQUAL(tool("bench --shapes S1 --repeat 2 --json tool_bench.json"),
                  0);
  f = fopen("tool_bench.json", "r");
  CU_ASSERT_PTR_NOT_NULL_FATAL(f);
  text[fread(text, 1, sizeof text - 1, f)] = '\0';
  fclose(f);
  for (const char *at = text; (at = strstr(at, "\"shape\": \"S1\"")) != NULL;
       at++)
    records++;
  CU_ASSERT_EQUAL(records, 4);
  CU_ASSERT_PTR_NOT_NULL(strstr(text, "\"op\": \"step\""));
  CU_ASSERT_PTR_NOT_NULL(strstr(text, "\"median_ms\""));
  CU_ASSERT_PTR_NOT_NULL(strstr(
      text, "\"dims\": {\"n\": 1, \"cin\": 1, \"h\": 6, \"w\": 8, "
            "\"cout\": 1, \"kh\": 1, \"kw\": 2, \"pad\": 0, \"stride\": 1}"));
  CU_ASSERT_PTR_NOT_NULL(strstr(text, "\"peak_gflops\""));
  /* A problem of one's own, timed and checked like the shapes. */
  CU_ASSERT_EQUAL(tool("bench --problem 2,16,9,11,32,3,3,1,2 --ops "
                       "forward,backward-weights --repeat 1"),
                  0);
  f = fopen("tool_stdout.txt", "r");
  CU_ASSERT_PTR_NOT_NULL_FATAL(f);
  text[fread(text, 1, sizeof text - 1, f)] = '\0';
  fclose(f);
  CU_ASSERT_PTR_NOT_NULL(strstr(text, "P   forward"));
  CU_ASSERT_PTR_NOT_NULL(strstr(text, "P   backward-weights"));
  CU_ASSERT_PTR_NULL(strstr(text, "MISMATCH"));
  CU_ASSERT_EQUAL(tool("bench --problem 1,16,9,11,32,3,3"), 2);
  CU_ASSERT(stderr_has("--problem takes N,CIN,H,W,COUT,KH,KW,PAD,STRIDE"));
  CU_ASSERT_EQUAL(tool("bench --problem 1,16,9,11,32,3,3,1,0"), 2);
  CU_ASSERT_EQUAL(tool("bench --shapes S9"), 2);
  CU_ASSERT(stderr_has("unknown item 'S9'"));
  CU_ASSERT_EQUAL(tool("bench --repeat 0"), 2);
  CU_ASSERT_EQUAL(tool("bench --help"), 0);
}

/* `clconv demo` passes every check on the default device and on the
 * reference, and `--device all` ends with its table. */
static void test_demo(void) {
  CU_ASSERT_EQUAL(tool("demo"), 0);
  CU_ASSERT_EQUAL(tool("demo --device reference"), 0);
  CU_ASSERT_EQUAL(tool("demo --device all"), 0);
  CU_ASSERT_EQUAL(tool("devices"), 0);
}

int main(void) {
  static const test_case tests[] = {
      {"run: notebook corr2d", test_run_notebook},
      {"run: every option, 4-D", test_run_all_options},
      {"run: bad inputs write nothing", test_run_bad_inputs},
      {"usage errors and --help", test_usage_errors},
      {"run: backward", test_run_backward},
      {"fit", test_fit},
      {"bench", test_bench},
      {"demo", test_demo},
  };
  clconv_context_release(test_open_device());
  /* Every file the tool writes goes to a temporary working folder. */
  return test_run_suite_in_temp_cwd("tool", tests,
                                    sizeof tests / sizeof tests[0]);
}
