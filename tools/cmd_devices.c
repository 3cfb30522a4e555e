/* cmd_devices.c: `clconv devices`: lists every OpenCL platform and device. */
#include "cli.h"
#include "cli_options.h"
#include "commands.h"

#include <stdlib.h>
#include <string.h>

static const char *usage =
    "usage: clconv devices [--json]\n"
    "\n"
    "Lists every OpenCL platform and device clconv can use, with its type,\n"
    "compute units, memory and OpenCL C version, and marks the one the "
    "default\n"
    "selection picks. Select a device with --device SPEC or "
    "CLCONV_DEVICE=SPEC,\n"
    "where SPEC is 'reference' (the plain-C backend), 'P:D' (the indices "
    "shown\n"
    "below), 'gpu', 'cpu', or part of a platform or device name.\n"
    "\n"
    "  --json   print a JSON array instead: one object per device (platform,\n"
    "           indices, spec, name, vendor, type, versions, sizes, usable,\n"
    "           default), the reference backend last\n";

/* Prints the devices as a JSON array, the reference backend last. */
static void print_json(const clconv_device_info *infos, size_t count,
                       size_t chosen) {
  printf("[\n");
  for (size_t i = 0; i < count; i++) {
    const clconv_device_info *d = &infos[i];
    printf("  {\"spec\": \"%d:%d\", \"platform_index\": %d, "
           "\"device_index\": %d, \"platform\": ",
           d->platform_index, d->device_index, d->platform_index,
           d->device_index);
    cli_json_string(stdout, d->platform_name);
    printf(", \"name\": ");
    cli_json_string(stdout, d->device_name);
    printf(", \"vendor\": ");
    cli_json_string(stdout, d->device_vendor);
    printf(", \"type\": \"%s\", \"opencl_version\": ",
           clconv_device_type_name(d->type));
    cli_json_string(stdout, d->device_version);
    printf(", \"opencl_c_version\": ");
    cli_json_string(stdout, d->opencl_c_version);
    printf(", \"driver_version\": ");
    cli_json_string(stdout, d->driver_version);
    printf(", \"compute_units\": %u, \"max_clock_mhz\": %u, "
           "\"global_mem_bytes\": %llu, \"max_alloc_bytes\": %llu, "
           "\"local_mem_bytes\": %llu, \"max_work_group_size\": %zu, "
           "\"usable\": %s, \"unusable_reason\": ",
           d->compute_units, d->max_clock_mhz,
           (unsigned long long)d->global_mem_bytes,
           (unsigned long long)d->max_alloc_bytes,
           (unsigned long long)d->local_mem_bytes, d->max_work_group_size,
           d->usable ? "true" : "false");
    cli_json_string(stdout, d->unusable_reason);
    printf(", \"default\": %s},\n", i == chosen ? "true" : "false");
  }
  printf("  {\"spec\": \"reference\", \"name\": \"the plain-C reference "
         "backend\", \"type\": \"reference\", \"usable\": true, "
         "\"default\": false}\n]\n");
}

static void print_size(const char *label, uint64_t bytes) {
  const double gib = 1024.0 * 1024.0 * 1024.0;
  if (bytes >= (uint64_t)gib / 2)
    printf("%s%.1f GiB", label, (double)bytes / gib);
  else
    printf("%s%.0f KiB", label, (double)bytes / 1024.0);
}

int cmd_devices(int argc, char **argv) {
  clconv_device_info *infos = NULL;
  size_t count = 0, chosen = SIZE_MAX;
  char message[1024];
  clconv_status status;
  int last_platform = -1, json = 0;

  {
    static const cli_option table[] = {
        {"--json", CLI_FLAG, 0, NULL, 0, 0, NULL, NULL},
    };
    const int code =
        cli_parse_options("devices", argc, argv, table, 1, &json, usage);
    if (code >= 0)
      return code;
  }

  /* Counts the devices, then lists them. */
  status = clconv_devices_list(NULL, 0, &count, NULL, message, sizeof message);
  if (status == CLCONV_STATUS_OK && count > 0) {
    infos = calloc(count, sizeof *infos);
    if (infos == NULL) {
      fprintf(stderr, "clconv devices: out of memory\n");
      return CLI_EXIT_FAILURE;
    }
    status = clconv_devices_list(infos, count, &count, &chosen, message,
                                 sizeof message);
  }
  /* A machine without OpenCL is no error (the reference backend is still
   * there); a listing that fails is. */
  if (status == CLCONV_STATUS_NO_PLATFORM) {
    if (!json)
      printf("No OpenCL device: %s\n\n", message);
    count = 0;
  } else if (status != CLCONV_STATUS_OK) {
    fprintf(stderr, "clconv devices: cannot list the OpenCL devices: %s: %s\n",
            clconv_status_name(status), message);
    count = 0;
  }

  if (json) {
    if (status == CLCONV_STATUS_OK || status == CLCONV_STATUS_NO_PLATFORM)
      print_json(infos, count, chosen);
    count = 0;
  }
  for (size_t i = 0; i < count; i++) {
    const clconv_device_info *d = &infos[i];
    if (d->platform_index != last_platform) {
      printf("Platform %d: %s (%s)\n", d->platform_index, d->platform_name,
             d->platform_version);
      last_platform = d->platform_index;
    }
    printf("  %d:%d  %s%s\n", d->platform_index, d->device_index,
           d->device_name, i == chosen ? "   <- default" : "");
    printf("       type %s, %u compute units, %u MHz, max work-group %zu\n",
           clconv_device_type_name(d->type), d->compute_units, d->max_clock_mhz,
           d->max_work_group_size);
    print_size("       memory ", d->global_mem_bytes);
    print_size(", largest buffer ", d->max_alloc_bytes);
    print_size(", local ", d->local_mem_bytes);
    printf("\n       %s, %s, driver %s\n", d->device_version,
           d->opencl_c_version, d->driver_version);
    if (d->usable)
      printf("       usable by clconv\n");
    else
      printf("       NOT usable by clconv: %s\n", d->unusable_reason);
  }
  if (!json)
    printf("%sreference  the plain-C reference backend (double accumulation), "
           "always available\n",
           count > 0 ? "\n" : "");
  free(infos);
  return status == CLCONV_STATUS_OK || status == CLCONV_STATUS_NO_PLATFORM
             ? CLI_EXIT_OK
             : CLI_EXIT_FAILURE;
}
