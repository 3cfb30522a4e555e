/* test_tool.c: the clconv tool end to end: `run` on .npy files (the notebook
 * example, 4-D with every option, bad inputs that must write nothing), the
 * exit codes of --help and bad options, and `demo`; all files live in a
 * temporary working folder. */
#define _POSIX_C_SOURCE 200809L /* setenv */
#include "npy.h"
#include "support.h"
#include "tool_support.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Writes the notebook's X (3x3, 0..8) and K (2x2, 0..3) as tool_x.npy and
 * tool_k.npy. */
static void write_notebook_files(void) {
  const float x[9] = {0, 1, 2, 3, 4, 5, 6, 7, 8}, k[4] = {0, 1, 2, 3};
  const int64_t xs[2] = {3, 3}, ks[2] = {2, 2};
  write_npy("tool_x.npy", 2, xs, x);
  write_npy("tool_k.npy", 2, ks, k);
}

/* The notebook's X and K as 2-D files give Y = [[19, 25], [37, 43]]. */
static void test_run_notebook(void) {
  npy_array y;
  char err[256];
  write_notebook_files();
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
  test_edge_image(x, y);
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
            "\"cout\": 1, \"kh\": 1, \"kw\": 2, \"pad\": 0, \"stride\": 1, "
            "\"groups\": 1}"));
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

/* Options as --name=value; an unknown command in one line naming them all;
 * errors that begin with "clconv COMMAND:". */
static void test_option_forms_and_messages(void) {
  unsigned char text[512];
  long n;
  npy_array y;
  char err[256];
  write_notebook_files();
  CU_ASSERT_EQUAL(tool("run --input=tool_x.npy --weight=tool_k.npy "
                       "--output=tool_eq.npy --padding=0"),
                  0);
  CU_ASSERT_EQUAL_FATAL(npy_read("tool_eq.npy", &y, err, sizeof err), 0);
  CU_ASSERT(y.count == 4 && y.data[0] == 19 && y.data[3] == 43);
  npy_free(&y);
  CU_ASSERT_EQUAL(tool("frobnicate"), 2);
  CU_ASSERT(stderr_has(
      "clconv: unknown command 'frobnicate'; the commands "
      "are devices, demo, run, fit, bench, tune, prepare and selftest"));
  n = read_bytes("tool_stderr.txt", text, sizeof text);
  CU_ASSERT(n > 0 && memchr(text, '\n', (size_t)n) == text + n - 1);
  CU_ASSERT_EQUAL(tool("run --input tool_x.npy --weight tool_k.npy --device "
                       "no-such-device --output tool_bad.npy"),
                  1);
  CU_ASSERT(stderr_has("clconv run: cannot open a device: DEVICE_NOT_FOUND"));
  CU_ASSERT_EQUAL(tool("run --input tool_x.npy --weight tool_k.npy --stride "
                       "0 --output tool_bad.npy"),
                  1);
  /* The command once, the user's option, no internal function. */
  CU_ASSERT(stderr_has("clconv run: stride_h must be >= 1, got 0 (--stride) "
                       "[INVALID_ARGUMENT]"));
  CU_ASSERT(!stderr_has("clconv_"));
  /* Outputs that would be misread, and options that mean nothing here, are
   * refused before any computation. */
  CU_ASSERT_EQUAL(tool("run --input tool_x.npy --weight tool_k.npy --output "
                       "tool_bad.tiff"),
                  2);
  CU_ASSERT(stderr_has("not .tiff"));
  CU_ASSERT_EQUAL(tool("run --input tool_x.npy --weight tool_k.npy --output "
                       "tool_bad.npy --scale abs"),
                  2);
  CU_ASSERT(stderr_has("--scale applies to picture outputs"));
  CU_ASSERT_FALSE(file_exists("tool_bad.npy"));
  CU_ASSERT_FALSE(file_exists("tool_bad.tiff"));
}

/* JSON from devices, run and bench: what ran, on what. */
static void test_json(void) {
  const float x[16] = {0}, k3[9] = {0}, k[4] = {0, 1, 2, 3};
  const int64_t xs[4] = {1, 1, 4, 4}, k3s[4] = {1, 1, 3, 3}, ks[2] = {2, 2};
  write_npy("tool_x4.npy", 4, xs, x);
  write_npy("tool_k3.npy", 4, k3s, k3);
  write_npy("tool_k.npy", 2, ks, k);
  CU_ASSERT_EQUAL(tool("devices --json"), 0);
  CU_ASSERT(stdout_has("[\n  {\"spec\": "));
  CU_ASSERT(stdout_has("{\"spec\": \"reference\""));
  CU_ASSERT(stdout_has("\"default\": true"));
  CU_ASSERT_EQUAL(tool("run --input tool_x4.npy --weight tool_k.npy --output "
                       "tool_j.npy --json"),
                  0);
  CU_ASSERT(stdout_has("\"input\": [1, 1, 4, 4], \"weight\": [1, 1, 2, 2], "
                       "\"output\": [1, 1, 3, 3], \"algo\": {\"forward\": "
                       "\"direct\"}, \"algo_requested\": \"auto\""));
  CU_ASSERT(stdout_has("\"version\": \"" CLCONV_VERSION_STRING "\""));
  CU_ASSERT_EQUAL(tool("run --input tool_x4.npy --weight tool_k3.npy --padding "
                       "1 --algo winograd --output tool_j.npy --json"),
                  0);
  CU_ASSERT(stdout_has("\"algo\": {\"forward\": \"winograd\"}"));
  CU_ASSERT_EQUAL(tool("bench --shapes S1 --ops forward --repeat 2 "
                       "--json=tool_b.json"),
                  0);
  {
    unsigned char json[4096];
    long n = read_bytes("tool_b.json", json, sizeof json - 1);
    CU_ASSERT_FATAL(n > 0);
    json[n] = '\0';
    CU_ASSERT(strstr((char *)json, "\"version\": \"" CLCONV_VERSION_STRING
                                   "\", \"repeat\": 2") != NULL);
    CU_ASSERT(strstr((char *)json, "\"driver\": \"") != NULL);
    CU_ASSERT(strstr((char *)json, "\"algo\": \"direct\"") != NULL);
  }
}

/* '-' as a file: standard output gives the bytes the file gets; standard
 * input is read like a file; one '-' each at most. */
static void test_standard_streams(void) {
  unsigned char a[512], b[512];
  long na, nb;
  write_notebook_files();
  CU_ASSERT_EQUAL(tool("run --input tool_x.npy --weight tool_k.npy --output "
                       "tool_file.npy"),
                  0);
  CU_ASSERT_EQUAL(tool("run --input tool_x.npy --weight tool_k.npy --output -"),
                  0);
  na = read_bytes("tool_file.npy", a, sizeof a);
  nb = read_bytes("tool_stdout.txt", b, sizeof b);
  CU_ASSERT(na > 0 && na == nb && memcmp(a, b, (size_t)na) == 0);
  CU_ASSERT_EQUAL(tool("run --input - --weight tool_k.npy --output "
                       "tool_stdin.npy < tool_x.npy"),
                  0);
  nb = read_bytes("tool_stdin.npy", b, sizeof b);
  CU_ASSERT(na == nb && memcmp(a, b, (size_t)na) == 0);
  CU_ASSERT_EQUAL(tool("run --input - --weight - --output tool_bad.npy"), 2);
  CU_ASSERT(stderr_has("only one input can be '-'"));
  CU_ASSERT_EQUAL(tool("run --input tool_x.npy --weight tool_k.npy --output - "
                       "--grad-output tool_x.npy --grad-weight -"),
                  1);
  CU_ASSERT(stderr_has("both write to standard output"));
}

/* float16 .npy in and out: the halves 1, -2, 0.5 and 65504 (0x3C00,
 * 0xC000, 0x3800, 0x7BFF) through a 1x1 kernel of 1 come out as the same
 * float32 values, and as the same halves with --dtype float16. */
static void test_float16(void) {
  static const unsigned char halves[8] = {0x00, 0x3C, 0x00, 0xC0,
                                          0x00, 0x38, 0xFF, 0x7B};
  const char dict[] = "{'descr': '<f2', 'fortran_order': False, 'shape': (2, "
                      "2), }";
  const float one[1] = {1};
  const int64_t ones[2] = {1, 1};
  unsigned char file[128 + 8], back[512];
  npy_array y;
  char err[256];
  long n;
  FILE *f;
  /* A version 1.0 file whose data starts at byte 128. */
  memcpy(file, "\x93NUMPY\x01\x00\x76\x00", 10);
  memset(file + 10, ' ', 117);
  memcpy(file + 10, dict, sizeof dict - 1);
  file[127] = '\n';
  memcpy(file + 128, halves, 8);
  f = fopen("tool_half.npy", "wb");
  CU_ASSERT_PTR_NOT_NULL_FATAL(f);
  CU_ASSERT_EQUAL(fwrite(file, 1, sizeof file, f), sizeof file);
  fclose(f);
  write_npy("tool_one.npy", 2, ones, one);
  CU_ASSERT_EQUAL(tool("run --input tool_half.npy --weight tool_one.npy "
                       "--output tool_h32.npy"),
                  0);
  CU_ASSERT_EQUAL_FATAL(npy_read("tool_h32.npy", &y, err, sizeof err), 0);
  CU_ASSERT(y.count == 4 && y.data[0] == 1.0f && y.data[1] == -2.0f &&
            y.data[2] == 0.5f && y.data[3] == 65504.0f);
  npy_free(&y);
  CU_ASSERT_EQUAL(tool("run --input tool_half.npy --weight tool_one.npy "
                       "--output tool_h16.npy --dtype float16"),
                  0);
  n = read_bytes("tool_h16.npy", back, sizeof back);
  CU_ASSERT(n == 136 && memcmp(back + 128, halves, 8) == 0);
  CU_ASSERT_EQUAL(tool("run --input tool_half.npy --weight tool_one.npy "
                       "--output tool_h16.npy --dtype float64"),
                  2);
}

/* fit --log: a CSV of epoch, loss, seconds, every N-th epoch and the last,
 * the losses those printed. */
static void test_fit_log(void) {
  float x[48], y[42];
  const int64_t xs[2] = {6, 8}, ys[2] = {6, 7};
  char text[2048] = "", printed[64];
  FILE *f;
  test_edge_image(x, y);
  write_npy("tool_edge_x.npy", 2, xs, x);
  write_npy("tool_edge_y.npy", 2, ys, y);
  CU_ASSERT_EQUAL(tool("fit --input tool_edge_x.npy --target tool_edge_y.npy "
                       "--kernel 1x2 --epochs 12 --log-every 5 --log "
                       "tool_log.csv --weights-out tool_w.npy"),
                  0);
  f = fopen("tool_log.csv", "r");
  CU_ASSERT_PTR_NOT_NULL_FATAL(f);
  text[fread(text, 1, sizeof text - 1, f)] = '\0';
  fclose(f);
  CU_ASSERT(strncmp(text, "epoch,loss,seconds\n5,", 21) == 0);
  CU_ASSERT(strstr(text, "\n10,") != NULL && strstr(text, "\n12,") != NULL);
  CU_ASSERT(strstr(text, "\n1,") == NULL && strstr(text, "\n6,") == NULL);
  CU_ASSERT(stdout_has("epoch 5, loss "));
  /* The loss printed for epoch 12 is the one logged. */
  {
    const char *line = strstr(text, "\n12,");
    double logged = line != NULL ? atof(line + 4) : -1;
    snprintf(printed, sizeof printed, "epoch 12, loss %.6g", logged);
    CU_ASSERT(stdout_has(printed));
  }
}

#ifdef CLCONV_TOOL_IMAGES
/* Pictures: an RGB tensor written as PNG and read back gives each value
 * rounded to 1/255; read with --gray, stb_image's luma (77 R + 150 G + 29 B)
 * / 256 of those bytes; the scales map (-1, 0, 0.5) to bytes (255, 0, 128)
 * (abs: |v| / 1) and (0, 128, 191) (auto: (v + 1) / 2), here as PGM; what
 * is not a picture is refused by name, and nothing is written. */
static void test_pictures(void) {
  const float rgb[12] = {0.0f, 1.0f,  0.2f, 0.7f,  /* R */
                         0.5f, 0.25f, 1.0f, 0.0f,  /* G */
                         0.9f, 0.1f,  0.3f, 0.6f}; /* B */
  const float ones[3] = {1, 1, 1}, signed_row[3] = {-1.0f, 0.0f, 0.5f};
  const int64_t rgb_s[4] = {1, 3, 2, 2}, id_s[4] = {3, 1, 1, 1};
  const int64_t one_s[2] = {1, 1}, row_s[2] = {1, 3};
  unsigned char pgm[64];
  npy_array back;
  char err[256];
  long n;
  write_npy("tool_rgb.npy", 4, rgb_s, rgb);
  write_npy("tool_id3.npy", 4, id_s, ones);
  write_npy("tool_one.npy", 2, one_s, ones);
  write_npy("tool_row.npy", 2, row_s, signed_row);
  CU_ASSERT_EQUAL(tool("run --input tool_rgb.npy --weight tool_id3.npy "
                       "--groups 3 --output tool_rgb.png --scale clip"),
                  0);
  CU_ASSERT_EQUAL(tool("run --input tool_rgb.png --weight tool_id3.npy "
                       "--groups 3 --output tool_back.npy"),
                  0);
  CU_ASSERT_EQUAL_FATAL(npy_read("tool_back.npy", &back, err, sizeof err), 0);
  CU_ASSERT(back.ndim == 4 && back.shape[1] == 3 && back.count == 12);
  for (int i = 0; i < 12 && back.count == 12; i++)
    CU_ASSERT_EQUAL(back.data[i], (float)lround(rgb[i] * 255.0) / 255.0f);
  npy_free(&back);
  CU_ASSERT_EQUAL(tool("run --input tool_rgb.png --gray --weight tool_one.npy "
                       "--output tool_gray.npy"),
                  0);
  CU_ASSERT_EQUAL_FATAL(npy_read("tool_gray.npy", &back, err, sizeof err), 0);
  CU_ASSERT(back.count == 4);
  for (int i = 0; i < 4 && back.count == 4; i++) {
    const long r = lround(rgb[i] * 255.0), g = lround(rgb[4 + i] * 255.0);
    const long b = lround(rgb[8 + i] * 255.0);
    CU_ASSERT_EQUAL(back.data[i],
                    (float)((r * 77 + g * 150 + b * 29) >> 8) / 255.0f);
  }
  npy_free(&back);
  CU_ASSERT_EQUAL(tool("run --input tool_row.npy --weight tool_one.npy "
                       "--output tool_abs.pgm --scale abs"),
                  0);
  n = read_bytes("tool_abs.pgm", pgm, sizeof pgm);
  CU_ASSERT(n == 14 && memcmp(pgm, "P5\n3 1\n255\n\xff\x00\x80", 14) == 0);
  CU_ASSERT_EQUAL(tool("run --input tool_row.npy --weight tool_one.npy "
                       "--output tool_auto.pgm"),
                  0);
  n = read_bytes("tool_auto.pgm", pgm, sizeof pgm);
  CU_ASSERT(n == 14 && memcmp(pgm + 11, "\x00\x80\xbf", 3) == 0);
  CU_ASSERT_EQUAL(tool("run --input tool_rgb.npy --weight tool_id3.npy "
                       "--groups 3 --output tool_bad.pgm"),
                  1);
  CU_ASSERT(stderr_has("images are written as .png, .jpg, .bmp or (one "
                       "channel) .pgm"));
  CU_ASSERT_FALSE(file_exists("tool_bad.pgm"));
  CU_ASSERT_EQUAL(tool("run --input tool_rgb.npy --weight tool_one.npy "
                       "--output tool_bad.png --scale loud"),
                  2);
  CU_ASSERT(stderr_has("--scale takes auto, abs or clip, got 'loud'"));
  CU_ASSERT_EQUAL(tool("run --input tool_row.npy --weight tool_k.npy "
                       "--output tool_bad.png"),
                  1);
  CU_ASSERT_EQUAL(tool("run --input tool_one.npy --weight tool_one.npy "
                       "--output tool_notpng.npy"),
                  0);
  CU_ASSERT_EQUAL(system("cp tool_notpng.npy tool_fake.png"), 0);
  CU_ASSERT_EQUAL(tool("run --input tool_fake.png --weight tool_one.npy "
                       "--output tool_bad.npy"),
                  1);
  CU_ASSERT(stderr_has("tool_fake.png is not an image stb_image can read"));
  CU_ASSERT_FALSE(file_exists("tool_bad.npy"));
}
#endif

/* fit --devices: four copies of the notebook's image split over two
 * contexts (two rows each) learn what one context learns, within 1e-5 (the
 * seeded start is not integral, so the sums round differently); bad lists
 * are refused. */
static void test_fit_devices(void) {
  float x[4 * 48], y[4 * 42];
  const int64_t xs[4] = {4, 1, 6, 8}, ys[4] = {4, 1, 6, 7};
  npy_array one, two;
  char err[256];
  for (int i = 0; i < 4; i++)
    test_edge_image(x + i * 48, y + i * 42);
  write_npy("tool_x4.npy", 4, xs, x);
  write_npy("tool_y4.npy", 4, ys, y);
  CU_ASSERT_EQUAL(tool("fit --input tool_x4.npy --target tool_y4.npy --kernel "
                       "1x2 --bias --epochs 4 --weights-out tool_w1.npy"),
                  0);
  CU_ASSERT_EQUAL(tool("fit --input tool_x4.npy --target tool_y4.npy --kernel "
                       "1x2 --bias --epochs 4 --devices 0:0,0:0 --weights-out "
                       "tool_w2.npy"),
                  0);
  CU_ASSERT(stdout_has("training on 2 devices: "));
  CU_ASSERT(stdout_has("(2 of 4), "));
  CU_ASSERT_EQUAL_FATAL(npy_read("tool_w1.npy", &one, err, sizeof err), 0);
  CU_ASSERT_EQUAL_FATAL(npy_read("tool_w2.npy", &two, err, sizeof err), 0);
  CU_ASSERT(one.count == 2 && two.count == 2);
  for (size_t i = 0; i < 2 && one.count == 2 && two.count == 2; i++)
    CU_ASSERT(fabsf(one.data[i] - two.data[i]) <=
              1e-5f * (1.0f + fabsf(one.data[i])));
  npy_free(&two);
  npy_free(&one);
  CU_ASSERT_EQUAL(tool("fit --input tool_x4.npy --target tool_y4.npy --kernel "
                       "1x2 --devices 0:0,,0:0 --weights-out tool_w3.npy"),
                  1);
  CU_ASSERT(stderr_has("clconv fit: --devices takes 'all' or up to 16"));
  CU_ASSERT_EQUAL(tool("fit --input tool_x4.npy --target tool_y4.npy --kernel "
                       "1x2 --devices 0:0 --device 0:0 --weights-out "
                       "tool_w3.npy"),
                  2);
  CU_ASSERT_FALSE(file_exists("tool_w3.npy"));
  /* --split speed: the measured peaks share the rows; the reference
   * backend, with none, counts 1 GFLOP/s against the device's hundreds. */
  CU_ASSERT_EQUAL(tool("fit --input tool_x4.npy --target tool_y4.npy --kernel "
                       "1x2 --epochs 1 --devices 0:0,reference --split speed "
                       "--weights-out tool_w3.npy"),
                  0);
  CU_ASSERT(stdout_has(" (4 of 4), reference (0 of 4)"));
  CU_ASSERT_EQUAL(tool("fit --input tool_x4.npy --target tool_y4.npy --kernel "
                       "1x2 --devices 0:0 --split fast --weights-out "
                       "tool_w3.npy"),
                  2);
  CU_ASSERT(stderr_has("--split takes even or speed, got 'fast'"));
  /* bench --devices: the step on one context, then on two. */
  CU_ASSERT_EQUAL(tool("bench --devices 0:0,0:0 --ops step --shapes S1 "
                       "--repeat 2 --json tool_dev.json"),
                  0);
  CU_ASSERT(stdout_has("S1  step, batch 1: 1 device "));
  CU_ASSERT(stdout_has(", 2 devices "));
  CU_ASSERT(stdout_has("scaling efficiency "));
  CU_ASSERT(file_exists("tool_dev.json"));
  CU_ASSERT_EQUAL(tool("bench --devices 0:0,0:0 --ops forward --shapes S1"), 2);
  CU_ASSERT(stderr_has("--devices times the training step only"));
}

/* tune shows each candidate as it is timed, then the summary. */
static void test_tune_progress(void) {
  CU_ASSERT_EQUAL(tool("tune --shapes S1 --candidates 3 --repeat 1"), 0);
  CU_ASSERT(stdout_has("  S1  1/3 vw"));
  CU_ASSERT(stdout_has("  S1  3/3 vw"));
  CU_ASSERT(stdout_has("S1   default vw"));
}

/* First contact with an empty disk cache, in async mode: the tool says
 * which kernels it builds while the user waits (the generic program), and
 * nothing with --quiet; the notebook's answer either way; `prepare` builds
 * a problem's programs ahead and `bench --cold` times the notebook's
 * layers. */
static void test_first_contact(void) {
  write_notebook_files();
  setenv("CLCONV_BUILD", "async", 1);
  setenv("CLCONV_CACHE_DIR", "first_contact_cache", 1);
  CU_ASSERT_EQUAL(tool("run --input tool_x.npy --weight tool_k.npy --output "
                       "tool_fc.npy"),
                  0);
  CU_ASSERT(stderr_has("building kernels (generic.cl) for "));
  CU_ASSERT(stderr_has("(kept in the disk cache)"));
  CU_ASSERT_EQUAL(tool("run --input tool_x.npy --weight tool_k.npy --output "
                       "tool_fc.npy --padding 1 --quiet"),
                  0);
  CU_ASSERT(!stderr_has("building kernels"));
  CU_ASSERT(!stderr_has("finishing the kernel build"));
  CU_ASSERT_EQUAL(tool("prepare --problem 1,1,6,8,1,1,2,0,1"), 0);
  CU_ASSERT(stdout_has("clconv prepare: problem (1 distinct layers): "));
  CU_ASSERT_EQUAL(tool("prepare --network nope"), 2);
  CU_ASSERT(stderr_has("--network takes notebook, resnet18, resnet50"));
  CU_ASSERT_EQUAL(tool("bench --cold --network notebook"), 0);
  CU_ASSERT(stdout_has("to every first result: "));
  CU_ASSERT(stdout_has("until every specialized program was in: "));
  CU_ASSERT_EQUAL(tool("bench --batch 2"), 2);
  CU_ASSERT(stderr_has("--batch goes with --network"));
  CU_ASSERT_EQUAL(tool("bench --network nope"), 2);
  /* Warm, layer by layer: the notebook's two layers at batch 2. */
  CU_ASSERT_EQUAL(
      tool("bench --network notebook --batch 2 --ops forward --repeat 1"), 0);
  CU_ASSERT(stdout_has("L01  x1 in the network: (2, 1, 6, 8) -> 1, 1x2"));
  CU_ASSERT(stdout_has("notebook, batch 2: 2 convolutions (2 distinct)"));
  setenv("CLCONV_BUILD", "sync", 1);
  unsetenv("CLCONV_CACHE_DIR");
}

/* `clconv demo` passes every check on the default device and on the
 * reference, and `--device all` ends with its table. */
static void test_demo(void) {
  CU_ASSERT_EQUAL(tool("demo"), 0);
  CU_ASSERT_EQUAL(tool("demo --device reference"), 0);
  CU_ASSERT_EQUAL(tool("demo --device all"), 0);
  CU_ASSERT_EQUAL(tool("devices"), 0);
}

/* `clconv selftest --quick` agrees with the reference on the library's own
 * kernels (exit 0, a JSON array of its checks); a kernel folder whose
 * vector store adds one to every full vector of output gives wrong answers
 * that it reports (exit 1, WRONG lines); the reference is not a device to
 * check. */
static void test_selftest(void) {
  unsigned char json[65536];
  long size;
  const char *planted;
  CU_ASSERT_EQUAL(tool("selftest --quick --json selftest.json"), 0);
  CU_ASSERT(stdout_has("0 wrong, 0 failed to run"));
  CU_ASSERT(!stdout_has("WRONG"));
  size = read_bytes("selftest.json", json, sizeof json - 1);
  CU_ASSERT(size > 2);
  if (size > 2) {
    json[size] = '\0';
    CU_ASSERT(json[0] == '[');
    CU_ASSERT_PTR_NOT_NULL(strstr((char *)json, "\"path\": \"winograd\""));
    CU_ASSERT_PTR_NOT_NULL(strstr((char *)json, "\"result\": \"ok\""));
    CU_ASSERT_PTR_NULL(strstr((char *)json, "\"result\": \"WRONG\""));
  }
  planted = test_kernel_copy("common.cl", "    vstoreV(v, 0, out);\n",
                             "    vstoreV(v + 1.0f, 0, out);\n");
  CU_ASSERT_PTR_NOT_NULL_FATAL(planted);
  setenv("CLCONV_KERNEL_DIR", planted, 1);
  setenv("CLCONV_CACHE_DIR", "selftest_planted_cache", 1);
  CU_ASSERT_EQUAL(tool("selftest --quick --quiet"), 1);
  CU_ASSERT(stdout_has(" WRONG "));
  CU_ASSERT(stdout_has("differ from the reference"));
  unsetenv("CLCONV_KERNEL_DIR");
  unsetenv("CLCONV_CACHE_DIR");
  test_remove_folder(planted);
  CU_ASSERT_EQUAL(tool("selftest --device reference"), 1);
  CU_ASSERT(stderr_has("choose an OpenCL device"));
  CU_ASSERT_EQUAL(tool("selftest --quick --json"), 2);
}

#ifdef CLCONV_TOOL_IMAGES
/* Pictures meant to hurt: a PNG header of 20000 x 20000 pixels (a
 * decompression bomb: refused from its header, at once), a picture larger
 * than CLCONV_MAX_PIXELS, a BMP cut short (stb_image would fill it with
 * zeros), a .npy whose header holds an escape sequence (never printed
 * raw), a PNG read through a FIFO (read whole, no seek), four channels
 * into a .jpg (would drop the alpha) and a read-only output (kept). */
static void test_hostile_pictures(void) {
  static const unsigned char bomb[] = {
      0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d,
      0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x4e, 0x20, 0x00, 0x00, 0x4e, 0x20,
      0x08, 0x00, 0x00, 0x00, 0x00, 0xc6, 0x1b, 0x19, 0xe5, 0x00, 0x00, 0x00,
      0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82};
  static const char evil_header[] =
      "\x93NUMPY\x01\x00\x46\x00{'descr': '\x1b[31m', 'fortran_order': "
      "False, 'shape': (1,), }          \n";
  float rgba[4 * 5 * 6];
  const int64_t rgba_s[4] = {1, 4, 5, 6}, id4_s[4] = {4, 1, 1, 1};
  const int64_t rgb_s[4] = {1, 3, 40, 50}, id3_s[4] = {3, 1, 1, 1};
  const float ones[4] = {1, 1, 1, 1};
  static float rgb[3 * 40 * 50];
  unsigned char bmp[8192];
  long n;
  FILE *f;
  for (size_t i = 0; i < sizeof rgba / sizeof *rgba; i++)
    rgba[i] = (float)(i % 7) / 6.0f;
  for (size_t i = 0; i < sizeof rgb / sizeof *rgb; i++)
    rgb[i] = (float)(i % 11) / 10.0f;
  write_npy("hp_rgba.npy", 4, rgba_s, rgba);
  write_npy("hp_id4.npy", 4, id4_s, ones);
  write_npy("hp_rgb.npy", 4, rgb_s, rgb);
  write_npy("hp_id3.npy", 4, id3_s, ones);
  f = fopen("hp_bomb.png", "wb");
  CU_ASSERT_PTR_NOT_NULL_FATAL(f);
  fwrite(bomb, 1, sizeof bomb, f);
  fclose(f);
  CU_ASSERT_EQUAL(tool("run --input hp_bomb.png --weight hp_id4.npy --output "
                       "hp_out.npy"),
                  1);
  CU_ASSERT(stderr_has("hp_bomb.png is 20000 x 20000 pixels, more than the "
                       "67108864 this clconv decodes (set CLCONV_MAX_PIXELS"));
  CU_ASSERT_EQUAL(tool("run --input hp_rgba.npy --weight hp_id4.npy --groups 4 "
                       "--output hp_rgba.png"),
                  0);
  setenv("CLCONV_MAX_PIXELS", "29", 1);
  CU_ASSERT_EQUAL(tool("run --input hp_rgba.png --weight hp_id4.npy --groups 4 "
                       "--output hp_out.npy"),
                  1);
  CU_ASSERT(stderr_has("is 6 x 5 pixels, more than the 29 this clconv"));
  setenv("CLCONV_MAX_PIXELS", "30", 1);
  CU_ASSERT_EQUAL(tool("run --input hp_rgba.png --weight hp_id4.npy --groups 4 "
                       "--output hp_out.npy"),
                  0);
  unsetenv("CLCONV_MAX_PIXELS");
  /* A FIFO: the PNG arrives through a pipe, as from another program. */
  CU_ASSERT_EQUAL(system("rm -f hp_fifo.png && mkfifo hp_fifo.png && "
                         "(cat hp_rgba.png > hp_fifo.png &)"),
                  0);
  CU_ASSERT_EQUAL(tool("run --input hp_fifo.png --weight hp_id4.npy --groups 4 "
                       "--output hp_fifo.npy"),
                  0);
  CU_ASSERT_EQUAL(tool("run --input hp_rgba.npy --weight hp_id4.npy --groups 4 "
                       "--output hp_rgba.jpg"),
                  1);
  CU_ASSERT(stderr_has("four channels (with alpha) are written as .png only"));
  CU_ASSERT_FALSE(file_exists("hp_rgba.jpg"));
  /* A BMP cut after 5000 of its 6134 bytes (54 of header, 40 rows of 150
   * bytes padded to 152). */
  CU_ASSERT_EQUAL(tool("run --input hp_rgb.npy --weight hp_id3.npy --groups 3 "
                       "--output hp_full.bmp --scale clip"),
                  0);
  n = read_bytes("hp_full.bmp", bmp, sizeof bmp);
  CU_ASSERT_EQUAL_FATAL(n, 54 + 40 * 152);
  f = fopen("hp_cut.bmp", "wb");
  CU_ASSERT_PTR_NOT_NULL_FATAL(f);
  fwrite(bmp, 1, 5000, f);
  fclose(f);
  CU_ASSERT_EQUAL(tool("run --input hp_cut.bmp --weight hp_id3.npy --groups 3 "
                       "--output hp_out.npy"),
                  1);
  CU_ASSERT(stderr_has("hp_cut.bmp is a truncated BMP: 5000 bytes where its "
                       "header promises 6134"));
  f = fopen("hp_evil.npy", "wb");
  CU_ASSERT_PTR_NOT_NULL_FATAL(f);
  fwrite(evil_header, 1, sizeof evil_header - 1, f);
  fwrite(ones, 1, 4, f);
  fclose(f);
  CU_ASSERT_EQUAL(tool("run --input hp_evil.npy --weight hp_evil.npy --output "
                       "hp_out.npy"),
                  1);
  CU_ASSERT(stderr_has("'?[31m'"));
  n = read_bytes("tool_stderr.txt", bmp, sizeof bmp);
  CU_ASSERT(n > 0 && memchr(bmp, 0x1b, (size_t)n) == NULL);
  /* An output someone made read-only stays as it is. */
  CU_ASSERT_EQUAL(system("cp hp_id4.npy hp_readonly.npy && chmod 444 "
                         "hp_readonly.npy"),
                  0);
  CU_ASSERT_EQUAL(tool("run --input hp_rgba.npy --weight hp_id4.npy --groups 4 "
                       "--output hp_readonly.npy"),
                  1);
  CU_ASSERT(stderr_has("hp_readonly.npy exists and is read-only; refusing"));
}
#endif

int main(void) {
  static const test_case tests[] = {
      {"run: notebook corr2d", test_run_notebook},
      {"first contact: announced, prepared, timed", test_first_contact},
      {"run: every option, 4-D", test_run_all_options},
      {"run: bad inputs write nothing", test_run_bad_inputs},
      {"usage errors and --help", test_usage_errors},
      {"run: backward", test_run_backward},
      {"fit", test_fit},
      {"bench", test_bench},
      {"demo", test_demo},
      {"selftest: right kernels pass, a planted wrong one is caught",
       test_selftest},
      {"--name=value, one-line errors", test_option_forms_and_messages},
      {"JSON of devices, run and bench", test_json},
      {"'-': standard input and output", test_standard_streams},
      {"float16 .npy in and out", test_float16},
      {"fit --log", test_fit_log},
      {"tune shows each candidate", test_tune_progress},
      {"fit --devices", test_fit_devices},
#ifdef CLCONV_TOOL_IMAGES
      {"pictures in and out", test_pictures},
      {"hostile pictures refused", test_hostile_pictures},
#endif
  };
  clconv_context_release(test_open_device());
  /* Every file the tool writes goes to a temporary working folder. */
  return test_run_suite_in_temp_cwd("tool", tests,
                                    sizeof tests / sizeof tests[0]);
}
