/* cmd_fit.c: `clconv fit`: learns a Conv2D layer that maps an input to a
 * target (.npy files) by gradient descent, as the notebooks learn the edge
 * kernel, and writes the learned weights. */
#include "cli.h"
#include "cli_mpi.h"
#include "cli_options.h"
#include "clock.h"
#include "commands.h"
#include "image.h"
#include "npy.h"
#include "outputs.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *usage =
    "usage: clconv fit --input X.npy --target Y.npy --kernel KHxKW\n"
    "                  [--padding PH,PW] [--stride SH,SW] [--dilation DH,DW]\n"
    "                  [--groups G] [--algo A] [--bias] [--lr LR] [--momentum "
    "M]\n"
    "                  [--weight-decay WD] [--epochs N] [--seed S]\n"
    "                  [--init pytorch|uniform01] [--loss sum|mean] [--gray]\n"
    "                  [--log FILE.csv] [--log-every N] [--devices LIST]\n"
    "                  [--split even|speed]\n"
    "                  --weights-out W.npy [--bias-out B.npy] [--device SPEC]\n"
    "\n"
    "Learns the weights (and bias) of a Conv2D layer so that corr2d(X, W) + B\n"
    "matches the target, by SGD on the squared error, printing the loss every\n"
    "epoch. The layer has as many input channels as X and output channels as\n"
    "the target. The notebook's example: X is the edge image, Y =\n"
    "corr2d(X, [[1, -1]]), --kernel 1x2 learns a kernel near [1, -1].\n"
    "\n"
    "  --input X.npy      (N, Cin, H, W), or (H, W) for one image; or a "
    "picture\n"
    "                     (PNG, JPEG, BMP, PGM, ...): (1, C, H, W) in [0, 1]\n"
    "  --target Y.npy     (N, Cout, Hout, Wout), or (Hout, Wout); or a "
    "picture\n"
    "  --gray             read pictures as one gray channel (luma)\n"
    "  --kernel KHxKW     kernel size, e.g. 1x2 or 3x3\n" CLI_CONV_OPTIONS_HELP
    "  --bias             learn a bias too (default: none)\n"
    "  --lr LR            learning rate (default 0.03)\n"
    "  --momentum M       SGD momentum (default 0)\n"
    "  --weight-decay WD  L2 penalty (default 0)\n"
    "  --epochs N         default 10\n"
    "  --seed S           seed of the initial weights (default 0)\n"
    "  --init I           pytorch: uniform in +-1/sqrt(fan_in) (default);\n"
    "                     uniform01: uniform in [0, 1), the notebooks' Conv2D\n"
    "  --loss L           sum of squared errors (default) or mean\n"
    "  --log FILE.csv     also write epoch,loss,seconds (seconds since the\n"
    "                     first epoch began, at the end of each) to a CSV "
    "file\n"
    "  --log-every N      print and log every Nth epoch (and the last);\n"
    "                     default 1\n"
    "  --weights-out W.npy  the learned weight: (KH, KW) when X, the target "
    "and\n"
    "                     the layer are all single-channel 2-D, else (Cout,\n"
    "                     Cin/groups, KH, KW)\n"
    "  --bias-out B.npy   the learned bias (Cout,), with --bias\n"
    "  --device SPEC      'reference', 'P:D', 'gpu', 'cpu' or part of a "
    "device\n"
    "                     name (default: CLCONV_DEVICE, else the first GPU,\n"
    "                     else the first OpenCL device)\n"
    "  --devices LIST     train on several devices at once, each on its share\n"
    "                     of the batch, the gradients summed (data-parallel):\n"
    "                     'all' (every usable device) or SPEC,SPEC,...; the\n"
    "                     result equals one device's (see docs/design.md)\n"
    "  --split S          how --devices splits the batch: even (default), or\n"
    "                     speed: in proportion to each device's measured\n"
    "                     arithmetic peak (about a second each to measure)\n";

typedef struct fit_options {
  const char *input, *target, *weights_out, *bias_out, *device, *log, *devices;
  clconv_conv2d_params layer;
  clconv_corr2d_params conv; /* the layer's padding, stride, ... as parsed */
  clconv_sgd_params sgd;
  clconv_reduction loss;
  long epochs, log_every;
  int gray, split_by_speed;
} fit_options;

static int bad_usage(const char *fmt, const char *arg) {
  return cli_usage_error("fit", fmt, arg);
}

/* --kernel KHxKW into the layer's kernel_h and kernel_w. */
static int parse_kernel(void *field, const char *value) {
  clconv_conv2d_params *layer = field;
  int64_t kh, kw;
  if (cli_parse_dims(value, 'x', &kh, &kw) != 0 || kh < 1 || kw < 1 ||
      kh > CLI_MAX_KERNEL || kw > CLI_MAX_KERNEL)
    return -1;
  layer->kernel_h = kh;
  layer->kernel_w = kw;
  return 0;
}

/* --seed N (non-negative) into a uint64_t. */
static int parse_seed(void *field, const char *value) {
  char *end;
  errno = 0;
  *(uint64_t *)field = strtoull(value, &end, 10);
  return *end != '\0' || end == value || errno != 0 || value[0] == '-' ? -1 : 0;
}

static const cli_option options_table[] = {
    CLI_OPT_TEXT("--input", fit_options, input, "a file"),
    CLI_OPT_TEXT("--target", fit_options, target, "a file"),
    CLI_OPT_TEXT("--weights-out", fit_options, weights_out, "a file"),
    CLI_OPT_TEXT("--bias-out", fit_options, bias_out, "a file"),
    CLI_OPT_TEXT("--device", fit_options, device, "a device"),
    CLI_OPT_TEXT("--devices", fit_options, devices, "a list of devices"),
    CLI_OPT_TEXT("--log", fit_options, log, "a file"),
    CLI_OPT_FLAG("--bias", fit_options, layer.bias),
    CLI_OPT_FLAG("--gray", fit_options, gray),
    CLI_OPT_CHOICE("--split", fit_options, split_by_speed, "even|speed",
                   "even or speed"),
    CLI_OPT_LONG("--log-every", fit_options, log_every, 1, 1000000),
    CLI_OPT_PARSE("--kernel", fit_options, layer,
                  "KHxKW, each 1 to 65536, e.g. 1x2", parse_kernel),
    CLI_OPT_FLOAT("--lr", fit_options, sgd.lr),
    CLI_OPT_FLOAT("--momentum", fit_options, sgd.momentum),
    CLI_OPT_FLOAT("--weight-decay", fit_options, sgd.weight_decay),
    CLI_OPT_LONG("--epochs", fit_options, epochs, 1, 1000000),
    CLI_OPT_PARSE("--seed", fit_options, layer.seed, "a non-negative number",
                  parse_seed),
    /* in the order of clconv_init and clconv_reduction */
    CLI_OPT_CHOICE("--init", fit_options, layer.init, "pytorch|uniform01",
                   "pytorch or uniform01"),
    CLI_OPT_CHOICE("--loss", fit_options, loss, "sum|mean", "sum or mean"),
    CLI_OPT_CORR2D(fit_options, conv),
};

/* Parses the command line into @p o. @return -1 to go on, else an exit. */
static int parse_options(int argc, char **argv, fit_options *o) {
  int code;
  memset(o, 0, sizeof *o);
  o->layer = clconv_conv2d_params_default();
  o->layer.bias = 0;
  o->layer.kernel_h = o->layer.kernel_w = 0;
  o->conv = clconv_corr2d_params_default();
  o->sgd = clconv_sgd_params_default();
  o->sgd.lr = 0.03f;
  o->loss = CLCONV_REDUCTION_SUM;
  o->epochs = 10;
  o->log_every = 1;
  code = cli_parse_options("fit", argc, argv, options_table,
                           sizeof options_table / sizeof options_table[0], o,
                           usage);
  if (code >= 0)
    return code;
  if (cli_check_output_name("fit", "--weights-out", o->weights_out) != 0 ||
      cli_check_output_name("fit", "--bias-out", o->bias_out) != 0)
    return CLI_EXIT_USAGE;
  clconv_conv2d_params_set_corr2d(&o->layer, &o->conv);
  if (o->input == NULL || o->target == NULL || o->weights_out == NULL ||
      o->layer.kernel_h == 0)
    return bad_usage("%s", "--input, --target, --kernel and --weights-out are "
                           "required");
  if (o->bias_out != NULL && !o->layer.bias)
    return bad_usage("%s", "--bias-out needs --bias");
  if (o->devices != NULL && o->device != NULL)
    return bad_usage("%s", "give --device or --devices, not both");
  return -1;
}

/* The tensors of one training run: one layer on one context, or (with
 * --devices) replicas on several, fed from the arrays in host memory. */
typedef struct fit_state {
  clconv_context *ctx;
  clconv_conv2d *layer;
  clconv_tensor *x, *y, *y_hat, *dy;
  cli_devices devices;
  double shares[CLI_MAX_DEVICES]; /* --split speed: GFLOP/s per device */
  clconv_replicas *replicas;
  const npy_array *xa, *ya;
  int64_t x_dims[4], y_dims[4];
} fit_state;

/* One epoch's step: the five ops on the layer, or the replicas' step. */
static clconv_status one_step(fit_state *s, const fit_options *o,
                              double *loss) {
  clconv_status status;
  if (s->replicas != NULL)
    return clconv_replicas_train_step(s->replicas, s->xa->data, s->x_dims,
                                      s->ya->data, s->y_dims, o->loss, &o->sgd,
                                      loss);
  if ((status = clconv_conv2d_forward(s->layer, s->x, s->y_hat)) != 0 ||
      (status = clconv_squared_error(s->ctx, o->loss, s->y_hat, s->y, loss,
                                     s->dy)) != 0 ||
      (status = clconv_conv2d_zero_grad(s->layer)) != 0 ||
      (status = clconv_conv2d_backward(s->layer, s->x, s->dy, NULL)) != 0)
    return status;
  return clconv_conv2d_sgd_step(s->layer, &o->sgd);
}

/* Trains for the epochs asked, printing each loss (every log_every-th),
 * and logging it to @p log when not NULL. @return 0 on success. */
static int train(fit_state *s, const fit_options *o, FILE *log) {
  clconv_status status = CLCONV_STATUS_OK;
  const double start = clock_seconds();
  if (log != NULL && fprintf(log, "epoch,loss,seconds\n") < 0)
    return -1;
  for (long epoch = 1; epoch <= o->epochs; epoch++) {
    double loss;
    if ((status = one_step(s, o, &loss)) != 0) {
      if (s->replicas != NULL)
        fprintf(stderr, "clconv fit: %s%s\n",
                cli_mpi_size() > 1 ? "a process: " : "",
                clconv_replicas_message(s->replicas));
      else
        cli_report(s->ctx, status, "fit");
      return -1;
    }
    if (cli_mpi_rank() == 0 &&
        (epoch % o->log_every == 0 || epoch == o->epochs)) {
      printf("epoch %ld, loss %.6g\n", epoch, loss);
      if (log != NULL && fprintf(log, "%ld,%.9g,%.6f\n", epoch, loss,
                                 clock_seconds() - start) < 0) {
        fprintf(stderr, "clconv fit: %s: cannot write\n", o->log);
        return -1;
      }
    }
    if (!isfinite(loss)) {
      fprintf(stderr, "clconv fit: the loss diverged; try a smaller --lr\n");
      return -1;
    }
  }
  return 0;
}

/* Reads the learned parameters back and writes them. */
static int write_parameters(fit_state *s, const fit_options *o, outputs *out,
                            int two_d) {
  clconv_tensor *w = clconv_conv2d_tensor(s->layer, CLCONV_CONV2D_WEIGHT);
  clconv_tensor *b = clconv_conv2d_tensor(s->layer, CLCONV_CONV2D_BIAS);
  int64_t w_dims[4], b_dims[1];
  size_t nw = clconv_tensor_count(w), nb = clconv_tensor_count(b);
  float *wv = malloc(nw * sizeof *wv + 1), *bv = malloc(nb * sizeof *bv + 1);
  FILE *file;
  int result = -1;
  for (int i = 0; i < 4; i++)
    w_dims[i] = clconv_tensor_dim(w, i);
  b_dims[0] = w_dims[0];
  if (wv == NULL || bv == NULL ||
      clconv_conv2d_get(s->layer, CLCONV_CONV2D_WEIGHT, wv, nw) != 0 ||
      (b != NULL && clconv_conv2d_get(s->layer, CLCONV_CONV2D_BIAS, bv, nb))) {
    fprintf(stderr, "clconv fit: cannot read the weights: %s\n",
            clconv_context_message(s->ctx));
    goto done;
  }
  /* Each (KH, KW) slice under its indices, with the shape said. */
  if (w_dims[0] * w_dims[1] == 1) {
    printf("learned weight, (KH, KW) = (%lld, %lld):\n", (long long)w_dims[2],
           (long long)w_dims[3]);
    cli_print_matrix(stdout, "  ", wv, w_dims[2], w_dims[3]);
  } else {
    printf("learned weight, (Cout, Cin/groups, KH, KW) = (%lld, %lld, %lld, "
           "%lld):\n",
           (long long)w_dims[0], (long long)w_dims[1], (long long)w_dims[2],
           (long long)w_dims[3]);
    for (int64_t co = 0; co < w_dims[0]; co++)
      for (int64_t ci = 0; ci < w_dims[1]; ci++) {
        printf("  [%lld, %lld] =\n", (long long)co, (long long)ci);
        cli_print_matrix(
            stdout, "    ",
            wv + (size_t)((co * w_dims[1] + ci) * w_dims[2] * w_dims[3]),
            w_dims[2], w_dims[3]);
      }
  }
  if (b != NULL) {
    printf("learned bias, (Cout,) = (%lld,):\n", (long long)nb);
    cli_print_matrix(stdout, "  ", bv, 1, (int64_t)nb);
  }
  /* Both files or neither. */
  if ((file = outputs_open(out, o->weights_out)) == NULL ||
      npy_write_stream(file, two_d ? 2 : 4, two_d ? w_dims + 2 : w_dims, wv) !=
          0)
    goto done;
  if (o->bias_out != NULL && ((file = outputs_open(out, o->bias_out)) == NULL ||
                              npy_write_stream(file, 1, b_dims, bv) != 0))
    goto done;
  result = outputs_commit(out);
done:
  free(bv);
  free(wv);
  return result;
}

/* The output dims of the layer of @p o for an input of @p x_dims (the
 * formula of docs/design.md). */
static void fit_output_dims(const fit_options *o, const int64_t x_dims[4],
                            int64_t out[4]) {
  const clconv_corr2d_params *p = &o->conv;
  out[0] = x_dims[0];
  out[1] = o->layer.out_channels;
  out[2] =
      (x_dims[2] + 2 * p->pad_h - p->dilation_h * (o->layer.kernel_h - 1) - 1) /
          p->stride_h +
      1;
  out[3] =
      (x_dims[3] + 2 * p->pad_w - p->dilation_w * (o->layer.kernel_w - 1) - 1) /
          p->stride_w +
      1;
}

/* Opens the devices of --devices and makes a replica of the layer on each.
 * @return 0 on success. */
static int fit_replicas(fit_state *s, fit_options *o, const npy_array *x,
                        const npy_array *y, const int64_t x_dims[4],
                        const int64_t y_dims[4]) {
  char message[1024];
  clconv_status status;
  clconv_replicas_params rp = clconv_replicas_params_default();
  if (o->devices != NULL ? cli_open_devices(o->devices, CLCONV_FROM_ENVIRONMENT,
                                            &s->devices) != 0
                         : cli_open_context(o->device, &s->devices.ctx[0]) != 0)
    return -1;
  if (o->devices == NULL)
    s->devices.count = 1;
  o->layer.in_channels = x_dims[1];
  rp.allreduce = cli_mpi_allreduce(); /* other processes, under mpirun */
  /* --split speed: rows in proportion to each device's measured
   * arithmetic peak (the reference backend, which has none, counts 1). */
  if (o->split_by_speed) {
    for (int i = 0; i < s->devices.count; i++) {
      clconv_peak peak;
      s->shares[i] =
          clconv_context_measure_peak(s->devices.ctx[i], &peak) == 0 &&
                  peak.gflops > 0
              ? peak.gflops
              : 1.0;
    }
    rp.shares = s->shares;
  }
  status = clconv_replicas_create(s->devices.ctx, s->devices.count, &o->layer,
                                  &rp, &s->replicas, message, sizeof message);
  if (status != CLCONV_STATUS_OK) {
    fprintf(stderr, "clconv fit: %s: %s\n", clconv_status_name(status),
            message);
    return -1;
  }
  s->ctx = s->devices.ctx[0];
  s->layer = clconv_replicas_layer(s->replicas, 0);
  s->xa = x;
  s->ya = y;
  memcpy(s->x_dims, x_dims, sizeof s->x_dims);
  memcpy(s->y_dims, y_dims, sizeof s->y_dims);
  return 0;
}

/* Says (rank 0) which devices train, and how many rows each takes. */
static void print_devices(fit_state *s, const int64_t x_dims[4]) {
  if (cli_mpi_rank() > 0 || s->replicas == NULL)
    return;
  if (cli_mpi_size() > 1)
    printf("training on %d processes; rank 0 on %d device%s:", cli_mpi_size(),
           s->devices.count, s->devices.count > 1 ? "s" : "");
  else
    printf("training on %d devices:", s->devices.count);
  for (int i = 0; i < s->devices.count; i++) {
    clconv_device_info info;
    int64_t first = 0, rows = 0;
    (void)clconv_context_device(s->devices.ctx[i], &info);
    (void)clconv_replicas_rows(s->replicas, x_dims[0], i, &first, &rows);
    printf("%s %s (%lld of %lld)", i > 0 ? "," : "",
           info.type == CLCONV_DEVICE_TYPE_REFERENCE ? "reference"
                                                     : info.device_name,
           (long long)rows, (long long)x_dims[0]);
  }
  printf("\n");
}

/* Reads this process's part of --input or --target (@p path, option
 * @p what): all of it with one process; else its rows of the batch, read
 * by offset, a 2-D array or a picture (one image) going to rank 0 alone.
 * @return 0 on success. */
static int load_part(const fit_options *o, const char *path, const char *what,
                     int rank, int ranks, npy_array *a, int64_t *total_rows) {
  npy_array probe;
  int64_t total = 0, first, rows;
  int probed = 0, ndim = 0;
  char err[512];
  if (ranks > 1 && !image_is_path(path) && strcmp(path, "-") != 0 &&
      npy_read_rows(path, 0, 0, &probe, &total, err, sizeof err) == 0) {
    probed = 1;
    ndim = probe.ndim;
    npy_free(&probe);
  }
  if (!probed || ndim != 4) {
    /* Whole: one image (or an error to report) for rank 0, none for the
     * others. */
    if (cli_load_array("fit", path, what, 4, 2, o->gray, a) != 0)
      return -1;
    *total_rows = ndim == 4 ? a->shape[0] : 1;
    if (rank > 0) {
      int64_t dims[4];
      cli_dims_4d(a, dims);
      memcpy(a->shape, dims, sizeof dims);
      a->ndim = 4;
      a->shape[0] = 0;
      a->count = 0;
    }
    return 0;
  }
  cli_mpi_part_rows(total, &first, &rows);
  *total_rows = total;
  if (npy_read_rows(path, first, rows, a, &total, err, sizeof err) != 0) {
    fprintf(stderr, "clconv fit: %s: %s\n", what, cli_printable(err));
    return -1;
  }
  return 0;
}

/* Under mpirun, every process must train the same model on the same data:
 * the options that shape the training and the shapes of the whole input
 * and target, as texts compared across the processes (cli_mpi_agree). The
 * devices and the output files may differ (rank 0 alone writes). @return 1
 * when every process agrees. */
static int processes_agree(const fit_options *o, const npy_array *x,
                           const npy_array *y, int64_t x_rows, int64_t y_rows) {
  static const char *inits[] = {"pytorch", "uniform01"};
  char text[20][96];
  const char *items[20];
  int n = 0;
  const clconv_corr2d_params *p = &o->conv;
  int64_t xd[4], yd[4];
#define ITEM(...) snprintf(text[n++], sizeof text[0], __VA_ARGS__)
  ITEM("clconv version=%s", clconv_version_string());
  ITEM("--epochs=%ld", o->epochs);
  ITEM("--lr=%.9g", (double)o->sgd.lr);
  ITEM("--momentum=%.9g", (double)o->sgd.momentum);
  ITEM("--weight-decay=%.9g", (double)o->sgd.weight_decay);
  ITEM("--loss=%s", o->loss == CLCONV_REDUCTION_MEAN ? "mean" : "sum");
  ITEM("--kernel=%lldx%lld", (long long)o->layer.kernel_h,
       (long long)o->layer.kernel_w);
  ITEM("--padding=%lld,%lld", (long long)p->pad_h, (long long)p->pad_w);
  ITEM("--stride=%lld,%lld", (long long)p->stride_h, (long long)p->stride_w);
  ITEM("--dilation=%lld,%lld", (long long)p->dilation_h,
       (long long)p->dilation_w);
  ITEM("--groups=%lld", (long long)p->groups);
  ITEM("--algo=%s", clconv_algo_name(p->algo));
  ITEM("--bias=%s", o->layer.bias ? "on" : "off");
  ITEM("--init=%s", inits[o->layer.init == CLCONV_INIT_UNIFORM01]);
  ITEM("--seed=%llu", (unsigned long long)o->layer.seed);
  ITEM("--gray=%s", o->gray ? "on" : "off");
  cli_dims_4d(x, xd);
  cli_dims_4d(y, yd);
  ITEM("--input shape=%lld rows of %lld x %lld x %lld", (long long)x_rows,
       (long long)xd[1], (long long)xd[2], (long long)xd[3]);
  ITEM("--target shape=%lld rows of %lld x %lld x %lld", (long long)y_rows,
       (long long)yd[1], (long long)yd[2], (long long)yd[3]);
#undef ITEM
  for (int i = 0; i < n; i++)
    items[i] = text[i];
  return cli_mpi_agree(items, n);
}

/* @return 1 when every process is @p ok (each must call it); else 0, and a
 * process that was ready says that another one failed. */
static int all_ready(int ok, int rank, int ranks) {
  if (cli_mpi_all_ok(ok))
    return 1;
  if (ok)
    fprintf(stderr,
            "clconv fit: rank %d of %d: another process failed; stopping\n",
            rank, ranks);
  return 0;
}

int cmd_fit(int argc, char **argv) {
  fit_options o;
  npy_array x = {0}, y = {0};
  fit_state s;
  outputs out;
  int64_t x_dims[4], y_dims[4], out_dims[4], x_rows = 0, y_rows = 0;
  int code = parse_options(argc, argv, &o), two_d = 0, ok = 1;
  const int rank = cli_mpi_rank(), ranks = cli_mpi_size();
  FILE *log = NULL;
  clconv_status status;
  if (code >= 0) {
    /* Under mpirun the others wait in the agreement below: this process
     * takes part, failing, so that they stop too. */
    if (ranks > 1)
      (void)cli_mpi_all_ok(0);
    return code;
  }
  code = CLI_EXIT_FAILURE;
  memset(&s, 0, sizeof s);

  /* Checks the outputs before any work: none may be an input. Under mpirun
   * rank 0 writes them. */
  outputs_init(&out, "fit");
  if (rank == 0) {
    const char *input_options[] = {"--input", "--target"};
    const char *inputs[] = {o.input, o.target};
    outputs_add(&out, "--weights-out", o.weights_out);
    outputs_add(&out, "--bias-out", o.bias_out);
    outputs_add(&out, "--log", o.log);
    ok = outputs_check(&out, input_options, inputs, 2) == 0;
  }

  /* Reads this process's data; the layer's output channels come from the
   * target. */
  ok = ok && load_part(&o, o.input, "--input", rank, ranks, &x, &x_rows) == 0 &&
       load_part(&o, o.target, "--target", rank, ranks, &y, &y_rows) == 0 &&
       cli_check_finite("fit", "--input", &x) == 0 &&
       cli_check_finite("fit", "--target", &y) == 0;
  if (ok) {
    cli_dims_4d(&x, x_dims);
    cli_dims_4d(&y, y_dims);
    two_d = x.ndim == 2 && y.ndim == 2 && o.layer.groups == 1;
    o.layer.out_channels = y_dims[1];
  }

  /* Under mpirun: every process read its data, and all train the same
   * model on the same data; else all stop now, together. */
  if (ranks > 1) {
    if (!all_ready(ok, rank, ranks))
      goto done;
    if (!processes_agree(&o, &x, &y, x_rows, y_rows))
      goto done;
  }

  /* On several devices or processes: replicas fed from the arrays in host
   * memory; else one layer. */
  if (ok && (o.devices != NULL || ranks > 1))
    ok = fit_replicas(&s, &o, &x, &y, x_dims, y_dims) == 0;
  else if (ok)
    ok = cli_open_context(o.device, &s.ctx) == 0 &&
         cli_tensor(s.ctx, 4, x_dims, x.data, &s.x) == 0 &&
         cli_tensor(s.ctx, 4, y_dims, y.data, &s.y) == 0 &&
         cli_tensor(s.ctx, 4, y_dims, NULL, &s.y_hat) == 0 &&
         cli_tensor(s.ctx, 4, y_dims, NULL, &s.dy) == 0;
  if (ok && s.replicas == NULL &&
      ((status = clconv_conv2d_create(s.ctx, &o.layer, &s.layer)) != 0 ||
       (status = clconv_conv2d_output_dims(s.layer, s.x, out_dims)) != 0)) {
    cli_report(s.ctx, status, "fit");
    ok = 0;
  }
  if (ok && s.replicas != NULL)
    fit_output_dims(&o, x_dims, out_dims);
  if (ok && memcmp(out_dims, y_dims, sizeof y_dims) != 0) {
    fprintf(stderr,
            "clconv fit: --target has shape (%lld, %lld, %lld, %lld) but the "
            "layer gives (%lld, %lld, %lld, %lld) for this input\n",
            (long long)y_dims[0], (long long)y_dims[1], (long long)y_dims[2],
            (long long)y_dims[3], (long long)out_dims[0],
            (long long)out_dims[1], (long long)out_dims[2],
            (long long)out_dims[3]);
    ok = 0;
  }
  if (ok && rank == 0 && o.log != NULL &&
      (log = outputs_open(&out, o.log)) == NULL)
    ok = 0;

  /* Every process ready, or all stop (none left waiting for another). */
  if (!all_ready(ok, rank, ranks))
    goto done;
  print_devices(&s, x_dims);
  if (train(&s, &o, log) == 0 &&
      (rank > 0 || write_parameters(&s, &o, &out, two_d) == 0))
    code = CLI_EXIT_OK;
done:
  outputs_discard(&out);
  if (s.replicas != NULL)
    clconv_replicas_release(s.replicas); /* its layers too */
  else
    clconv_conv2d_release(s.layer);
  cli_close_devices(&s.devices); /* s.ctx among them */
  if (s.replicas != NULL)
    s.ctx = NULL;
  clconv_tensor_release(s.dy);
  clconv_tensor_release(s.y_hat);
  clconv_tensor_release(s.y);
  clconv_tensor_release(s.x);
  cli_close_context(s.ctx);
  npy_free(&y);
  npy_free(&x);
  return code;
}
