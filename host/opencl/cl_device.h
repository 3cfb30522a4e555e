/* cl_device.h: OpenCL device discovery, selection by a text specification,
 * and the capabilities that kernel tiles are chosen from. */
#ifndef CLCONV_CL_DEVICE_H
#define CLCONV_CL_DEVICE_H

#include "core/internal.h"

/* 1 when @p spec asks for the reference backend ("reference", any case). */
int clconv__cl_device_spec_is_reference(const char *spec);

/* Finds the device @p spec selects (NULL or "" for the default selection).
 * @p origin names where the spec came from, for the message ("CLCONV_DEVICE").
 * @return OK, NO_PLATFORM, DEVICE_NOT_FOUND, OPENCL_ERROR or
 *         OUT_OF_HOST_MEMORY, with a message in @p msg. */
clconv_status clconv__cl_device_select(const char *spec, const char *origin,
                                       cl_platform_id *platform,
                                       cl_device_id *device,
                                       clconv_device_info *info, char *msg,
                                       size_t msg_size);

/* Describes @p device, one of an application's (platform and device
 * indices -1), with whether clconv can run on it, and gives its platform. */
void clconv__cl_device_describe(cl_device_id device, cl_platform_id *platform,
                                clconv_device_info *info);

/* The capabilities of @p device (described by @p info): its native float
 * vector width and the limits in @p info (device_caps.h). */
clconv__device_caps clconv__cl_device_caps(cl_device_id device,
                                           const clconv_device_info *info);

#endif
