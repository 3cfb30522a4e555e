/* error.c: context messages and the names of OpenCL error codes. */
#include "common/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void format_into(char *buf, size_t buf_size, const char *fmt,
                        va_list args) {
  if (buf == NULL || buf_size == 0)
    return;
  if (vsnprintf(buf, buf_size, fmt, args) < 0)
    buf[0] = '\0';
}

clconv_status clconv__error_fail(clconv_context *ctx, clconv_status status,
                                 const char *fmt, ...) {
  va_list args;
  if (ctx == NULL)
    return status;
  va_start(args, fmt);
  format_into(ctx->message, sizeof ctx->message, fmt, args);
  va_end(args);
  return status;
}

void clconv__error_note(clconv_context *ctx, const char *fmt, ...) {
  char line[1024];
  size_t used;
  va_list args;
  if (ctx == NULL)
    return;
  va_start(args, fmt);
  format_into(line, sizeof line, fmt, args);
  va_end(args);
  if (strstr(ctx->notes, line) != NULL)
    return; /* said already */
  used = strlen(ctx->notes);
  if (used + strlen(line) + 2 > sizeof ctx->notes)
    return; /* full: the first notes stay */
  memcpy(ctx->notes + used, line, strlen(line));
  ctx->notes[used + strlen(line)] = '\n';
  ctx->notes[used + strlen(line) + 1] = '\0';
}

clconv_status clconv__error_fail_buf(char *buf, size_t buf_size,
                                     clconv_status status, const char *fmt,
                                     ...) {
  va_list args;
  va_start(args, fmt);
  format_into(buf, buf_size, fmt, args);
  va_end(args);
  return status;
}

void clconv__error_clear(clconv_context *ctx) {
  if (ctx != NULL)
    ctx->message[0] = '\0';
}

const char *clconv__error_cl_name(cl_int err) {
  switch (err) {
#define CLCONV__CL_ERR(code)                                                   \
  case code:                                                                   \
    return #code;
    CLCONV__CL_ERR(CL_SUCCESS)
    CLCONV__CL_ERR(CL_DEVICE_NOT_FOUND)
    CLCONV__CL_ERR(CL_DEVICE_NOT_AVAILABLE)
    CLCONV__CL_ERR(CL_COMPILER_NOT_AVAILABLE)
    CLCONV__CL_ERR(CL_MEM_OBJECT_ALLOCATION_FAILURE)
    CLCONV__CL_ERR(CL_OUT_OF_RESOURCES)
    CLCONV__CL_ERR(CL_OUT_OF_HOST_MEMORY)
    CLCONV__CL_ERR(CL_PROFILING_INFO_NOT_AVAILABLE)
    CLCONV__CL_ERR(CL_MEM_COPY_OVERLAP)
    CLCONV__CL_ERR(CL_IMAGE_FORMAT_MISMATCH)
    CLCONV__CL_ERR(CL_IMAGE_FORMAT_NOT_SUPPORTED)
    CLCONV__CL_ERR(CL_BUILD_PROGRAM_FAILURE)
    CLCONV__CL_ERR(CL_MAP_FAILURE)
    CLCONV__CL_ERR(CL_MISALIGNED_SUB_BUFFER_OFFSET)
    CLCONV__CL_ERR(CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST)
    CLCONV__CL_ERR(CL_COMPILE_PROGRAM_FAILURE)
    CLCONV__CL_ERR(CL_LINKER_NOT_AVAILABLE)
    CLCONV__CL_ERR(CL_LINK_PROGRAM_FAILURE)
    CLCONV__CL_ERR(CL_DEVICE_PARTITION_FAILED)
    CLCONV__CL_ERR(CL_KERNEL_ARG_INFO_NOT_AVAILABLE)
    CLCONV__CL_ERR(CL_INVALID_VALUE)
    CLCONV__CL_ERR(CL_INVALID_DEVICE_TYPE)
    CLCONV__CL_ERR(CL_INVALID_PLATFORM)
    CLCONV__CL_ERR(CL_INVALID_DEVICE)
    CLCONV__CL_ERR(CL_INVALID_CONTEXT)
    CLCONV__CL_ERR(CL_INVALID_QUEUE_PROPERTIES)
    CLCONV__CL_ERR(CL_INVALID_COMMAND_QUEUE)
    CLCONV__CL_ERR(CL_INVALID_HOST_PTR)
    CLCONV__CL_ERR(CL_INVALID_MEM_OBJECT)
    CLCONV__CL_ERR(CL_INVALID_IMAGE_FORMAT_DESCRIPTOR)
    CLCONV__CL_ERR(CL_INVALID_IMAGE_SIZE)
    CLCONV__CL_ERR(CL_INVALID_SAMPLER)
    CLCONV__CL_ERR(CL_INVALID_BINARY)
    CLCONV__CL_ERR(CL_INVALID_BUILD_OPTIONS)
    CLCONV__CL_ERR(CL_INVALID_PROGRAM)
    CLCONV__CL_ERR(CL_INVALID_PROGRAM_EXECUTABLE)
    CLCONV__CL_ERR(CL_INVALID_KERNEL_NAME)
    CLCONV__CL_ERR(CL_INVALID_KERNEL_DEFINITION)
    CLCONV__CL_ERR(CL_INVALID_KERNEL)
    CLCONV__CL_ERR(CL_INVALID_ARG_INDEX)
    CLCONV__CL_ERR(CL_INVALID_ARG_VALUE)
    CLCONV__CL_ERR(CL_INVALID_ARG_SIZE)
    CLCONV__CL_ERR(CL_INVALID_KERNEL_ARGS)
    CLCONV__CL_ERR(CL_INVALID_WORK_DIMENSION)
    CLCONV__CL_ERR(CL_INVALID_WORK_GROUP_SIZE)
    CLCONV__CL_ERR(CL_INVALID_WORK_ITEM_SIZE)
    CLCONV__CL_ERR(CL_INVALID_GLOBAL_OFFSET)
    CLCONV__CL_ERR(CL_INVALID_EVENT_WAIT_LIST)
    CLCONV__CL_ERR(CL_INVALID_EVENT)
    CLCONV__CL_ERR(CL_INVALID_OPERATION)
    CLCONV__CL_ERR(CL_INVALID_GL_OBJECT)
    CLCONV__CL_ERR(CL_INVALID_BUFFER_SIZE)
    CLCONV__CL_ERR(CL_INVALID_MIP_LEVEL)
    CLCONV__CL_ERR(CL_INVALID_GLOBAL_WORK_SIZE)
    CLCONV__CL_ERR(CL_INVALID_PROPERTY)
    CLCONV__CL_ERR(CL_INVALID_IMAGE_DESCRIPTOR)
    CLCONV__CL_ERR(CL_INVALID_COMPILER_OPTIONS)
    CLCONV__CL_ERR(CL_INVALID_LINKER_OPTIONS)
    CLCONV__CL_ERR(CL_INVALID_DEVICE_PARTITION_COUNT)
#undef CLCONV__CL_ERR
  case -1001:
    return "CL_PLATFORM_NOT_FOUND_KHR";
  default:
    return "unknown OpenCL error";
  }
}

clconv_status clconv__error_status_from_cl(cl_int err) {
  switch (err) {
  case CL_SUCCESS:
    return CLCONV_STATUS_OK;
  case CL_MEM_OBJECT_ALLOCATION_FAILURE:
  case CL_OUT_OF_RESOURCES:
  case CL_OUT_OF_HOST_MEMORY:
    return CLCONV_STATUS_OUT_OF_DEVICE_MEMORY;
  case CL_BUILD_PROGRAM_FAILURE:
    return CLCONV_STATUS_BUILD_FAILED;
  case CL_DEVICE_NOT_FOUND:
    return CLCONV_STATUS_DEVICE_NOT_FOUND;
  case -1001:
    return CLCONV_STATUS_NO_PLATFORM;
  default:
    return CLCONV_STATUS_OPENCL_ERROR;
  }
}

clconv_status clconv__error_fail_cl(clconv_context *ctx, cl_int err,
                                    const char *what) {
  return clconv__error_fail(ctx, clconv__error_status_from_cl(err),
                            "%s failed: %s (%d)", what,
                            clconv__error_cl_name(err), (int)err);
}
