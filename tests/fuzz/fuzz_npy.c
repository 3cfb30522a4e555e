/* fuzz_npy.c: a libFuzzer target for the .npy reader: any bytes must give
 * either a clean refusal (a message, no data) or an array whose element
 * count is the product of its shape; an array read must write back and read
 * again to the same shape and the same float32 bits, and as float16 to
 * each value's rounding to half. Built with Clang's
 * -fsanitize=fuzzer,address,undefined (CLCONV_FUZZ=ON). */
#define _POSIX_C_SOURCE 200809L /* open_memstream */
#include "npy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static void check(int ok, const char *what) {
  if (!ok) {
    fprintf(stderr, "fuzz_npy: %s\n", what);
    abort();
  }
}

/* Writes @p a with npy_write_stream and parses the bytes again. */
static void check_round_trip(const npy_array *a) {
  char *bytes = NULL, err[256];
  size_t size = 0;
  npy_array again;
  FILE *stream = open_memstream(&bytes, &size);
  check(stream != NULL, "open_memstream failed");
  check(npy_write_stream(stream, a->ndim, a->shape, a->data) == 0,
        "writing the array back failed");
  check(fclose(stream) == 0, "closing the stream failed");
  check(npy_parse((const unsigned char *)bytes, size, &again, err,
                  sizeof err) == 0,
        "what was written does not read back");
  check(again.ndim == a->ndim && again.count == a->count &&
            memcmp(again.shape, a->shape, (size_t)a->ndim * sizeof *a->shape) ==
                0 &&
            memcmp(again.data, a->data, a->count * sizeof *a->data) == 0,
        "the array read back differs");
  npy_free(&again);
  free(bytes);

  /* As float16: each value comes back as its rounding to half. */
  bytes = NULL;
  size = 0;
  stream = open_memstream(&bytes, &size);
  check(stream != NULL, "open_memstream failed");
  check(npy_write_stream_as(stream, a->ndim, a->shape, a->data, 1) == 0,
        "writing the array back as float16 failed");
  check(fclose(stream) == 0, "closing the stream failed");
  check(npy_parse((const unsigned char *)bytes, size, &again, err,
                  sizeof err) == 0,
        "the float16 file does not read back");
  check(again.count == a->count, "the float16 file has another count");
  for (size_t i = 0; i < a->count; i++) {
    const float want = npy_half_to_float(npy_float_to_half(a->data[i]));
    check(memcmp(&again.data[i], &want, sizeof want) == 0 ||
              (want != want && again.data[i] != again.data[i]),
          "a float16 value read back differs from its rounding");
  }
  npy_free(&again);
  free(bytes);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size) {
  npy_array a;
  char err[256] = "";
  if (npy_parse(data, size, &a, err, sizeof err) != 0) {
    check(a.data == NULL, "a refusal left data");
    check(err[0] != '\0', "a refusal without a message");
    return 0;
  }
  {
    size_t count = 1;
    check(a.ndim >= 0 && a.ndim <= NPY_MAX_DIMS, "too many dimensions");
    for (int i = 0; i < a.ndim; i++) {
      check(a.shape[i] >= 0, "a negative size");
      count *= (size_t)a.shape[i];
    }
    check(count == a.count, "the count is not the product of the shape");
    check(a.data != NULL, "an array without data");
  }
  check_round_trip(&a);
  npy_free(&a);
  return 0;
}
