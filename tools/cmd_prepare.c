/* cmd_prepare.c: `clconv prepare`: builds ahead the specialized kernels of a
 * network's layers (or of one problem), on every core, with progress, into
 * the disk cache where later runs find them. */
#include "cli.h"
#include "cli_options.h"
#include "clock.h"
#include "commands.h"
#include "networks.h"

#include <stdio.h>
#include <string.h>

static const char *usage =
    "usage: clconv prepare --network NAME [--device SPEC] [--quiet]\n"
    "       clconv prepare --problem N,CIN,H,W,COUT,KH,KW,PAD,STRIDE ...\n"
    "\n"
    "Builds ahead the specialized kernels (forward, input and weight\n"
    "gradients) of every distinct convolution layer of a network, or of one\n"
    "problem, on the calling thread and the library's builder thread at\n"
    "once, with progress on standard error. They are stored in the disk\n"
    "cache, so that later runs on this device start on them. (Without it,\n"
    "a new problem runs on the generic kernels at once while its own build\n"
    "in the background.)\n"
    "\n"
    "  --network NAME  " NETWORK_NAMES ", batch 1, 224x224 input\n"
    "  --problem P     one problem: N,CIN,H,W,COUT,KH,KW,PAD,STRIDE\n"
    "  --device SPEC   as for the other commands\n";

typedef struct prepare_options {
  const char *network, *problem, *device;
} prepare_options;

static const cli_option options_table[] = {
    CLI_OPT_TEXT("--network", prepare_options, network, NETWORK_NAMES),
    CLI_OPT_TEXT("--problem", prepare_options, problem,
                 "N,CIN,H,W,COUT,KH,KW,PAD,STRIDE"),
    CLI_OPT_TEXT("--device", prepare_options, device, "a device"),
};

/* Queues the programs of @p l. @return 0 or -1 (reported). */
static int queue_layer(clconv_context *ctx, const network_layer *l) {
  int64_t xd[4], wd[4];
  clconv_corr2d_params p;
  clconv_tensor *x = NULL, *w = NULL;
  clconv_status status;
  int result = -1;
  network_layer_shapes(l, xd, wd, &p);
  if (cli_tensor(ctx, 4, xd, NULL, &x) == 0 &&
      cli_tensor(ctx, 4, wd, NULL, &w) == 0) {
    status = clconv_corr2d_prepare(ctx, &p, x, w, CLCONV_PREPARE_ALL);
    if (status == CLCONV_STATUS_OK)
      result = 0;
    else
      cli_report(ctx, status, NULL);
  }
  clconv_tensor_release(w);
  clconv_tensor_release(x);
  return result;
}

int cmd_prepare(int argc, char **argv) {
  prepare_options o = {NULL, NULL, NULL};
  network_layer one;
  network custom = {"problem", &one, 1};
  const network *net;
  clconv_context *ctx = NULL;
  double start;
  int queued, built = 0, code;
  code = cli_parse_options("prepare", argc, argv, options_table,
                           sizeof options_table / sizeof options_table[0], &o,
                           usage);
  if (code >= 0)
    return code;
  if ((o.network == NULL) == (o.problem == NULL))
    return cli_usage_error("prepare", "%s", "give --network or --problem");
  if (o.problem != NULL) {
    int64_t v[9];
    if (cli_parse_list(o.problem, 9, 1L << 30, v) != 0 || v[0] < 1 ||
        v[1] < 1 || v[2] < 1 || v[3] < 1 || v[4] < 1 || v[5] < 1 || v[6] < 1 ||
        v[8] < 1)
      return cli_usage_error("prepare",
                             "--problem takes N,CIN,H,W,COUT,KH,KW,PAD,STRIDE "
                             "(PAD >= 0, the others >= 1), got '%s'",
                             o.problem);
    one = (network_layer){v[0], v[1], v[2], v[3], v[4], v[5],
                          v[6], v[7], v[8], 1,    1};
    net = &custom;
  } else if ((net = network_find(o.network)) == NULL) {
    return cli_usage_error("prepare", "--network takes %s, got '%s'",
                           NETWORK_NAMES, o.network);
  }
  if (cli_open_context_build(o.device, CLCONV_BUILD_ASYNC, &ctx) != 0)
    return CLI_EXIT_FAILURE;
  start = clock_seconds();
  for (int i = 0; i < net->layer_count; i++)
    if (queue_layer(ctx, &net->layers[i]) != 0) {
      cli_close_context(ctx);
      return CLI_EXIT_FAILURE;
    }
  queued = clconv_context_builds_pending(ctx);
  while (clconv_context_build_next(ctx)) {
    built++;
    if (!cli_quiet())
      fprintf(stderr,
              "clconv prepare: %s: building kernels, %d of %d left, %.1f s\n",
              net->name, clconv_context_builds_pending(ctx), queued,
              clock_seconds() - start);
  }
  clconv_context_wait_builds(ctx);
  printf("clconv prepare: %s (%d distinct layers): %d programs built in "
         "%.1f s and stored in the disk cache\n",
         net->name, net->layer_count, queued, clock_seconds() - start);
  if (clconv_context_notes(ctx)[0] != '\0')
    printf("notes:\n%s", clconv_context_notes(ctx));
  code = clconv_context_notes(ctx)[0] != '\0' ? CLI_EXIT_FAILURE : CLI_EXIT_OK;
  (void)built;
  clconv_context_release(ctx);
  return code;
}
