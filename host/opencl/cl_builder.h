/* cl_builder.h: builds programs in the background, on a thread the context
 * owns, so that an op can run the generic kernels at once while its
 * specialized programs compile (docs/design.md, "First contact").
 *
 * Contract: the context's own thread hands over a job (source texts, build
 * options, disk-cache key) and later takes the built program back; the
 * builder thread only calls clCreateProgramWithSource and clBuildProgram on
 * the context's cl_context and device and never touches the context
 * otherwise. Jobs run one at a time, in the order requested. A failed build
 * stays recorded (the op keeps the generic kernels), with its log. */
#ifndef CLCONV_CL_BUILDER_H
#define CLCONV_CL_BUILDER_H

#include "core/internal.h"

#include <stddef.h>
#include <stdint.h>

/* What clconv__cl_builder_take() found. */
typedef enum clconv__builder_state {
  CLCONV__BUILDER_NONE = 0,    /* no job for this program */
  CLCONV__BUILDER_PENDING = 1, /* queued or building (only when not waiting) */
  CLCONV__BUILDER_TAKEN = 2,   /* built: the program is the caller's now */
  CLCONV__BUILDER_FAILED = 3   /* its build failed: see failure */
} clconv__builder_state;

/* A program the builder finished, handed over with everything in it
 * (each pointer the taker's now; clconv__alloc). */
typedef struct clconv__builder_result {
  cl_program program;
  cl_kernel kernel; /* kernel_name's object, or NULL: make it */
  char *kernel_name;
  char *key_text; /* the disk-cache key, or NULL when none */
  uint64_t key_hash;
  unsigned char *binary; /* the binary to store, or NULL (it came from the
                            disk cache) */
  size_t binary_size;
} clconv__builder_result;

/* A program to build, and its kernel @p kernel_name made (the builder's
 * thread does what the implementation does then): @p texts are copied; @p
 * key_text (may be NULL, no disk cache) is copied; with @p binary (a disk-cache
 * entry, copied) the job loads it, before the builds still queued, and builds
 * from source only when the driver refuses it. Starts the thread at the first
 * request; a job for the same (name, options) is not queued twice.
 * @return OK, or OUT_OF_HOST_MEMORY / OPENCL_ERROR (no thread) with the
 *         context's message set: the caller then builds it itself. */
clconv_status clconv__cl_builder_request(
    clconv_context *ctx, const char *name, const char *options,
    const char *kernel_name, const char *const texts[2], const char *key_text,
    uint64_t key_hash, const unsigned char *binary, size_t binary_size);

/* Looks for the job of (@p name, @p options). With @p wait, waits while it
 * is queued or building. TAKEN hands over @p result and removes the job;
 * FAILED
 * gives a description of the failure in @p failure (valid until the
 * context is released). */
clconv__builder_state clconv__cl_builder_take(clconv_context *ctx,
                                              const char *name,
                                              const char *options, int wait,
                                              clconv__builder_result *result,
                                              const char **failure);

/* @return the jobs queued or building. */
int clconv__cl_builder_pending(clconv_context *ctx);

/* Builds the first queued job on the calling thread (beside the builder's
 * own). @return 1 when it built one (or saw it fail), 0 when none was
 * queued. */
int clconv__cl_builder_build_next(clconv_context *ctx);

/* Waits until no job is queued or building. */
void clconv__cl_builder_wait_all(clconv_context *ctx);

/* Drops the queued jobs and waits for the one building to end (its
 * program stays to be taken); the thread is gone after. */
void clconv__cl_builder_stop(clconv_context *ctx);

/* Calls @p fn for each job the builder holds built, handing over its
 * program, kernel and key (as take() does). */
void clconv__cl_builder_take_all(clconv_context *ctx,
                                 void (*fn)(clconv_context *ctx,
                                            const char *name,
                                            const char *options,
                                            clconv__builder_result *result));

/* Stops the builder and frees everything it holds. */
void clconv__cl_builder_free(clconv_context *ctx);

#endif
