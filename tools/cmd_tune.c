/* cmd_tune.c: `clconv tune`: finds the fastest forward tiles for the
 * benchmark shapes, or for one problem given on the command line, on the
 * present device, and stores them in the disk cache for later runs. */
#include "cli.h"
#include "cli_options.h"
#include "commands.h"
#include "shapes.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

static const char *usage =
    "usage: clconv tune [--device SPEC] [--shapes S1,S3,...] [--repeat N]\n"
    "                   [--candidates N]\n"
    "       clconv tune [--device SPEC] --input N,C,H,W --weight CO,CI,KH,KW\n"
    "                   [--bias] [--padding PH,PW] [--stride SH,SW]\n"
    "                   [--dilation DH,DW] [--groups G] [--repeat N]\n"
    "                   [--candidates N]\n"
    "\n"
    "Searches how the forward kernel splits a problem into work-items (its\n"
    "tiles: rows, vectors of columns and output channels per work-item, and\n"
    "whether it reads a padded copy of the input) on the present device.\n"
    "Each candidate is built, run once and compared with the reference\n"
    "backend (2000 elements sampled); one that disagrees is rejected. The\n"
    "rest are timed N times; the fastest, by median, is stored in the disk\n"
    "cache folder (CLCONV_CACHE_DIR, else ~/.cache/clconv) for this device,\n"
    "driver and library version, where every later forward of the same\n"
    "problem finds it. Each candidate is a kernel build: expect about a\n"
    "second each on a CPU.\n"
    "\n" BENCH_SHAPES_HELP "\n"
    "  --device SPEC     as for the other commands\n"
    "  --shapes LIST     benchmark shapes to tune (default: all)\n"
    "  --input DIMS      tune this problem instead: input (N, C, H, W) ...\n"
    "  --weight DIMS     ... and weight (Cout, Cin/groups, KH, KW)\n"
    "  --bias            ... with a bias\n" CLI_CONV_OPTIONS_HELP
    "  --repeat N        timed runs per candidate (default 5)\n"
    "  --candidates N    most candidates to try, the default tiles included\n"
    "                    (default 24; 0: all)\n";

/* Parses "A,B,C,D" of positive integers. @return 0 on success. */
static int parse_dims(const char *text, int64_t dims[4]) {
  if (cli_parse_list(text, 4, LONG_MAX, dims) != 0)
    return -1;
  for (int i = 0; i < 4; i++)
    if (dims[i] < 1)
      return -1;
  return 0;
}

/* Prints one candidate as the search finishes it. */
static void show_candidate(void *user, int index, int count, const char *tiles,
                           double median_ms, int rejected) {
  const char *label = user;
  if (rejected)
    printf("  %s %2d/%d %-24s rejected\n", label, index + 1, count, tiles);
  else
    printf("  %s %2d/%d %-24s %9.3f ms\n", label, index + 1, count, tiles,
           median_ms);
  fflush(stdout);
}

/* Tunes one problem, showing each candidate, and prints a line about it.
 * @return 0 when it ran. */
static int tune_one(clconv_context *ctx, const char *label,
                    const clconv_corr2d_params *p, const int64_t x_dims[4],
                    const int64_t w_dims[4], int has_bias, int repeat,
                    int candidates) {
  clconv_tune_report r;
  const clconv_status status = clconv_tune_forward_progress(
      ctx, p, x_dims, w_dims, has_bias, repeat, candidates, &r, show_candidate,
      (void *)label);
  if (status != CLCONV_STATUS_OK) {
    cli_report(ctx, status, label);
    return -1;
  }
  printf("%-4s default %-24s %9.3f ms   best %-24s %9.3f ms  %5.2fx  "
         "(%d tried, %d rejected%s)\n",
         label, r.default_tiles, r.default_ms, r.best_tiles, r.best_ms,
         r.best_ms > 0 ? r.default_ms / r.best_ms : 0.0, r.candidates,
         r.rejected, r.stored ? ", stored" : ", NOT stored: cache off");
  fflush(stdout);
  return r.rejected == 0 ? 0 : -1;
}

/* Dims given on the command line, or not. */
typedef struct given_dims {
  int64_t dims[4];
  int given;
} given_dims;

/* The command line of `clconv tune`. */
typedef struct tune_options {
  const char *device;
  int shapes[BENCH_SHAPE_COUNT], has_bias;
  given_dims x, w;
  long repeat, candidates;
  clconv_corr2d_params p;
} tune_options;

/* --input or --weight A,B,C,D into its dims, marking it given. */
static int parse_given_dims(void *field, const char *value) {
  given_dims *d = field;
  if (parse_dims(value, d->dims) != 0)
    return -1;
  d->given = 1;
  return 0;
}

/* --shapes S1,S3,... into the selection (parse_shape_list reports). */
static int parse_shapes(void *field, const char *value) {
  return parse_shape_list("clconv tune", value, field) == 0 ? 0 : -2;
}

static const cli_option options_table[] = {
    CLI_OPT_TEXT("--device", tune_options, device, "a device"),
    CLI_OPT_FLAG("--bias", tune_options, has_bias),
    CLI_OPT_PARSE("--shapes", tune_options, shapes, "shape names",
                  parse_shapes),
    CLI_OPT_PARSE("--input", tune_options, x, "four positive integers N,C,H,W",
                  parse_given_dims),
    CLI_OPT_PARSE("--weight", tune_options, w,
                  "four positive integers COUT,CIN/G,KH,KW", parse_given_dims),
    CLI_OPT_LONG("--repeat", tune_options, repeat, 1, 100000),
    CLI_OPT_LONG("--candidates", tune_options, candidates, 0, 1000),
    CLI_OPT_CORR2D(tune_options, p),
};

int cmd_tune(int argc, char **argv) {
  tune_options o;
  int failures = 0, code;
  clconv_context_options options = cli_context_options(NULL);
  clconv_context *ctx = NULL;
  clconv_device_info info;
  char message[2048];
  memset(&o, 0, sizeof o);
  o.repeat = 5;
  o.candidates = 24;
  o.p = clconv_corr2d_params_default();
  for (int i = 0; i < BENCH_SHAPE_COUNT; i++)
    o.shapes[i] = 1;
  code = cli_parse_options("tune", argc, argv, options_table,
                           sizeof options_table / sizeof options_table[0], &o,
                           usage);
  if (code >= 0)
    return code;
  if (o.x.given != o.w.given) {
    fprintf(stderr, "clconv tune: --input and --weight go together\n");
    return CLI_EXIT_USAGE;
  }

  /* Checks sample 2000 elements, as in clconv bench. */
  options.device = o.device;
  options.build = CLCONV_BUILD_SYNC; /* every candidate is a build */
  options.verify_sample = 2000;
  if (clconv_context_create(&options, &ctx, message, sizeof message) !=
      CLCONV_STATUS_OK) {
    fprintf(stderr, "clconv tune: cannot open a device: %s\n", message);
    return CLI_EXIT_FAILURE;
  }
  clconv_context_device(ctx, &info);
  printf("clconv tune on %s (%s); %ld timed runs per candidate, at most %ld "
         "candidates\n",
         info.device_name, clconv_device_type_name(info.type), o.repeat,
         o.candidates);
  if (o.x.given) {
    failures += tune_one(ctx, "yours", &o.p, o.x.dims, o.w.dims, o.has_bias,
                         (int)o.repeat, (int)o.candidates) != 0;
  } else {
    for (int s = 0; s < BENCH_SHAPE_COUNT; s++) {
      const bench_shape *b = &bench_shapes[s];
      const int64_t xd[4] = {b->n, b->cin, b->h, b->w};
      const int64_t wd[4] = {b->cout, b->cin, b->kh, b->kw};
      clconv_corr2d_params sp = clconv_corr2d_params_default();
      if (!o.shapes[s])
        continue;
      sp.pad_h = sp.pad_w = b->pad;
      sp.stride_h = sp.stride_w = b->stride;
      failures += tune_one(ctx, b->name, &sp, xd, wd, 1, (int)o.repeat,
                           (int)o.candidates) != 0;
    }
  }
  cli_close_context(ctx);
  return failures == 0 ? CLI_EXIT_OK : CLI_EXIT_FAILURE;
}
