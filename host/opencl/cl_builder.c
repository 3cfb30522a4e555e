/* cl_builder.c: the background program builder (see cl_builder.h). */
#include "opencl/cl_builder.h"

#include "common/alloc.h"
#include "common/error.h"
#include "common/os.h"
#include "common/threads.h"

#include <stdio.h>
#include <string.h>

typedef enum job_state { QUEUED, BUILDING, BUILT, FAILED } job_state;

typedef struct builder_job {
  char *name, *options, *kernel_name;
  char *texts[2];
  char *key_text;
  uint64_t key_hash;
  unsigned char *binary; /* a disk-cache binary to load, else NULL */
  size_t binary_size;
  job_state state;
  cl_program program;          /* BUILT */
  cl_kernel kernel;            /* BUILT: kernel_name's object, or NULL */
  unsigned char *built_binary; /* BUILT from source: its binary to store */
  size_t built_size;
  char *failure; /* FAILED: what happened, with the build log */
  struct builder_job *next;
} builder_job;

struct clconv__builder {
  clconv__mutex lock;
  clconv__cond changed;
  clconv__thread thread;
  int running; /* the thread exists */
  int stop;    /* asks the thread to end */
  cl_context cl_ctx;
  cl_device_id device;
  builder_job *jobs; /* in request order */
};

static void job_free(builder_job *j) {
  if (j == NULL)
    return;
  if (j->kernel != NULL)
    (void)clReleaseKernel(j->kernel);
  if (j->program != NULL)
    (void)clReleaseProgram(j->program);
  clconv__alloc_free(j->kernel_name);
  clconv__alloc_free(j->failure);
  clconv__alloc_free(j->built_binary);
  clconv__alloc_free(j->binary);
  clconv__alloc_free(j->key_text);
  clconv__alloc_free(j->texts[1]);
  clconv__alloc_free(j->texts[0]);
  clconv__alloc_free(j->options);
  clconv__alloc_free(j->name);
  clconv__alloc_free(j);
}

/* Describes a failed build of @p j (clconv__alloc), with the build log. */
static char *describe_failure(clconv__builder *b, const builder_job *j,
                              cl_program program, cl_int err) {
  size_t log_size = 0, size;
  char *log = NULL, *text;
  if (program != NULL &&
      clGetProgramBuildInfo(program, b->device, CL_PROGRAM_BUILD_LOG, 0, NULL,
                            &log_size) == CL_SUCCESS &&
      log_size > 0 && (log = clconv__alloc(log_size)) != NULL &&
      clGetProgramBuildInfo(program, b->device, CL_PROGRAM_BUILD_LOG, log_size,
                            log, NULL) == CL_SUCCESS) {
    log[log_size - 1] = '\0';
  } else {
    clconv__alloc_free(log);
    log = NULL;
  }
  size = strlen(j->name) + strlen(j->options) + (log ? strlen(log) : 0) + 160;
  text = clconv__alloc(size);
  if (text != NULL)
    snprintf(text, size,
             "building '%s.cl' with '%s' in the background failed: %s (%d); "
             "build log:\n%s",
             j->name, j->options, clconv__error_cl_name(err), (int)err,
             log != NULL ? log : "(none)");
  clconv__alloc_free(log);
  return text;
}

/* @p program again, made from its own device binary, or NULL. Some
 * implementations (PoCL) compile a kernel's machine code only when its
 * binary is asked for, or else at its first launch: asked for here, that
 * work stays on the builder's thread, and the context's thread later
 * launches code that is ready. */
static cl_program from_own_binary(clconv__builder *b, cl_program program,
                                  const char *options, builder_job *j) {
  size_t size = 0;
  unsigned char *binary;
  cl_program made = NULL;
  cl_int err = CL_SUCCESS, binary_status = CL_SUCCESS;
  if (clGetProgramInfo(program, CL_PROGRAM_BINARY_SIZES, sizeof size, &size,
                       NULL) != CL_SUCCESS ||
      size == 0 || (binary = clconv__alloc(size)) == NULL)
    return NULL;
  if (clGetProgramInfo(program, CL_PROGRAM_BINARIES, sizeof binary, &binary,
                       NULL) == CL_SUCCESS) {
    const unsigned char *bytes = binary;
    made = clCreateProgramWithBinary(b->cl_ctx, 1, &b->device, &size, &bytes,
                                     &binary_status, &err);
    if (made != NULL && (err != CL_SUCCESS || binary_status != CL_SUCCESS ||
                         clBuildProgram(made, 1, &b->device, options, NULL,
                                        NULL) != CL_SUCCESS)) {
      (void)clReleaseProgram(made);
      made = NULL;
    }
  }
  if (made != NULL) { /* the context's thread stores it without asking */
    j->built_binary = binary;
    j->built_size = size;
  } else {
    clconv__alloc_free(binary);
  }
  return made;
}

/* The kernel @p name of @p program, made here too (some implementations
 * do work then), or NULL: the context's thread then makes it. */
static cl_kernel make_kernel(cl_program program, const char *name) {
  cl_int err = CL_SUCCESS;
  cl_kernel kernel = clCreateKernel(program, name, &err);
  if (kernel != NULL && err != CL_SUCCESS) {
    (void)clReleaseKernel(kernel);
    kernel = NULL;
  }
  return kernel;
}

/* The program of a disk-cache binary, or NULL when the driver refuses it. */
static cl_program from_binary(clconv__builder *b, const builder_job *j) {
  const unsigned char *bytes = j->binary;
  size_t size = j->binary_size;
  cl_int err = CL_SUCCESS, binary_status = CL_SUCCESS;
  cl_program program = clCreateProgramWithBinary(
      b->cl_ctx, 1, &b->device, &size, &bytes, &binary_status, &err);
  if (program != NULL && (err != CL_SUCCESS || binary_status != CL_SUCCESS ||
                          clBuildProgram(program, 1, &b->device, j->options,
                                         NULL, NULL) != CL_SUCCESS)) {
    (void)clReleaseProgram(program);
    program = NULL;
  }
  return program;
}

/* Builds @p j (from its binary, else from source); the lock is not held. */
static void build(clconv__builder *b, builder_job *j) {
  const char *texts[2] = {j->texts[0], j->texts[1]};
  cl_kernel kernel;
  cl_int err = CL_SUCCESS;
  cl_program program = j->binary != NULL ? from_binary(b, j) : NULL;
  if (program != NULL) {
    kernel = make_kernel(program, j->kernel_name);
    clconv__threads_lock(&b->lock);
    j->program = program;
    j->kernel = kernel;
    j->state = BUILT;
    clconv__threads_cond_broadcast(&b->changed);
    clconv__threads_unlock(&b->lock);
    return;
  }
  program = clCreateProgramWithSource(b->cl_ctx, 2, texts, NULL, &err);
  if (program != NULL && err == CL_SUCCESS)
    err = clBuildProgram(program, 1, &b->device, j->options, NULL, NULL);
  else if (err == CL_SUCCESS)
    err = CL_OUT_OF_HOST_MEMORY;
  if (err == CL_SUCCESS) {
    cl_program ready = from_own_binary(b, program, j->options, j);
    if (ready != NULL) { /* else the source build serves as it is */
      (void)clReleaseProgram(program);
      program = ready;
    }
  }
  kernel = err == CL_SUCCESS ? make_kernel(program, j->kernel_name) : NULL;
  clconv__threads_lock(&b->lock);
  if (err == CL_SUCCESS) {
    j->program = program;
    j->kernel = kernel;
    j->state = BUILT;
  } else {
    j->failure = describe_failure(b, j, program, err);
    if (program != NULL)
      (void)clReleaseProgram(program);
    j->state = FAILED;
  }
  clconv__threads_cond_broadcast(&b->changed);
  clconv__threads_unlock(&b->lock);
}

/* The builder thread: the first queued job, until asked to stop. */
static void run(void *arg) {
  clconv__builder *b = arg;
  clconv__threads_lock(&b->lock);
  for (;;) {
    builder_job *j = b->jobs;
    while (j != NULL && j->state != QUEUED)
      j = j->next;
    if (b->stop)
      break;
    if (j == NULL) {
      clconv__threads_cond_wait(&b->changed, &b->lock);
      continue;
    }
    j->state = BUILDING;
    clconv__threads_unlock(&b->lock);
    build(b, j);
    clconv__threads_lock(&b->lock);
  }
  clconv__threads_unlock(&b->lock);
}

/* Implementations that crash when a second thread builds a program while
 * the first works (found by running the demo on each): their programs are
 * built on the caller's thread, as in sync mode. Oclgrind 21.10: "double
 * free or corruption" in its program build. */
static const char *const single_threaded_builds[] = {"Oclgrind"};

/* Makes the builder of @p ctx and starts its thread. */
static clconv_status start(clconv_context *ctx) {
  clconv__builder *b;
  for (size_t i = 0;
       i < sizeof single_threaded_builds / sizeof single_threaded_builds[0];
       i++)
    if (strstr(ctx->info.platform_name, single_threaded_builds[i]) != NULL) {
      clconv__error_note(ctx,
                         "%s builds programs on one thread only: kernels are "
                         "built when first needed, as in sync mode",
                         single_threaded_builds[i]);
      return clconv__error_fail(ctx, CLCONV_STATUS_OPENCL_ERROR,
                                "%s builds programs on one thread only",
                                single_threaded_builds[i]);
    }
  b = clconv__alloc_zeroed(1, sizeof *b);
  CLCONV_RETURN_IF(ctx, b == NULL, CLCONV_STATUS_OUT_OF_HOST_MEMORY,
                   "out of host memory for the background builder");
  b->cl_ctx = ctx->cl_ctx;
  b->device = ctx->device;
  if (clconv__threads_mutex_init(&b->lock) != 0) {
    clconv__alloc_free(b);
    return clconv__error_fail(ctx, CLCONV_STATUS_OUT_OF_HOST_MEMORY,
                              "cannot make the background builder's lock");
  }
  if (clconv__threads_cond_init(&b->changed) != 0) {
    clconv__threads_mutex_destroy(&b->lock);
    clconv__alloc_free(b);
    return clconv__error_fail(ctx, CLCONV_STATUS_OUT_OF_HOST_MEMORY,
                              "cannot make the background builder's signal");
  }
  if (clconv__threads_start(&b->thread, run, b) != 0) {
    clconv__threads_cond_destroy(&b->changed);
    clconv__threads_mutex_destroy(&b->lock);
    clconv__alloc_free(b);
    return clconv__error_fail(ctx, CLCONV_STATUS_OUT_OF_HOST_MEMORY,
                              "cannot start the background builder's thread");
  }
  b->running = 1;
  ctx->builder = b;
  return CLCONV_STATUS_OK;
}

static builder_job *find(clconv__builder *b, const char *name,
                         const char *options) {
  for (builder_job *j = b->jobs; j != NULL; j = j->next)
    if (strcmp(j->name, name) == 0 && strcmp(j->options, options) == 0)
      return j;
  return NULL;
}

clconv_status clconv__cl_builder_request(
    clconv_context *ctx, const char *name, const char *options,
    const char *kernel_name, const char *const texts[2], const char *key_text,
    uint64_t key_hash, const unsigned char *binary, size_t binary_size) {
  clconv__builder *b;
  builder_job *j, **tail;
  if (ctx->builder == NULL)
    CLCONV_FORWARD_IF_ERROR(start(ctx));
  b = ctx->builder;
  CLCONV_RETURN_IF(ctx, !b->running, CLCONV_STATUS_OPENCL_ERROR,
                   "the background builder has stopped");
  clconv__threads_lock(&b->lock);
  j = find(b, name, options);
  clconv__threads_unlock(&b->lock);
  if (j != NULL)
    return CLCONV_STATUS_OK;
  j = clconv__alloc_zeroed(1, sizeof *j);
  if (j == NULL || (j->name = clconv__alloc_strdup(name)) == NULL ||
      (j->options = clconv__alloc_strdup(options)) == NULL ||
      (j->kernel_name = clconv__alloc_strdup(kernel_name)) == NULL ||
      (j->texts[0] = clconv__alloc_strdup(texts[0])) == NULL ||
      (j->texts[1] = clconv__alloc_strdup(texts[1])) == NULL ||
      (key_text != NULL &&
       (j->key_text = clconv__alloc_strdup(key_text)) == NULL)) {
    job_free(j);
    return clconv__error_fail(ctx, CLCONV_STATUS_OUT_OF_HOST_MEMORY,
                              "out of host memory queueing '%s.cl'", name);
  }
  if (binary != NULL) {
    j->binary = clconv__alloc(binary_size);
    if (j->binary == NULL) {
      job_free(j);
      return clconv__error_fail(ctx, CLCONV_STATUS_OUT_OF_HOST_MEMORY,
                                "out of host memory queueing '%s.cl'", name);
    }
    memcpy(j->binary, binary, binary_size);
    j->binary_size = binary_size;
  }
  j->key_hash = key_hash;
  j->state = QUEUED;
  clconv__threads_lock(&b->lock);
  /* A load takes milliseconds: before every build still queued. */
  for (tail = &b->jobs;
       *tail != NULL && (binary == NULL || (*tail)->state != QUEUED);
       tail = &(*tail)->next)
    ;
  j->next = *tail;
  *tail = j;
  clconv__threads_cond_broadcast(&b->changed);
  clconv__threads_unlock(&b->lock);
  return CLCONV_STATUS_OK;
}

/* Hands @p j's program and what comes with it to @p r. */
static void hand_over(builder_job *j, clconv__builder_result *r) {
  r->program = j->program;
  r->kernel = j->kernel;
  r->kernel_name = j->kernel_name;
  r->key_text = j->key_text;
  r->key_hash = j->key_hash;
  r->binary = j->built_binary;
  r->binary_size = j->built_size;
  j->program = NULL;
  j->kernel = NULL;
  j->kernel_name = NULL;
  j->key_text = NULL;
  j->built_binary = NULL;
}

/* Unlinks @p j from the jobs. The lock is held. */
static void unlink_job(clconv__builder *b, builder_job *j) {
  for (builder_job **p = &b->jobs; *p != NULL; p = &(*p)->next)
    if (*p == j) {
      *p = j->next;
      return;
    }
}

clconv__builder_state clconv__cl_builder_take(clconv_context *ctx,
                                              const char *name,
                                              const char *options, int wait,
                                              clconv__builder_result *result,
                                              const char **failure) {
  clconv__builder *b = ctx->builder;
  builder_job *j;
  clconv__builder_state state;
  if (b == NULL)
    return CLCONV__BUILDER_NONE;
  clconv__threads_lock(&b->lock);
  j = find(b, name, options);
  while (wait && j != NULL && b->running &&
         (j->state == QUEUED || j->state == BUILDING)) {
    clconv__threads_cond_wait(&b->changed, &b->lock);
    j = find(b, name, options);
  }
  if (j == NULL || j->state == QUEUED || j->state == BUILDING) {
    /* Not running any more: a queued job will never be built. */
    state = j == NULL || !b->running ? CLCONV__BUILDER_NONE
                                     : CLCONV__BUILDER_PENDING;
    if (j != NULL && !b->running) {
      unlink_job(b, j);
      job_free(j);
    }
  } else if (j->state == FAILED) {
    *failure = j->failure != NULL ? j->failure : "a background build failed";
    state = CLCONV__BUILDER_FAILED;
  } else {
    hand_over(j, result);
    unlink_job(b, j);
    job_free(j);
    state = CLCONV__BUILDER_TAKEN;
  }
  clconv__threads_unlock(&b->lock);
  return state;
}

int clconv__cl_builder_pending(clconv_context *ctx) {
  clconv__builder *b = ctx->builder;
  int count = 0;
  if (b == NULL)
    return 0;
  clconv__threads_lock(&b->lock);
  for (builder_job *j = b->jobs; j != NULL; j = j->next)
    count += j->state == QUEUED || j->state == BUILDING;
  clconv__threads_unlock(&b->lock);
  return count;
}

int clconv__cl_builder_build_next(clconv_context *ctx) {
  clconv__builder *b = ctx->builder;
  builder_job *j;
  if (b == NULL)
    return 0;
  clconv__threads_lock(&b->lock);
  for (j = b->jobs; j != NULL && j->state != QUEUED; j = j->next)
    ;
  if (j != NULL)
    j->state = BUILDING;
  clconv__threads_unlock(&b->lock);
  if (j == NULL)
    return 0;
  build(b, j);
  return 1;
}

void clconv__cl_builder_wait_all(clconv_context *ctx) {
  clconv__builder *b = ctx->builder;
  if (b == NULL)
    return;
  clconv__threads_lock(&b->lock);
  for (;;) {
    int pending = 0;
    for (builder_job *j = b->jobs; j != NULL; j = j->next)
      pending += j->state == QUEUED || j->state == BUILDING;
    if (pending == 0 || !b->running)
      break;
    clconv__threads_cond_wait(&b->changed, &b->lock);
  }
  clconv__threads_unlock(&b->lock);
}

void clconv__cl_builder_stop(clconv_context *ctx) {
  clconv__builder *b = ctx->builder;
  builder_job **p;
  if (b == NULL || !b->running)
    return;
  clconv__threads_lock(&b->lock);
  b->stop = 1;
  /* The queued jobs will not be built. */
  p = &b->jobs;
  while (*p != NULL) {
    builder_job *j = *p;
    if (j->state == QUEUED) {
      *p = j->next;
      job_free(j);
    } else {
      p = &j->next;
    }
  }
  clconv__threads_cond_broadcast(&b->changed);
  clconv__threads_unlock(&b->lock);
  clconv__threads_join(b->thread);
  b->running = 0;
}

void clconv__cl_builder_take_all(clconv_context *ctx,
                                 void (*fn)(clconv_context *ctx,
                                            const char *name,
                                            const char *options,
                                            clconv__builder_result *result)) {
  clconv__builder *b = ctx->builder;
  builder_job **p;
  if (b == NULL)
    return;
  clconv__threads_lock(&b->lock);
  p = &b->jobs;
  while (*p != NULL) {
    builder_job *j = *p;
    if (j->state == BUILT) {
      *p = j->next;
      clconv__builder_result r;
      hand_over(j, &r);
      fn(ctx, j->name, j->options, &r);
      job_free(j);
    } else {
      p = &j->next;
    }
  }
  clconv__threads_unlock(&b->lock);
}

void clconv__cl_builder_free(clconv_context *ctx) {
  clconv__builder *b = ctx->builder;
  if (b == NULL)
    return;
  clconv__cl_builder_stop(ctx);
  while (b->jobs != NULL) {
    builder_job *j = b->jobs;
    b->jobs = j->next;
    job_free(j);
  }
  clconv__threads_cond_destroy(&b->changed);
  clconv__threads_mutex_destroy(&b->lock);
  clconv__alloc_free(b);
  ctx->builder = NULL;
}
