/* alloc.h: host allocation for the library, with a failure hook for tests. */
#ifndef CLCONV_ALLOC_H
#define CLCONV_ALLOC_H

#include <stddef.h>

/* Every host allocation of the library goes through these, so that tests can
 * make the N-th one fail and check that the error path leaks nothing. */
void *clconv__alloc(size_t size);
void *clconv__alloc_zeroed(size_t count, size_t size);
void clconv__alloc_free(void *ptr);
char *clconv__alloc_strdup(const char *text);

/* Test hook: the @p n-th allocation from now (1-based) and every later one
 * fail; 0 turns failures off. Returns how many allocations were made since
 * the previous call. Counted atomically, so contexts in other threads may
 * allocate meanwhile; for tests only. */
long clconv__alloc_test_fail_from(long n);

#endif
