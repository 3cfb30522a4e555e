/* interop.c: clconv on an application's own OpenCL objects
 * (include/clconv_cl.h): a context on its cl_context, device and queue,
 * tensors on its buffers, and events to order work with it. */
#include "clconv_cl.h"

#include "common/error.h"
#include "core/context.h"
#include "core/quirks.h"
#include "core/tensor.h"
#include "opencl/cl_device.h"

#include <string.h>

/* Checks that @p device is one of @p context's and that @p queue is an
 * in-order queue of both; the reason goes into @p message. */
static clconv_status check_objects(cl_context context, cl_device_id device,
                                   cl_command_queue queue, const char *fn,
                                   char *message, size_t message_size) {
  cl_device_id devices[64];
  size_t bytes = 0;
  cl_context queue_context = NULL;
  cl_device_id queue_device = NULL;
  cl_command_queue_properties properties = 0;
  int found = 0;
  cl_int err;
  if (context == NULL || device == NULL || queue == NULL)
    return clconv__error_fail_buf(message, message_size,
                                  CLCONV_STATUS_INVALID_ARGUMENT,
                                  "%s: %s is NULL", fn,
                                  context == NULL  ? "context"
                                  : device == NULL ? "device"
                                                   : "queue");
  err = clGetContextInfo(context, CL_CONTEXT_DEVICES, sizeof devices, devices,
                         &bytes);
  if (err != CL_SUCCESS)
    return clconv__error_fail_buf(
        message, message_size, CLCONV_STATUS_INVALID_ARGUMENT,
        "%s: clGetContextInfo(context) failed: %s (%d); is it a cl_context?",
        fn, clconv__error_cl_name(err), (int)err);
  for (size_t i = 0; i < bytes / sizeof *devices; i++)
    found |= devices[i] == device;
  if (!found)
    return clconv__error_fail_buf(message, message_size,
                                  CLCONV_STATUS_INVALID_ARGUMENT,
                                  "%s: device is not one of context's", fn);
  err = clGetCommandQueueInfo(queue, CL_QUEUE_CONTEXT, sizeof queue_context,
                              &queue_context, NULL);
  if (err == CL_SUCCESS)
    err = clGetCommandQueueInfo(queue, CL_QUEUE_DEVICE, sizeof queue_device,
                                &queue_device, NULL);
  if (err == CL_SUCCESS)
    err = clGetCommandQueueInfo(queue, CL_QUEUE_PROPERTIES, sizeof properties,
                                &properties, NULL);
  if (err != CL_SUCCESS)
    return clconv__error_fail_buf(
        message, message_size, CLCONV_STATUS_INVALID_ARGUMENT,
        "%s: clGetCommandQueueInfo(queue) failed: %s (%d); is it a "
        "cl_command_queue?",
        fn, clconv__error_cl_name(err), (int)err);
  if (queue_context != context || queue_device != device)
    return clconv__error_fail_buf(
        message, message_size, CLCONV_STATUS_INVALID_ARGUMENT,
        "%s: queue belongs to another %s", fn,
        queue_context != context ? "context" : "device");
  if (properties & CL_QUEUE_OUT_OF_ORDER_EXEC_MODE_ENABLE)
    return clconv__error_fail_buf(
        message, message_size, CLCONV_STATUS_INVALID_ARGUMENT,
        "%s: queue executes out of order; clconv needs an in-order queue", fn);
  return CLCONV_STATUS_OK;
}

clconv_status clconv_context_create_from_cl(
    cl_context context, cl_device_id device, cl_command_queue queue,
    const clconv_context_options *options, clconv_context **out, char *message,
    size_t message_size) {
  static const char *fn = "clconv_context_create_from_cl";
  clconv_context *ctx;
  if (message != NULL && message_size > 0)
    message[0] = '\0';
  if (out == NULL)
    return clconv__error_fail_buf(message, message_size,
                                  CLCONV_STATUS_INVALID_ARGUMENT,
                                  "%s: out is NULL", fn);
  *out = NULL;
  {
    char reason[600];
    if (!clconv__cl_loader_load(reason, sizeof reason))
      return clconv__error_fail_buf(message, message_size,
                                    CLCONV_STATUS_NO_PLATFORM, "%s: %s", fn,
                                    reason);
  }
  CLCONV_FORWARD_IF_ERROR(
      check_objects(context, device, queue, fn, message, message_size));
  CLCONV_FORWARD_IF_ERROR(
      clconv__context_new(options, fn, &ctx, message, message_size));

  /* The device must be one clconv runs on; then the objects are adopted,
   * each retained once and released once by clconv_context_release. */
  clconv__cl_device_describe(device, &ctx->platform, &ctx->info);
  if (!ctx->info.usable) {
    const clconv_status status = clconv__error_fail_buf(
        message, message_size, CLCONV_STATUS_DEVICE_UNSUPPORTED,
        "%s: the device '%s' cannot run clconv: %s", fn, ctx->info.device_name,
        ctx->info.unusable_reason);
    clconv_context_release(ctx);
    return status;
  }
  ctx->caps = clconv__cl_device_caps(device, &ctx->info);
  {
    const clconv_status status =
        clconv__quirks_apply(ctx, fn, message, message_size);
    if (status != CLCONV_STATUS_OK) {
      clconv_context_release(ctx);
      return status;
    }
  }
  ctx->device = device;
  (void)clRetainContext(context);
  ctx->cl_ctx = context;
  (void)clRetainCommandQueue(queue);
  ctx->queue = queue;
  *out = ctx;
  return CLCONV_STATUS_OK;
}

/* Checks that @p buffer, of @p ctx's cl_context, holds @p bytes from
 * @p offset, and an offset's alignment; @p *parent receives the buffer's
 * parent when it is a sub-buffer. */
static clconv_status check_buffer(clconv_context *ctx, const char *fn,
                                  cl_mem buffer, size_t offset, size_t bytes,
                                  cl_mem *parent) {
  cl_context owner = NULL;
  size_t size = 0;
  cl_uint align_bits = 0;
  cl_int err;
  CLCONV_RETURN_IF(ctx, ctx->is_reference, CLCONV_STATUS_INVALID_ARGUMENT,
                   "%s: the reference backend has no OpenCL buffers", fn);
  CLCONV_RETURN_IF(ctx, buffer == NULL, CLCONV_STATUS_INVALID_ARGUMENT,
                   "%s: buffer is NULL", fn);
  err = clGetMemObjectInfo(buffer, CL_MEM_CONTEXT, sizeof owner, &owner, NULL);
  if (err == CL_SUCCESS)
    err = clGetMemObjectInfo(buffer, CL_MEM_SIZE, sizeof size, &size, NULL);
  if (err == CL_SUCCESS)
    err = clGetMemObjectInfo(buffer, CL_MEM_ASSOCIATED_MEMOBJECT,
                             sizeof *parent, parent, NULL);
  CLCONV_RETURN_IF(
      ctx, err != CL_SUCCESS, CLCONV_STATUS_INVALID_ARGUMENT,
      "%s: clGetMemObjectInfo(buffer) failed: %s (%d); is it a buffer?", fn,
      clconv__error_cl_name(err), (int)err);
  CLCONV_RETURN_IF(ctx, owner != ctx->cl_ctx, CLCONV_STATUS_WRONG_CONTEXT,
                   "%s: buffer belongs to another cl_context", fn);
  CLCONV_RETURN_IF(ctx, offset > size || bytes > size - offset,
                   CLCONV_STATUS_INVALID_ARGUMENT,
                   "%s: buffer holds %zu bytes, too few for %zu from offset "
                   "%zu",
                   fn, size, bytes, offset);
  if (offset == 0 || bytes == 0)
    return CLCONV_STATUS_OK;
  /* From an offset: a sub-buffer, which the device allows only at its
   * alignment and only of a whole buffer. */
  (void)clGetDeviceInfo(ctx->device, CL_DEVICE_MEM_BASE_ADDR_ALIGN,
                        sizeof align_bits, &align_bits, NULL);
  CLCONV_RETURN_IF(ctx, align_bits >= 8 && offset % (align_bits / 8) != 0,
                   CLCONV_STATUS_INVALID_ARGUMENT,
                   "%s: offset %zu is not a multiple of the device's "
                   "CL_DEVICE_MEM_BASE_ADDR_ALIGN, %u bytes",
                   fn, offset, (unsigned)(align_bits / 8));
  CLCONV_RETURN_IF(ctx, *parent != NULL, CLCONV_STATUS_INVALID_ARGUMENT,
                   "%s: buffer is a sub-buffer; give its parent and the "
                   "offset",
                   fn);
  return CLCONV_STATUS_OK;
}

clconv_status clconv_tensor_wrap_cl(clconv_context *ctx, cl_mem buffer,
                                    size_t offset, int rank,
                                    const int64_t *dims, clconv_tensor **out) {
  static const char *fn = "clconv_tensor_wrap_cl";
  cl_mem parent = NULL;
  clconv_tensor *t;
  clconv_status status;
  cl_int err = CL_SUCCESS;
  CLCONV_FORWARD_IF_ERROR(clconv__tensor_new(ctx, fn, rank, dims, out));
  t = *out;
  *out = NULL;
  status = check_buffer(ctx, fn, buffer, offset, t->bytes, &parent);
  if (status != CLCONV_STATUS_OK) {
    clconv_tensor_release(t);
    return status;
  }
  /* Where its bytes lie in the whole buffer, and how kernels may use it. */
  {
    size_t sub_offset = 0;
    cl_mem_flags flags = 0;
    if (parent != NULL)
      (void)clGetMemObjectInfo(buffer, CL_MEM_OFFSET, sizeof sub_offset,
                               &sub_offset, NULL);
    (void)clGetMemObjectInfo(buffer, CL_MEM_FLAGS, sizeof flags, &flags, NULL);
    t->base = parent != NULL ? parent : buffer;
    t->base_offset = sub_offset + offset;
    t->access = flags & (CL_MEM_READ_ONLY | CL_MEM_WRITE_ONLY);
  }
  if (t->bytes > 0 && offset == 0) {
    (void)clRetainMemObject(buffer);
    t->mem = buffer;
  } else if (t->bytes > 0) {
    const cl_buffer_region region = {offset, t->bytes};
    t->mem = clCreateSubBuffer(buffer, 0, /* the buffer's own access */
                               CL_BUFFER_CREATE_TYPE_REGION, &region, &err);
    if (t->mem == NULL || err != CL_SUCCESS) {
      t->mem = NULL;
      clconv_tensor_release(t);
      return clconv__error_fail_cl(ctx, err,
                                   "clconv_tensor_wrap_cl: clCreateSubBuffer");
    }
  }
  *out = t; /* an empty tensor needs no storage */
  return CLCONV_STATUS_OK;
}

cl_mem clconv_tensor_cl_mem(const clconv_tensor *tensor) {
  return tensor != NULL ? tensor->mem : NULL;
}

cl_command_queue clconv_context_cl_queue(const clconv_context *ctx) {
  return ctx != NULL ? ctx->queue : NULL;
}

cl_context clconv_context_cl_context(const clconv_context *ctx) {
  return ctx != NULL ? ctx->cl_ctx : NULL;
}

clconv_status clconv_context_wait_cl_events(clconv_context *ctx, cl_uint count,
                                            const cl_event *events) {
  static const char *fn = "clconv_context_wait_cl_events";
  cl_int err;
  CLCONV_FORWARD_IF_ERROR(clconv__context_enter(ctx, fn));
  CLCONV_RETURN_IF(ctx, ctx->is_reference, CLCONV_STATUS_INVALID_ARGUMENT,
                   "%s: the reference backend has no queue", fn);
  CLCONV_RETURN_IF(ctx, count > 0 && events == NULL,
                   CLCONV_STATUS_INVALID_ARGUMENT,
                   "%s: events is NULL but count is %u", fn, (unsigned)count);
  if (count == 0)
    return CLCONV_STATUS_OK;
  err = clEnqueueBarrierWithWaitList(ctx->queue, count, events, NULL);
  if (err != CL_SUCCESS)
    return clconv__error_fail_cl(
        ctx, err,
        "clconv_context_wait_cl_events: clEnqueueBarrierWithWaitList");
  return CLCONV_STATUS_OK;
}

clconv_status clconv_context_cl_marker(clconv_context *ctx, cl_event *event) {
  static const char *fn = "clconv_context_cl_marker";
  cl_int err;
  CLCONV_FORWARD_IF_ERROR(clconv__context_enter(ctx, fn));
  CLCONV_RETURN_IF(ctx, event == NULL, CLCONV_STATUS_INVALID_ARGUMENT,
                   "%s: event is NULL", fn);
  *event = NULL;
  CLCONV_RETURN_IF(ctx, ctx->is_reference, CLCONV_STATUS_INVALID_ARGUMENT,
                   "%s: the reference backend has no queue", fn);
  err = clEnqueueMarkerWithWaitList(ctx->queue, 0, NULL, event);
  if (err != CL_SUCCESS)
    return clconv__error_fail_cl(
        ctx, err, "clconv_context_cl_marker: clEnqueueMarkerWithWaitList");
  return CLCONV_STATUS_OK;
}
