/* test_npy.c: the tool's .npy reader and writer: round trips, float64, and
 * every malformed file refused with a reason. */
#include "npy.h"
#include "support.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* Builds a version 1.0 file from a header dict and raw data bytes. */
static size_t make_npy(unsigned char *out, const char *dict, const void *data,
                       size_t data_size) {
  size_t len = strlen(dict);
  memcpy(out, "\x93NUMPY\x01\x00", 8);
  out[8] = (unsigned char)(len & 0xff);
  out[9] = (unsigned char)(len >> 8);
  memcpy(out + 10, dict, len);
  memcpy(out + 10 + len, data, data_size);
  return 10 + len + data_size;
}

static void test_round_trip(void) {
  const int64_t shapes[3][4] = {{2, 3}, {5}, {1, 2, 2, 3}};
  const int ranks[3] = {2, 1, 4};
  float data[12];
  for (int i = 0; i < 12; i++)
    data[i] = (float)i * 0.5f - 2.0f;
  for (int s = 0; s < 3; s++) {
    npy_array a;
    char err[256];
    size_t count = 1;
    for (int d = 0; d < ranks[s]; d++)
      count *= (size_t)shapes[s][d];
    CU_ASSERT_EQUAL(npy_write("roundtrip.npy", ranks[s], shapes[s], data), 0);
    CU_ASSERT_EQUAL_FATAL(npy_read("roundtrip.npy", &a, err, sizeof err), 0);
    CU_ASSERT_EQUAL(a.ndim, ranks[s]);
    CU_ASSERT_EQUAL(memcmp(a.shape, shapes[s], (size_t)ranks[s] * 8), 0);
    CU_ASSERT_EQUAL(a.count, count);
    CU_ASSERT_EQUAL(memcmp(a.data, data, count * sizeof(float)), 0);
    npy_free(&a);
  }
  remove("roundtrip.npy");
}

/* The header written is what NumPy writes: the data starts at a multiple of
 * 64 and the header ends in '\n'. Here 10 bytes of prefix + 56 of dict + the
 * newline = 67, so the data starts at 128. */
static void test_header_layout(void) {
  const int64_t shape[1] = {3};
  const float data[3] = {1, 2, 3};
  unsigned char bytes[256];
  FILE *f;
  size_t n;
  CU_ASSERT_EQUAL(npy_write("layout.npy", 1, shape, data), 0);
  f = fopen("layout.npy", "rb");
  CU_ASSERT_PTR_NOT_NULL_FATAL(f);
  n = fread(bytes, 1, sizeof bytes, f);
  fclose(f);
  CU_ASSERT_EQUAL(n, 128 + 12);
  CU_ASSERT_EQUAL(bytes[127], '\n');
  CU_ASSERT_EQUAL(bytes[8] | (bytes[9] << 8), 128 - 10);
  CU_ASSERT_EQUAL(memcmp(bytes + 10,
                         "{'descr': '<f4', 'fortran_order': False, "
                         "'shape': (3,), }",
                         56),
                  0);
  remove("layout.npy");
}

static void test_float64_converted(void) {
  const double values[3] = {1.5, -2.25, 1e-3};
  unsigned char bytes[256];
  size_t size = make_npy(bytes,
                         "{'descr': '<f8', 'fortran_order': False, 'shape': "
                         "(3,), }\n",
                         values, sizeof values);
  npy_array a;
  char err[256];
  CU_ASSERT_EQUAL_FATAL(npy_parse(bytes, size, &a, err, sizeof err), 0);
  CU_ASSERT_EQUAL(a.count, 3);
  CU_ASSERT(a.data[0] == 1.5f && a.data[1] == -2.25f && a.data[2] == 1e-3f);
  npy_free(&a);
}

/* Parses @p dict with @p data_size bytes of data and expects a failure whose
 * reason contains @p needle. */
static void expect_refused(const char *dict, size_t data_size,
                           const char *needle) {
  unsigned char bytes[512] = {0}, zeros[64] = {0};
  size_t size = make_npy(bytes, dict, zeros, data_size);
  npy_array a;
  char err[256] = "";
  CU_ASSERT_EQUAL(npy_parse(bytes, size, &a, err, sizeof err), -1);
  CU_ASSERT_PTR_NULL(a.data);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, needle));
  if (strstr(err, needle) == NULL)
    fprintf(stderr, "\n  got \"%s\", wanted \"%s\"\n", err, needle);
}

static void test_malformed(void) {
  unsigned char junk[16] = "not a npy file!";
  npy_array a;
  char err[256];
  CU_ASSERT_EQUAL(npy_parse(junk, sizeof junk, &a, err, sizeof err), -1);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "bad magic"));
  CU_ASSERT_EQUAL(npy_parse(junk, 3, &a, err, sizeof err), -1);
  expect_refused("{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", 8,
                 "dtype '>f4' is not supported");
  expect_refused("{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }",
                 16, "dtype '<i8'");
  expect_refused("{'descr': '<f4', 'fortran_order': True, 'shape': (2,), }", 8,
                 "fortran_order");
  expect_refused("{'descr': '<f4', 'shape': (2,), }", 8, "lacks");
  expect_refused("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", 8,
                 "holds 8 data bytes but shape needs 12");
  expect_refused("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }",
                 12, "holds 12 data bytes");
  expect_refused("{'descr': '<f4', 'fortran_order': False, 'shape': (-2,), }",
                 8, "not a size");
  expect_refused("{'descr': '<f4', 'fortran_order': False, 'shape': "
                 "(99999999999999, 99999999999999), }",
                 8, "overflows");
  expect_refused("{'descr': '<f4', 'fortran_order': False, 'shape': 7, }", 8,
                 "not a tuple");
}

/* The header is a Python dict literal of exactly three keys; anything else
 * is refused, not read past. */
static void test_strict_header(void) {
  static const struct {
    const char *dict, *needle;
  } bad[] = {
      {"{'descr': '<f4', 'fortran_order': Falsey, 'shape': (2,), }",
       "fortran_order is not True or False"},
      {"{'descr': '<f4', 'fortran_order': 'False', 'shape': (2,), }",
       "fortran_order is not True or False"},
      {"{'descr': '<f4', 'fortran_order': 0, 'shape': (2,), }",
       "fortran_order is not True or False"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (1,, 1, 4,,, 4), }",
       "not a size"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (,2), }",
       "not a size"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (2), }",
       "trailing comma"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (2,) }junk",
       "text after"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (2 2,), }",
       "malformed"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (02,), }",
       "not a size"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': "
       "(99999999999999999999,), }",
       "out of range"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': 1}",
       "unknown key 'x'"},
      {"{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, "
       "'shape': (2,)}",
       "repeats the key 'descr'"},
      {"{'descr': <f4, 'fortran_order': False, 'shape': (2,), }",
       "descr is not a string"},
      {"{'descr': '<f4' 'fortran_order': False, 'shape': (2,), }", "malformed"},
      {"['descr', '<f4']", "not a dict"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (2,), ", "malformed"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    expect_refused(bad[i].dict, 8, bad[i].needle);
}

/* What NumPy itself accepts is read: double quotes, no trailing comma,
 * other key orders, spaces, a 0-d array. */
static void test_header_variants(void) {
  static const char *const good[] = {
      "{\"descr\": \"<f4\", \"fortran_order\": False, \"shape\": (2,)}",
      "{'shape': (1, 2), 'fortran_order': False, 'descr': '<f4'}",
      "{ 'descr' : '<f4' , 'fortran_order' : False , 'shape' : ( 2 , ) , }",
  };
  const float values[2] = {1.5f, -2.0f};
  for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
    unsigned char bytes[256];
    size_t size = make_npy(bytes, good[i], values, sizeof values);
    npy_array a;
    char err[256] = "";
    CU_ASSERT_EQUAL(npy_parse(bytes, size, &a, err, sizeof err), 0);
    if (err[0] != '\0')
      fprintf(stderr, "\n  %s: %s\n", good[i], err);
    CU_ASSERT(a.count == 2 && a.data != NULL && a.data[1] == -2.0f);
    npy_free(&a);
  }
  {
    unsigned char bytes[256];
    size_t size =
        make_npy(bytes, "{'descr': '<f4', 'fortran_order': False, 'shape': ()}",
                 values, 4);
    npy_array a;
    char err[256];
    CU_ASSERT_EQUAL(npy_parse(bytes, size, &a, err, sizeof err), 0);
    CU_ASSERT(a.ndim == 0 && a.count == 1 && a.data[0] == 1.5f);
    npy_free(&a);
  }
}

/* float64 values float32 cannot hold are refused; infinities and NaN are
 * values, kept; the largest that rounds to FLT_MAX is fine. */
static void test_float64_range(void) {
  const double limit = (double)FLT_MAX + ldexp(1.0, 103);
  const double cases[][2] = {{1e300, 0}, {limit, 0}, {-limit, 0}};
  const double fine[2] = {nextafter(limit, 0), INFINITY};
  unsigned char bytes[256];
  npy_array a;
  char err[256] = "";
  size_t size;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    size = make_npy(bytes,
                    "{'descr': '<f8', 'fortran_order': False, 'shape': (2,)}",
                    cases[i], sizeof cases[i]);
    CU_ASSERT_EQUAL(npy_parse(bytes, size, &a, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "beyond float32's range"));
  }
  size =
      make_npy(bytes, "{'descr': '<f8', 'fortran_order': False, 'shape': (2,)}",
               fine, sizeof fine);
  CU_ASSERT_EQUAL_FATAL(npy_parse(bytes, size, &a, err, sizeof err), 0);
  CU_ASSERT(a.data[0] == FLT_MAX && isinf(a.data[1]));
  npy_free(&a);
}

static void test_truncated_header(void) {
  unsigned char bytes[12] = {0x93, 'N', 'U', 'M', 'P', 'Y',
                             1,    0,   200, 0,   '{', '}'};
  npy_array a;
  char err[256];
  CU_ASSERT_EQUAL(npy_parse(bytes, sizeof bytes, &a, err, sizeof err), -1);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "truncated"));
  bytes[6] = 9;
  CU_ASSERT_EQUAL(npy_parse(bytes, sizeof bytes, &a, err, sizeof err), -1);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "unsupported .npy version 9"));
  CU_ASSERT_EQUAL(npy_read("/nonexistent/x.npy", &a, err, sizeof err), -1);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "/nonexistent/x.npy"));
}

/* IEEE half precision, from its definition (1 sign, 5 exponent bits biased
 * by 15, 10 mantissa bits; subnormals m x 2^-24): to half rounds to
 * nearest with ties to even, beyond the largest half (65504) at or past the
 * halfway point 65520 to an infinity; from half is exact. */
static void test_float16_conversions(void) {
  static const struct {
    float value;
    uint16_t half;
  } cases[] = {
      {1.0f, 0x3C00},        {-2.0f, 0xC000},    {0.5f, 0x3800},
      {65504.0f, 0x7BFF},    {65519.0f, 0x7BFF}, /* below the halfway point */
      {65520.0f, 0x7C00},    /* halfway: to even, an infinity */
      {0x1p-24f, 0x0001},    /* the smallest subnormal */
      {0x1p-25f, 0x0000},    /* halfway to it: to even, zero */
      {0x3p-25f, 0x0002},    /* 1.5 of it: to even, 2 */
      {0x1.002p+0f, 0x3C00}, /* 1 + 2^-11, halfway: to even, 1 */
      {0x1.006p+0f, 0x3C02}, /* 1 + 3 x 2^-11, halfway: to even */
      {0x1p-14f, 0x0400},    /* the smallest normal */
      {-0.0f, 0x8000},       {INFINITY, 0x7C00}, {-1e30f, 0xFC00},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    CU_ASSERT_EQUAL(npy_float_to_half(cases[i].value), cases[i].half);
    if (npy_float_to_half(cases[i].value) != cases[i].half)
      fprintf(stderr, "\n  %a gave 0x%04X, not 0x%04X\n",
              (double)cases[i].value, npy_float_to_half(cases[i].value),
              cases[i].half);
  }
  /* Every finite half goes to float and back unchanged. */
  for (uint32_t h = 0; h < 0x10000; h++)
    if ((h & 0x7C00) != 0x7C00)
      CU_ASSERT_EQUAL_FATAL(npy_float_to_half(npy_half_to_float((uint16_t)h)),
                            h);
  CU_ASSERT(isnan(npy_half_to_float(0x7E00)));
  CU_ASSERT(isnan(npy_half_to_float(npy_float_to_half(NAN))));
  CU_ASSERT_EQUAL(npy_half_to_float(0x0001), 0x1p-24f);
  CU_ASSERT_EQUAL(npy_half_to_float(0xFBFF), -65504.0f);
}

int main(void) {
  static const test_case tests[] = {
      {"round trip", test_round_trip},
      {"header layout", test_header_layout},
      {"float64 converted", test_float64_converted},
      {"malformed files", test_malformed},
      {"truncated header, version, missing file", test_truncated_header},
      {"strict header", test_strict_header},
      {"header variants NumPy accepts", test_header_variants},
      {"float64 beyond float32's range", test_float64_range},
      {"float16 conversions", test_float16_conversions},
  };
  /* The files the suite writes go to a temporary working folder. */
  return test_run_suite_in_temp_cwd("npy", tests,
                                    sizeof tests / sizeof tests[0]);
}
