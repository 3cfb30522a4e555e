/* npy.h: reads and writes NumPy .npy files of float32/float64 in C order. */
#ifndef CLCONV_NPY_H
#define CLCONV_NPY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define NPY_MAX_DIMS 8

typedef struct npy_array {
  int ndim;
  int64_t shape[NPY_MAX_DIMS];
  size_t count; /* product of shape */
  float *data;  /* converted to float32; free with npy_free */
} npy_array;

/* Parses a whole .npy file held in memory: little-endian '<f2', '<f4' or
 * '<f8', fortran_order False. On failure returns -1 and writes why to @p err.
 */
int npy_parse(const unsigned char *bytes, size_t size, npy_array *out,
              char *err, size_t err_size);

/* Reads @p path (a file, a pipe such as /dev/stdin, or "-" for standard
 * input) with npy_parse. */
int npy_read(const char *path, npy_array *out, char *err, size_t err_size);

/* Reads rows [@p first, @p first + @p rows) of the first axis of the .npy
 * file @p path (a regular file), without reading the others, into @p out
 * (its first dimension @p rows); sets @p total_rows to the file's first
 * dimension. The file is checked as npy_read does. @return 0, or -1 with
 * the reason in @p err. */
int npy_read_rows(const char *path, int64_t first, int64_t rows, npy_array *out,
                  int64_t *total_rows, char *err, size_t err_size);

/* Writes float32 data as a version 1.0 .npy file to @p file.
 * @return 0, or -1 when a write failed. */
int npy_write_stream(FILE *file, int ndim, const int64_t *shape,
                     const float *data);

/* The same, as float16 ('<f2', rounded to nearest, ties to even; beyond
 * 65504 an infinity) when @p half, else as float32. */
int npy_write_stream_as(FILE *file, int ndim, const int64_t *shape,
                        const float *data, int half);

/* IEEE half-precision conversions, exact from half and rounded to nearest
 * (ties to even) to half. */
float npy_half_to_float(uint16_t h);
uint16_t npy_float_to_half(float f);

/* Writes a .npy file all or nothing (see outputs.h); prints the reason on
 * stderr on failure. @return 0 on success. */
int npy_write(const char *path, int ndim, const int64_t *shape,
              const float *data);

void npy_free(npy_array *a);

#endif
