/* cl_loader.c: loads the OpenCL entry points from the system's ICD loader
 * at run time, once per process (see cl_loader.h). */
#define CLCONV__CL_LOADER_SELF /* the real declarations, not the macros */
#include "opencl/cl_loader.h"

#include "common/os.h"

#include <stdio.h>
#include <string.h>

#ifdef CLCONV_LINK_OPENCL

int clconv__cl_loader_load(char *reason, size_t size) {
  if (size > 0)
    reason[0] = '\0';
  return 1;
}

#else

/* Each table entry has the type of the function in the OpenCL headers: a
 * comparison of distinct pointer types does not compile with -Werror. */
#define CLCONV__CL_CHECK(ret, name, params)                                    \
  _Static_assert(sizeof(&name == (ret(CL_API_CALL *) params)0) > 0, #name);
CLCONV__CL_FUNCTIONS(CLCONV__CL_CHECK)
#undef CLCONV__CL_CHECK

clconv__cl_loader_table clconv__cl_loader_api;

#if !defined(__STDC_NO_ATOMICS__)
#include <stdatomic.h>
static atomic_flag busy = ATOMIC_FLAG_INIT;
static void lock(void) {
  while (atomic_flag_test_and_set(&busy))
    ;
}
static void unlock(void) { atomic_flag_clear(&busy); }
#else
static void lock(void) {}
static void unlock(void) {}
#endif

static int loaded; /* under the lock */

/* The libraries to try, in order. */
static int library_names(const char **names) {
  const char *chosen = clconv__os_getenv("CLCONV_OPENCL_LIBRARY");
  int n = 0;
  if (chosen != NULL) {
    names[n++] = chosen;
    return n;
  }
#if defined(_WIN32)
  names[n++] = "OpenCL.dll";
#elif defined(__APPLE__)
  names[n++] = "/System/Library/Frameworks/OpenCL.framework/OpenCL";
#else
  names[n++] = "libOpenCL.so.1";
  names[n++] = "libOpenCL.so";
#endif
  return n;
}

/* Fills a table from @p library. @return 0, or -1 naming the first missing
 * function in @p reason. */
static int fill(void *library, const char *library_name,
                clconv__cl_loader_table *table, char *reason, size_t size) {
#define CLCONV__CL_FILL(ret, name, params)                                     \
  {                                                                            \
    clconv__os_function f = clconv__os_library_function(library, #name);       \
    if (f == NULL) {                                                           \
      snprintf(reason, size, "%s has no %s (OpenCL 1.2)", library_name,        \
               #name);                                                         \
      return -1;                                                               \
    }                                                                          \
    table->name = (ret(CL_API_CALL *) params)f;                                \
  }
  CLCONV__CL_FUNCTIONS(CLCONV__CL_FILL)
#undef CLCONV__CL_FILL
  return 0;
}

static int load(char *reason, size_t size) {
  const char *names[2];
  const int count = library_names(names);
  char why[512] = "";
  clconv__cl_loader_table table;
  void *library;
  /* The OpenCL the program already has (linked, or preloaded by a tool such
   * as Oclgrind) comes first, unless CLCONV_OPENCL_LIBRARY names one. */
  if (clconv__os_getenv("CLCONV_OPENCL_LIBRARY") == NULL &&
      (library = clconv__os_library_open(NULL, why, sizeof why)) != NULL &&
      clconv__os_library_function(library, "clGetPlatformIDs") != NULL &&
      fill(library, "the program", &table, why, sizeof why) == 0) {
    clconv__cl_loader_api = table;
    return 1;
  }
  for (int i = 0; i < count; i++) {
    library = clconv__os_library_open(names[i], why, sizeof why);
    if (library == NULL)
      continue;
    if (fill(library, names[i], &table, why, sizeof why) == 0) {
      clconv__cl_loader_api = table; /* the library stays loaded */
      return 1;
    }
  }
  snprintf(reason, size, "no OpenCL runtime: %s", why);
  return 0;
}

int clconv__cl_loader_load(char *reason, size_t size) {
  int ok;
  lock();
  if (!loaded)
    loaded = load(reason, size);
  ok = loaded;
  unlock();
  if (ok && size > 0)
    reason[0] = '\0';
  return ok;
}

#endif
