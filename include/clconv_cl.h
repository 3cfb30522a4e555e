/* clconv_cl.h: clconv on an application's own OpenCL objects. Include it
 * after (or instead of) clconv.h in code that already uses OpenCL: a
 * context made on the application's cl_context, device and in-order queue
 * runs every op in that queue, in order with the application's own
 * commands, and tensors can wrap the application's buffers without a copy.
 *
 * Ownership: clconv retains what it is given and releases only its own
 * references; the application's objects stay valid, and stay the
 * application's to release, after clconv's context and tensors are gone. */
#ifndef CLCONV_CL_H
#define CLCONV_CL_H

#include "clconv.h"

#ifndef CL_TARGET_OPENCL_VERSION
#define CL_TARGET_OPENCL_VERSION 120
#endif
#ifdef __APPLE__
#include <OpenCL/opencl.h>
#else
#include <CL/cl.h>
#endif

#ifdef __cplusplus
extern "C" {
#endif

/** Creates a context on the application's @p context, @p device (one of the
 * context's) and @p queue (an in-order queue of that context on that
 * device). The options choose verify mode, the kernel folder and the disk
 * cache as for clconv_context_create(); their device field is ignored.
 * @return OK, INVALID_ARGUMENT (a NULL or mismatched object, an
 *         out-of-order queue), DEVICE_UNSUPPORTED, OPENCL_ERROR,
 *         OUT_OF_HOST_MEMORY; the message says which. */
CLCONV_API clconv_status clconv_context_create_from_cl(
    cl_context context, cl_device_id device, cl_command_queue queue,
    const clconv_context_options *options, clconv_context **out, char *message,
    size_t message_size);

/** Makes a tensor of @p rank dims @p dims whose elements are the floats of
 * the application's @p buffer from byte @p offset on, without a copy. The
 * buffer must belong to the context's cl_context and hold them; @p offset
 * must be a multiple of the device's CL_DEVICE_MEM_BASE_ADDR_ALIGN (a
 * sub-buffer is made for it, with the buffer's own access flags). The
 * tensor retains the buffer; releasing the tensor releases only that
 * reference. An op refuses (INVALID_ARGUMENT, naming the tensor) to write
 * an output on a CL_MEM_READ_ONLY buffer, to read an input on a
 * CL_MEM_WRITE_ONLY one, and to write an output whose bytes overlap an
 * input's in one buffer.
 * @return OK, INVALID_ARGUMENT, WRONG_CONTEXT, TOO_LARGE, OPENCL_ERROR,
 *         OUT_OF_HOST_MEMORY. */
CLCONV_API clconv_status clconv_tensor_wrap_cl(clconv_context *ctx,
                                               cl_mem buffer, size_t offset,
                                               int rank, const int64_t *dims,
                                               clconv_tensor **out);

/** @return the OpenCL buffer that holds @p tensor's elements from its
 * start (NULL for the reference backend or an empty tensor). It stays
 * clconv's: retain it to keep it past the tensor. */
CLCONV_API cl_mem clconv_tensor_cl_mem(const clconv_tensor *tensor);

/** The context's OpenCL objects, for an application that runs its own
 * kernels beside clconv's (NULL for the reference backend). They stay
 * clconv's: retain them to keep them past the context. */
CLCONV_API cl_command_queue clconv_context_cl_queue(const clconv_context *ctx);
CLCONV_API cl_context clconv_context_cl_context(const clconv_context *ctx);

/** Makes every op queued on @p ctx after this call wait for @p events
 * (e.g. the application's writes in another queue of the same cl_context).
 * @return OK, INVALID_ARGUMENT, OPENCL_ERROR. */
CLCONV_API clconv_status clconv_context_wait_cl_events(clconv_context *ctx,
                                                       cl_uint count,
                                                       const cl_event *events);

/** Gives @p *event, which completes when every op queued on @p ctx so far
 * has; the caller releases it with clReleaseEvent.
 * @return OK, INVALID_ARGUMENT, OPENCL_ERROR. */
CLCONV_API clconv_status clconv_context_cl_marker(clconv_context *ctx,
                                                  cl_event *event);

#ifdef __cplusplus
}
#endif

#endif
