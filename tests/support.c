/* support.c: shared test helpers: random numbers, contexts, the runner. */
#define _POSIX_C_SOURCE 200809L /* mkdtemp */
#include "support.h"

#include "core/internal.h"

#include <CUnit/Basic.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

uint64_t test_seed(void) {
  const char *text = getenv("CLCONV_TEST_SEED");
  return text != NULL && text[0] != '\0' ? strtoull(text, NULL, 0) : 20261122u;
}

uint64_t test_next(test_rng *r) {
  uint64_t z = (r->state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

int64_t test_int(test_rng *r, int64_t lo, int64_t hi) {
  return lo + (int64_t)(test_next(r) % (uint64_t)(hi - lo + 1));
}

float test_float(test_rng *r, float lo, float hi) {
  float u = (float)(test_next(r) >> 40) * (1.0f / 16777216.0f);
  return lo + (hi - lo) * u;
}

/* Ends the process because no OpenCL device can run the device tests:
 * skipped (TEST_SKIP_CODE), or failed under CLCONV_REQUIRE_DEVICE=1. */
static void no_device(const char *why) {
  const char *require = getenv("CLCONV_REQUIRE_DEVICE");
  if (require != NULL && strcmp(require, "1") == 0) {
    fprintf(stderr, "no OpenCL device, and CLCONV_REQUIRE_DEVICE=1: %s\n", why);
    exit(1);
  }
  fprintf(stderr, "skipped: no OpenCL device (%s)\n", why);
  exit(TEST_SKIP_CODE);
}

clconv_context *test_open_device(void) {
  clconv_context *ctx = NULL;
  clconv_device_info info;
  char message[2048];
  clconv_status status =
      clconv_context_create(NULL, &ctx, message, sizeof message);
  if (status != CLCONV_STATUS_OK)
    no_device(message);
  /* A device test on the reference backend would compare the reference
   * with itself and could not fail. */
  if (clconv_context_device(ctx, &info) != CLCONV_STATUS_OK ||
      info.type == CLCONV_DEVICE_TYPE_REFERENCE) {
    clconv_context_release(ctx);
    no_device("CLCONV_DEVICE selects the reference backend, and a device "
              "test would compare the reference with itself");
  }
  return ctx;
}

clconv_context *test_open_device_verify(void) {
  clconv_context *ctx = NULL;
  clconv_context_options options = clconv_context_options_default();
  char message[1024];
  clconv_context_release(test_open_device()); /* skips without a device */
  options.verify = 1;
  if (clconv_context_create(&options, &ctx, message, sizeof message) !=
      CLCONV_STATUS_OK) {
    fprintf(stderr, "cannot open the device in verify mode: %s\n", message);
    exit(1);
  }
  return ctx;
}

int test_kernel_ran(const clconv_context *ctx, const char *source,
                    const char *option) {
  for (const clconv__program *p = ctx->programs; p != NULL; p = p->next)
    if (p->launched && strcmp(p->source_name, source) == 0 &&
        (option == NULL || strstr(p->options, option) != NULL))
      return 1;
  return 0;
}

int test_verify_mode(const clconv_context *ctx) { return ctx->verify; }

clconv_context *test_open_reference(void) {
  clconv_context *ctx = NULL;
  char message[1024];
  clconv_context_options options = clconv_context_options_default();
  options.device = "reference";
  if (clconv_context_create(&options, &ctx, message, sizeof message) !=
      CLCONV_STATUS_OK) {
    fprintf(stderr, "cannot open the reference backend: %s\n", message);
    exit(1);
  }
  return ctx;
}

clconv_tensor *test_random_tensor(clconv_context *ctx, test_rng *r,
                                  const int64_t dims[4], int nonfinite) {
  const size_t n = (size_t)(dims[0] * dims[1] * dims[2] * dims[3]);
  float *data = malloc(n * sizeof *data + 1);
  clconv_tensor *t;
  CU_ASSERT_PTR_NOT_NULL_FATAL(data);
  for (size_t i = 0; i < n; i++)
    data[i] = test_float(r, -1.0f, 1.0f);
  if (nonfinite && n > 5) {
    data[4] = INFINITY;
    data[5] = NAN;
  }
  t = test_tensor(ctx, 4, dims, data);
  free(data);
  return t;
}

clconv_tensor *test_tensor(clconv_context *ctx, int rank, const int64_t *dims,
                           const float *data) {
  clconv_tensor *t = NULL;
  clconv_status status = clconv_tensor_create(ctx, rank, dims, &t);
  if (status == CLCONV_STATUS_OK && data != NULL)
    status = clconv_tensor_write(t, data, clconv_tensor_count(t));
  CU_ASSERT_EQUAL(status, CLCONV_STATUS_OK);
  if (status != CLCONV_STATUS_OK) {
    fprintf(stderr, "tensor: %s\n", clconv_context_message(ctx));
    clconv_tensor_release(t);
    return NULL;
  }
  return t;
}

int test_run_suite(const char *suite_name, const test_case *tests, int count) {
  CU_pSuite suite;
  unsigned failures;
  int selected = 0;
  const char *only = getenv("CLCONV_TEST_ONLY");
  if (only != NULL && only[0] == '\0')
    only = NULL;
  /* Specialized kernels at once, as CTest sets it, so that a suite knows
   * which kernels ran also when started by hand. */
  if (getenv("CLCONV_BUILD") == NULL)
    setenv("CLCONV_BUILD", "sync", 1);
  printf("%s: seed %llu (set CLCONV_TEST_SEED to change)\n", suite_name,
         (unsigned long long)test_seed());
  if (only != NULL)
    printf("%s: only the tests whose names contain '%s' (CLCONV_TEST_ONLY)\n",
           suite_name, only);
  if (CU_initialize_registry() != CUE_SUCCESS)
    return 1;
  suite = CU_add_suite(suite_name, NULL, NULL);
  for (int i = 0; suite != NULL && i < count; i++)
    if (only == NULL || strstr(tests[i].name, only) != NULL) {
      selected++;
      if (CU_add_test(suite, tests[i].name, tests[i].fn) == NULL)
        suite = NULL;
    }
  if (suite == NULL) {
    CU_cleanup_registry();
    return 1;
  }
  if (selected == 0) {
    fprintf(stderr, "%s: CLCONV_TEST_ONLY='%s' selects none of its %d tests\n",
            suite_name, only, count);
    CU_cleanup_registry();
    return 1;
  }
  CU_basic_set_mode(CU_BRM_VERBOSE);
  CU_basic_run_tests();
  failures = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
  CU_cleanup_registry();
  return failures == 0 ? 0 : 1;
}

/* Makes a fresh folder clconv-@p suite-test-XXXXXX under $TMPDIR (else
 * /tmp) into @p folder. @return 0, or -1 when it cannot be made. */
static int make_temp_folder(const char *suite, char *folder, size_t size) {
  snprintf(folder, size, "%s/clconv-%s-test-XXXXXX",
           getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp", suite);
  return mkdtemp(folder) != NULL ? 0 : -1;
}

/* Removes @p folder and everything in it. */
static void remove_folder(const char *folder) {
  char command[600];
  snprintf(command, sizeof command, "rm -rf '%s'", folder);
  if (system(command) != 0)
    fprintf(stderr, "could not remove %s\n", folder);
}

int test_run_suite_in_folder(const char *suite, const test_case *tests,
                             int count, const char *skip_reason, char *folder,
                             size_t size) {
  clconv_context *probe = test_open_device();
  clconv_device_info info;
  int status;
  clconv_context_device(probe, &info);
  clconv_context_release(probe);
  if (info.type == CLCONV_DEVICE_TYPE_REFERENCE) {
    fprintf(stderr, "skipped: %s\n", skip_reason);
    return TEST_SKIP_CODE;
  }
  if (make_temp_folder(suite, folder, size) != 0)
    return 1;
  status = test_run_suite(suite, tests, count);
  remove_folder(folder);
  return status;
}

int test_run_suite_in_temp_cwd(const char *suite, const test_case *tests,
                               int count) {
  char folder[512], previous[4096];
  int status;
  if (getcwd(previous, sizeof previous) == NULL ||
      make_temp_folder(suite, folder, sizeof folder) != 0)
    return 1;
  if (chdir(folder) != 0) {
    remove_folder(folder);
    return 1;
  }
  status = test_run_suite(suite, tests, count);
  if (chdir(previous) != 0)
    status = 1;
  remove_folder(folder);
  return status;
}

void test_edge_image(float x[48], float y[42]) {
  for (int i = 0; i < 48; i++)
    x[i] = (i % 8 >= 2 && i % 8 <= 5) ? 0.0f : 1.0f;
  for (int i = 0; y != NULL && i < 6; i++)
    for (int j = 0; j < 7; j++)
      y[i * 7 + j] = x[i * 8 + j] - x[i * 8 + j + 1];
}

const char *test_kernel_copy(const char *file, const char *from,
                             const char *to) {
  static char folder[512];
  char command[2048], path[1024];
  FILE *f;
  char *text;
  long size;
  snprintf(folder, sizeof folder, "%s/clconv-kernels-XXXXXX",
           getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
  if (mkdtemp(folder) == NULL)
    return NULL;
  snprintf(command, sizeof command, "cp '%s'/*.cl '%s'", CLCONV_SOURCE_CL_DIR,
           folder);
  if (system(command) != 0)
    return NULL;
  snprintf(path, sizeof path, "%s/%s", folder, file);
  if (from == NULL) {
    f = fopen(path, "w");
    if (f == NULL)
      return NULL;
    fputs("this does not compile;\n", f);
    fclose(f);
    return folder;
  }
  f = fopen(path, "rb");
  if (f == NULL)
    return NULL;
  fseek(f, 0, SEEK_END);
  size = ftell(f);
  fseek(f, 0, SEEK_SET);
  text = malloc((size_t)size + 1);
  if (text == NULL || fread(text, 1, (size_t)size, f) != (size_t)size) {
    fclose(f);
    free(text);
    return NULL;
  }
  fclose(f);
  text[size] = '\0';
  f = fopen(path, "wb");
  if (f != NULL) {
    const char *at = strstr(text, from);
    if (at != NULL) {
      fwrite(text, 1, (size_t)(at - text), f);
      fputs(to, f);
      fputs(at + strlen(from), f);
    }
    fclose(f);
    if (at == NULL) {
      free(text);
      return NULL;
    }
  }
  free(text);
  return folder;
}

void test_remove_folder(const char *folder) {
  char command[600];
  snprintf(command, sizeof command, "rm -rf '%s'", folder);
  if (system(command) != 0)
    fprintf(stderr, "could not remove %s\n", folder);
}
