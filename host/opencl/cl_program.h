/* cl_program.h: builds OpenCL programs at run time and caches them per context.
 *
 * Contract: a program is the shared prelude common.cl followed by one kernel
 * file, built with -D options that specialize it. Sources come from the
 * library (embedded at build time) or, when the context has a kernel folder
 * (CLCONV_KERNEL_DIR), from that folder. A program is first looked up in
 * the disk cache (disk_cache.h) and built from source only when no valid
 * binary is there. Built programs and their kernel
 * objects are kept in the context, keyed by (source name, options), until the
 * context is released; kernel objects are never shared between contexts, so
 * contexts in different threads never race on clSetKernelArg. */
#ifndef CLCONV_CL_PROGRAM_H
#define CLCONV_CL_PROGRAM_H

#include "core/internal.h"

/* Gets kernel @p kernel_name from source @p source_name built with @p options
 * (from clconv__kernel_options_string(); NULL, an overflow, fails), building
 * the program on first use. In a probe (cl_tier.h) a program neither in
 * memory nor in the disk cache is queued for the background builder
 * instead: *out is NULL, ctx->probe_missing is set, and OK returned.
 * @return OK, KERNEL_SOURCE_ERROR, BUILD_FAILED (build log in the message),
 *         OUT_OF_HOST_MEMORY or OPENCL_ERROR. */
clconv_status clconv__cl_program_kernel(clconv_context *ctx,
                                        const char *source_name,
                                        const char *options,
                                        const char *kernel_name,
                                        cl_kernel *out);

/* Stores the binaries of programs built from source and launched since in
 * the disk cache (best effort). Call after the queue has finished. */
void clconv__cl_program_save_all(clconv_context *ctx);

/* Keeps in the context every program the background builder has finished
 * (cl_builder.h), so that clconv__cl_program_save_all stores them. */
void clconv__cl_program_adopt_background(clconv_context *ctx);

/* Releases every cached program and kernel of the context. */
void clconv__cl_program_release_all(clconv_context *ctx);

#endif
