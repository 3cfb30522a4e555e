/* cmd_demo.c: `clconv demo`: the forward parts of the "Convolutions for
 * Images" notebooks on a device, each result checked against the reference
 * backend and, where the notebooks print it, against their values. */
#include "cli.h"
#include "cli_options.h"
#include "commands.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *usage =
    "usage: clconv demo [--device SPEC] [--seed N]\n"
    "\n"
    "Runs the notebooks' examples on one device: corr2d on the 3x3 example,\n"
    "edge detection with the kernel [1, -1], the transposed image, a diagonal\n"
    "edge, the transposed kernel, and padding and stride. Every result is\n"
    "compared with the plain-C reference backend and, where the notebooks "
    "give\n"
    "it, with their value; each check prints 'ok' or what differs.\n"
    "\n"
    "options:\n"
    "  --device SPEC  'reference', 'P:D', 'gpu', 'cpu', part of a device "
    "name,\n"
    "                 or 'all' to run on every device and end with a table\n"
    "                 (default: CLCONV_DEVICE, else the first GPU, else the\n"
    "                 first OpenCL device)\n"
    "  --seed N       seed of the layers' initial weights (default 0)\n"
    "\n"
    "Exits 0 when every check passes, 1 otherwise.\n";

typedef struct demo {
  clconv_context *ctx;
  clconv_context *reference; /* the plain-C backend, for lockstep checks */
  uint64_t seed;
  int checks;
  int failures;
} demo;

/* A 2-D matrix owned by the demo. */
typedef struct matrix {
  int64_t rows, cols;
  float *v;
} matrix;

static matrix matrix_new(int64_t rows, int64_t cols) {
  matrix m = {rows, cols, calloc((size_t)(rows * cols), sizeof(float))};
  return m;
}

/* The transpose of @p a; v NULL when @p a has none (an earlier run failed)
 * or memory runs out. */
static matrix matrix_transpose(matrix a) {
  matrix t = {a.cols, a.rows, NULL};
  if (a.v == NULL)
    return t;
  t = matrix_new(a.cols, a.rows);
  if (t.v != NULL)
    for (int64_t i = 0; i < a.rows; i++)
      for (int64_t j = 0; j < a.cols; j++)
        t.v[j * a.rows + i] = a.v[i * a.cols + j];
  return t;
}

/* Reproducible uniform [0, 1) numbers (splitmix64) for the random examples. */
static float uniform01(uint64_t *state) {
  uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  return (float)(z >> 40) * (1.0f / 16777216.0f);
}

static void print_named(const char *name, matrix m) {
  printf("%s =\n", name);
  cli_print_matrix(stdout, "  ", m.v, m.rows, m.cols);
}

/* Records one check and prints its line. */
static void check(demo *d, int ok, const char *what) {
  d->checks++;
  if (!ok)
    d->failures++;
  printf("  check %-44s %s\n", what, ok ? "ok" : "FAILED");
}

/* Runs corr2d(X, K) with @p p on the demo's device, prints it as @p name
 * (unless NULL), checks it against the reference backend, and returns the
 * output (v NULL on failure). */
static matrix run_corr2d(demo *d, const char *name, matrix x, matrix k,
                         const clconv_corr2d_params *p) {
  const int64_t x_dims[4] = {1, 1, x.rows, x.cols};
  const int64_t k_dims[4] = {1, 1, k.rows, k.cols};
  int64_t y_dims[4];
  clconv_tensor *tx = NULL, *tk = NULL, *ty = NULL;
  clconv_verify_report report;
  clconv_status status;
  matrix y = {0, 0, NULL};

  /* Uploads X and K as (1, 1, H, W) and (1, 1, KH, KW) tensors. */
  if (cli_tensor(d->ctx, 4, x_dims, x.v, &tx) != 0 ||
      cli_tensor(d->ctx, 4, k_dims, k.v, &tk) != 0)
    goto done;
  status = clconv_corr2d_output_dims(d->ctx, p, tx, tk, y_dims);
  if (status != CLCONV_STATUS_OK) {
    cli_report(d->ctx, status, "corr2d");
    goto done;
  }
  if (cli_tensor(d->ctx, 4, y_dims, NULL, &ty) != 0)
    goto done;

  /* Runs it, reads Y back, and checks it against the reference backend. */
  status = clconv_corr2d_forward(d->ctx, p, tx, tk, NULL, ty);
  y = matrix_new(y_dims[2], y_dims[3]);
  if (status == CLCONV_STATUS_OK && y.v != NULL)
    status = clconv_tensor_read(ty, y.v, (size_t)(y.rows * y.cols));
  if (status != CLCONV_STATUS_OK || y.v == NULL) {
    cli_report(d->ctx, status, "corr2d");
    free(y.v);
    y.v = NULL;
    check(d, 0, "device run");
    goto done;
  }
  if (name != NULL)
    print_named(name, y);
  status = clconv_corr2d_verify(d->ctx, p, tx, tk, NULL, ty, &report);
  if (status != CLCONV_STATUS_OK && status != CLCONV_STATUS_VERIFY_MISMATCH)
    cli_report(d->ctx, status, "verify");
  check(d, status == CLCONV_STATUS_OK,
        report.exact ? "device == reference (exact)"
                     : "device ~ reference (within tolerance)");
  if (status == CLCONV_STATUS_VERIFY_MISMATCH)
    printf("    %s\n", clconv_context_message(d->ctx));
done:
  clconv_tensor_release(ty);
  clconv_tensor_release(tk);
  clconv_tensor_release(tx);
  return y;
}

static int matrix_equals(matrix a, matrix b) {
  if (a.v == NULL || b.v == NULL || a.rows != b.rows || a.cols != b.cols)
    return 0;
  for (int64_t i = 0; i < a.rows * a.cols; i++)
    if (a.v[i] != b.v[i])
      return 0;
  return 1;
}

/* The notebooks' 6x8 image: ones with columns 2..5 set to 0. */
static matrix edge_image(void) {
  matrix x = matrix_new(6, 8);
  if (x.v != NULL)
    for (int64_t i = 0; i < 6 * 8; i++)
      x.v[i] = (i % 8 >= 2 && i % 8 <= 5) ? 0.0f : 1.0f;
  return x;
}

static void section_corr2d(demo *d, clconv_corr2d_params p) {
  float xv[9] = {0, 1, 2, 3, 4, 5, 6, 7, 8}, kv[4] = {0, 1, 2, 3};
  float expected_v[4] = {19, 25, 37, 43};
  matrix x = {3, 3, xv}, k = {2, 2, kv}, expected = {2, 2, expected_v};
  matrix y;
  printf("\n1. Cross-correlation: corr2d(X, K)\n");
  print_named("X", x);
  print_named("K", k);
  y = run_corr2d(d, "corr2d(X, K)", x, k, &p);
  check(d, matrix_equals(y, expected), "== notebook [[19, 25], [37, 43]]");
  free(y.v);
}

static void section_edges(demo *d, clconv_corr2d_params p) {
  float kv[2] = {1, -1}, ktv[2] = {1, -1};
  matrix x = edge_image(), k = {1, 2, kv}, kt = {2, 1, ktv};
  matrix xt = matrix_transpose(x), expected = matrix_new(6, 7);
  matrix zeros = matrix_new(8, 5), diag = matrix_new(6, 8),
         diag_expected = matrix_new(6, 7);
  matrix y = {0, 0, NULL}, yt = {0, 0, NULL}, y_xt = {0, 0, NULL},
         y_diag = {0, 0, NULL}, y_t = {0, 0, NULL};
  if (x.v == NULL || xt.v == NULL || expected.v == NULL || zeros.v == NULL ||
      diag.v == NULL || diag_expected.v == NULL) {
    check(d, 0, "memory for the edge examples");
    goto done;
  }

  /* The notebook's Y: 1 in column 1 (white to black), -1 in column 5. */
  for (int64_t i = 0; i < 6; i++) {
    expected.v[i * 7 + 1] = 1;
    expected.v[i * 7 + 5] = -1;
  }
  printf("\n2. Edge detection with K = [[1, -1]]\n");
  print_named("X", x);
  print_named("K", k);
  y = run_corr2d(d, "Y = corr2d(X, K)", x, k, &p);
  check(d, matrix_equals(y, expected), "== notebook (1 in column 1, -1 in 5)");

  printf("\n3. The transposed image: K sees only vertical edges\n");
  y_xt = run_corr2d(d, "corr2d(X.T, K)", xt, k, &p);
  check(d, matrix_equals(y_xt, zeros), "== notebook (8x5 zeros)");

  /* A diagonal edge: 1 on and above the diagonal. X[i][j] - X[i][j+1] is -1
   * just below it (j == i - 1) and 0 elsewhere. */
  for (int64_t i = 0; i < 6; i++)
    for (int64_t j = 0; j < 8; j++)
      diag.v[i * 8 + j] = j >= i ? 1.0f : 0.0f;
  for (int64_t i = 1; i < 6; i++)
    diag_expected.v[i * 7 + (i - 1)] = -1;
  printf("\n4. Exercise: an image with a diagonal edge\n");
  print_named("X", diag);
  y_diag = run_corr2d(d, "corr2d(X, K)", diag, k, &p);
  check(d, matrix_equals(y_diag, diag_expected),
        "== -1 just below the diagonal, else 0");

  /* corr2d(X.T, K.T) is corr2d(X, K) transposed. */
  printf("\n5. Exercise: the transposed kernel K.T on X.T\n");
  print_named("K.T", kt);
  y_t = run_corr2d(d, "corr2d(X.T, K.T)", xt, kt, &p);
  yt = matrix_transpose(y);
  check(d, y.v != NULL && matrix_equals(y_t, yt), "== corr2d(X, K).T");
done:
  free(y_t.v);
  free(yt.v);
  free(y_diag.v);
  free(y_xt.v);
  free(y.v);
  free(diag_expected.v);
  free(diag.v);
  free(zeros.v);
  free(expected.v);
  free(xt.v);
  free(x.v);
}

static void section_padding(demo *d, clconv_corr2d_params p) {
  uint64_t seed = 42;
  matrix x = matrix_new(8, 8), k = matrix_new(3, 3), y, y2;
  char shape[64];
  if (x.v == NULL || k.v == NULL) {
    check(d, 0, "memory for the padding example");
    free(k.v);
    free(x.v);
    return;
  }
  for (int64_t i = 0; i < 64; i++)
    x.v[i] = uniform01(&seed);
  for (int64_t i = 0; i < 9; i++)
    k.v[i] = uniform01(&seed);

  printf("\n6. Padding and stride: X = rand(8, 8) (seed 42), a 3x3 kernel\n");
  p.pad_h = p.pad_w = 1;
  y = run_corr2d(d, NULL, x, k, &p);
  snprintf(shape, sizeof shape, "[%lld, %lld]", (long long)y.rows,
           (long long)y.cols);
  printf("  padding 1:           output shape %s\n", shape);
  check(d, y.v != NULL && y.rows == 8 && y.cols == 8, "== [8, 8] (kept)");

  p.stride_h = p.stride_w = 2;
  y2 = run_corr2d(d, NULL, x, k, &p);
  snprintf(shape, sizeof shape, "[%lld, %lld]", (long long)y2.rows,
           (long long)y2.cols);
  printf("  padding 1, stride 2: output shape %s\n", shape);
  check(d, y2.v != NULL && y2.rows == 4 && y2.cols == 4, "== [4, 4] (halved)");
  free(y2.v);
  free(y.v);
  free(k.v);
  free(x.v);
}

/* Creates a layer on @p ctx; prints the error on failure. */
static clconv_conv2d *make_layer(clconv_context *ctx,
                                 const clconv_conv2d_params *p) {
  clconv_conv2d *layer = NULL;
  clconv_status status = clconv_conv2d_create(ctx, p, &layer);
  if (status != CLCONV_STATUS_OK)
    cli_report(ctx, status, "Conv2D");
  return layer;
}

/* Notebook: Conv2D(kernel_size=(2, 2)) with weight = rand(2, 2), bias = 0:
 * forward(X) = corr2d(X, weight) + bias, on the device and the reference. */
static void section_layer(demo *d) {
  const float xv[9] = {0, 1, 2, 3, 4, 5, 6, 7, 8};
  const int64_t x_dims[4] = {1, 1, 3, 3}, y_dims[4] = {1, 1, 2, 2};
  clconv_conv2d_params p = clconv_conv2d_params_default();
  clconv_conv2d *layer = NULL, *ref_layer = NULL;
  clconv_tensor *x = NULL, *y = NULL, *rx = NULL, *ry = NULL;
  float weight[4], y_dev[4], y_ref[4];
  clconv_status status;
  int ok = 0;
  p.kernel_h = p.kernel_w = 2;
  p.init = CLCONV_INIT_UNIFORM01;
  p.seed = d->seed;
  printf("\n7. A Conv2D layer: weight = rand(2, 2) (seed %llu), bias = 0\n",
         (unsigned long long)d->seed);
  if ((layer = make_layer(d->ctx, &p)) == NULL ||
      (ref_layer = make_layer(d->reference, &p)) == NULL ||
      cli_tensor(d->ctx, 4, x_dims, xv, &x) != 0 ||
      cli_tensor(d->ctx, 4, y_dims, NULL, &y) != 0 ||
      cli_tensor(d->reference, 4, x_dims, xv, &rx) != 0 ||
      cli_tensor(d->reference, 4, y_dims, NULL, &ry) != 0)
    goto done;
  if ((status = clconv_conv2d_forward(layer, x, y)) != 0 ||
      (status = clconv_conv2d_get(layer, CLCONV_CONV2D_WEIGHT, weight, 4)) !=
          0 ||
      (status = clconv_tensor_read(y, y_dev, 4)) != 0) {
    cli_report(d->ctx, status, "Conv2D");
    goto done;
  }
  if ((status = clconv_conv2d_forward(ref_layer, rx, ry)) != 0 ||
      (status = clconv_tensor_read(ry, y_ref, 4)) != 0) {
    cli_report(d->reference, status, "Conv2D on the reference");
    goto done;
  }
  print_named("weight", (matrix){2, 2, weight});
  print_named("model(X)", (matrix){2, 2, y_dev});
  ok = 1;
  for (int i = 0; i < 4; i++)
    ok &= fabsf(y_dev[i] - y_ref[i]) <= 1e-5f * (1.0f + fabsf(y_ref[i]));
done:
  check(d, ok, "device ~ reference layer");
  clconv_tensor_release(ry);
  clconv_tensor_release(rx);
  clconv_tensor_release(y);
  clconv_tensor_release(x);
  clconv_conv2d_release(ref_layer);
  clconv_conv2d_release(layer);
}

/* One layer learning the edge kernel on one context. */
typedef struct learner {
  clconv_context *ctx;
  clconv_conv2d *layer;
  clconv_tensor *x, *y, *y_hat, *dy;
} learner;

static int learner_open(learner *l, clconv_context *ctx, uint64_t seed,
                        const float *x, const float *y) {
  const int64_t x_dims[4] = {1, 1, 6, 8}, y_dims[4] = {1, 1, 6, 7};
  clconv_conv2d_params p = clconv_conv2d_params_default();
  memset(l, 0, sizeof *l);
  l->ctx = ctx;
  p.kernel_h = 1;
  p.kernel_w = 2;
  p.bias = 0;
  p.seed = seed;
  return (l->layer = make_layer(ctx, &p)) == NULL ||
         cli_tensor(ctx, 4, x_dims, x, &l->x) != 0 ||
         cli_tensor(ctx, 4, y_dims, y, &l->y) != 0 ||
         cli_tensor(ctx, 4, y_dims, NULL, &l->y_hat) != 0 ||
         cli_tensor(ctx, 4, y_dims, NULL, &l->dy) != 0;
}

/* The notebook's epoch: forward, loss, zero_grad, backward, w -= lr * grad. */
static clconv_status learner_epoch(learner *l, const clconv_sgd_params *sgd,
                                   double *loss) {
  clconv_status s;
  if ((s = clconv_conv2d_forward(l->layer, l->x, l->y_hat)) != 0 ||
      (s = clconv_squared_error(l->ctx, CLCONV_REDUCTION_SUM, l->y_hat, l->y,
                                loss, l->dy)) != 0 ||
      (s = clconv_conv2d_zero_grad(l->layer)) != 0 ||
      (s = clconv_conv2d_backward(l->layer, l->x, l->dy, NULL)) != 0 ||
      (s = clconv_conv2d_sgd_step(l->layer, sgd)) != 0)
    cli_report(l->ctx, s, "training");
  return s;
}

static void learner_close(learner *l) {
  clconv_tensor_release(l->dy);
  clconv_tensor_release(l->y_hat);
  clconv_tensor_release(l->y);
  clconv_tensor_release(l->x);
  clconv_conv2d_release(l->layer);
}

/* Notebook: learning the kernel. A 1x2 layer without bias learns to map the
 * edge image X (1, 1, 6, 8) to Y (1, 1, 6, 7) with the summed squared error
 * and plain gradient descent, lr 3e-2, 10 epochs; the same steps run on the
 * reference backend in lockstep and every loss is compared. */
static void section_learning(demo *d) {
  matrix x = edge_image();
  float y[42], kernel[2];
  learner dev = {0}, ref = {0}; /* closable whether or not opened */
  clconv_sgd_params sgd = clconv_sgd_params_default();
  double loss = 0, ref_loss = 0, previous = INFINITY;
  int agree = 1, falling = 1, ran = 0;
  sgd.lr = 0.03f;
  printf("\n8. Learning the kernel: conv2d = Conv2d(1, 1, (1, 2), bias=False),"
         " lr 3e-2\n");
  if (x.v == NULL) {
    check(d, 0, "memory for the training example");
    return;
  }
  for (int i = 0; i < 6; i++)
    for (int j = 0; j < 7; j++)
      y[i * 7 + j] = x.v[i * 8 + j] - x.v[i * 8 + j + 1];
  if (learner_open(&dev, d->ctx, d->seed, x.v, y) != 0 ||
      learner_open(&ref, d->reference, d->seed, x.v, y) != 0)
    goto done;
  for (int epoch = 1; epoch <= 10; epoch++, ran++) {
    if (learner_epoch(&dev, &sgd, &loss) != 0 ||
        learner_epoch(&ref, &sgd, &ref_loss) != 0)
      break;
    agree &= fabs(loss - ref_loss) <= 1e-5 * (1.0 + ref_loss);
    falling &= loss < previous;
    previous = loss;
    if (epoch % 2 == 0)
      printf("epoch %d, loss %.3f   (reference %.3f)\n", epoch, loss, ref_loss);
  }
  if (ran == 10) {
    clconv_status status =
        clconv_conv2d_get(dev.layer, CLCONV_CONV2D_WEIGHT, kernel, 2);
    if (status == CLCONV_STATUS_OK) {
      printf("conv2d.weight.data.reshape((1, 2)) =\n");
      cli_print_matrix(stdout, "  ", kernel, 1, 2);
    } else {
      cli_report(d->ctx, status, "reading the learned kernel");
      ran = 0;
    }
  }
done:
  check(d, ran == 10 && agree, "every loss == reference (1e-5)");
  check(d, ran == 10 && falling, "the loss falls every epoch");
  check(d,
        ran == 10 && fabsf(kernel[0] - 1) < 0.15f &&
            fabsf(kernel[1] + 1) < 0.15f,
        "kernel within 0.15 of [1, -1]");
  learner_close(&ref);
  learner_close(&dev);
  free(x.v);
}

/* Runs every section on @p device. @return failed checks, or -1 when the
 * device cannot be opened. Fills @p name with the device's name. */
static int run_on(const char *device, uint64_t seed, char *name,
                  size_t name_size, int *checks) {
  demo d = {NULL, NULL, seed, 0, 0};
  clconv_device_info info;
  clconv_corr2d_params p = clconv_corr2d_params_default();
  if (cli_open_context(device, &d.ctx) != 0)
    return -1;
  if (cli_open_context("reference", &d.reference) != 0) {
    cli_close_context(d.ctx);
    return -1;
  }
  clconv_context_device(d.ctx, &info);
  if (info.type == CLCONV_DEVICE_TYPE_REFERENCE)
    snprintf(name, name_size, "reference");
  else
    snprintf(name, name_size, "%d:%d %s", info.platform_index,
             info.device_index, info.device_name);
  printf("clconv demo on %s (%s, %s)\n", name, info.platform_name,
         clconv_device_type_name(info.type));
  section_corr2d(&d, p);
  section_edges(&d, p);
  section_padding(&d, p);
  section_layer(&d);
  section_learning(&d);
  printf("\n%d of %d checks ok on %s\n", d.checks - d.failures, d.checks, name);
  cli_close_context(d.reference);
  cli_close_context(d.ctx);
  *checks = d.checks;
  return d.failures;
}

/* Runs the demo on every OpenCL device and on the reference, then prints a
 * table of the results. */
static int run_on_all(uint64_t seed) {
  typedef struct row {
    char name[160];
    int failures, checks;
  } row;
  char specs[CLI_MAX_DEVICES + 1][32];
  row rows[CLI_MAX_DEVICES + 1];
  const int count = cli_device_specs(specs, CLI_MAX_DEVICES);
  int failed_devices = 0;
  snprintf(specs[count], sizeof specs[count], "reference");
  for (int i = 0; i <= count; i++) {
    memcpy(rows[i].name, specs[i], sizeof specs[i]);
    rows[i].checks = 0;
    if (i > 0)
      printf("\n");
    rows[i].failures = run_on(specs[i], seed, rows[i].name, sizeof rows[i].name,
                              &rows[i].checks);
    if (rows[i].failures != 0)
      failed_devices++;
  }
  printf("\n%-60s %s\n", "device", "result");
  for (int i = 0; i <= count; i++) {
    if (rows[i].failures < 0)
      printf("%-60s %s\n", rows[i].name, "cannot open");
    else if (rows[i].failures == 0)
      printf("%-60s ok (%d checks)\n", rows[i].name, rows[i].checks);
    else
      printf("%-60s FAILED (%d of %d checks)\n", rows[i].name, rows[i].failures,
             rows[i].checks);
  }
  return failed_devices == 0 ? CLI_EXIT_OK : CLI_EXIT_FAILURE;
}

/* The command line of `clconv demo`. */
typedef struct demo_options {
  const char *device;
  long seed;
} demo_options;

static const cli_option options_table[] = {
    CLI_OPT_TEXT("--device", demo_options, device, "a device or all"),
    CLI_OPT_LONG("--seed", demo_options, seed, 0, 2147483647),
};

int cmd_demo(int argc, char **argv) {
  demo_options o = {NULL, 0};
  const char *device;
  char name[160];
  int checks = 0;
  uint64_t seed;
  const int code = cli_parse_options(
      "demo", argc, argv, options_table,
      sizeof options_table / sizeof options_table[0], &o, usage);
  if (code >= 0)
    return code;
  device = o.device;
  seed = (uint64_t)o.seed;
  if (device != NULL && strcmp(device, "all") == 0)
    return run_on_all(seed);
  return run_on(device, seed, name, sizeof name, &checks) == 0
             ? CLI_EXIT_OK
             : CLI_EXIT_FAILURE;
}
