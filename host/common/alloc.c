/* alloc.c: host allocation wrappers with an injectable failure for tests. */
#include "common/alloc.h"

#include <stdlib.h>
#include <string.h>

/* The counters are shared by contexts in different threads: atomic, so
 * that counting is no data race. */
#if !defined(__STDC_NO_ATOMICS__)
#include <stdatomic.h>
static atomic_long alloc_count; /* allocations since the hook was last set */
static atomic_long fail_from;   /* 0: never fail; else fail from this one on */

static int should_fail(void) {
  const long n = atomic_fetch_add(&alloc_count, 1) + 1;
  const long from = atomic_load(&fail_from);
  return from > 0 && n >= from;
}

long clconv__alloc_test_fail_from(long n) {
  const long made = atomic_exchange(&alloc_count, 0);
  atomic_store(&fail_from, n);
  return made;
}
#else
static long alloc_count;
static long fail_from;

static int should_fail(void) {
  alloc_count++;
  return fail_from > 0 && alloc_count >= fail_from;
}

long clconv__alloc_test_fail_from(long n) {
  long made = alloc_count;
  alloc_count = 0;
  fail_from = n;
  return made;
}
#endif

void *clconv__alloc(size_t size) {
  if (should_fail())
    return NULL;
  return malloc(size == 0 ? 1 : size);
}

void *clconv__alloc_zeroed(size_t count, size_t size) {
  if (should_fail())
    return NULL;
  return calloc(count == 0 ? 1 : count, size == 0 ? 1 : size);
}

void clconv__alloc_free(void *ptr) { free(ptr); }

char *clconv__alloc_strdup(const char *text) {
  size_t len = strlen(text) + 1;
  char *copy = clconv__alloc(len);
  if (copy != NULL)
    memcpy(copy, text, len);
  return copy;
}
