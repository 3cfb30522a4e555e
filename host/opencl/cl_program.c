/* cl_program.c: loads kernel sources (embedded or from CLCONV_KERNEL_DIR),
 * builds them with specializing options and caches the results. */
#include "opencl/cl_program.h"

#include "common/alloc.h"
#include "common/error.h"
#include "common/kernel_options.h"
#include "common/kernel_sources.h"
#include "common/os.h"
#include "opencl/cl_builder.h"
#include "opencl/disk_cache.h"

#include <stdio.h>
#include <string.h>

/* A source text, either borrowed from the embedded table or owned. */
typedef struct source_text {
  const char *text;
  char *owned;
} source_text;

/* Loads @p name (without ".cl") from the kernel folder or the library. */
static clconv_status load_source(clconv_context *ctx, const char *name,
                                 source_text *out) {
  char file[256], path[4096];
  size_t size;
  int err;
  out->text = NULL;
  out->owned = NULL;
  if (ctx->kernel_dir == NULL) {
    const clconv__embedded_source *src = clconv__kernel_sources_find(name);
    CLCONV_RETURN_IF(ctx, src == NULL, CLCONV_STATUS_KERNEL_SOURCE_ERROR,
                     "no kernel source '%s.cl' is embedded in the library",
                     name);
    out->text = src->text;
    return CLCONV_STATUS_OK;
  }
  snprintf(file, sizeof file, "%s.cl", name);
  CLCONV_RETURN_IF(
      ctx, clconv__os_join_path(path, sizeof path, ctx->kernel_dir, file) != 0,
      CLCONV_STATUS_KERNEL_SOURCE_ERROR, "kernel folder path too long: '%s'",
      ctx->kernel_dir);
  err = clconv__os_read_file(path, &out->owned, &size);
  CLCONV_RETURN_IF(ctx, err != 0, CLCONV_STATUS_KERNEL_SOURCE_ERROR,
                   "cannot read kernel source '%s' (from CLCONV_KERNEL_DIR): "
                   "%s",
                   path, strerror(err));
  out->text = out->owned;
  return CLCONV_STATUS_OK;
}

/* Puts the build log of a failed build into the context's message. */
static clconv_status fail_build(clconv_context *ctx, cl_program program,
                                cl_int err, const char *name,
                                const char *options) {
  clconv_status status = err == CL_BUILD_PROGRAM_FAILURE ||
                                 err == CL_INVALID_BUILD_OPTIONS ||
                                 err == CL_COMPILER_NOT_AVAILABLE
                             ? CLCONV_STATUS_BUILD_FAILED
                             : clconv__error_status_from_cl(err);
  size_t log_size = 0;
  char *log = NULL;
  /* Fetches the log; a message without it is still better than none. */
  if (clGetProgramBuildInfo(program, ctx->device, CL_PROGRAM_BUILD_LOG, 0, NULL,
                            &log_size) == CL_SUCCESS &&
      log_size > 0 && (log = clconv__alloc(log_size)) != NULL &&
      clGetProgramBuildInfo(program, ctx->device, CL_PROGRAM_BUILD_LOG,
                            log_size, log, NULL) == CL_SUCCESS) {
    log[log_size - 1] = '\0';
  } else {
    clconv__alloc_free(log);
    log = NULL;
  }
  clconv__error_fail(
      ctx, status,
      "building kernel source '%s.cl' with options '%s' for '%s' "
      "failed: %s (%d); build log:\n%s",
      name, options, ctx->info.device_name, clconv__error_cl_name(err),
      (int)err, log != NULL ? log : "(no build log available)");
  clconv__alloc_free(log);
  return status;
}

/* Creates a program from a cached binary and builds it. @return the program
 * or NULL when the driver refuses the binary. */
static cl_program program_from_binary(clconv_context *ctx,
                                      const unsigned char *binary, size_t size,
                                      const char *options) {
  cl_int err, binary_status = CL_SUCCESS;
  cl_program program = clCreateProgramWithBinary(
      ctx->cl_ctx, 1, &ctx->device, &size, &binary, &binary_status, &err);
  if (program == NULL || err != CL_SUCCESS || binary_status != CL_SUCCESS) {
    if (program != NULL)
      (void)clReleaseProgram(program);
    return NULL;
  }
  if (clBuildProgram(program, 1, &ctx->device, options, NULL, NULL) !=
      CL_SUCCESS) {
    (void)clReleaseProgram(program);
    return NULL;
  }
  return program;
}

/* Builds source @p name (after common.cl) with @p options into @p entry,
 * from the disk cache when it holds a valid binary. */
static clconv_status build_program(clconv_context *ctx, const char *name,
                                   const char *options, const char *kernel_name,
                                   clconv__program *entry) {
  source_text common, body;
  const char *texts[2];
  cl_program program = NULL;
  clconv__disk_cache_key key = {NULL, 0, NULL};
  unsigned char *binary = NULL;
  size_t binary_size = 0;
  double started;
  cl_int err;
  clconv_status status;

  /* Loads the shared prelude and the kernel file. */
  status = load_source(ctx, "common", &common);
  if (status != CLCONV_STATUS_OK)
    return status;
  status = load_source(ctx, name, &body);
  if (status != CLCONV_STATUS_OK)
    goto done;
  texts[0] = common.text;
  texts[1] = body.text;

  /* Tries the disk cache; a binary the driver refuses counts as rejected. */
  if (ctx->cache_dir != NULL &&
      clconv__disk_cache_key_make(ctx, name, options, texts, 2, &key) == 0) {
    switch (clconv__disk_cache_load(ctx, &key, &binary, &binary_size)) {
    case CLCONV__CACHE_HIT:
      /* A probe hands the load to the builder: some implementations
       * (PoCL) serialize program builds, loads included, and the op runs on
       * the generic kernels meanwhile instead of waiting for one. */
      if (ctx->probing &&
          clconv__cl_builder_request(ctx, name, options, kernel_name, texts,
                                     key.text, key.hash, binary,
                                     binary_size) == CLCONV_STATUS_OK) {
        status = CLCONV__STATUS_NOT_READY;
        goto done;
      }
      program = program_from_binary(ctx, binary, binary_size, options);
      if (program != NULL)
        ctx->cache_hits++;
      else
        ctx->cache_rejected++;
      break;
    case CLCONV__CACHE_REJECTED:
      ctx->cache_rejected++;
      break;
    default:
      ctx->cache_misses++;
      break;
    }
    entry->cache_key_text = key.text;
    entry->cache_key_hash = key.hash;
    key.text = NULL;
  }

  /* A probe builds nothing: the program goes to the background builder
   * (when its thread cannot start, it is built here after all). */
  if (program == NULL && ctx->probing) {
    status = clconv__cl_builder_request(ctx, name, options, kernel_name, texts,
                                        entry->cache_key_text,
                                        entry->cache_key_hash, NULL, 0);
    if (status == CLCONV_STATUS_OK) {
      status = CLCONV__STATUS_NOT_READY;
      goto done;
    }
  }

  /* Else builds from source. */
  if (program == NULL) {
    program = clCreateProgramWithSource(ctx->cl_ctx, 2, texts, NULL, &err);
    if (program == NULL || err != CL_SUCCESS) {
      status = clconv__error_fail_cl(ctx, err, "clCreateProgramWithSource");
      goto done;
    }
    started = clconv__os_seconds();
    if (ctx->on_build != NULL)
      ctx->on_build(ctx->on_build_user, name, ctx->info.device_name, 0.0, 0);
    err = clBuildProgram(program, 1, &ctx->device, options, NULL, NULL);
    if (ctx->on_build != NULL)
      ctx->on_build(ctx->on_build_user, name, ctx->info.device_name,
                    clconv__os_seconds() - started, 1);
    if (err != CL_SUCCESS) {
      status = fail_build(ctx, program, err, name, options);
      goto done;
    }
    entry->needs_save = entry->cache_key_text != NULL;
  }
  entry->program = program;
  program = NULL;
done:
  if (program != NULL)
    (void)clReleaseProgram(program);
  clconv__alloc_free(binary);
  clconv__disk_cache_key_free(&key);
  clconv__alloc_free(body.owned);
  clconv__alloc_free(common.owned);
  return status;
}

/* Reads the device binary of @p program (clconv__alloc). */
static unsigned char *program_binary(cl_program program, size_t *size) {
  unsigned char *binary;
  if (clGetProgramInfo(program, CL_PROGRAM_BINARY_SIZES, sizeof *size, size,
                       NULL) != CL_SUCCESS ||
      *size == 0)
    return NULL;
  binary = clconv__alloc(*size);
  if (binary != NULL &&
      clGetProgramInfo(program, CL_PROGRAM_BINARIES, sizeof binary, &binary,
                       NULL) != CL_SUCCESS) {
    clconv__alloc_free(binary);
    binary = NULL;
  }
  return binary;
}

void clconv__cl_program_save_all(clconv_context *ctx) {
  for (clconv__program *e = ctx->programs; e != NULL; e = e->next) {
    clconv__disk_cache_key key;
    unsigned char *binary;
    size_t size = 0;
    if (!e->needs_save || !e->launched)
      continue;
    e->needs_save = 0;
    if (e->binary != NULL) { /* kept by the builder: no driver call */
      binary = e->binary;
      size = e->binary_size;
      e->binary = NULL;
    } else {
      binary = program_binary(e->program, &size);
    }
    key.text = e->cache_key_text;
    key.hash = e->cache_key_hash;
    key.suffix = NULL; /* a program: .clbin */
    if (binary != NULL &&
        clconv__disk_cache_store(ctx, &key, binary, size) == 0)
      ctx->cache_writes++;
    clconv__alloc_free(binary);
  }
}

static void free_entry(clconv__program *entry) {
  for (int i = 0; i < CLCONV__MAX_KERNELS_PER_PROGRAM; i++) {
    if (entry->kernels[i] != NULL)
      (void)clReleaseKernel(entry->kernels[i]);
    clconv__alloc_free(entry->kernel_names[i]);
  }
  if (entry->program != NULL)
    (void)clReleaseProgram(entry->program);
  clconv__alloc_free(entry->binary);
  clconv__alloc_free(entry->cache_key_text);
  clconv__alloc_free(entry->source_name);
  clconv__alloc_free(entry->options);
  clconv__alloc_free(entry);
}

/* A new entry for (name, options), or NULL (the message set). */
static clconv__program *new_entry(clconv_context *ctx, const char *name,
                                  const char *options) {
  clconv__program *entry = clconv__alloc_zeroed(1, sizeof *entry);
  if (entry == NULL ||
      (entry->source_name = clconv__alloc_strdup(name)) == NULL ||
      (entry->options = clconv__alloc_strdup(options)) == NULL) {
    if (entry != NULL)
      free_entry(entry);
    clconv__error_fail(ctx, CLCONV_STATUS_OUT_OF_HOST_MEMORY,
                       "out of host memory caching program '%s'", name);
    return NULL;
  }
  return entry;
}

/* Keeps a program the background builder built in the context, to be
 * stored in the disk cache with the others. @return the entry or NULL. */
static clconv__program *adopt(clconv_context *ctx, const char *name,
                              const char *options, clconv__builder_result *r) {
  clconv__program *entry = new_entry(ctx, name, options);
  if (entry == NULL) {
    if (r->kernel != NULL)
      (void)clReleaseKernel(r->kernel);
    (void)clReleaseProgram(r->program);
    clconv__alloc_free(r->kernel_name);
    clconv__alloc_free(r->key_text);
    clconv__alloc_free(r->binary);
    return NULL;
  }
  if (r->kernel != NULL) {
    entry->kernels[0] = r->kernel;
    entry->kernel_names[0] = r->kernel_name;
  } else {
    clconv__alloc_free(r->kernel_name);
  }
  entry->program = r->program;
  entry->cache_key_text = r->key_text;
  entry->cache_key_hash = r->key_hash;
  /* Built from source: stored from the bytes the builder kept; loaded from
   * the disk cache: nothing to store. */
  entry->binary = r->binary;
  entry->binary_size = r->binary_size;
  entry->needs_save = r->key_text != NULL && r->binary != NULL;
  entry->launched = 1; /* built for an op: worth keeping on disk */
  entry->next = ctx->programs;
  ctx->programs = entry;
  return entry;
}

static void adopt_built(clconv_context *ctx, const char *name,
                        const char *options, clconv__builder_result *r) {
  (void)adopt(ctx, name, options, r);
}

void clconv__cl_program_adopt_background(clconv_context *ctx) {
  clconv__cl_builder_take_all(ctx, adopt_built);
}

/* Finds the cached program for (name, options), or takes it from the
 * background builder, or builds and caches it. */
static clconv_status get_program(clconv_context *ctx, const char *name,
                                 const char *options, const char *kernel_name,
                                 clconv__program **out) {
  clconv__program *entry;
  clconv_status status;
  clconv__builder_result built;
  const char *failure = NULL;
  for (entry = ctx->programs; entry != NULL; entry = entry->next) {
    if (strcmp(entry->source_name, name) == 0 &&
        strcmp(entry->options, options) == 0) {
      *out = entry;
      return CLCONV_STATUS_OK;
    }
  }
  /* Built, or building, in the background: a probe does not wait. */
  switch (clconv__cl_builder_take(ctx, name, options, !ctx->probing, &built,
                                  &failure)) {
  case CLCONV__BUILDER_TAKEN:
    *out = adopt(ctx, name, options, &built);
    return *out != NULL ? CLCONV_STATUS_OK : CLCONV_STATUS_OUT_OF_HOST_MEMORY;
  case CLCONV__BUILDER_PENDING:
    return CLCONV__STATUS_NOT_READY;
  case CLCONV__BUILDER_FAILED:
    /* The op keeps the generic kernels; outside a probe the build below
     * reports the failure. */
    if (ctx->probing) {
      clconv__error_note(ctx, "%s; the generic kernels serve this problem",
                         failure);
      return CLCONV__STATUS_NOT_READY;
    }
    break;
  case CLCONV__BUILDER_NONE:
    break;
  }
  entry = new_entry(ctx, name, options);
  if (entry == NULL)
    return CLCONV_STATUS_OUT_OF_HOST_MEMORY;
  status = build_program(ctx, name, options, kernel_name, entry);
  if (status != CLCONV_STATUS_OK) {
    free_entry(entry);
    return status;
  }
  entry->next = ctx->programs;
  ctx->programs = entry;
  *out = entry;
  return CLCONV_STATUS_OK;
}

/* A kernel built for a fixed work-group size must be able to launch with it:
 * the device's limit for this kernel (CL_KERNEL_WORK_GROUP_SIZE) can be below
 * its limit for any kernel (rusticl on llvmpipe: 32 of 1024). Where it is,
 * the context learns the lower limit and the caller sizes its kernel again. */
static clconv_status check_fixed_group(clconv_context *ctx, cl_kernel kernel,
                                       const char *kernel_name) {
  size_t fixed[3] = {0, 0, 0}, kernel_max = 0, limit = 1;
  if (clGetKernelWorkGroupInfo(kernel, ctx->device,
                               CL_KERNEL_COMPILE_WORK_GROUP_SIZE, sizeof fixed,
                               fixed, NULL) != CL_SUCCESS ||
      fixed[0] == 0 ||
      clGetKernelWorkGroupInfo(kernel, ctx->device, CL_KERNEL_WORK_GROUP_SIZE,
                               sizeof kernel_max, &kernel_max,
                               NULL) != CL_SUCCESS ||
      kernel_max == 0 || fixed[0] * fixed[1] * fixed[2] <= kernel_max)
    return CLCONV_STATUS_OK;
  while (limit * 2 <= kernel_max)
    limit *= 2;
  CLCONV_RETURN_IF(ctx, limit >= ctx->caps.max_work_group_size,
                   CLCONV_STATUS_TOO_LARGE,
                   "%s: built for %zu work-items per group, the device takes "
                   "%zu",
                   kernel_name, fixed[0] * fixed[1] * fixed[2], kernel_max);
  clconv__error_note(ctx,
                     "the device takes at most %zu work-items per group in "
                     "a kernel (it reports %zu for the device): kernels of a "
                     "fixed group size are built for %zu",
                     kernel_max, ctx->info.max_work_group_size, limit);
  ctx->caps.max_work_group_size = limit;
  return CLCONV__STATUS_GROUP_SHRUNK;
}

clconv_status clconv__cl_program_kernel(clconv_context *ctx,
                                        const char *source_name,
                                        const char *options,
                                        const char *kernel_name,
                                        cl_kernel *out) {
  clconv__program *entry = NULL;
  clconv_status status;
  cl_int err;
  int slot;
  *out = NULL;
  CLCONV_RETURN_IF(ctx, options == NULL, CLCONV_STATUS_INVALID_ARGUMENT,
                   "%s.cl: its build options exceed %d characters", source_name,
                   CLCONV__KERNEL_OPTIONS_MAX - 1);
  status = get_program(ctx, source_name, options, kernel_name, &entry);
  if (status == CLCONV__STATUS_NOT_READY) {
    /* A probe goes on without the kernel, to find every missing one. */
    ctx->probe_missing = 1;
    return CLCONV_STATUS_OK;
  }
  CLCONV_FORWARD_IF_ERROR(status);
  entry->launched = 1;

  /* Reuses the kernel object when it exists, else creates it in a free slot. */
  for (slot = 0; slot < CLCONV__MAX_KERNELS_PER_PROGRAM; slot++) {
    if (entry->kernel_names[slot] == NULL)
      break;
    if (strcmp(entry->kernel_names[slot], kernel_name) == 0) {
      *out = entry->kernels[slot];
      return CLCONV_STATUS_OK;
    }
  }
  CLCONV_RETURN_IF(ctx, slot == CLCONV__MAX_KERNELS_PER_PROGRAM,
                   CLCONV_STATUS_INVALID_ARGUMENT,
                   "too many kernels taken from program '%s'", source_name);
  entry->kernel_names[slot] = clconv__alloc_strdup(kernel_name);
  CLCONV_RETURN_IF(ctx, entry->kernel_names[slot] == NULL,
                   CLCONV_STATUS_OUT_OF_HOST_MEMORY,
                   "out of host memory creating kernel '%s'", kernel_name);
  entry->kernels[slot] = clCreateKernel(entry->program, kernel_name, &err);
  if (entry->kernels[slot] == NULL || err != CL_SUCCESS) {
    clconv__alloc_free(entry->kernel_names[slot]);
    entry->kernel_names[slot] = NULL;
    entry->kernels[slot] = NULL;
    return clconv__error_fail(
        ctx, clconv__error_status_from_cl(err),
        "clCreateKernel '%s' from '%s.cl' failed: %s (%d)", kernel_name,
        source_name, clconv__error_cl_name(err), (int)err);
  }
  *out = entry->kernels[slot];
  return check_fixed_group(ctx, *out, kernel_name);
}

void clconv__cl_program_release_all(clconv_context *ctx) {
  clconv__program *entry = ctx->programs;
  while (entry != NULL) {
    clconv__program *next = entry->next;
    free_entry(entry);
    entry = next;
  }
  ctx->programs = NULL;
}
