/* cmd_bench.c: `clconv bench`: times the ops on the benchmark shapes of
 * docs/design.md, reports GFLOP/s, GB/s and the fraction of the device's
 * measured peak, and checks every result against the reference backend
 * (sampled). */
#include "bench_cold.h"
#include "bench_devices.h"
#include "cli.h"
#include "cli_mpi.h"
#include "cli_options.h"
#include "clock.h"
#include "commands.h"
#include "networks.h"
#include "outputs.h"
#include "shapes.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *usage =
    "usage: clconv bench [--device SPEC] [--shapes S1,S3,...]\n"
    "                    [--problem N,CIN,H,W,COUT,KH,KW,PAD,STRIDE[,G]]\n"
    "                    [--ops forward,backward-data,backward-weights,step]\n"
    "                    [--algo A] [--repeat N] [--json FILE]\n"
    "       clconv bench --devices LIST --ops step [--shapes ...|--problem P]\n"
    "       clconv bench --network NAME [--batch N] [--ops ...] [--repeat N]\n"
    "       clconv bench --cold [--network NAME] [--device SPEC]\n"
    "\n"
    "Times each op on each shape: one warm-up run (which builds the kernels),\n"
    "then N timed runs, each waiting for the device. Prints the median, min\n"
    "and max time, GFLOP/s and GB/s (the bytes each op must at least move),\n"
    "the fraction of the device's measured peak (of arithmetic or bandwidth,\n"
    "whichever is higher), the algorithm that ran (for the step: forward /\n"
    "input gradient / weight gradient), and the largest error against the\n"
    "reference backend, as a fraction of the tolerance (2000 elements sampled\n"
    "per output).\n"
    "\n" BENCH_SHAPES_HELP
    "ops: forward, backward-data, backward-weights, and step (the layer's\n"
    "training step: forward, squared-error gradient, zero_grad, all\n"
    "gradients, SGD update).\n"
    "\n"
    "  --device SPEC  as for the other commands; 'reference' times the "
    "plain-C\n"
    "                 backend\n"
    "  --shapes LIST  default: all\n"
    "  --problem P    time this problem instead of the shapes (named P in\n"
    "                 the output): N,CIN,H,W,COUT,KH,KW,PAD,STRIDE and\n"
    "                 optionally GROUPS, e.g. 8,64,56,56,64,3,3,1,1 is S3\n"
    "  --ops LIST     default: all\n"
    "  --algo A       auto (default: the library chooses per problem and\n"
    "                 pass), direct, gemm, winograd or winograd4x4; a shape\n"
    "                 the algorithm does not fit is skipped, with a note\n"
    "  --repeat N     timed runs per shape and op (default 5)\n"
    "  --devices LIST time the training step on the first device of LIST\n"
    "                 ('all' or SPEC,SPEC,...), then on all of them at once\n"
    "                 (data-parallel, the batch split between them), and\n"
    "                 print the speedup and the scaling efficiency\n"
    "  --json FILE    also write one JSON record per shape and op (with the\n"
    "                 problem's sizes, the algorithm, the measured peak, the\n"
    "                 device, its driver, clconv's version and the repeats)\n"
    "  --cold         first contact instead: every distinct convolution layer\n"
    "                 of a network (batch 1) with empty kernel caches (a new\n"
    "                 folder; PoCL's too unless POCL_CACHE_DIR is set), in\n"
    "                 async mode: the time to the first result of each pass,\n"
    "                 until every specialized program is in, then warm\n"
    "  --network NAME every distinct convolution layer of a network instead "
    "of\n"
    "                 the shapes (" NETWORK_NAMES "; torchvision's layers\n"
    "                 for a 224x224 input), then each op's total over the\n"
    "                 network, every layer counted as often as it occurs;\n"
    "                 with --cold, the network of the first-contact run\n"
    "                 (default resnet50)\n"
    "  --batch N      the batch of --network (default 8)\n";

static const char *op_names[] = {"forward", "backward-data", "backward-weights",
                                 "step"};
enum { OP_COUNT = 4 };

/* The tensors of one shape on one context, and the layer for `step`. */
typedef struct problem {
  clconv_context *ctx;
  clconv_corr2d_params p;
  clconv_tensor *x, *w, *b, *y, *dy, *dx, *dw, *target;
  clconv_conv2d *layer;
} problem;

/* Makes a tensor filled with seeded numbers in [-1, 1) (or empty when
 * @p seed is 0). @return 0 on success. */
static int make(clconv_context *ctx, int rank, const int64_t *dims,
                uint64_t seed, clconv_tensor **out) {
  size_t n = 1;
  float *v = NULL;
  int result;
  for (int i = 0; i < rank; i++)
    n *= (size_t)dims[i];
  if (seed != 0 && (v = bench_random_floats(n, seed)) == NULL)
    return -1;
  result = cli_tensor(ctx, rank, dims, v, out);
  free(v);
  return result;
}

static void problem_close(problem *pr) {
  clconv_conv2d_release(pr->layer);
  clconv_tensor_release(pr->target);
  clconv_tensor_release(pr->dw);
  clconv_tensor_release(pr->dx);
  clconv_tensor_release(pr->dy);
  clconv_tensor_release(pr->y);
  clconv_tensor_release(pr->b);
  clconv_tensor_release(pr->w);
  clconv_tensor_release(pr->x);
  memset(pr, 0, sizeof *pr);
}

/* Makes the tensors of @p s on @p ctx, the same numbers on every context. */
static int problem_open(problem *pr, clconv_context *ctx, const bench_shape *s,
                        int algo) {
  const int64_t x_dims[4] = {s->n, s->cin, s->h, s->w};
  const int64_t groups = s->groups > 0 ? s->groups : 1;
  const int64_t w_dims[4] = {s->cout, s->cin / groups, s->kh, s->kw};
  const int64_t b_dims[1] = {s->cout};
  int64_t y_dims[4];
  clconv_conv2d_params lp = clconv_conv2d_params_default();
  clconv_status status;
  memset(pr, 0, sizeof *pr);
  pr->ctx = ctx;
  pr->p = clconv_corr2d_params_default();
  pr->p.pad_h = pr->p.pad_w = s->pad;
  pr->p.stride_h = pr->p.stride_w = s->stride;
  pr->p.groups = groups;
  pr->p.algo = algo;
  if (make(ctx, 4, x_dims, 1, &pr->x) != 0 ||
      make(ctx, 4, w_dims, 2, &pr->w) != 0 ||
      make(ctx, 1, b_dims, 3, &pr->b) != 0)
    return -1;
  status = clconv_corr2d_output_dims(ctx, &pr->p, pr->x, pr->w, y_dims);
  if (status == CLCONV_STATUS_INVALID_ARGUMENT && algo != CLCONV_ALGO_AUTO) {
    printf("%-3s skipped: %s\n", s->name, clconv_context_message(ctx));
    return 1; /* the algorithm does not fit the shape */
  }
  if (status != CLCONV_STATUS_OK) {
    cli_report(ctx, status, "bench");
    return -1;
  }
  lp.out_channels = s->cout;
  lp.kernel_h = s->kh;
  lp.kernel_w = s->kw;
  clconv_conv2d_params_set_corr2d(&lp, &pr->p);
  if (make(ctx, 4, y_dims, 0, &pr->y) != 0 ||
      make(ctx, 4, y_dims, 4, &pr->dy) != 0 ||
      make(ctx, 4, y_dims, 5, &pr->target) != 0 ||
      make(ctx, 4, x_dims, 0, &pr->dx) != 0 ||
      make(ctx, 4, w_dims, 0, &pr->dw) != 0)
    return -1;
  status = clconv_conv2d_create(ctx, &lp, &pr->layer);
  if (status != CLCONV_STATUS_OK) {
    cli_report(ctx, status, "bench");
    return -1;
  }
  return 0;
}

/* Queues op @p op once. The step is the notebook's training loop body. */
static clconv_status run_op(problem *pr, int op) {
  clconv_sgd_params sgd = clconv_sgd_params_default();
  switch (op) {
  case 0:
    return clconv_corr2d_forward(pr->ctx, &pr->p, pr->x, pr->w, pr->b, pr->y);
  case 1:
    return clconv_corr2d_backward_data(pr->ctx, &pr->p, pr->dy, pr->w, pr->dx);
  case 2:
    return clconv_corr2d_backward_weight(pr->ctx, &pr->p, pr->x, pr->dy, pr->dw,
                                         0);
  default:
    sgd.lr = 1e-6f;
    return clconv_conv2d_train_step(pr->layer, pr->x, pr->target,
                                    CLCONV_REDUCTION_MEAN, &sgd, pr->y, pr->dx,
                                    NULL);
  }
}

static int compare_doubles(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* One row of results. */
typedef struct record {
  double median_ms, min_ms, max_ms, gflops, gbps, peak_fraction;
  double max_error_ratio, max_abs_error;
  size_t compared;
  int exact;
  char algo[48]; /* what ran: "winograd", or for the step three names */
} record;

/* Writes into @p r->algo the algorithm of each pass that op @p op runs. */
static void note_algo(problem *pr, int op, record *r) {
  static const clconv_corr2d_pass passes[3] = {CLCONV_PASS_FORWARD,
                                               CLCONV_PASS_BACKWARD_DATA,
                                               CLCONV_PASS_BACKWARD_WEIGHT};
  int algo[3] = {-1, -1, -1};
  for (int i = 0; i < 3; i++)
    if ((op == i || op == 3) &&
        clconv_corr2d_algo_chosen(pr->ctx, &pr->p, pr->x, pr->w, passes[i],
                                  &algo[i]) != CLCONV_STATUS_OK)
      algo[i] = -1;
  if (op == 3)
    snprintf(r->algo, sizeof r->algo, "%s/%s/%s", clconv_algo_name(algo[0]),
             clconv_algo_name(algo[1]), clconv_algo_name(algo[2]));
  else
    snprintf(r->algo, sizeof r->algo, "%s", clconv_algo_name(algo[op]));
}

/* Times @p repeat runs after a warm-up. @return 0 on success. */
static int time_op(problem *pr, int op, int repeat, record *r) {
  double *times = calloc((size_t)repeat, sizeof *times);
  clconv_status s = run_op(pr, op);
  if (times == NULL)
    return -1;
  if (s == CLCONV_STATUS_OK)
    s = clconv_context_finish(pr->ctx);
  for (int i = 0; s == CLCONV_STATUS_OK && i < repeat; i++) {
    double start = clock_seconds();
    s = run_op(pr, op);
    if (s == CLCONV_STATUS_OK)
      s = clconv_context_finish(pr->ctx);
    times[i] = (clock_seconds() - start) * 1e3;
  }
  if (s != CLCONV_STATUS_OK) {
    cli_report(pr->ctx, s, op_names[op]); /* "clconv bench: forward: ..." */
    free(times);
    return -1;
  }
  qsort(times, (size_t)repeat, sizeof *times, compare_doubles);
  r->min_ms = times[0];
  r->max_ms = times[repeat - 1];
  r->median_ms = repeat % 2 ? times[repeat / 2]
                            : 0.5 * (times[repeat / 2 - 1] + times[repeat / 2]);
  free(times);
  return 0;
}

/* Runs the op once on @p check (a verify-mode context of the same device)
 * and records how far its results are from the reference. */
static int check_op(problem *pr, int op, record *r) {
  clconv_verify_report report;
  clconv_status s;
  clconv_context_verify_total(pr->ctx, NULL, 1);
  s = run_op(pr, op);
  if (s == CLCONV_STATUS_OK)
    s = clconv_context_finish(pr->ctx);
  clconv_context_verify_total(pr->ctx, &report, 0);
  r->max_error_ratio = report.max_error_ratio;
  r->max_abs_error = report.max_abs_error;
  r->compared = report.count;
  r->exact = report.exact;
  if (s != CLCONV_STATUS_OK && s != CLCONV_STATUS_VERIFY_MISMATCH) {
    cli_report(pr->ctx, s, "check");
    return -1;
  }
  return s == CLCONV_STATUS_OK ? 0 : 1;
}

/* FLOPs and minimal bytes of op @p op on @p s. */
static void op_cost(const bench_shape *s, int op, double *flops,
                    double *bytes) {
  const double hout = (double)((s->h + 2 * s->pad - s->kh) / s->stride + 1);
  const double wout = (double)((s->w + 2 * s->pad - s->kw) / s->stride + 1);
  const double nx = (double)(s->n * s->cin * s->h * s->w);
  const int64_t cin_g = s->cin / (s->groups > 0 ? s->groups : 1);
  const double nw = (double)(s->cout * cin_g * s->kh * s->kw);
  const double ny = (double)s->n * (double)s->cout * hout * wout;
  const double fwd = 2.0 * ny * (double)(cin_g * s->kh * s->kw);
  switch (op) {
  case 0:
    *flops = fwd;
    *bytes = 4.0 * (nx + nw + (double)s->cout + ny);
    break;
  case 1:
    *flops = fwd;
    *bytes = 4.0 * (ny + nw + nx);
    break;
  case 2:
    *flops = fwd;
    *bytes = 4.0 * (nx + ny + nw);
    break;
  default:
    *flops = 3.0 * fwd;
    *bytes = 4.0 * (3.0 * nx + 4.0 * ny + 4.0 * nw);
    break;
  }
}

/* What every JSON record says about the run: the device, its driver and
 * the library version, and the timed runs per op. */
typedef struct run_info {
  const char *device, *driver;
  int repeat;
} run_info;

static void json_record(FILE *json, int first, const bench_shape *s, int op,
                        int algo, const run_info *run, const clconv_peak *peak,
                        const record *r) {
  fprintf(json, "%s  {\"shape\": ", first ? "" : ",\n");
  cli_json_string(json, s->name);
  fprintf(json, ", \"op\": \"%s\", \"algo\": ", op_names[op]);
  cli_json_string(json, r->algo);
  fprintf(json, ", \"algo_requested\": ");
  cli_json_string(json, clconv_algo_name(algo));
  fprintf(json, ", \"device\": ");
  cli_json_string(json, run->device);
  fprintf(json, ", \"driver\": ");
  cli_json_string(json, run->driver);
  fprintf(json, ", \"version\": ");
  cli_json_string(json, clconv_version_string());
  fprintf(json, ", \"repeat\": %d", run->repeat);
  fprintf(json,
          ", \"dims\": {\"n\": %lld, \"cin\": %lld, \"h\": %lld, \"w\": %lld, "
          "\"cout\": %lld, \"kh\": %lld, \"kw\": %lld, \"pad\": %lld, "
          "\"stride\": %lld, \"groups\": %lld}, ",
          (long long)s->n, (long long)s->cin, (long long)s->h, (long long)s->w,
          (long long)s->cout, (long long)s->kh, (long long)s->kw,
          (long long)s->pad, (long long)s->stride,
          (long long)(s->groups > 0 ? s->groups : 1));
  if (s->count > 0)
    fprintf(json, "\"count\": %d, ", s->count);
  fprintf(json,
          "\"median_ms\": %.6g, \"min_ms\": %.6g, \"max_ms\": %.6g, "
          "\"gflops\": %.6g, \"gbps\": %.6g, \"peak_fraction\": %.4g, "
          "\"peak_gflops\": %.6g, \"peak_gbps\": %.6g, "
          "\"max_error\": %.6g, \"max_error_ratio\": %.4g, "
          "\"compared\": %zu}",
          r->median_ms, r->min_ms, r->max_ms, r->gflops, r->gbps,
          r->peak_fraction, peak->gflops, peak->gbps, r->max_abs_error,
          r->max_error_ratio, r->compared);
}

/* Parses "N,CIN,H,W,COUT,KH,KW,PAD,STRIDE[,GROUPS]" into @p s.
 * @return 0 or -1. */
static int parse_problem(const char *text, bench_shape *s) {
  int64_t v[10];
  int count = 1;
  for (const char *c = text; *c != '\0'; c++)
    count += *c == ',';
  if ((count != 9 && count != 10) ||
      cli_parse_list(text, count, 1L << 30, v) != 0)
    return -1;
  for (int i = 0; i < count; i++)
    if (v[i] < (i == 7 ? 0 : 1)) /* PAD may be 0 */
      return -1;
  s->name = "P";
  s->n = v[0], s->cin = v[1], s->h = v[2], s->w = v[3], s->cout = v[4];
  s->kh = v[5], s->kw = v[6], s->pad = v[7], s->stride = v[8];
  s->groups = count == 10 ? v[9] : 1;
  return 0;
}

/* Benchmarks one shape: all selected ops, timed then checked. */
static int bench_shape_ops(clconv_context *ctx, clconv_context *check,
                           const bench_shape *s, const int *ops, int algo,
                           const clconv_peak *peak, const run_info *run,
                           FILE *json, int *first_record, double *medians) {
  problem timed, checked;
  int failures = 0, opened;
  /* The checked copy lives on the verify-mode context; on the reference
   * backend there is nothing to check against, so there is none. */
  memset(&checked, 0, sizeof checked);
  if ((opened = problem_open(&timed, ctx, s, algo)) != 0 ||
      (check != ctx &&
       (opened = problem_open(&checked, check, s, algo)) != 0)) {
    problem_close(&checked);
    problem_close(&timed);
    return opened < 0; /* 1: skipped, not a failure */
  }
  for (int op = 0; op < OP_COUNT; op++) {
    record r;
    double flops, bytes;
    int verdict;
    if (!ops[op])
      continue;
    memset(&r, 0, sizeof r);
    if (time_op(&timed, op, run->repeat, &r) != 0) {
      failures++;
      continue;
    }
    note_algo(&timed, op, &r);
    if (medians != NULL)
      medians[op] = r.median_ms;
    op_cost(s, op, &flops, &bytes);
    r.gflops = flops / (r.median_ms * 1e-3) * 1e-9;
    r.gbps = bytes / (r.median_ms * 1e-3) * 1e-9;
    if (peak->gflops > 0 && peak->gbps > 0)
      r.peak_fraction = fmax(r.gflops / peak->gflops, r.gbps / peak->gbps);
    verdict = check == ctx ? 0 : check_op(&checked, op, &r);
    failures += verdict != 0;
    printf("%-3s %-17s %10.3f %10.3f %10.3f %9.1f %8.1f %6.1f%%  %-11s %s",
           s->name, op_names[op], r.median_ms, r.min_ms, r.max_ms, r.gflops,
           r.gbps, 100.0 * r.peak_fraction, r.algo,
           verdict == 0  ? "ok"
           : verdict > 0 ? "MISMATCH"
                         : "FAILED");
    if (check != ctx && verdict >= 0)
      printf(" (%zu compared, worst %.2g of tolerance)", r.compared,
             r.max_error_ratio);
    printf("\n");
    fflush(stdout);
    if (json != NULL)
      json_record(json, (*first_record)++ == 0, s, op, algo, run, peak, &r);
  }
  problem_close(&checked);
  problem_close(&timed);
  return failures;
}

/* `--network NAME`: every distinct layer of the network at batch
 * @p batch, each line as for a shape (named L01, L02, ... after a line
 * that gives its sizes and how often it occurs), then each op's time over
 * the whole network, every layer weighted by its count. @return failures. */
static int bench_network(clconv_context *ctx, clconv_context *check,
                         const network *net, int64_t batch, const int *ops,
                         int algo, const clconv_peak *peak, const run_info *run,
                         FILE *json, int *first_record) {
  double total_ms[OP_COUNT] = {0}, total_flops[OP_COUNT] = {0};
  char names[64][8];
  int failures = 0, layers = 0;
  for (int i = 0; i < net->layer_count && i < 64 && failures == 0; i++) {
    const network_layer *l = &net->layers[i];
    double medians[OP_COUNT] = {0};
    bench_shape s;
    snprintf(names[i], sizeof names[i], "L%02d", i + 1);
    s.name = names[i];
    s.n = batch, s.cin = l->cin, s.h = l->h, s.w = l->w, s.cout = l->cout;
    s.kh = l->kh, s.kw = l->kw, s.pad = l->pad, s.stride = l->stride;
    s.groups = l->groups;
    s.count = l->count;
    printf("%s  x%d in the network: (%lld, %lld, %lld, %lld) -> %lld, "
           "%lldx%lld, padding %lld, stride %lld, groups %lld\n",
           s.name, l->count, (long long)batch, (long long)l->cin,
           (long long)l->h, (long long)l->w, (long long)l->cout,
           (long long)l->kh, (long long)l->kw, (long long)l->pad,
           (long long)l->stride, (long long)l->groups);
    failures += bench_shape_ops(ctx, check, &s, ops, algo, peak, run, json,
                                first_record, medians);
    for (int op = 0; op < OP_COUNT; op++) {
      double flops, bytes;
      op_cost(&s, op, &flops, &bytes);
      total_ms[op] += l->count * medians[op];
      total_flops[op] += l->count * flops;
    }
    layers += l->count;
  }
  if (failures != 0)
    return failures;
  printf("\n%s, batch %lld: %d convolutions (%d distinct), each layer's "
         "median times how often it occurs\n",
         net->name, (long long)batch, layers, net->layer_count);
  for (int op = 0; op < OP_COUNT; op++)
    if (ops[op]) {
      const double gflops = total_flops[op] / (total_ms[op] * 1e-3) * 1e-9;
      printf("  %-17s %10.1f ms %9.1f GFLOP/s", op_names[op], total_ms[op],
             gflops);
      if (peak->gflops > 0)
        printf(" %6.1f%% of the arithmetic peak",
               100.0 * gflops / peak->gflops);
      printf("\n");
    }
  return 0;
}

/* `--devices LIST`: the step of each selected shape on one device and on
 * all of LIST. @return the exit status. */
static int bench_on_devices(const char *list, const int *selected_shapes,
                            const bench_shape *custom, const int *ops,
                            int repeat, const char *json_path) {
  cli_devices d;
  outputs out;
  FILE *json = NULL;
  int failures = 0, first_record = 0;
  if (!ops[3] || ops[0] || ops[1] || ops[2]) {
    fprintf(stderr, "clconv bench: --devices times the training step only: "
                    "give --ops step\n");
    return CLI_EXIT_USAGE;
  }
  outputs_init(&out, "bench");
  if (cli_mpi_rank() > 0)
    json_path = NULL; /* rank 0 writes it */
  outputs_add(&out, "--json", json_path);
  if ((json_path != NULL && (outputs_check(&out, NULL, NULL, 0) != 0 ||
                             (json = outputs_open(&out, json_path)) == NULL)) ||
      cli_open_devices(list, CLCONV_BUILD_SYNC, &d) != 0) {
    outputs_discard(&out);
    return CLI_EXIT_FAILURE;
  }
  if (json != NULL)
    fprintf(json, "[\n");
  if (custom != NULL)
    failures += bench_devices(&d, custom, repeat, json, &first_record) != 0;
  for (int s = 0; custom == NULL && failures == 0 && s < BENCH_SHAPE_COUNT; s++)
    if (selected_shapes[s])
      failures +=
          bench_devices(&d, &bench_shapes[s], repeat, json, &first_record) != 0;
  if (json != NULL) {
    fprintf(json, "\n]\n");
    if (failures == 0 && outputs_commit(&out) != 0)
      failures++;
  }
  outputs_discard(&out);
  cli_close_devices(&d);
  return failures == 0 ? CLI_EXIT_OK : CLI_EXIT_FAILURE;
}

/* The command line of `clconv bench`. */
typedef struct bench_options {
  const char *device, *json_path, *devices;
  int shapes[BENCH_SHAPE_COUNT], ops[OP_COUNT];
  long repeat;
  int algo, cold;
  long batch;
  const char *network;
  struct {
    bench_shape shape;
    int given;
  } custom;
} bench_options;

/* --shapes S1,S3,... into the selection (parse_shape_list reports). */
static int parse_shapes(void *field, const char *value) {
  return parse_shape_list("clconv bench", value, field) == 0 ? 0 : -2;
}

/* --ops forward,... into the selection (parse_name_list reports). */
static int parse_ops(void *field, const char *value) {
  return parse_name_list("clconv bench", value, op_names, OP_COUNT, field) == 0
             ? 0
             : -2;
}

/* --problem N,CIN,H,W,COUT,KH,KW,PAD,STRIDE into the custom problem. */
static int parse_custom(void *field, const char *value) {
  bench_options *o =
      (bench_options *)((char *)field - offsetof(bench_options, custom));
  if (parse_problem(value, &o->custom.shape) != 0)
    return -1;
  o->custom.given = 1;
  return 0;
}

/* --algo NAME into an int (a clconv_algo). */
static int parse_algo(void *field, const char *value) {
  return clconv_algo_parse(value, field) == CLCONV_STATUS_OK ? 0 : -1;
}

static const cli_option options_table[] = {
    CLI_OPT_TEXT("--device", bench_options, device, "a device"),
    CLI_OPT_TEXT("--json", bench_options, json_path, "a file"),
    CLI_OPT_TEXT("--devices", bench_options, devices, "a list of devices"),
    CLI_OPT_PARSE("--shapes", bench_options, shapes, "shape names",
                  parse_shapes),
    CLI_OPT_PARSE("--problem", bench_options, custom,
                  "N,CIN,H,W,COUT,KH,KW,PAD,STRIDE[,GROUPS] (PAD >= 0, the "
                  "others >= 1)",
                  parse_custom),
    CLI_OPT_PARSE("--ops", bench_options, ops, "op names", parse_ops),
    CLI_OPT_PARSE("--algo", bench_options, algo,
                  "auto, direct, gemm, winograd or winograd4x4", parse_algo),
    CLI_OPT_LONG("--repeat", bench_options, repeat, 1, 100000),
    CLI_OPT_FLAG("--cold", bench_options, cold),
    CLI_OPT_TEXT("--network", bench_options, network, NETWORK_NAMES),
    CLI_OPT_LONG("--batch", bench_options, batch, 1, 4096),
};

int cmd_bench(int argc, char **argv) {
  bench_options o;
  clconv_context *ctx = NULL, *check = NULL;
  clconv_context_options options = cli_context_options(NULL);
  clconv_device_info info;
  clconv_peak peak;
  char name[200], message[1024];
  FILE *json = NULL;
  outputs out;
  run_info run;
  int failures = 0, first_record = 0, code;
  memset(&o, 0, sizeof o);
  o.repeat = 5;
  o.algo = CLCONV_ALGO_AUTO;
  for (int i = 0; i < BENCH_SHAPE_COUNT; i++)
    o.shapes[i] = 1;
  for (int i = 0; i < OP_COUNT; i++)
    o.ops[i] = 1;
  code = cli_parse_options("bench", argc, argv, options_table,
                           sizeof options_table / sizeof options_table[0], &o,
                           usage);
  if (code >= 0)
    return code;
  if (o.network != NULL && network_find(o.network) == NULL)
    return cli_usage_error("bench", "--network takes %s, got '%s'",
                           NETWORK_NAMES, o.network);
  if (o.batch != 0 && (o.network == NULL || o.cold))
    return cli_usage_error("bench", "%s",
                           "--batch goes with --network (without --cold)");
  if (o.network != NULL && (o.custom.given || o.devices != NULL))
    return cli_usage_error("bench", "%s",
                           "--network takes the place of --shapes, --problem "
                           "and --devices");
  if (o.cold) {
    const network *net =
        network_find(o.network != NULL ? o.network : "resnet50");
    if (net == NULL)
      return cli_usage_error("bench", "--network takes %s, got '%s'",
                             NETWORK_NAMES, o.network);
    return bench_cold(o.device, net, 0);
  }

  if (o.devices != NULL)
    return bench_on_devices(o.devices, o.shapes,
                            o.custom.given ? &o.custom.shape : NULL, o.ops,
                            (int)o.repeat, o.json_path);

  /* One context times; a second, in verify mode, checks. */
  /* Steady-state speed: every op on its specialized programs. */
  if (cli_open_context_build(o.device, CLCONV_BUILD_SYNC, &ctx) != 0)
    return CLI_EXIT_FAILURE;
  clconv_context_device(ctx, &info);
  if (info.type == CLCONV_DEVICE_TYPE_REFERENCE) {
    check = ctx;
    snprintf(name, sizeof name, "reference");
  } else {
    snprintf(name, sizeof name, "%d:%d", info.platform_index,
             info.device_index);
    options.device = name;
    options.build = CLCONV_BUILD_SYNC;
    options.verify = 1;
    options.verify_sample = 2000;
    if (clconv_context_create(&options, &check, message, sizeof message) !=
        CLCONV_STATUS_OK) {
      fprintf(stderr, "clconv bench: %s\n", message);
      cli_close_context(ctx);
      return CLI_EXIT_FAILURE;
    }
    snprintf(name, sizeof name, "%s", info.device_name);
  }
  run.device = name;
  run.driver = info.driver_version;
  run.repeat = (int)o.repeat;
  if (clconv_context_measure_peak(ctx, &peak) != CLCONV_STATUS_OK)
    memset(&peak, 0, sizeof peak);
  printf("clconv bench on %s (%s); measured peak %.1f GFLOP/s, %.1f GB/s; "
         "%ld timed runs each\n",
         name, clconv_device_type_name(info.type), peak.gflops, peak.gbps,
         o.repeat);
  printf("%-3s %-17s %10s %10s %10s %9s %8s %7s  %-11s %s\n", "", "op",
         "median ms", "min ms", "max ms", "GFLOP/s", "GB/s", "peak", "algo",
         "check");
  /* The JSON file appears whole, and only when every measurement passed. */
  outputs_init(&out, "bench");
  outputs_add(&out, "--json", o.json_path);
  if (o.json_path != NULL && (outputs_check(&out, NULL, NULL, 0) != 0 ||
                              (json = outputs_open(&out, o.json_path)) == NULL))
    failures++;
  if (json != NULL)
    fprintf(json, "[\n");
  if (o.network != NULL)
    failures += bench_network(ctx, check, network_find(o.network),
                              o.batch != 0 ? o.batch : 8, o.ops, o.algo, &peak,
                              &run, json, &first_record);
  else if (o.custom.given)
    failures += bench_shape_ops(ctx, check, &o.custom.shape, o.ops, o.algo,
                                &peak, &run, json, &first_record, NULL);
  for (int s = 0; o.network == NULL && !o.custom.given && failures == 0 &&
                  s < BENCH_SHAPE_COUNT;
       s++)
    if (o.shapes[s])
      failures += bench_shape_ops(ctx, check, &bench_shapes[s], o.ops, o.algo,
                                  &peak, &run, json, &first_record, NULL);
  if (json != NULL) {
    fprintf(json, "\n]\n");
    if (failures == 0 && outputs_commit(&out) != 0)
      failures++;
  }
  outputs_discard(&out);
  if (check != ctx)
    cli_close_context(check);
  cli_close_context(ctx);
  return failures == 0 ? CLI_EXIT_OK : CLI_EXIT_FAILURE;
}
