/* cmd_run.c: `clconv run`: forward cross-correlation of NumPy .npy files, and
 * optionally its backward pass. */
#include "cli.h"
#include "cli_options.h"
#include "clock.h"
#include "commands.h"
#include "image.h"
#include "npy.h"
#include "outputs.h"

#include <stdlib.h>
#include <string.h>

static const char *usage =
    "usage: clconv run --input X.npy --weight W.npy [--bias B.npy]\n"
    "                  [--padding PH,PW] [--stride SH,SW] [--dilation DH,DW]\n"
    "                  [--groups G] [--algo A] [--gray] [--scale S]\n"
    "                  [--output Y.npy] [--dtype float32|float16] [--json]\n"
    "                  [--device SPEC]\n"
    "                  [--grad-output DY.npy [--grad-input DX.npy]\n"
    "                   [--grad-weight DW.npy] [--grad-bias DB.npy]]\n"
    "\n"
    "Computes Y = corr2d(X, W) + B on a device, like PyTorch's\n"
    "torch.nn.functional.conv2d, and writes Y as float32. Given dL/dY, it "
    "also\n"
    "computes any of the gradients dL/dX, dL/dW and dL/dB.\n"
    "\n"
    "  --input X.npy       (N, Cin, H, W), or (H, W) for one image, one "
    "channel;\n"
    "                      or a picture (PNG, JPEG, BMP, PGM, ...): (1, C, H, "
    "W)\n"
    "                      in [0, 1]\n"
    "  --weight W.npy      (Cout, Cin/groups, KH, KW), or (KH, KW) for one\n"
    "                      kernel\n"
    "  --bias B.npy        (Cout,); default: no bias\n" CLI_CONV_OPTIONS_HELP
        CLI_IMAGE_OPTIONS_HELP
    "  --output Y.npy      (N, Cout, Hout, Wout); (Hout, Wout) when X and W\n"
    "                      are both 2-D. Required unless --grad-output is "
    "given.\n"
    "                      A name ending in .png, .jpg, .bmp or .pgm writes a\n"
    "                      picture (N = 1; 1, 3 or 4 channels; --scale)\n"
    "  --grad-output DY.npy  dL/dY, shaped as Y\n"
    "  --grad-input DX.npy   writes dL/dX, shaped as X\n"
    "  --grad-weight DW.npy  writes dL/dW, shaped as W\n"
    "  --grad-bias DB.npy    writes dL/dB, (Cout,)\n"
    "  --dtype D           the .npy outputs' type: float32 (default) or "
    "float16\n"
    "                      (rounded to nearest; beyond 65504 an infinity)\n"
    "  --json              print what ran as JSON: shapes, device, the\n"
    "                      algorithm of each pass, seconds (not with --output "
    "-)\n"
    "  --device SPEC       'reference', 'P:D', 'gpu', 'cpu' or part of a "
    "device\n"
    "                      name (default: CLCONV_DEVICE, else the first GPU,\n"
    "                      else the first OpenCL device)\n"
    "\n"
    "Input .npy files must be little-endian float16, float32 or float64 in C\n"
    "order. '-' as a file name reads standard input (one input) or writes\n"
    "standard output (one output, .npy). When anything fails, no output is\n"
    "written.\n";

typedef struct run_options {
  const char *input, *weight, *bias, *output, *device;
  const char *grad_output, *grad_input, *grad_weight, *grad_bias;
  clconv_corr2d_params p;
  int gray, scale, half, json;
} run_options;

static const cli_option options_table[] = {
    CLI_OPT_TEXT("--input", run_options, input, "a file"),
    CLI_OPT_TEXT("--weight", run_options, weight, "a file"),
    CLI_OPT_TEXT("--bias", run_options, bias, "a file"),
    CLI_OPT_TEXT("--output", run_options, output, "a file"),
    CLI_OPT_TEXT("--device", run_options, device, "a device"),
    CLI_OPT_TEXT("--grad-output", run_options, grad_output, "a file"),
    CLI_OPT_TEXT("--grad-input", run_options, grad_input, "a file"),
    CLI_OPT_TEXT("--grad-weight", run_options, grad_weight, "a file"),
    CLI_OPT_TEXT("--grad-bias", run_options, grad_bias, "a file"),
    CLI_OPT_FLAG("--gray", run_options, gray),
    CLI_OPT_FLAG("--json", run_options, json),
    /* half: 1 for float16; scale: an image_scale, in its order */
    CLI_OPT_CHOICE("--dtype", run_options, half, "float32|float16",
                   "float32 or float16"),
    CLI_OPT_CHOICE("--scale", run_options, scale, "auto|abs|clip",
                   "auto, abs or clip"),
    CLI_OPT_CORR2D(run_options, p),
};

static int bad_usage(const char *fmt, const char *arg) {
  return cli_usage_error("run", fmt, arg);
}

/* Parses the command line into @p o. @return -1 to go on, else an exit. */
static int parse_options(int argc, char **argv, run_options *o) {
  int code;
  memset(o, 0, sizeof *o);
  o->p = clconv_corr2d_params_default();
  o->scale = -1; /* not given */
  code = cli_parse_options("run", argc, argv, options_table,
                           sizeof options_table / sizeof options_table[0], o,
                           usage);
  if (code >= 0)
    return code;
  {
    const char *names[] = {"--output", "--grad-input", "--grad-weight",
                           "--grad-bias"};
    const char *paths[] = {o->output, o->grad_input, o->grad_weight,
                           o->grad_bias};
    int pictures = 0;
    for (int k = 0; k < 4; k++) {
      if (cli_check_output_name("run", names[k], paths[k]) != 0)
        return CLI_EXIT_USAGE;
      pictures += cli_is_picture_output(paths[k]);
    }
    if (o->scale >= 0 && pictures == 0)
      return bad_usage("%s", "--scale applies to picture outputs (.png, .jpg, "
                             ".bmp, .pgm), and none is named");
    if (o->scale < 0)
      o->scale = IMAGE_SCALE_AUTO;
  }
  if (o->input == NULL)
    return bad_usage("%s", "--input is required");
  if (o->weight == NULL)
    return bad_usage("%s", "--weight is required");
  if (o->output == NULL && o->grad_output == NULL)
    return bad_usage("%s", "--output (or --grad-output) is required");
  if (o->grad_output != NULL && o->grad_input == NULL &&
      o->grad_weight == NULL && o->grad_bias == NULL)
    return bad_usage("%s", "--grad-output needs --grad-input, --grad-weight "
                           "or --grad-bias");
  if (o->grad_output == NULL &&
      (o->grad_input != NULL || o->grad_weight != NULL || o->grad_bias != NULL))
    return bad_usage("%s", "the gradients need --grad-output");
  {
    const char *ins[] = {o->input, o->weight, o->bias, o->grad_output};
    const char *outs[] = {o->output, o->grad_input, o->grad_weight,
                          o->grad_bias};
    int stdin_uses = 0, stdout_uses = 0;
    for (int k = 0; k < 4; k++) {
      stdin_uses += ins[k] != NULL && strcmp(ins[k], "-") == 0;
      stdout_uses += outs[k] != NULL && strcmp(outs[k], "-") == 0;
    }
    if (stdin_uses > 1)
      return bad_usage("%s", "only one input can be '-' (standard input)");
    if (stdout_uses > 0 && o->json)
      return bad_usage("%s", "--json and an output '-' would both write to "
                             "standard output");
  }
  return -1;
}

/* A tensor to compute and the file and shape it is written with. */
typedef struct result {
  const char *path;
  clconv_tensor *t;
  int ndim;
  int64_t shape[4];
  float *data;
} result;

/* Reads every result back, then writes them all, all or nothing.
 * @return 0 on success. */
static int write_results(clconv_context *ctx, outputs *out, result *r,
                         int count, const run_options *o) {
  for (int i = 0; i < count; i++) {
    size_t n;
    clconv_status status;
    FILE *file;
    if (r[i].path == NULL)
      continue;
    n = clconv_tensor_count(r[i].t);
    r[i].data = malloc(n * sizeof(float) + 1);
    if (r[i].data == NULL) {
      fprintf(stderr, "clconv run: out of memory\n");
      return -1;
    }
    status = clconv_tensor_read(r[i].t, r[i].data, n);
    if (status != CLCONV_STATUS_OK) {
      cli_report(ctx, status, "run");
      return -1;
    }
    if ((file = outputs_open(out, r[i].path)) == NULL)
      return -1;
    if (o->half && !image_is_path(r[i].path)) {
      if (npy_write_stream_as(file, r[i].ndim, r[i].shape, r[i].data, 1) != 0) {
        fprintf(stderr, "clconv run: %s: cannot write\n", r[i].path);
        return -1;
      }
    } else if (cli_write_array("run", file, r[i].path, r[i].ndim, r[i].shape,
                               r[i].data, o->scale) != 0) {
      return -1;
    }
  }
  return outputs_commit(out);
}

static void print_dims(const char *name, const int64_t *d) {
  printf("\"%s\": [%lld, %lld, %lld, %lld], ", name, (long long)d[0],
         (long long)d[1], (long long)d[2], (long long)d[3]);
}

/* Prints what ran as one JSON object: the device, the shapes, the
 * algorithm of each pass run, the seconds from the first op to the last
 * result. */
static void print_json(clconv_context *ctx, const run_options *o,
                       const clconv_tensor *x, const clconv_tensor *w,
                       const int64_t *x_dims, const int64_t *w_dims,
                       const int64_t *y_dims, double seconds) {
  static const char *const pass_names[3] = {"forward", "backward_data",
                                            "backward_weight"};
  const int ran[3] = {1, o->grad_input != NULL, o->grad_weight != NULL};
  clconv_device_info info;
  int first = 1;
  memset(&info, 0, sizeof info);
  (void)clconv_context_device(ctx, &info);
  printf("{\"device\": ");
  cli_json_string(stdout, info.device_name);
  printf(", \"device_type\": \"%s\", \"version\": \"%s\", ",
         clconv_device_type_name(info.type), clconv_version_string());
  print_dims("input", x_dims);
  print_dims("weight", w_dims);
  print_dims("output", y_dims);
  printf("\"algo\": {");
  for (int pass = 0; pass < 3; pass++) {
    int algo = -1;
    if (!ran[pass])
      continue;
    (void)clconv_corr2d_algo_chosen(ctx, &o->p, x, w, (clconv_corr2d_pass)pass,
                                    &algo);
    printf("%s\"%s\": \"%s\"", first ? "" : ", ", pass_names[pass],
           clconv_algo_name(algo));
    first = 0;
  }
  printf("}, \"algo_requested\": \"%s\", \"seconds\": %.6f}\n",
         clconv_algo_name(o->p.algo), seconds);
}

int cmd_run(int argc, char **argv) {
  run_options o;
  npy_array x = {0}, w = {0}, b = {0}, dy = {0};
  clconv_context *ctx = NULL;
  clconv_tensor *tx = NULL, *tw = NULL, *tb = NULL, *ty = NULL, *tdy = NULL;
  clconv_tensor *tdx = NULL, *tdw = NULL, *tdb = NULL;
  int64_t x_dims[4], w_dims[4], y_dims[4], dy_dims[4], b_dims[1];
  result results[4];
  outputs out;
  int two_d, code = parse_options(argc, argv, &o);
  double start = 0.0, seconds;
  clconv_status status = CLCONV_STATUS_OK;
  if (code >= 0)
    return code;
  code = CLI_EXIT_FAILURE;
  memset(results, 0, sizeof results);

  /* Checks the outputs before any work: none may be an input. */
  {
    const char *input_options[] = {"--input", "--weight", "--bias",
                                   "--grad-output"};
    const char *inputs[] = {o.input, o.weight, o.bias, o.grad_output};
    outputs_init(&out, "run");
    outputs_add(&out, "--output", o.output);
    outputs_add(&out, "--grad-input", o.grad_input);
    outputs_add(&out, "--grad-weight", o.grad_weight);
    outputs_add(&out, "--grad-bias", o.grad_bias);
    if (outputs_check(&out, input_options, inputs, 4) != 0)
      goto done;
  }

  /* Reads the inputs before touching a device. */
  if (cli_load_array("run", o.input, "--input", 4, 2, o.gray, &x) != 0 ||
      cli_load_array("run", o.weight, "--weight", 4, 2, o.gray, &w) != 0 ||
      (o.bias != NULL &&
       cli_load_array("run", o.bias, "--bias", 1, 1, o.gray, &b)) ||
      (o.grad_output != NULL &&
       cli_load_array("run", o.grad_output, "--grad-output", 4, 2, o.gray,
                      &dy) != 0))
    goto done;
  two_d = x.ndim == 2 && w.ndim == 2;
  cli_dims_4d(&x, x_dims);
  cli_dims_4d(&w, w_dims);
  /* A colour picture against a one-channel kernel: say what to add. */
  if (image_is_path(o.input) && !o.gray && x_dims[1] > 1 &&
      w_dims[1] * o.p.groups == 1) {
    fprintf(stderr,
            "clconv run: --input %s is a colour picture (%lld channels) but "
            "the weight takes one channel: add --gray to read it as one "
            "luma channel\n",
            o.input, (long long)x_dims[1]);
    goto done;
  }

  /* Uploads the tensors and runs the forward pass. */
  if (cli_open_context(o.device, &ctx) != 0 ||
      cli_tensor(ctx, 4, x_dims, x.data, &tx) != 0 ||
      cli_tensor(ctx, 4, w_dims, w.data, &tw) != 0 ||
      (o.bias != NULL && cli_tensor(ctx, 1, b.shape, b.data, &tb) != 0))
    goto done;
  start = clock_seconds();
  status = clconv_corr2d_output_dims(ctx, &o.p, tx, tw, y_dims);
  if (status == CLCONV_STATUS_OK && cli_tensor(ctx, 4, y_dims, NULL, &ty) != 0)
    goto done;
  if (status == CLCONV_STATUS_OK)
    status = clconv_corr2d_forward(ctx, &o.p, tx, tw, tb, ty);
  results[0] = (result){o.output, ty, two_d ? 2 : 4, {0}, NULL};
  memcpy(results[0].shape, two_d ? y_dims + 2 : y_dims,
         (size_t)results[0].ndim * sizeof(int64_t));

  /* Runs the backward pass for the gradients asked for. */
  if (status == CLCONV_STATUS_OK && o.grad_output != NULL) {
    b_dims[0] = w_dims[0];
    cli_dims_4d(&dy, dy_dims);
    if (cli_tensor(ctx, 4, dy_dims, dy.data, &tdy) != 0 ||
        (o.grad_input != NULL && cli_tensor(ctx, 4, x_dims, NULL, &tdx)) ||
        (o.grad_weight != NULL && cli_tensor(ctx, 4, w_dims, NULL, &tdw)) ||
        (o.grad_bias != NULL && cli_tensor(ctx, 1, b_dims, NULL, &tdb)))
      goto done;
    if (tdx != NULL)
      status = clconv_corr2d_backward_data(ctx, &o.p, tdy, tw, tdx);
    if (status == CLCONV_STATUS_OK && tdw != NULL)
      status = clconv_corr2d_backward_weight(ctx, &o.p, tx, tdy, tdw, 0);
    if (status == CLCONV_STATUS_OK && tdb != NULL)
      status = clconv_corr2d_backward_bias(ctx, tdy, tdb, 0);
    results[1] = (result){o.grad_input, tdx, x.ndim, {0}, NULL};
    memcpy(results[1].shape, x.shape, (size_t)x.ndim * sizeof(int64_t));
    results[2] = (result){o.grad_weight, tdw, w.ndim, {0}, NULL};
    memcpy(results[2].shape, w.shape, (size_t)w.ndim * sizeof(int64_t));
    results[3] = (result){o.grad_bias, tdb, 1, {w_dims[0]}, NULL};
  }
  if (status != CLCONV_STATUS_OK) {
    cli_report(ctx, status, "run");
    goto done;
  }
  if ((status = clconv_context_finish(ctx)) != CLCONV_STATUS_OK) {
    cli_report(ctx, status, "run");
    goto done;
  }
  seconds = clock_seconds() - start;
  if (write_results(ctx, &out, results, 4, &o) == 0) {
    code = CLI_EXIT_OK;
    if (o.json)
      print_json(ctx, &o, tx, tw, x_dims, w_dims, y_dims, seconds);
  }
done:
  outputs_discard(&out);
  for (int i = 0; i < 4; i++)
    free(results[i].data);
  clconv_tensor_release(tdb);
  clconv_tensor_release(tdw);
  clconv_tensor_release(tdx);
  clconv_tensor_release(tdy);
  clconv_tensor_release(ty);
  clconv_tensor_release(tb);
  clconv_tensor_release(tw);
  clconv_tensor_release(tx);
  cli_close_context(ctx);
  npy_free(&dy);
  npy_free(&b);
  npy_free(&w);
  npy_free(&x);
  return code;
}
