/* cmd_run.c: `clconv run`: forward cross-correlation of NumPy .npy files. */
#include "cli.h"
#include "commands.h"
#include "npy.h"

#include <stdlib.h>
#include <string.h>

static const char *usage =
    "usage: clconv run --input X.npy --weight W.npy [--bias B.npy]\n"
    "                  [--padding PH,PW] [--stride SH,SW] [--dilation DH,DW]\n"
    "                  [--groups G] --output Y.npy [--device SPEC]\n"
    "\n"
    "Computes Y = corr2d(X, W) + B on a device, like PyTorch's\n"
    "torch.nn.functional.conv2d, and writes Y as float32.\n"
    "\n"
    "  --input X.npy     (N, Cin, H, W), or (H, W) for one image, one channel\n"
    "  --weight W.npy    (Cout, Cin/groups, KH, KW), or (KH, KW) for one "
    "kernel\n"
    "  --bias B.npy      (Cout,); default: no bias\n"
    "  --padding PH,PW   zero padding per side (one number sets both); default "
    "0\n"
    "  --stride SH,SW    default 1\n"
    "  --dilation DH,DW  default 1\n"
    "  --groups G        default 1\n"
    "  --output Y.npy    (N, Cout, Hout, Wout); (Hout, Wout) when X and W are\n"
    "                    both 2-D\n"
    "  --device SPEC     'reference', 'P:D', 'gpu', 'cpu' or part of a device\n"
    "                    name (default: CLCONV_DEVICE, else the first GPU, "
    "else\n"
    "                    the first OpenCL device)\n"
    "\n"
    "Input files must be little-endian float32 or float64 in C order. On any\n"
    "error nothing is written.\n";

typedef struct run_options {
  const char *input, *weight, *bias, *output, *device;
  clconv_corr2d_params p;
} run_options;

static int bad_usage(const char *fmt, const char *arg) {
  fprintf(stderr, "clconv run: ");
  fprintf(stderr, fmt, arg);
  fprintf(stderr, "\n(see 'clconv run --help')\n");
  return CLI_EXIT_USAGE;
}

/* Parses the command line into @p o. @return -1 to go on, else an exit. */
static int parse_options(int argc, char **argv, run_options *o) {
  memset(o, 0, sizeof *o);
  o->p = clconv_corr2d_params_default();
  for (int i = 1; i < argc; i++) {
    const char *arg = argv[i];
    const char *value = i + 1 < argc ? argv[i + 1] : NULL;
    if (cli_is_help(arg)) {
      fputs(usage, stdout);
      return CLI_EXIT_OK;
    }
    if (value == NULL)
      return bad_usage("'%s' needs a value or is unknown", arg);
    i++;
    if (strcmp(arg, "--input") == 0) {
      o->input = value;
    } else if (strcmp(arg, "--weight") == 0) {
      o->weight = value;
    } else if (strcmp(arg, "--bias") == 0) {
      o->bias = value;
    } else if (strcmp(arg, "--output") == 0) {
      o->output = value;
    } else if (strcmp(arg, "--device") == 0) {
      o->device = value;
    } else if (strcmp(arg, "--padding") == 0) {
      if (cli_parse_pair(value, &o->p.pad_h, &o->p.pad_w) != 0)
        return bad_usage("--padding takes PH,PW or P, got '%s'", value);
    } else if (strcmp(arg, "--stride") == 0) {
      if (cli_parse_pair(value, &o->p.stride_h, &o->p.stride_w) != 0)
        return bad_usage("--stride takes SH,SW or S, got '%s'", value);
    } else if (strcmp(arg, "--dilation") == 0) {
      if (cli_parse_pair(value, &o->p.dilation_h, &o->p.dilation_w) != 0)
        return bad_usage("--dilation takes DH,DW or D, got '%s'", value);
    } else if (strcmp(arg, "--groups") == 0) {
      int64_t g2;
      if (cli_parse_pair(value, &o->p.groups, &g2) != 0 || g2 != o->p.groups)
        return bad_usage("--groups takes one number, got '%s'", value);
    } else {
      return bad_usage("unknown option '%s'", arg);
    }
  }
  if (o->input == NULL)
    return bad_usage("%s", "--input is required");
  if (o->weight == NULL)
    return bad_usage("%s", "--weight is required");
  if (o->output == NULL)
    return bad_usage("%s", "--output is required");
  return -1;
}

/* Reads @p path and checks that it has one of the ranks allowed. */
static int load(const char *path, const char *what, int rank_a, int rank_b,
                npy_array *a) {
  char err[512];
  if (npy_read(path, a, err, sizeof err) != 0) {
    fprintf(stderr, "clconv run: %s: %s\n", what, err);
    return -1;
  }
  if (a->ndim != rank_a && a->ndim != rank_b) {
    fprintf(stderr, "clconv run: %s: %s has %d dimensions; expected %d%s%.0d\n",
            what, path, a->ndim, rank_a, rank_b != rank_a ? " or " : "",
            rank_b != rank_a ? rank_b : 0);
    npy_free(a);
    return -1;
  }
  return 0;
}

/* Shapes a 2-D (H, W) array as (1, 1, H, W); copies a 4-D one. */
static void as_4d(const npy_array *a, int64_t dims[4]) {
  if (a->ndim == 2) {
    dims[0] = dims[1] = 1;
    dims[2] = a->shape[0];
    dims[3] = a->shape[1];
  } else {
    memcpy(dims, a->shape, 4 * sizeof *dims);
  }
}

int cmd_run(int argc, char **argv) {
  run_options o;
  npy_array x = {0}, w = {0}, b = {0};
  clconv_context *ctx = NULL;
  clconv_tensor *tx = NULL, *tw = NULL, *tb = NULL, *ty = NULL;
  int64_t x_dims[4], w_dims[4], y_dims[4];
  float *y = NULL;
  clconv_status status;
  char err[512];
  int code = parse_options(argc, argv, &o);
  if (code >= 0)
    return code;
  code = CLI_EXIT_FAILURE;

  /* Reads the inputs before touching a device. */
  if (load(o.input, "--input", 4, 2, &x) != 0 ||
      load(o.weight, "--weight", 4, 2, &w) != 0 ||
      (o.bias != NULL && load(o.bias, "--bias", 1, 1, &b) != 0))
    goto done;
  as_4d(&x, x_dims);
  as_4d(&w, w_dims);

  /* Uploads the tensors and runs the forward pass. */
  if (cli_open_context(o.device, &ctx) != 0 ||
      cli_tensor(ctx, 4, x_dims, x.data, &tx) != 0 ||
      cli_tensor(ctx, 4, w_dims, w.data, &tw) != 0 ||
      (o.bias != NULL && cli_tensor(ctx, 1, b.shape, b.data, &tb) != 0))
    goto done;
  status = clconv_corr2d_output_dims(ctx, &o.p, tx, tw, y_dims);
  if (status != CLCONV_STATUS_OK) {
    cli_report(ctx, status, "run");
    goto done;
  }
  if (cli_tensor(ctx, 4, y_dims, NULL, &ty) != 0)
    goto done;
  status = clconv_corr2d_forward(ctx, &o.p, tx, tw, tb, ty);
  y = malloc(clconv_tensor_count(ty) * sizeof *y + 1);
  if (status == CLCONV_STATUS_OK && y == NULL) {
    fprintf(stderr, "clconv run: out of memory for the output\n");
    goto done;
  }
  if (status == CLCONV_STATUS_OK)
    status = clconv_tensor_read(ty, y, clconv_tensor_count(ty));
  if (status != CLCONV_STATUS_OK) {
    cli_report(ctx, status, "run");
    goto done;
  }

  /* Writes Y, 2-D when both inputs were. */
  if (x.ndim == 2 && w.ndim == 2) {
    if (npy_write(o.output, 2, y_dims + 2, y, err, sizeof err) != 0)
      goto write_failed;
  } else if (npy_write(o.output, 4, y_dims, y, err, sizeof err) != 0) {
    goto write_failed;
  }
  code = CLI_EXIT_OK;
  goto done;
write_failed:
  fprintf(stderr, "clconv run: --output: %s\n", err);
done:
  free(y);
  clconv_tensor_release(ty);
  clconv_tensor_release(tb);
  clconv_tensor_release(tw);
  clconv_tensor_release(tx);
  clconv_context_release(ctx);
  npy_free(&b);
  npy_free(&w);
  npy_free(&x);
  return code;
}
