/* clconv.c: the `clconv` command-line tool: dispatches to its commands. */
#include "cli.h"
#include "commands.h"

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
    "\n"
    "Run 'clconv <command> --help' for a command's options.\n"
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
    "                     turns it off\n";

int main(int argc, char **argv) {
  if (argc < 2 || cli_is_help(argv[1])) {
    fputs(usage, argc < 2 ? stderr : stdout);
    return argc < 2 ? CLI_EXIT_USAGE : CLI_EXIT_OK;
  }
  if (strcmp(argv[1], "--version") == 0) {
    printf("clconv %s\n", clconv_version_string());
    return CLI_EXIT_OK;
  }
  if (strcmp(argv[1], "devices") == 0)
    return cmd_devices(argc - 1, argv + 1);
  if (strcmp(argv[1], "demo") == 0)
    return cmd_demo(argc - 1, argv + 1);
  if (strcmp(argv[1], "run") == 0)
    return cmd_run(argc - 1, argv + 1);
  if (strcmp(argv[1], "fit") == 0)
    return cmd_fit(argc - 1, argv + 1);
  if (strcmp(argv[1], "bench") == 0)
    return cmd_bench(argc - 1, argv + 1);
  if (strcmp(argv[1], "tune") == 0)
    return cmd_tune(argc - 1, argv + 1);
  fprintf(stderr, "clconv: unknown command '%s'\n\n%s", argv[1], usage);
  return CLI_EXIT_USAGE;
}
