/* clconv.c: the `clconv` command-line tool: dispatches to its commands. */
#include "cli.h"
#include "cli_mpi.h"
#include "commands.h"

#include <stdlib.h>
#include <string.h>

static const char *usage =
    "usage: clconv <command> [options]\n"
    "\n"
    "2D cross-correlation (\"convolution\") on any OpenCL device, every "
    "result\n"
    "checkable against a plain-C reference backend.\n"
    "\n"
    "commands:\n"
    "  devices   list the OpenCL platforms and devices, and the default one\n"
    "  demo      run the 'Convolutions for Images' notebooks on a device, "
    "each\n"
    "            result checked against the reference backend\n"
    "  run       forward (and backward) cross-correlation of NumPy .npy files\n"
    "  fit       learn a Conv2D layer mapping an input to a target (.npy)\n"
    "  bench     time the ops on the benchmark shapes, checked against the\n"
    "            reference backend\n"
    "  tune      find the fastest forward tiles for a problem on a device and\n"
    "            keep them in the disk cache\n"
    "  prepare   build a network's kernels ahead, into the disk cache\n"
    "  selftest  check every kernel path of a device against the reference\n"
    "            backend: what to run on a new device or attach to a bug\n"
    "\n"
    "Run 'clconv <command> --help' for a command's options. Options take\n"
    "their value as '--name value' or '--name=value'. A new problem starts on\n"
    "generic kernels at once while its own build in the background; the tool\n"
    "says on standard error when it waits for a build (--quiet: never).\n"
    "\n"
    "environment:\n"
    "  CLCONV_DEVICE      device when --device is not given: 'reference',\n"
    "                     'P:D', 'gpu', 'cpu' or part of a device name\n"
    "  CLCONV_VERIFY=1    re-run every op on the reference and fail on a\n"
    "                     mismatch\n"
    "  CLCONV_KERNEL_DIR  read the OpenCL kernels from this folder instead of\n"
    "                     the copies built into the library\n"
    "  CLCONV_CACHE_DIR   folder of the disk cache of built kernels and tuned\n"
    "                     tiles (default ~/.cache/clconv); CLCONV_CACHE=0\n"
    "                     turns it off\n"
    "  CLCONV_BUILD       async (default), sync (wait for each problem's own\n"
    "                     kernels) or generic (never build them)\n";

/* The commands, in the order of the usage text. */
static const struct {
  const char *name;
  int (*run)(int argc, char **argv);
} commands[] = {{"devices", cmd_devices}, {"demo", cmd_demo},
                {"run", cmd_run},         {"fit", cmd_fit},
                {"bench", cmd_bench},     {"tune", cmd_tune},
                {"prepare", cmd_prepare}, {"selftest", cmd_selftest}};
#define COMMAND_COUNT (sizeof commands / sizeof commands[0])

/* Splits every "--name=value" of @p argv into "--name" and "value", so that
 * each command takes both forms, and takes out --quiet. @return the new argv
 * (argc in @p *argc), or NULL when out of memory. */
static char **split_equals(int *argc, char **argv) {
  char **out = malloc((size_t)(2 * *argc + 1) * sizeof *out);
  int n = 0;
  if (out == NULL)
    return NULL;
  for (int i = 0; i < *argc; i++) {
    char *eq = strchr(argv[i], '=');
    /* --quiet, for every command: no word about kernel builds. */
    if (i > 1 && strcmp(argv[i], "--quiet") == 0) {
      cli_set_quiet(1);
      continue;
    }
    if (i > 0 && strncmp(argv[i], "--", 2) == 0 && eq != NULL &&
        eq > argv[i] + 2) {
      *eq = '\0'; /* argv's strings are the program's to change */
      out[n++] = argv[i];
      out[n++] = eq + 1;
    } else {
      out[n++] = argv[i];
    }
  }
  out[n] = NULL;
  *argc = n;
  return out;
}

int main(int argc, char **argv) {
  char **args;
  int code;
  if (argc < 2 || cli_is_help(argv[1])) {
    fputs(usage, argc < 2 ? stderr : stdout);
    return argc < 2 ? CLI_EXIT_USAGE : CLI_EXIT_OK;
  }
  if (strcmp(argv[1], "--version") == 0) {
    printf("clconv %s\n", clconv_version_string());
    return CLI_EXIT_OK;
  }
  for (size_t c = 0; c < COMMAND_COUNT; c++) {
    if (strcmp(argv[1], commands[c].name) != 0)
      continue;
    if ((args = split_equals(&argc, argv)) == NULL) {
      fprintf(stderr, "clconv %s: out of memory\n", commands[c].name);
      return CLI_EXIT_FAILURE;
    }
    char **owned = args; /* MPI_Init may change args */
    cli_set_command(commands[c].name);
    cli_mpi_begin(&argc, &args);
    if (cli_mpi_size() > 1) { /* messages say which process */
      static char label[64];
      snprintf(label, sizeof label, "%s (rank %d of %d)", commands[c].name,
               cli_mpi_rank(), cli_mpi_size());
      cli_set_command(label);
    }
    code = commands[c].run(argc - 1, args + 1);
    cli_mpi_end();
    free(owned);
    return code;
  }
  fprintf(stderr,
          "clconv: unknown command '%s'; the commands are devices, demo, run, "
          "fit, bench, tune, prepare and selftest (see 'clconv --help')\n",
          argv[1]);
  return CLI_EXIT_USAGE;
}
