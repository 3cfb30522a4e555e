/* cmd_tune.c: `clconv tune`: finds the fastest forward tiles for the
 * benchmark shapes, or for one problem given on the command line, on the
 * present device, and stores them in the disk cache for later runs. */
#include "cli.h"
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

/* Parses a numeric option of the range [lo, hi]. @return 0 on success. */
static int parse_count(const char *option, const char *value, long lo, long hi,
                       long *out) {
  if (cli_parse_long(value, lo, hi, out) != 0) {
    fprintf(stderr, "clconv tune: %s takes %ld to %ld\n", option, lo, hi);
    return -1;
  }
  return 0;
}

int cmd_tune(int argc, char **argv) {
  const char *device = NULL;
  int selected[BENCH_SHAPE_COUNT], has_bias = 0, own = 0, have_w = 0;
  int failures = 0;
  long repeat = 5, candidates = 24;
  int64_t x_dims[4], w_dims[4];
  clconv_corr2d_params p = clconv_corr2d_params_default();
  clconv_context_options options = clconv_context_options_default();
  clconv_context *ctx = NULL;
  clconv_device_info info;
  char message[2048];
  for (int i = 0; i < BENCH_SHAPE_COUNT; i++)
    selected[i] = 1;

  for (int i = 1; i < argc; i++) {
    const char *value = i + 1 < argc ? argv[i + 1] : NULL;
    int conv;
    if (cli_is_help(argv[i])) {
      fputs(usage, stdout);
      return CLI_EXIT_OK;
    }
    if (strcmp(argv[i], "--bias") == 0) {
      has_bias = 1;
      continue;
    }
    if (value == NULL) {
      fprintf(stderr, "clconv tune: '%s' needs a value or is unknown\n%s",
              argv[i], usage);
      return CLI_EXIT_USAGE;
    }
    conv = cli_conv_option("tune", argv[i], value, &p);
    if (conv < 0)
      return CLI_EXIT_USAGE;
    if (conv > 0) {
      /* handled */
    } else if (strcmp(argv[i], "--device") == 0) {
      device = value;
    } else if (strcmp(argv[i], "--shapes") == 0) {
      if (parse_shape_list("clconv tune", value, selected) != 0)
        return CLI_EXIT_USAGE;
    } else if (strcmp(argv[i], "--input") == 0 ||
               strcmp(argv[i], "--weight") == 0) {
      const int is_input = strcmp(argv[i], "--input") == 0;
      if (parse_dims(value, is_input ? x_dims : w_dims) != 0) {
        fprintf(stderr,
                "clconv tune: %s takes four positive integers A,B,C,D, got "
                "'%s'\n",
                argv[i], value);
        return CLI_EXIT_USAGE;
      }
      own |= is_input;
      have_w |= !is_input;
    } else if (strcmp(argv[i], "--repeat") == 0) {
      if (parse_count("--repeat", value, 1, 100000, &repeat) != 0)
        return CLI_EXIT_USAGE;
    } else if (strcmp(argv[i], "--candidates") == 0) {
      if (parse_count("--candidates", value, 0, 1000, &candidates) != 0)
        return CLI_EXIT_USAGE;
    } else {
      fprintf(stderr, "clconv tune: unknown option '%s'\n%s", argv[i], usage);
      return CLI_EXIT_USAGE;
    }
    i++;
  }
  if (own != have_w) {
    fprintf(stderr, "clconv tune: --input and --weight go together\n");
    return CLI_EXIT_USAGE;
  }

  /* Checks sample 2000 elements, as in clconv bench. */
  options.device = device;
  options.verify_sample = 2000;
  if (clconv_context_create(&options, &ctx, message, sizeof message) !=
      CLCONV_STATUS_OK) {
    fprintf(stderr, "clconv tune: cannot open a device: %s\n", message);
    return CLI_EXIT_FAILURE;
  }
  clconv_context_device(ctx, &info);
  printf("clconv tune on %s (%s); %ld timed runs per candidate, at most %ld "
         "candidates\n",
         info.device_name, clconv_device_type_name(info.type), repeat,
         candidates);
  if (own) {
    failures += tune_one(ctx, "yours", &p, x_dims, w_dims, has_bias,
                         (int)repeat, (int)candidates) != 0;
  } else {
    for (int s = 0; s < BENCH_SHAPE_COUNT; s++) {
      const bench_shape *b = &bench_shapes[s];
      const int64_t xd[4] = {b->n, b->cin, b->h, b->w};
      const int64_t wd[4] = {b->cout, b->cin, b->kh, b->kw};
      clconv_corr2d_params sp = clconv_corr2d_params_default();
      if (!selected[s])
        continue;
      sp.pad_h = sp.pad_w = b->pad;
      sp.stride_h = sp.stride_w = b->stride;
      failures += tune_one(ctx, b->name, &sp, xd, wd, 1, (int)repeat,
                           (int)candidates) != 0;
    }
  }
  clconv_context_release(ctx);
  return failures == 0 ? CLI_EXIT_OK : CLI_EXIT_FAILURE;
}
