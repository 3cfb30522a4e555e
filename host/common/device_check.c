/* device_check.c: whether a device can run clconv, and why not. */
#include "common/device_check.h"

#include <stdio.h>

int clconv__device_check_requirements(const char *device_version, int available,
                                      int compiler_available, char *reason,
                                      size_t size) {
  int major = 0, minor = 0;
  if (sscanf(device_version, "OpenCL %d.%d", &major, &minor) != 2) {
    snprintf(reason, size,
             "its version '%s' is not of the form 'OpenCL M.m ...'",
             device_version);
    return 0;
  }
  if (major < CLCONV__DEVICE_MIN_MAJOR ||
      (major == CLCONV__DEVICE_MIN_MAJOR && minor < CLCONV__DEVICE_MIN_MINOR)) {
    snprintf(reason, size, "it offers OpenCL %d.%d; clconv needs OpenCL %d.%d",
             major, minor, CLCONV__DEVICE_MIN_MAJOR, CLCONV__DEVICE_MIN_MINOR);
    return 0;
  }
  if (!available) {
    snprintf(reason, size, "the driver reports it as not available");
    return 0;
  }
  if (!compiler_available) {
    snprintf(reason, size,
             "it has no OpenCL C compiler, and clconv builds its kernels at "
             "run time");
    return 0;
  }
  if (size > 0)
    reason[0] = '\0';
  return 1;
}
