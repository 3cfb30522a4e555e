/* cl_fault_shim.c: an LD_PRELOAD library that stands between clconv and the
 * real OpenCL and makes one chosen call fail, to test that every OpenCL
 * failure gives a clear status, no crash, no hang, no leak.
 *
 * Environment:
 *   CLCONV_FAULT_AT=N        the N-th counted call fails (1-based; 0 or unset:
 *                            none); Retain and Release calls are not counted
 *                            and never fail, so whatever was made is freed
 *   CLCONV_FAULT_MODE=M      once (default): only that call fails;
 *                            after: it and every later counted call fail, as
 *                            on a lost device
 *   CLCONV_FAULT_ONLY=NAME   count only the calls of the function NAME
 *   CLCONV_FAULT_ERROR=E     the error code (default -5, CL_OUT_OF_RESOURCES)
 *   CLCONV_FAULT_COUNT_FILE  written at exit: the number of counted calls
 *   CLCONV_FAULT_LOG_FILE    written at exit: the name of the call that failed
 *   CLCONV_FAULT_OPENCL_LIBRARY  the real OpenCL (default libOpenCL.so.1)
 *
 * Every OpenCL function clconv calls (host/opencl/cl_loader.h's table) is
 * wrapped, with its own signature, so a table change reaches the shim unseen.
 */
#define _GNU_SOURCE
#define CLCONV__CL_LOADER_SELF /* the OpenCL names, not clconv's macros */
#include "opencl/cl_loader.h"

#include <dlfcn.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static atomic_long calls;
static atomic_int failed_once;
static const char *_Atomic failed_name;

static long env_long(const char *name, long fallback) {
  const char *text = getenv(name);
  char *end;
  long value;
  if (text == NULL || *text == '\0')
    return fallback;
  value = strtol(text, &end, 10);
  return *end == '\0' ? value : fallback;
}

/* @return 1, with the error in @p code, when this call is to fail. */
static int shim_fault(const char *name, cl_int *code) {
  long at, n;
  int after;
  const char *only = getenv("CLCONV_FAULT_ONLY");
  if (strncmp(name, "clRelease", 9) == 0 || strncmp(name, "clRetain", 8) == 0)
    return 0;
  if (only != NULL && *only != '\0' && strcmp(name, only) != 0)
    return 0;
  n = atomic_fetch_add(&calls, 1) + 1;
  at = env_long("CLCONV_FAULT_AT", 0);
  if (at <= 0)
    return 0;
  after = getenv("CLCONV_FAULT_MODE") != NULL &&
          strcmp(getenv("CLCONV_FAULT_MODE"), "after") == 0;
  if (n == at || (after && n > at)) {
    *code = (cl_int)env_long("CLCONV_FAULT_ERROR", CL_OUT_OF_RESOURCES);
    if (n == at) {
      atomic_store(&failed_once, 1);
      atomic_store(&failed_name, name);
    }
    return 1;
  }
  return 0;
}

/* The real function @p name; exits with a message when it cannot be found
 * (a test harness error, never a library one). */
static void *shim_real(const char *name) {
  static void *library;
  void *f;
  if (library == NULL) {
    const char *path = getenv("CLCONV_FAULT_OPENCL_LIBRARY");
    library =
        dlopen(path != NULL ? path : "libOpenCL.so.1", RTLD_NOW | RTLD_LOCAL);
  }
  f = library != NULL ? dlsym(library, name) : NULL;
  if (f == NULL) {
    fprintf(stderr, "cl_fault_shim: no real %s: %s\n", name, dlerror());
    abort();
  }
  return f;
}

/* Stores the error through an errcode_ret argument, which may be NULL. */
static void shim_set_errcode(const void *errcode_ret, cl_int code) {
  if (errcode_ret != NULL)
    memcpy((void *)(uintptr_t)errcode_ret, &code, sizeof code);
}

static void write_number_file(const char *variable, const char *text) {
  const char *path = getenv(variable);
  FILE *file;
  if (path == NULL || (file = fopen(path, "w")) == NULL)
    return;
  fprintf(file, "%s\n", text);
  fclose(file);
}

__attribute__((destructor)) static void shim_report(void) {
  char count[32];
  snprintf(count, sizeof count, "%ld", atomic_load(&calls));
  write_number_file("CLCONV_FAULT_COUNT_FILE", count);
  if (atomic_load(&failed_once))
    write_number_file("CLCONV_FAULT_LOG_FILE", atomic_load(&failed_name));
}

/* Names the parameters of a list of parameter types: a1, a2, ... */
#define SHIM_COUNT(...) SHIM_COUNT_(__VA_ARGS__, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0)
#define SHIM_COUNT_(t1, t2, t3, t4, t5, t6, t7, t8, t9, n, ...) n
#define SHIM_CAT(a, b) SHIM_CAT_(a, b)
#define SHIM_CAT_(a, b) a##b
#define SHIM_DECL(params) SHIM_CAT(SHIM_DECL_, SHIM_COUNT params) params
#define SHIM_T(t) __typeof__(t)
#define SHIM_DECL_1(t1) SHIM_T(t1) a1
#define SHIM_DECL_2(t1, t2) SHIM_DECL_1(t1), SHIM_T(t2) a2
#define SHIM_DECL_3(t1, t2, t3) SHIM_DECL_2(t1, t2), SHIM_T(t3) a3
#define SHIM_DECL_4(t1, t2, t3, t4) SHIM_DECL_3(t1, t2, t3), SHIM_T(t4) a4
#define SHIM_DECL_5(t1, t2, t3, t4, t5)                                        \
  SHIM_DECL_4(t1, t2, t3, t4), SHIM_T(t5) a5
#define SHIM_DECL_6(t1, t2, t3, t4, t5, t6)                                    \
  SHIM_DECL_5(t1, t2, t3, t4, t5), SHIM_T(t6) a6
#define SHIM_DECL_7(t1, t2, t3, t4, t5, t6, t7)                                \
  SHIM_DECL_6(t1, t2, t3, t4, t5, t6), SHIM_T(t7) a7
#define SHIM_DECL_8(t1, t2, t3, t4, t5, t6, t7, t8)                            \
  SHIM_DECL_7(t1, t2, t3, t4, t5, t6, t7), SHIM_T(t8) a8
#define SHIM_DECL_9(t1, t2, t3, t4, t5, t6, t7, t8, t9)                        \
  SHIM_DECL_8(t1, t2, t3, t4, t5, t6, t7, t8), SHIM_T(t9) a9
#define SHIM_ARGS(params) SHIM_CAT(SHIM_ARGS_, SHIM_COUNT params)
#define SHIM_ARGS_1 a1
#define SHIM_ARGS_2 SHIM_ARGS_1, a2
#define SHIM_ARGS_3 SHIM_ARGS_2, a3
#define SHIM_ARGS_4 SHIM_ARGS_3, a4
#define SHIM_ARGS_5 SHIM_ARGS_4, a5
#define SHIM_ARGS_6 SHIM_ARGS_5, a6
#define SHIM_ARGS_7 SHIM_ARGS_6, a7
#define SHIM_ARGS_8 SHIM_ARGS_7, a8
#define SHIM_ARGS_9 SHIM_ARGS_8, a9
#define SHIM_LAST(params) SHIM_CAT(a, SHIM_COUNT params)

/* A function that returns an object (a pointer) reports its error through
 * its last argument, errcode_ret; the others return it. */
#define SHIM_WRAP(ret, name, params)                                           \
  CL_API_ENTRY ret CL_API_CALL name(SHIM_DECL(params)) {                       \
    static ret(CL_API_CALL *real) params;                                      \
    cl_int code;                                                               \
    if (shim_fault(#name, &code)) {                                            \
      if (sizeof(ret) != sizeof(cl_int))                                       \
        shim_set_errcode((const void *)SHIM_LAST(params), code);               \
      return (ret)(intptr_t)(sizeof(ret) == sizeof(cl_int) ? code : 0);        \
    }                                                                          \
    if (real == NULL) {                                                        \
      void *f = shim_real(#name);                                              \
      memcpy(&real, &f, sizeof f);                                             \
    }                                                                          \
    return real(SHIM_ARGS(params));                                            \
  }
CLCONV__CL_FUNCTIONS(SHIM_WRAP)
