/* cmd_selftest.c: `clconv selftest`: every algorithm and kernel path of
 * every pass on a set of probe problems (padding, stride, dilation, groups,
 * 1x1, 7x7, uneven edges, non-finite weights), each result compared with
 * the reference backend; a table of what ran and how close it came. What a
 * user runs on a new device and attaches to a bug report. */
#include "cli.h"
#include "cli_options.h"
#include "clock.h"
#include "commands.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *usage =
    "usage: clconv selftest [--device SPEC|all] [--quick] [--json FILE]\n"
    "\n"
    "Checks the device's kernels: every algorithm (direct, gemm, winograd,\n"
    "winograd4x4) and the generic kernels that serve a new shape first, on\n"
    "the forward, the input gradient, the weight gradient and the bias\n"
    "gradient of probe problems (padding, stride, dilation, groups, 1x1, 7x7,\n"
    "uneven edges, infinite and NaN weights). Each result is compared with\n"
    "the plain-C reference backend, element by element, within the tolerance\n"
    "of docs/design.md. Prints one line per check: the path, the result, the\n"
    "worst error as a fraction of the tolerance, the time.\n"
    "\n"
    "options:\n"
    "  --device SPEC  'P:D', 'gpu', 'cpu', part of a device name, or 'all'\n"
    "                 (every OpenCL device); default: CLCONV_DEVICE, else the\n"
    "                 first GPU, else the first OpenCL device\n"
    "  --quick        three probe problems instead of nine\n"
    "  --json FILE    also write every check as a JSON array to FILE\n"
    "  --quiet        no build announcements on standard error\n"
    "\n"
    "Exits 0 when every check agrees with the reference, 1 when one does not\n"
    "(a wrong answer or a failure to run), 2 on a bad command line. Building\n"
    "the kernels of every path takes a while the first time on a device; the\n"
    "disk cache keeps them.\n";

/* A probe problem: input (N, Cin, H, W), Cout filters of KH x KW, padding,
 * stride, dilation, groups; @p nonfinite puts an infinity and a NaN in the
 * weights. */
typedef struct probe {
  const char *name;
  int64_t n, cin, h, w, cout, kh, kw, pad, stride, dilation, groups;
  int nonfinite;
} probe;

/* The first three are the --quick set. */
static const probe probes[] = {
    {"3x3, padding 1", 2, 3, 9, 11, 8, 3, 3, 1, 1, 1, 1, 0},
    {"1x1", 2, 6, 7, 5, 4, 1, 1, 0, 1, 1, 1, 0},
    {"notebook 6x8, 1x2", 1, 1, 6, 8, 1, 1, 2, 0, 1, 1, 1, 0},
    {"stride 2", 1, 4, 13, 10, 6, 3, 3, 1, 2, 1, 1, 0},
    {"dilation 2", 1, 3, 12, 12, 4, 3, 3, 2, 1, 2, 1, 0},
    {"groups 2", 2, 4, 8, 9, 6, 3, 3, 1, 1, 1, 2, 0},
    {"7x7, stride 2, padding 3", 1, 3, 20, 20, 8, 7, 7, 3, 2, 1, 1, 0},
    {"uneven edges, 2x3", 1, 2, 5, 17, 3, 2, 3, 0, 1, 1, 1, 0},
    {"infinite and NaN weights", 1, 3, 7, 8, 4, 3, 3, 1, 1, 1, 1, 1},
};
#define QUICK_PROBES 3

/* The paths: each algorithm on specialized kernels, then the generic
 * kernels (the first tier), which choose their own. */
#define PATH_GENERIC 5
static const int paths[] = {CLCONV_ALGO_DIRECT, CLCONV_ALGO_GEMM,
                            CLCONV_ALGO_WINOGRAD, CLCONV_ALGO_WINOGRAD_4X4,
                            PATH_GENERIC};

static const char *pass_names[] = {"forward", "input gradient",
                                   "weight gradient", "bias gradient"};

/* What the checks of one device came to. */
typedef struct tally {
  int checks, wrong, failed;
  FILE *json;
  int json_records;
  const char *device;
} tally;

/* 1 when @p algo serves @p pr (docs/design.md, "Algorithms"). */
static int path_serves(int path, const probe *pr) {
  if (path == CLCONV_ALGO_GEMM)
    return pr->kh == 1 && pr->kw == 1 && pr->stride == 1 && pr->pad == 0;
  if (path == CLCONV_ALGO_WINOGRAD || path == CLCONV_ALGO_WINOGRAD_4X4)
    return pr->kh == 3 && pr->kw == 3 && pr->stride == 1 && pr->dilation == 1;
  return 1;
}

static const char *path_name(int path) {
  return path == PATH_GENERIC ? "generic" : clconv_algo_name(path);
}

/* Values in [-1, 1) from a fixed sequence; with @p nonfinite, an infinity
 * and a NaN at elements 4 and 5. */
static float *probe_values(size_t count, uint32_t seed, int nonfinite) {
  float *v = malloc((count + 1) * sizeof *v);
  uint32_t state = seed * 2654435761u + 1u;
  if (v == NULL)
    return NULL;
  for (size_t i = 0; i < count; i++) {
    state = state * 1664525u + 1013904223u;
    v[i] = (float)(state >> 8) / 8388608.0f - 1.0f;
  }
  if (nonfinite && count > 5) {
    v[4] = INFINITY;
    v[5] = NAN;
  }
  return v;
}

/* The tensors of one probe on one context. */
typedef struct operands {
  clconv_tensor *x, *w, *b, *y, *dy, *dx, *dw, *db;
} operands;

static void operands_close(operands *o) {
  clconv_tensor *all[] = {o->x, o->w, o->b, o->y, o->dy, o->dx, o->dw, o->db};
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
    clconv_tensor_release(all[i]);
  memset(o, 0, sizeof *o);
}

static int operands_open(clconv_context *ctx, const probe *pr,
                         const clconv_corr2d_params *p, operands *o) {
  const int64_t xd[4] = {pr->n, pr->cin, pr->h, pr->w};
  const int64_t wd[4] = {pr->cout, pr->cin / pr->groups, pr->kh, pr->kw};
  const int64_t bd[1] = {pr->cout};
  int64_t yd[4];
  const size_t xn = (size_t)(xd[0] * xd[1] * xd[2] * xd[3]),
               wn = (size_t)(wd[0] * wd[1] * wd[2] * wd[3]);
  float *xv = probe_values(xn, 1, 0), *wv = probe_values(wn, 2, pr->nonfinite),
        *bv = probe_values((size_t)pr->cout, 3, 0), *dyv = NULL;
  int failed = xv == NULL || wv == NULL || bv == NULL;
  memset(o, 0, sizeof *o);
  failed = failed || cli_tensor(ctx, 4, xd, xv, &o->x) != 0 ||
           cli_tensor(ctx, 4, wd, wv, &o->w) != 0 ||
           cli_tensor(ctx, 1, bd, bv, &o->b) != 0 ||
           clconv_corr2d_output_dims(ctx, p, o->x, o->w, yd) != 0;
  if (!failed)
    dyv = probe_values((size_t)(yd[0] * yd[1] * yd[2] * yd[3]), 4, 0);
  failed = failed || dyv == NULL || cli_tensor(ctx, 4, yd, NULL, &o->y) != 0 ||
           cli_tensor(ctx, 4, yd, dyv, &o->dy) != 0 ||
           cli_tensor(ctx, 4, xd, NULL, &o->dx) != 0 ||
           cli_tensor(ctx, 4, wd, NULL, &o->dw) != 0 ||
           cli_tensor(ctx, 1, bd, NULL, &o->db) != 0;
  free(dyv);
  free(bv);
  free(wv);
  free(xv);
  if (failed)
    operands_close(o);
  return failed ? -1 : 0;
}

/* Runs pass @p pass of @p o on @p ctx (in verify mode). */
static clconv_status run_pass(clconv_context *ctx,
                              const clconv_corr2d_params *p, operands *o,
                              int pass) {
  clconv_status s;
  if (pass == 0)
    s = clconv_corr2d_forward(ctx, p, o->x, o->w, o->b, o->y);
  else if (pass == 1)
    s = clconv_corr2d_backward_data(ctx, p, o->dy, o->w, o->dx);
  else if (pass == 2)
    s = clconv_corr2d_backward_weight(ctx, p, o->x, o->dy, o->dw, 0);
  else
    s = clconv_corr2d_backward_bias(ctx, o->dy, o->db, 0);
  return s == CLCONV_STATUS_OK ? clconv_context_finish(ctx) : s;
}

/* Prints (and records) one check. */
static void report(tally *t, const probe *pr, int path, int pass,
                   const char *result, double worst, double ms,
                   const char *detail) {
  printf("%-26s %-12s %-16s %-6s %9.3f %8.1f%s%s\n", pr->name, path_name(path),
         pass_names[pass], result, worst, ms, detail[0] != '\0' ? "  " : "",
         detail);
  if (t->json == NULL)
    return;
  fprintf(t->json, "%s\n  {\"device\": ", t->json_records++ > 0 ? "," : "");
  cli_json_string(t->json, t->device);
  fprintf(t->json, ", \"problem\": ");
  cli_json_string(t->json, pr->name);
  fprintf(t->json,
          ", \"path\": \"%s\", \"pass\": \"%s\", \"result\": \"%s\", "
          "\"worst_of_tolerance\": %.6g, \"ms\": %.3f, \"detail\": ",
          path_name(path), pass_names[pass], result, worst, ms);
  cli_json_string(t->json, detail);
  fprintf(t->json, "}");
}

/* Checks every pass of @p pr on path @p path of @p ctx. */
static void check_probe(clconv_context *ctx, const probe *pr, int path,
                        tally *t) {
  clconv_corr2d_params p = clconv_corr2d_params_default();
  operands o;
  p.pad_h = p.pad_w = pr->pad;
  p.stride_h = p.stride_w = pr->stride;
  p.dilation_h = p.dilation_w = pr->dilation;
  p.groups = pr->groups;
  p.algo = path == PATH_GENERIC ? CLCONV_ALGO_AUTO : path;
  if (operands_open(ctx, pr, &p, &o) != 0) {
    t->failed++;
    return;
  }
  /* The bias gradient depends on no algorithm: checked once. */
  for (int pass = 0; pass < (path == CLCONV_ALGO_DIRECT ? 4 : 3); pass++) {
    clconv_verify_report r;
    const double start = clock_seconds();
    const clconv_status s = run_pass(ctx, &p, &o, pass);
    const double ms = (clock_seconds() - start) * 1e3;
    memset(&r, 0, sizeof r);
    clconv_context_last_verify(ctx, &r);
    t->checks++;
    if (s == CLCONV_STATUS_OK) {
      report(t, pr, path, pass, "ok", r.max_error_ratio, ms, "");
    } else if (s == CLCONV_STATUS_VERIFY_MISMATCH) {
      t->wrong++;
      report(t, pr, path, pass, "WRONG", r.max_error_ratio, ms,
             clconv_context_message(ctx));
    } else {
      t->failed++;
      report(t, pr, path, pass, "FAILED", 0.0, ms, clconv_context_message(ctx));
    }
  }
  operands_close(&o);
}

/* Opens @p device in verify mode (every element compared) in build mode
 * @p build. @return 0 or -1 (reported). */
static int open_checked(const char *device, int build, clconv_context **ctx) {
  clconv_context_options options = cli_context_options(device);
  char message[1024];
  clconv_status s;
  options.verify = 1;
  options.verify_sample = 0;
  options.build = build;
  s = clconv_context_create(&options, ctx, message, sizeof message);
  if (s != CLCONV_STATUS_OK) {
    fprintf(stderr, "clconv selftest: %s\n", message);
    return -1;
  }
  if (build == CLCONV_BUILD_SYNC)
    cli_print_notes(*ctx);
  return 0;
}

/* Runs the checks on @p device. @return 0 when all agree, 1 otherwise. */
static int selftest_device(const char *device, int quick, FILE *json,
                           int *json_records) {
  clconv_context *specialized = NULL, *generic = NULL;
  clconv_device_info info;
  char name[200];
  tally t;
  const int probe_count =
      quick ? QUICK_PROBES : (int)(sizeof probes / sizeof probes[0]);
  const double start = clock_seconds();
  memset(&t, 0, sizeof t);
  if (open_checked(device, CLCONV_BUILD_SYNC, &specialized) != 0 ||
      open_checked(device, CLCONV_BUILD_GENERIC, &generic) != 0) {
    cli_close_context(specialized);
    return 1;
  }
  clconv_context_device(specialized, &info);
  if (info.type == CLCONV_DEVICE_TYPE_REFERENCE) {
    fprintf(stderr, "clconv selftest: the reference backend is what the "
                    "checks compare with: choose an OpenCL device\n");
    cli_close_context(generic);
    cli_close_context(specialized);
    return 1;
  }
  snprintf(name, sizeof name, "%d:%d %s", info.platform_index,
           info.device_index, info.device_name);
  t.device = name;
  t.json = json;
  t.json_records = *json_records;
  printf("clconv selftest on %s (%s, driver %s)\n\n", name, info.platform_name,
         info.driver_version);
  printf("%-26s %-12s %-16s %-6s %9s %8s\n", "problem", "path", "pass",
         "result", "worst/tol", "ms");
  for (int i = 0; i < probe_count; i++)
    for (size_t k = 0; k < sizeof paths / sizeof paths[0]; k++)
      if (path_serves(paths[k], &probes[i]))
        check_probe(paths[k] == PATH_GENERIC ? generic : specialized,
                    &probes[i], paths[k], &t);
  *json_records = t.json_records;
  if (clconv_context_notes(specialized)[0] != '\0')
    printf("\nnotes:\n%s", clconv_context_notes(specialized));
  printf("\nselftest on %s: %d checks, %d ok, %d wrong, %d failed to run "
         "(%.1f s)\n",
         name, t.checks, t.checks - t.wrong - t.failed, t.wrong, t.failed,
         clock_seconds() - start);
  cli_close_context(generic);
  cli_close_context(specialized);
  return t.wrong == 0 && t.failed == 0 ? 0 : 1;
}

/* The command line of `clconv selftest`. */
typedef struct selftest_options {
  const char *device, *json;
  int quick, quiet;
} selftest_options;

static const cli_option options_table[] = {
    CLI_OPT_TEXT("--device", selftest_options, device, "a device or all"),
    CLI_OPT_FLAG("--quick", selftest_options, quick),
    CLI_OPT_TEXT("--json", selftest_options, json, "a file name"),
    CLI_OPT_FLAG("--quiet", selftest_options, quiet),
};

int cmd_selftest(int argc, char **argv) {
  selftest_options o = {NULL, NULL, 0, 0};
  char specs[CLI_MAX_DEVICES][32];
  FILE *json = NULL;
  int count = 1, failed = 0, json_records = 0;
  const int code = cli_parse_options(
      "selftest", argc, argv, options_table,
      sizeof options_table / sizeof options_table[0], &o, usage);
  if (code >= 0)
    return code;
  cli_set_quiet(o.quiet);
  if (o.device != NULL && strcmp(o.device, "all") == 0) {
    count = cli_device_specs(specs, CLI_MAX_DEVICES);
    if (count == 0) {
      fprintf(stderr, "clconv selftest: no OpenCL device to check\n");
      return CLI_EXIT_FAILURE;
    }
  }
  if (o.json != NULL) {
    json = fopen(o.json, "w");
    if (json == NULL) {
      fprintf(stderr, "clconv selftest: cannot write --json %s\n", o.json);
      return CLI_EXIT_FAILURE;
    }
    fprintf(json, "[");
  }
  for (int i = 0; i < count; i++) {
    if (i > 0)
      printf("\n");
    failed |= selftest_device(
        o.device != NULL && strcmp(o.device, "all") == 0 ? specs[i] : o.device,
        o.quick, json, &json_records);
  }
  if (json != NULL) {
    fprintf(json, "\n]\n");
    if (fclose(json) != 0) {
      fprintf(stderr, "clconv selftest: cannot write --json %s\n", o.json);
      failed = 1;
    }
  }
  return failed ? CLI_EXIT_FAILURE : CLI_EXIT_OK;
}
