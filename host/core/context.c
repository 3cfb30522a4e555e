/* context.c: creates and releases contexts: device selection, the OpenCL
 * context and queue, and the options read from the environment. */
#include "core/context.h"
#include "core/quirks.h"

#include "common/abi.h"
#include "common/alloc.h"
#include "common/error.h"
#include "common/os.h"
#include "opencl/cl_builder.h"
#include "opencl/cl_device.h"
#include "opencl/cl_launch.h"
#include "opencl/cl_program.h"
#include "opencl/cl_scratch.h"
#include "opencl/disk_cache.h"
#include "opencl/tuning.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void clconv_context_options_init(clconv_context_options *options,
                                 size_t struct_size) {
  clconv_context_options o;
  memset(&o, 0, sizeof o);
  o.verify = CLCONV_FROM_ENVIRONMENT;
  o.cache = CLCONV_FROM_ENVIRONMENT;
  o.build = CLCONV_FROM_ENVIRONMENT;
  o.self_check = CLCONV_FROM_ENVIRONMENT;
  clconv__abi_init(options, struct_size, &o, sizeof o);
}

/* Whether a switch of the options is on: as the program set it, else as
 * the environment variable @p env says ("1" on, anything else off). */
static int switch_on(int value, const char *env) {
  const char *text;
  if (value != CLCONV_FROM_ENVIRONMENT)
    return value != 0;
  text = clconv__os_getenv(env);
  return text != NULL && strcmp(text, "1") == 0;
}

static void describe_reference(clconv_device_info *info) {
  memset(info, 0, sizeof *info);
  info->platform_index = -1;
  info->device_index = -1;
  info->type = CLCONV_DEVICE_TYPE_REFERENCE;
  snprintf(info->platform_name, sizeof info->platform_name, "clconv");
  snprintf(info->device_name, sizeof info->device_name,
           "reference (plain C, double accumulation)");
  snprintf(info->device_vendor, sizeof info->device_vendor, "clconv");
  snprintf(info->driver_version, sizeof info->driver_version, "%s",
           clconv_version_string());
}

/* Creates the OpenCL context and in-order queue on the selected device. */
static clconv_status open_device(clconv_context *ctx, const char *spec,
                                 const char *origin, char *msg,
                                 size_t msg_size) {
  cl_int err;
  clconv_status status = clconv__cl_device_select(
      spec, origin, &ctx->platform, &ctx->device, &ctx->info, msg, msg_size);
  if (status != CLCONV_STATUS_OK)
    return status;
  ctx->caps = clconv__cl_device_caps(ctx->device, &ctx->info);
  CLCONV_FORWARD_IF_ERROR(
      clconv__quirks_apply(ctx, "clconv_context_create", msg, msg_size));
  ctx->cl_ctx = clCreateContext(NULL, 1, &ctx->device, NULL, NULL, &err);
  if (ctx->cl_ctx == NULL || err != CL_SUCCESS)
    return clconv__error_fail_buf(
        msg, msg_size, clconv__error_status_from_cl(err),
        "clCreateContext on '%s' failed: %s (%d)", ctx->info.device_name,
        clconv__error_cl_name(err), (int)err);
  ctx->queue = clCreateCommandQueue(ctx->cl_ctx, ctx->device, 0, &err);
  if (ctx->queue == NULL || err != CL_SUCCESS)
    return clconv__error_fail_buf(
        msg, msg_size, clconv__error_status_from_cl(err),
        "clCreateCommandQueue on '%s' failed: %s (%d)", ctx->info.device_name,
        clconv__error_cl_name(err), (int)err);
  return CLCONV_STATUS_OK;
}

/* In async mode a problem of fewer floating-point operations per pass than
 * this stays on the generic kernels: they run it in well under a
 * millisecond, and a specialized build (about a second on PoCL) would pay
 * for itself only after thousands of calls. CLCONV_SPECIALIZE_FLOPS sets
 * it (0: specialize every problem). */
#define DEFAULT_SPECIALIZE_FLOPS 1e6

static clconv_status specialize_flops(const char *fn, double *flops,
                                      char *message, size_t message_size) {
  const char *text = clconv__os_getenv("CLCONV_SPECIALIZE_FLOPS");
  char *end = NULL;
  *flops = DEFAULT_SPECIALIZE_FLOPS;
  if (text == NULL || text[0] == '\0')
    return CLCONV_STATUS_OK;
  *flops = strtod(text, &end);
  if (end == text || *end != '\0' || !(*flops >= 0.0))
    return clconv__error_fail_buf(
        message, message_size, CLCONV_STATUS_INVALID_ARGUMENT,
        "%s: CLCONV_SPECIALIZE_FLOPS must be a number >= 0, got '%s'", fn,
        text);
  return CLCONV_STATUS_OK;
}

clconv_status clconv__context_new(const clconv_context_options *given,
                                  const char *fn, clconv_context **out,
                                  char *message, size_t message_size) {
  const clconv_context_options defaults = clconv_context_options_default();
  clconv_context_options full;
  const clconv_context_options *options;
  const char *kernel_dir;
  int build;
  double min_flops;
  clconv_context *ctx;

  *out = NULL;
  if (!clconv__abi_read(&full, sizeof full, &defaults,
                        given != NULL ? given : &defaults))
    return clconv__error_fail_buf(
        message, message_size, CLCONV_STATUS_INVALID_ARGUMENT,
        "%s: options.struct_size is %zu: make options with "
        "clconv_context_options_default()",
        fn, given->struct_size);
  options = &full;
  if (options->verify != 0 && options->verify != 1 &&
      options->verify != CLCONV_FROM_ENVIRONMENT)
    return clconv__error_fail_buf(
        message, message_size, CLCONV_STATUS_INVALID_ARGUMENT,
        "%s: options.verify must be 0, 1 or CLCONV_FROM_ENVIRONMENT, got %d",
        fn, options->verify);
  if (options->cache != 0 && options->cache != 1 &&
      options->cache != CLCONV_FROM_ENVIRONMENT)
    return clconv__error_fail_buf(
        message, message_size, CLCONV_STATUS_INVALID_ARGUMENT,
        "%s: options.cache must be 0, 1 or CLCONV_FROM_ENVIRONMENT, got %d", fn,
        options->cache);
  if (options->build == CLCONV_FROM_ENVIRONMENT) {
    const char *text = clconv__os_getenv("CLCONV_BUILD");
    if (text == NULL || text[0] == '\0' || strcmp(text, "async") == 0)
      build = CLCONV_BUILD_ASYNC;
    else if (strcmp(text, "sync") == 0)
      build = CLCONV_BUILD_SYNC;
    else if (strcmp(text, "generic") == 0)
      build = CLCONV_BUILD_GENERIC;
    else
      return clconv__error_fail_buf(
          message, message_size, CLCONV_STATUS_INVALID_ARGUMENT,
          "%s: CLCONV_BUILD must be async, sync or generic, got '%s'", fn,
          text);
  } else if (options->build >= CLCONV_BUILD_ASYNC &&
             options->build <= CLCONV_BUILD_GENERIC) {
    build = options->build;
  } else {
    return clconv__error_fail_buf(
        message, message_size, CLCONV_STATUS_INVALID_ARGUMENT,
        "%s: options.build must be CLCONV_BUILD_ASYNC, _SYNC, _GENERIC or "
        "CLCONV_FROM_ENVIRONMENT, got %d",
        fn, options->build);
  }
  if (specialize_flops(fn, &min_flops, message, message_size) !=
      CLCONV_STATUS_OK)
    return CLCONV_STATUS_INVALID_ARGUMENT;
  kernel_dir = options->kernel_dir != NULL && options->kernel_dir[0] != '\0'
                   ? options->kernel_dir
                   : clconv__os_getenv("CLCONV_KERNEL_DIR");

  ctx = clconv__alloc_zeroed(1, sizeof *ctx);
  if (ctx == NULL)
    return clconv__error_fail_buf(message, message_size,
                                  CLCONV_STATUS_OUT_OF_HOST_MEMORY,
                                  "%s: out of host memory", fn);
  ctx->verify = switch_on(options->verify, "CLCONV_VERIFY");
  ctx->self_check =
      options->self_check != CLCONV_FROM_ENVIRONMENT
          ? options->self_check != 0
          : clconv__os_getenv("CLCONV_SELF_CHECK") == NULL ||
                strcmp(clconv__os_getenv("CLCONV_SELF_CHECK"), "0") != 0;
  ctx->build_mode = build;
  ctx->specialize_flops = min_flops;
  ctx->on_build = options->on_build;
  ctx->on_build_user = options->on_build_user;
  ctx->verify_sample = options->verify_sample;
  ctx->verify_total.exact = 1;
  if (kernel_dir != NULL) {
    ctx->kernel_dir = clconv__alloc_strdup(kernel_dir);
    if (ctx->kernel_dir == NULL) {
      clconv_context_release(ctx);
      return clconv__error_fail_buf(message, message_size,
                                    CLCONV_STATUS_OUT_OF_HOST_MEMORY,
                                    "%s: out of host memory", fn);
    }
  }

  /* The disk cache: the options, else the environment (best effort: without
   * memory for the path, or in a folder it cannot trust, the cache is off). */
  clconv__disk_cache_open(ctx, options->cache, options->cache_dir);
  ctx->cache_max_bytes = clconv__disk_cache_max_bytes(options->cache_max_bytes);
  *out = ctx;
  return CLCONV_STATUS_OK;
}

clconv_status clconv_context_create(const clconv_context_options *options,
                                    clconv_context **out, char *message,
                                    size_t message_size) {
  static const char *fn = "clconv_context_create";
  const char *spec, *origin;
  clconv_context *ctx;
  clconv_status status;

  if (message != NULL && message_size > 0)
    message[0] = '\0';
  if (out == NULL)
    return clconv__error_fail_buf(message, message_size,
                                  CLCONV_STATUS_INVALID_ARGUMENT,
                                  "%s: out is NULL", fn);
  *out = NULL;
  CLCONV_FORWARD_IF_ERROR(
      clconv__context_new(options, fn, &ctx, message, message_size));

  /* Reads the selection from the options, else from the environment. */
  spec = options != NULL ? options->device : NULL;
  origin = "the device option";
  if (spec == NULL || spec[0] == '\0') {
    spec = clconv__os_getenv("CLCONV_DEVICE");
    origin = "CLCONV_DEVICE";
  }

  /* Opens the device, unless the reference backend was asked for. */
  if (clconv__cl_device_spec_is_reference(spec)) {
    ctx->is_reference = 1;
    describe_reference(&ctx->info);
  } else {
    status = open_device(ctx, spec, origin, message, message_size);
    if (status != CLCONV_STATUS_OK)
      goto fail;
  }
  *out = ctx;
  return CLCONV_STATUS_OK;

fail:
  clconv_context_release(ctx);
  return status;
}

void clconv_context_release(clconv_context *ctx) {
  if (ctx == NULL)
    return;
  /* Waits for the background build under way (the queued ones are
   * dropped) and keeps what was built, so that the next process finds it
   * on disk; saves new binaries once the queue is done; then releases
   * everything. */
  clconv__cl_builder_stop(ctx);
  clconv__cl_program_adopt_background(ctx);
  if (ctx->queue != NULL &&
      clconv__cl_launch_wait(ctx, "clconv_context_release") ==
          CLCONV_STATUS_OK &&
      !ctx->unusable)
    clconv__cl_program_save_all(ctx);
  clconv__cl_builder_free(ctx);
  clconv__cl_program_release_all(ctx);
  clconv__cl_scratch_release(ctx);
  clconv__tuning_release(ctx);
  if (ctx->queue != NULL)
    (void)clReleaseCommandQueue(ctx->queue);
  if (ctx->cl_ctx != NULL)
    (void)clReleaseContext(ctx->cl_ctx);
  clconv__alloc_free(ctx->cache_dir);
  clconv__alloc_free(ctx->kernel_dir);
  clconv__alloc_free(ctx);
}

const char *clconv_context_message(const clconv_context *ctx) {
  return ctx != NULL ? ctx->message : "context is NULL";
}

clconv_status clconv_context_device(const clconv_context *ctx,
                                    clconv_device_info *info) {
  if (ctx == NULL || info == NULL)
    return CLCONV_STATUS_INVALID_ARGUMENT;
  *info = ctx->info;
  return CLCONV_STATUS_OK;
}

clconv_status clconv__context_enter(clconv_context *ctx, const char *fn) {
  if (ctx == NULL)
    return CLCONV_STATUS_INVALID_ARGUMENT;
  clconv__error_clear(ctx);
  CLCONV_RETURN_IF(ctx, ctx->unusable, CLCONV_STATUS_CONTEXT_UNUSABLE,
                   "%s: the context is unusable after an earlier device "
                   "failure; release it and create a new one",
                   fn);
  return CLCONV_STATUS_OK;
}

clconv_status clconv_context_finish(clconv_context *ctx) {
  CLCONV_FORWARD_IF_ERROR(clconv__context_enter(ctx, "clconv_context_finish"));
  if (ctx->is_reference)
    return CLCONV_STATUS_OK;
  CLCONV_FORWARD_IF_ERROR(
      clconv__cl_launch_wait(ctx, "clconv_context_finish: waiting"));
  clconv__cl_program_save_all(ctx);
  return CLCONV_STATUS_OK;
}

clconv_status clconv_context_verify_total(clconv_context *ctx,
                                          clconv_verify_report *report,
                                          int reset) {
  if (ctx == NULL)
    return CLCONV_STATUS_INVALID_ARGUMENT;
  if (report != NULL)
    *report = ctx->verify_total;
  if (reset) {
    memset(&ctx->verify_total, 0, sizeof ctx->verify_total);
    ctx->verify_total.exact = 1;
  }
  return CLCONV_STATUS_OK;
}

clconv_status clconv_context_last_verify(const clconv_context *ctx,
                                         clconv_verify_report *report) {
  if (ctx == NULL || report == NULL)
    return CLCONV_STATUS_INVALID_ARGUMENT;
  *report = ctx->verify_report;
  return CLCONV_STATUS_OK;
}

const char *clconv_context_notes(const clconv_context *ctx) {
  return ctx != NULL ? ctx->notes : "";
}

const char *clconv_context_cache_dir(const clconv_context *ctx) {
  return ctx != NULL && !ctx->is_reference ? ctx->cache_dir : NULL;
}

int clconv_context_builds_pending(clconv_context *ctx) {
  return ctx != NULL && !ctx->is_reference ? clconv__cl_builder_pending(ctx)
                                           : 0;
}

clconv_status clconv_context_wait_builds(clconv_context *ctx) {
  CLCONV_FORWARD_IF_ERROR(
      clconv__context_enter(ctx, "clconv_context_wait_builds"));
  if (ctx->is_reference)
    return CLCONV_STATUS_OK;
  while (clconv__cl_builder_build_next(ctx))
    ;
  clconv__cl_builder_wait_all(ctx);
  clconv__cl_program_adopt_background(ctx);
  return CLCONV_STATUS_OK;
}

int clconv_context_build_next(clconv_context *ctx) {
  if (ctx == NULL || ctx->is_reference)
    return 0;
  return clconv__cl_builder_build_next(ctx);
}
