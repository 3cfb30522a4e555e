/* device_check.h: what a device must offer for clconv to run on it, checked
 * when devices are listed, so that one that lacks it is never the default
 * and is refused with a message that says what is missing. Pure text and
 * numbers: cl_device.c does the queries. */
#ifndef CLCONV_DEVICE_CHECK_H
#define CLCONV_DEVICE_CHECK_H

#include <stddef.h>

/* The oldest OpenCL version clconv runs on (it needs clEnqueueFillBuffer and
 * separate compilation of programs, both OpenCL 1.2). */
#define CLCONV__DEVICE_MIN_MAJOR 1
#define CLCONV__DEVICE_MIN_MINOR 2

/* Checks a device whose CL_DEVICE_VERSION is @p device_version ("OpenCL
 * 1.2 ...") and whose CL_DEVICE_AVAILABLE and CL_DEVICE_COMPILER_AVAILABLE
 * are @p available and @p compiler_available. @return 1 when clconv can
 * run on it; else 0, with the reason (one sentence, no final period) in
 * @p reason. */
int clconv__device_check_requirements(const char *device_version, int available,
                                      int compiler_available, char *reason,
                                      size_t size);

#endif
