/* support.h: what the test suites share: seeded random numbers, device
 * contexts that skip or fail as CI needs, and the CUnit runner. */
#ifndef CLCONV_TEST_SUPPORT_H
#define CLCONV_TEST_SUPPORT_H

#include "clconv.h"

#include <CUnit/CUnit.h>
#include <stdint.h>

/* CTest's skip code: a device test with no device exits with it, unless
 * CLCONV_REQUIRE_DEVICE=1 makes that a failure. */
#define TEST_SKIP_CODE 77

/* Seeded generator (splitmix64); the seed comes from CLCONV_TEST_SEED or a
 * fixed default, and is printed by test_run_suite. */
typedef struct test_rng {
  uint64_t state;
} test_rng;

uint64_t test_seed(void);
uint64_t test_next(test_rng *r);
/* Uniform integer in [lo, hi]. */
int64_t test_int(test_rng *r, int64_t lo, int64_t hi);
/* Uniform float in [lo, hi). */
float test_float(test_rng *r, float lo, float hi);

/* The notebooks' edge image X (6x8: ones, columns 2..5 zero) and, unless
 * @p y is NULL, Y = corr2d(X, [[1, -1]]) (6x7), each row 0 1 0 0 0 -1 0. */
void test_edge_image(float x[48], float y[42]);

/* Opens the default device (CLCONV_DEVICE honoured). With no OpenCL device,
 * exits the process with TEST_SKIP_CODE, or with 1 when
 * CLCONV_REQUIRE_DEVICE=1. */
clconv_context *test_open_device(void);
/* The same, in verify mode: every op is compared with the reference. */
clconv_context *test_open_device_verify(void);

/* @return 1 when @p ctx launched a kernel from the program of @p source
 * built with an option text containing @p option (NULL: any). */
int test_kernel_ran(const clconv_context *ctx, const char *source,
                    const char *option);

/* @return 1 when @p ctx runs in verify mode. */
int test_verify_mode(const clconv_context *ctx);

/* Opens a context on the reference backend; fails the process on error. */
clconv_context *test_open_reference(void);

/* A 4-D tensor of random values in [-1, 1); with @p nonfinite, elements 4
 * and 5 are an infinity and a NaN. NULL (and a failed assertion) on error. */
clconv_tensor *test_random_tensor(clconv_context *ctx, test_rng *r,
                                  const int64_t dims[4], int nonfinite);

/* Creates a tensor and writes @p data (when not NULL); fails the test and
 * returns NULL on error. */
clconv_tensor *test_tensor(clconv_context *ctx, int rank, const int64_t *dims,
                           const float *data);

/* Copies the library's kernel sources (cl/) into a new temporary folder,
 * with the first @p from in @p file replaced by @p to (@p from NULL: @p file
 * becomes a file that does not compile). POSIX only. @return the folder
 * (static storage) or NULL when a step failed or @p from was not found. */
const char *test_kernel_copy(const char *file, const char *from,
                             const char *to);

/* Removes @p folder and everything in it (POSIX). */
void test_remove_folder(const char *folder);

/* Asserts that @p status is @p expected and that the context's message
 * contains @p needle. */
#define TEST_EXPECT_ERROR(ctx, status, expected, needle)                       \
  do {                                                                         \
    clconv_status got_ = (status);                                             \
    CU_ASSERT_EQUAL(got_, (expected));                                         \
    CU_ASSERT_PTR_NOT_NULL(strstr(clconv_context_message(ctx), (needle)));     \
    if (got_ != (expected) ||                                                  \
        strstr(clconv_context_message(ctx), (needle)) == NULL)                 \
      fprintf(stderr, "\n  %s:%d: got %s \"%s\", wanted %s with \"%s\"\n",     \
              __FILE__, __LINE__, clconv_status_name(got_),                    \
              clconv_context_message(ctx), clconv_status_name(expected),       \
              (needle));                                                       \
  } while (0)

/* One test of a suite. */
typedef struct test_case {
  const char *name;
  void (*fn)(void);
} test_case;

/* Runs the tests as one CUnit suite; with CLCONV_TEST_ONLY set, only those
 * whose names contain it. @return the process exit status. */
int test_run_suite(const char *suite, const test_case *tests, int count);

/* For suites about what the OpenCL backend writes to a folder: returns
 * TEST_SKIP_CODE, saying "skipped: @p skip_reason", when the default device
 * is the reference backend; otherwise makes a fresh folder suite-XXXXXX
 * under $TMPDIR (else /tmp), its path in @p folder (of @p size bytes), runs
 * the suite, removes the folder and everything in it, and returns the
 * process exit status. */
int test_run_suite_in_folder(const char *suite, const test_case *tests,
                             int count, const char *skip_reason, char *folder,
                             size_t size);

/* For suites whose programs write files by relative names: runs the suite
 * with the working directory a fresh folder under $TMPDIR (else /tmp),
 * then returns to the previous one and removes the folder and everything
 * in it. @return the process exit status. */
int test_run_suite_in_temp_cwd(const char *suite, const test_case *tests,
                               int count);

#endif
