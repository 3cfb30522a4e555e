/* npy.c: a strict reader and a writer for NumPy's .npy format (versions 1 to
 * 3), enough for float16, float32 and float64 arrays in C order. */
#if !defined(_WIN32) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L /* fileno */
#endif
#include "npy.h"

#include "outputs.h"

#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#ifdef _WIN32
#include <fcntl.h>
#include <io.h>
#endif

static int fail(char *err, size_t err_size, const char *fmt, ...) {
  va_list args;
  va_start(args, fmt);
  if (err != NULL && err_size > 0)
    vsnprintf(err, err_size, fmt, args);
  va_end(args);
  return -1;
}

static int host_is_little_endian(void) {
  const uint16_t one = 1;
  unsigned char first;
  memcpy(&first, &one, 1);
  return first == 1;
}

/* A cursor over the header text, which is a Python dict literal. */
typedef struct cursor {
  const char *at, *end;
} cursor;

static void skip_space(cursor *c) {
  while (c->at < c->end &&
         (*c->at == ' ' || *c->at == '\t' || *c->at == '\n' || *c->at == '\r'))
    c->at++;
}

/* Takes @p ch (after spaces). @return 1 when it was there. */
static int take(cursor *c, char ch) {
  skip_space(c);
  if (c->at < c->end && *c->at == ch) {
    c->at++;
    return 1;
  }
  return 0;
}

/* Reads a quoted string without escapes into @p out. @return 0 or -1. */
static int read_string(cursor *c, char *out, size_t out_size) {
  char quote;
  size_t n = 0;
  skip_space(c);
  if (c->at >= c->end || (*c->at != '\'' && *c->at != '"'))
    return -1;
  quote = *c->at++;
  while (c->at < c->end && *c->at != quote) {
    if (*c->at == '\\' || n + 1 >= out_size)
      return -1;
    out[n++] = *c->at++;
  }
  if (c->at >= c->end)
    return -1;
  c->at++;
  out[n] = '\0';
  return 0;
}

/* Reads the word True or False, not followed by a name character. */
static int read_bool(cursor *c, int *value) {
  static const char *const words[2] = {"False", "True"};
  skip_space(c);
  for (int v = 0; v < 2; v++) {
    size_t n = strlen(words[v]);
    if ((size_t)(c->end - c->at) >= n && memcmp(c->at, words[v], n) == 0 &&
        (c->at + n == c->end ||
         !(isalnum((unsigned char)c->at[n]) || c->at[n] == '_'))) {
      c->at += n;
      *value = v;
      return 0;
    }
  }
  return -1;
}

/* Reads a non-negative decimal integer (no sign, no leading zeros).
 * @return 0, -1 when there is none, -2 when it overflows int64. */
static int read_size(cursor *c, int64_t *value) {
  int64_t v = 0;
  const char *first;
  skip_space(c);
  first = c->at;
  while (c->at < c->end && isdigit((unsigned char)*c->at)) {
    int digit = *c->at - '0';
    if (v > (INT64_MAX - digit) / 10)
      return -2;
    v = v * 10 + digit;
    c->at++;
  }
  if (c->at == first || (c->at - first > 1 && *first == '0'))
    return -1;
  *value = v;
  return 0;
}

/* Reads "()", "(a,)" or "(a, b, ...)" (a trailing comma allowed) into
 * @p out's shape and count. */
static int read_shape(cursor *c, npy_array *out, char *err, size_t err_size) {
  out->ndim = 0;
  out->count = 1;
  if (!take(c, '('))
    return fail(err, err_size, "the shape is not a tuple");
  if (take(c, ')'))
    return 0;
  for (;;) {
    int64_t dim;
    int got = read_size(c, &dim);
    if (got == -2)
      return fail(err, err_size, "a size of the shape is out of range");
    if (got != 0)
      return fail(err, err_size, "the shape holds something not a size");
    if (out->ndim == NPY_MAX_DIMS)
      return fail(err, err_size, "more than %d dimensions", NPY_MAX_DIMS);
    if (dim != 0 && out->count > SIZE_MAX / 8 / (uint64_t)dim)
      return fail(err, err_size, "the element count overflows");
    out->shape[out->ndim++] = dim;
    out->count *= (size_t)dim;
    if (take(c, ')'))
      return out->ndim == 1
                 ? fail(err, err_size,
                        "the shape tuple is malformed: one size needs a "
                        "trailing comma, (n,)")
                 : 0;
    if (!take(c, ','))
      return fail(err, err_size, "the shape tuple is malformed");
    if (take(c, ')'))
      return 0;
  }
}

/* The three keys of a .npy header, each read once. */
typedef struct header_fields {
  char descr[32];
  int fortran_order;
  int seen; /* bits: 1 descr, 2 fortran_order, 4 shape */
} header_fields;

/* Parses the header dict: exactly the keys descr, fortran_order and shape,
 * as NumPy writes and reads them. */
static int parse_header(const char *text, size_t size, header_fields *h,
                        npy_array *out, char *err, size_t err_size) {
  cursor c = {text, text + size};
  memset(h, 0, sizeof *h);
  if (!take(&c, '{'))
    return fail(err, err_size, "the .npy header is not a dict");
  while (!take(&c, '}')) {
    char key[32];
    int bit;
    if (read_string(&c, key, sizeof key) != 0 || !take(&c, ':'))
      return fail(err, err_size, "the .npy header dict is malformed");
    bit = strcmp(key, "descr") == 0           ? 1
          : strcmp(key, "fortran_order") == 0 ? 2
          : strcmp(key, "shape") == 0         ? 4
                                              : 0;
    if (bit == 0)
      return fail(err, err_size, "the .npy header has an unknown key '%s'",
                  key);
    if (h->seen & bit)
      return fail(err, err_size, "the .npy header repeats the key '%s'", key);
    h->seen |= bit;
    if (bit == 1 && read_string(&c, h->descr, sizeof h->descr) != 0)
      return fail(err, err_size, "descr is not a string");
    if (bit == 2 && read_bool(&c, &h->fortran_order) != 0)
      return fail(err, err_size, "fortran_order is not True or False");
    if (bit == 4 && read_shape(&c, out, err, err_size) != 0)
      return -1;
    if (!take(&c, ',')) {
      if (!take(&c, '}'))
        return fail(err, err_size, "the .npy header dict is malformed");
      break;
    }
  }
  skip_space(&c);
  if (c.at != c.end)
    return fail(err, err_size, "the .npy header has text after its dict");
  if (h->seen != 7)
    return fail(err, err_size,
                "the .npy header lacks descr, fortran_order or shape");
  return 0;
}

/* Parses the magic string, the version and the header dict of the
 * @p size bytes at @p bytes (at least the whole header) into @p out (shape
 * and count, no data), the data's offset and the size of one element.
 * @return 0, or -1 with the reason in @p err. */
static int parse_prefix(const unsigned char *bytes, size_t size, npy_array *out,
                        size_t *data_offset, size_t *item, char *err,
                        size_t err_size) {
  size_t header_len, offset;
  char *header = NULL;
  header_fields fields;
  size_t item_size;
  memset(out, 0, sizeof *out);

  /* Checks the magic string and the version, then reads the header length. */
  if (size < 10 || memcmp(bytes, "\x93NUMPY", 6) != 0)
    return fail(err, err_size, "not a .npy file (bad magic string)");
  if (bytes[6] == 1) {
    header_len = (size_t)bytes[8] | ((size_t)bytes[9] << 8);
    offset = 10;
  } else if (bytes[6] == 2 || bytes[6] == 3) {
    if (size < 12)
      return fail(err, err_size, "truncated .npy header");
    header_len = (size_t)bytes[8] | ((size_t)bytes[9] << 8) |
                 ((size_t)bytes[10] << 16) | ((size_t)bytes[11] << 24);
    offset = 12;
  } else {
    return fail(err, err_size, "unsupported .npy version %d", bytes[6]);
  }
  if (header_len > size - offset)
    return fail(err, err_size, "truncated .npy header");
  header = malloc(header_len + 1);
  if (header == NULL)
    return fail(err, err_size, "out of memory");
  memcpy(header, bytes + offset, header_len);
  header[header_len] = '\0';
  offset += header_len;

  /* Reads the dtype, the order and the shape from the header dict. */
  if (parse_header(header, header_len, &fields, out, err, err_size) != 0) {
    free(header);
    memset(out, 0, sizeof *out);
    return -1;
  }
  free(header);
  if (strcmp(fields.descr, "<f2") == 0) {
    item_size = 2;
  } else if (strcmp(fields.descr, "<f4") == 0) {
    item_size = 4;
  } else if (strcmp(fields.descr, "<f8") == 0) {
    item_size = 8;
  } else {
    memset(out, 0, sizeof *out);
    return fail(err, err_size,
                "dtype '%s' is not supported: use little-endian float16 "
                "('<f2'), float32 ('<f4') or float64 ('<f8'), e.g. "
                "x.astype(np.float32)",
                fields.descr);
  }
  if (fields.fortran_order) {
    memset(out, 0, sizeof *out);
    return fail(err, err_size,
                "fortran_order arrays are not supported: save "
                "np.ascontiguousarray(x)");
  }
  *data_offset = offset;
  *item = item_size;
  return 0;
}

/* Converts @p count elements of @p item bytes (little-endian '<f2', '<f4'
 * or '<f8') at @p data into a new float32 array in @p out->data. @return 0,
 * or -1 with the reason in @p err (out->data left NULL). */
static int convert(const unsigned char *data, size_t item, npy_array *out,
                   char *err, size_t err_size) {
  const unsigned char *bytes = data;
  const size_t offset = 0;
  out->data = malloc(out->count > 0 ? out->count * sizeof(float) : 1);
  if (out->data == NULL)
    return fail(err, err_size, "out of memory for %zu elements", out->count);
  for (size_t i = 0; i < out->count; i++) {
    unsigned char raw[8];
    memcpy(raw, bytes + offset + i * item, item);
    if (!host_is_little_endian())
      for (size_t k = 0; k < item / 2; k++) {
        unsigned char t = raw[k];
        raw[k] = raw[item - 1 - k];
        raw[item - 1 - k] = t;
      }
    if (item == 2) {
      uint16_t half;
      memcpy(&half, raw, 2);
      out->data[i] = npy_half_to_float(half);
    } else if (item == 8) {
      double d;
      memcpy(&d, raw, 8);
      /* A finite value that float32 rounds to an infinity: at or beyond
       * FLT_MAX plus half its last place, 2^103. */
      if (isfinite(d) && fabs(d) >= (double)FLT_MAX + ldexp(1.0, 103)) {
        free(out->data);
        memset(out, 0, sizeof *out);
        return fail(err, err_size,
                    "element %zu, %g, is beyond float32's range (%g); "
                    "clconv computes in float32",
                    i, d, (double)FLT_MAX);
      }
      out->data[i] = (float)d;
    } else {
      memcpy(&out->data[i], raw, 4);
    }
  }
  return 0;
}

int npy_parse(const unsigned char *bytes, size_t size, npy_array *out,
              char *err, size_t err_size) {
  size_t offset = 0, item = 0;
  if (parse_prefix(bytes, size, out, &offset, &item, err, err_size) != 0)
    return -1;
  /* Checks that the data is all there, then converts it to float32. */
  if (size - offset != out->count * item)
    return fail(err, err_size,
                "the file holds %zu data bytes but shape needs "
                "%zu",
                size - offset, out->count * item);
  return convert(bytes + offset, item, out, err, err_size);
}

/* Reads everything from @p file into a new buffer: a regular file by its
 * size, anything else (a pipe, /dev/stdin) until its end. */
static int read_all(FILE *file, const char *path, unsigned char **bytes,
                    size_t *size, char *err, size_t err_size) {
  struct stat st;
  size_t capacity = 1 << 16, used = 0;
  unsigned char *buffer;
  if (fstat(fileno(file), &st) != 0)
    return fail(err, err_size, "%s: %s", path, strerror(errno));
  if (S_ISDIR(st.st_mode))
    return fail(err, err_size, "%s is a folder, not a .npy file", path);
  if (S_ISREG(st.st_mode)) {
    if ((uint64_t)st.st_size >= SIZE_MAX)
      return fail(err, err_size, "%s: too large for this machine", path);
    capacity = (size_t)st.st_size + 1; /* the +1 sees the end at once */
  }
  buffer = malloc(capacity);
  if (buffer == NULL)
    return fail(err, err_size, "%s: out of memory for %zu bytes", path,
                capacity);
  for (;;) {
    size_t n = fread(buffer + used, 1, capacity - used, file);
    used += n;
    if (n == 0 || used < capacity) {
      if (ferror(file)) {
        free(buffer);
        return fail(err, err_size, "%s: read error: %s", path, strerror(errno));
      }
      if (feof(file))
        break;
      continue;
    }
    {
      unsigned char *bigger =
          capacity > SIZE_MAX / 2 ? NULL : realloc(buffer, capacity * 2);
      if (bigger == NULL) {
        free(buffer);
        return fail(err, err_size, "%s: out of memory after %zu bytes", path,
                    used);
      }
      buffer = bigger;
      capacity *= 2;
    }
  }
  *bytes = buffer;
  *size = used;
  return 0;
}

int npy_read(const char *path, npy_array *out, char *err, size_t err_size) {
  const int from_stdin = strcmp(path, "-") == 0;
  FILE *file;
#ifdef _WIN32
  if (from_stdin)
    _setmode(_fileno(stdin), _O_BINARY);
#endif
  file = from_stdin ? stdin : fopen(path, "rb");
  unsigned char *bytes = NULL;
  size_t size = 0;
  int result = -1;
  char why[256];
  memset(out, 0, sizeof *out);
  if (file == NULL)
    return fail(err, err_size, "%s: %s", path, strerror(errno));
  if (read_all(file, path, &bytes, &size, err, err_size) == 0) {
    if (npy_parse(bytes, size, out, why, sizeof why) != 0)
      fail(err, err_size, "%s: %s", path, why);
    else
      result = 0;
  }
  free(bytes);
  if (!from_stdin)
    fclose(file);
  return result;
}

float npy_half_to_float(uint16_t h) {
  const int exponent = (h >> 10) & 0x1f, mantissa = h & 0x3ff;
  float v;
  if (exponent == 0) /* zero or subnormal: mantissa x 2^-24 */
    v = ldexpf((float)mantissa, -24);
  else if (exponent == 31)
    v = mantissa != 0 ? NAN : INFINITY;
  else
    v = ldexpf((float)(mantissa | 0x400), exponent - 25);
  return (h & 0x8000) ? -v : v;
}

uint16_t npy_float_to_half(float f) {
  uint32_t x, mantissa, sign, half, rest, halfway;
  int exponent;
  memcpy(&x, &f, 4);
  sign = (x >> 16) & 0x8000;
  mantissa = x & 0x7fffff;
  if (((x >> 23) & 0xff) == 0xff) /* infinity, or NaN (kept quiet) */
    return (uint16_t)(sign | 0x7c00 |
                      (mantissa ? 0x200 | (mantissa >> 13) : 0));
  exponent = (int)((x >> 23) & 0xff) - 127 + 15;
  if (exponent >= 31)
    return (uint16_t)(sign | 0x7c00); /* beyond 65504: infinity */
  if (exponent <= 0) {                /* a subnormal half, or zero */
    int shift;
    if (exponent < -10)
      return (uint16_t)sign;
    mantissa |= 0x800000;
    shift = 14 - exponent;
    half = mantissa >> shift;
    rest = mantissa & ((1u << shift) - 1);
    halfway = 1u << (shift - 1);
  } else {
    half = ((uint32_t)exponent << 10) | (mantissa >> 13);
    rest = mantissa & 0x1fff;
    halfway = 0x1000;
  }
  /* To nearest, ties to even; a carry into the exponent is right. */
  if (rest > halfway || (rest == halfway && (half & 1)))
    half++;
  return (uint16_t)(sign | half);
}

int npy_read_rows(const char *path, int64_t first, int64_t rows, npy_array *out,
                  int64_t *total_rows, char *err, size_t err_size) {
  unsigned char prefix[12], *head = NULL, *data = NULL;
  size_t head_size, offset = 0, item = 0, row_elems, got;
  struct stat st;
  int result = -1;
  FILE *file = fopen(path, "rb");
  memset(out, 0, sizeof *out);
  if (file == NULL)
    return fail(err, err_size, "%s: %s", path, strerror(errno));
  /* The header: magic, version, length, dict. */
  if (fstat(fileno(file), &st) != 0 || !S_ISREG(st.st_mode) ||
      fread(prefix, 1, sizeof prefix, file) != sizeof prefix ||
      memcmp(prefix, "\x93NUMPY", 6) != 0) {
    fail(err, err_size, "%s: not a .npy file that can be read in parts", path);
    goto done;
  }
  head_size = prefix[6] == 1
                  ? 10 + ((size_t)prefix[8] | (size_t)prefix[9] << 8)
                  : 12 + ((size_t)prefix[8] | (size_t)prefix[9] << 8 |
                          (size_t)prefix[10] << 16 | (size_t)prefix[11] << 24);
  if (head_size > (size_t)st.st_size || head_size > (1u << 24) ||
      (head = malloc(head_size)) == NULL || fseek(file, 0, SEEK_SET) != 0 ||
      fread(head, 1, head_size, file) != head_size) {
    fail(err, err_size, "%s: truncated or oversized .npy header", path);
    goto done;
  }
  if (parse_prefix(head, head_size, out, &offset, &item, err, err_size) != 0)
    goto done;
  if ((uint64_t)st.st_size != offset + out->count * item) {
    fail(err, err_size,
         "%s: the file holds %lld data bytes but shape needs "
         "%zu",
         path, (long long)st.st_size - (long long)offset, out->count * item);
    goto done;
  }
  if (out->ndim < 1 || first < 0 || rows < 0 || first + rows > out->shape[0]) {
    fail(err, err_size, "%s: rows %lld to %lld are not in its first axis", path,
         (long long)first, (long long)(first + rows));
    goto done;
  }
  /* This part's rows, read and converted. */
  *total_rows = out->shape[0];
  row_elems = out->shape[0] > 0 ? out->count / (size_t)out->shape[0] : 0;
  out->shape[0] = rows;
  out->count = (size_t)rows * row_elems;
  got = out->count * item;
  if ((data = malloc(got + 1)) == NULL ||
      fseek(file, (long)(offset + (size_t)first * row_elems * item),
            SEEK_SET) != 0 ||
      fread(data, 1, got, file) != got) {
    fail(err, err_size, "%s: cannot read its rows", path);
    goto done;
  }
  result = convert(data, item, out, err, err_size);
done:
  if (result != 0)
    memset(out, 0, sizeof *out);
  free(data);
  free(head);
  fclose(file);
  return result;
}

int npy_write_stream(FILE *file, int ndim, const int64_t *shape,
                     const float *data) {
  return npy_write_stream_as(file, ndim, shape, data, 0);
}

int npy_write_stream_as(FILE *file, int ndim, const int64_t *shape,
                        const float *data, int half) {
  char header[512];
  size_t count = 1, used, total;
  int ok;

  /* Builds the header dict, padded so the data starts at a multiple of 64. */
  used = (size_t)snprintf(header, sizeof header,
                          "{'descr': '%s', 'fortran_order': False, "
                          "'shape': (",
                          half ? "<f2" : "<f4");
  for (int i = 0; i < ndim; i++) {
    used += (size_t)snprintf(header + used, sizeof header - used, "%lld%s",
                             (long long)shape[i],
                             ndim == 1 ? "," : (i + 1 < ndim ? ", " : ""));
    count *= (size_t)shape[i];
  }
  used += (size_t)snprintf(header + used, sizeof header - used, "), }");
  total = (10 + used + 1 + 63) / 64 * 64;
  while (10 + used + 1 < total)
    header[used++] = ' ';
  header[used++] = '\n';

  ok = fwrite("\x93NUMPY\x01\x00", 1, 8, file) == 8;
  ok = ok && fputc((int)(used & 0xff), file) != EOF &&
       fputc((int)(used >> 8), file) != EOF;
  ok = ok && fwrite(header, 1, used, file) == used;
  for (size_t i = 0; ok && half && i < count; i++) {
    const uint16_t h = npy_float_to_half(data[i]);
    const unsigned char raw[2] = {(unsigned char)(h & 0xff),
                                  (unsigned char)(h >> 8)};
    ok = fwrite(raw, 1, 2, file) == 2;
  }
  for (size_t i = 0; ok && !half && i < count; i++) {
    unsigned char raw[4];
    memcpy(raw, &data[i], 4);
    if (!host_is_little_endian()) {
      unsigned char t = raw[0];
      raw[0] = raw[3];
      raw[3] = t;
      t = raw[1];
      raw[1] = raw[2];
      raw[2] = t;
    }
    ok = fwrite(raw, 1, 4, file) == 4;
  }
  return ok ? 0 : -1;
}

int npy_write(const char *path, int ndim, const int64_t *shape,
              const float *data) {
  outputs o;
  FILE *file;
  int result = -1;
  outputs_init(&o, "npy");
  outputs_add(&o, "file", path);
  if (outputs_check(&o, NULL, NULL, 0) == 0 &&
      (file = outputs_open(&o, path)) != NULL)
    result = npy_write_stream(file, ndim, shape, data) == 0 ? outputs_commit(&o)
                                                            : -1;
  outputs_discard(&o);
  return result;
}

void npy_free(npy_array *a) {
  free(a->data);
  a->data = NULL;
}
