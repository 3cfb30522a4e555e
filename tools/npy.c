/* npy.c: a strict reader and a writer for NumPy's .npy format (versions 1 to
 * 3), enough for float32 and float64 arrays in C order. */
#include "npy.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* Finds the value text after "'key':" in the header dict, or NULL. */
static const char *find_key(const char *header, const char *key) {
  char pattern[32];
  const char *at;
  snprintf(pattern, sizeof pattern, "'%s'", key);
  at = strstr(header, pattern);
  if (at == NULL)
    return NULL;
  at += strlen(pattern);
  while (isspace((unsigned char)*at))
    at++;
  if (*at != ':')
    return NULL;
  at++;
  while (isspace((unsigned char)*at))
    at++;
  return at;
}

/* Parses "(a, b, ...)" into @p out; accepts "()" (a scalar) and "(a,)". */
static int parse_shape(const char *at, npy_array *out, char *err,
                       size_t err_size) {
  if (*at != '(')
    return fail(err, err_size, "the shape is not a tuple");
  at++;
  out->ndim = 0;
  out->count = 1;
  for (;;) {
    char *end;
    long long dim;
    while (isspace((unsigned char)*at) || *at == ',')
      at++;
    if (*at == ')')
      break;
    if (!isdigit((unsigned char)*at))
      return fail(err, err_size, "the shape holds something not a size");
    errno = 0;
    dim = strtoll(at, &end, 10);
    if (errno != 0 || dim < 0)
      return fail(err, err_size, "a size of the shape is out of range");
    if (out->ndim == NPY_MAX_DIMS)
      return fail(err, err_size, "more than %d dimensions", NPY_MAX_DIMS);
    if (dim != 0 && out->count > SIZE_MAX / 8 / (size_t)dim)
      return fail(err, err_size, "the element count overflows");
    out->shape[out->ndim++] = dim;
    out->count *= (size_t)dim;
    at = end;
    while (isspace((unsigned char)*at))
      at++;
    if (*at != ',' && *at != ')')
      return fail(err, err_size, "the shape tuple is malformed");
  }
  return 0;
}

int npy_parse(const unsigned char *bytes, size_t size, npy_array *out,
              char *err, size_t err_size) {
  size_t header_len, offset, item, need;
  char *header = NULL;
  const char *descr, *order, *shape;
  int is_f8;
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
  descr = find_key(header, "descr");
  order = find_key(header, "fortran_order");
  shape = find_key(header, "shape");
  if (descr == NULL || order == NULL || shape == NULL) {
    free(header);
    return fail(err, err_size,
                "the .npy header lacks descr, fortran_order "
                "or shape");
  }
  if (strncmp(descr, "'<f4'", 5) == 0) {
    is_f8 = 0;
  } else if (strncmp(descr, "'<f8'", 5) == 0) {
    is_f8 = 1;
  } else {
    char dtype[16] = "";
    sscanf(descr, "'%15[^']'", dtype);
    free(header);
    return fail(err, err_size,
                "dtype '%s' is not supported: use little-endian float32 "
                "('<f4') or float64 ('<f8'), e.g. x.astype(np.float32)",
                dtype);
  }
  if (strncmp(order, "False", 5) != 0) {
    free(header);
    return fail(err, err_size,
                "fortran_order arrays are not supported: save "
                "np.ascontiguousarray(x)");
  }
  if (parse_shape(shape, out, err, err_size) != 0) {
    free(header);
    return -1;
  }
  free(header);

  /* Checks that the data is all there, then converts it to float32. */
  item = is_f8 ? 8 : 4;
  need = out->count * item;
  if (size - offset != need)
    return fail(err, err_size,
                "the file holds %zu data bytes but shape needs "
                "%zu",
                size - offset, need);
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
    if (is_f8) {
      double d;
      memcpy(&d, raw, 8);
      out->data[i] = (float)d;
    } else {
      memcpy(&out->data[i], raw, 4);
    }
  }
  return 0;
}

int npy_read(const char *path, npy_array *out, char *err, size_t err_size) {
  FILE *file = fopen(path, "rb");
  unsigned char *bytes = NULL;
  long length;
  int result = -1;
  char why[256];
  memset(out, 0, sizeof *out);
  if (file == NULL)
    return fail(err, err_size, "%s: %s", path, strerror(errno));
  if (fseek(file, 0, SEEK_END) != 0 || (length = ftell(file)) < 0 ||
      fseek(file, 0, SEEK_SET) != 0) {
    fail(err, err_size, "%s: cannot find its size", path);
    goto done;
  }
  bytes = malloc((size_t)length + 1);
  if (bytes == NULL) {
    fail(err, err_size, "%s: out of memory", path);
    goto done;
  }
  if (fread(bytes, 1, (size_t)length, file) != (size_t)length) {
    fail(err, err_size, "%s: read error", path);
    goto done;
  }
  if (npy_parse(bytes, (size_t)length, out, why, sizeof why) != 0) {
    fail(err, err_size, "%s: %s", path, why);
    goto done;
  }
  result = 0;
done:
  free(bytes);
  fclose(file);
  return result;
}

int npy_write(const char *path, int ndim, const int64_t *shape,
              const float *data, char *err, size_t err_size) {
  char header[512], tmp_path[4096];
  size_t count = 1, used, total;
  FILE *file;
  int ok;

  /* Builds the header dict, padded so the data starts at a multiple of 64. */
  used = (size_t)snprintf(header, sizeof header,
                          "{'descr': '<f4', 'fortran_order': False, "
                          "'shape': (");
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

  /* Writes to a temporary name, then renames it into place. */
  if (snprintf(tmp_path, sizeof tmp_path, "%s.tmp", path) >=
      (int)sizeof tmp_path)
    return fail(err, err_size, "%s: path too long", path);
  file = fopen(tmp_path, "wb");
  if (file == NULL)
    return fail(err, err_size, "%s: %s", tmp_path, strerror(errno));
  ok = fwrite("\x93NUMPY\x01\x00", 1, 8, file) == 8;
  ok = ok && fputc((int)(used & 0xff), file) != EOF &&
       fputc((int)(used >> 8), file) != EOF;
  ok = ok && fwrite(header, 1, used, file) == used;
  for (size_t i = 0; ok && i < count; i++) {
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
  ok = (fclose(file) == 0) && ok;
#ifdef _WIN32
  if (ok)
    remove(path);
#endif
  if (!ok || rename(tmp_path, path) != 0) {
    int saved = errno;
    remove(tmp_path);
    return fail(err, err_size, "%s: cannot write: %s", path, strerror(saved));
  }
  return 0;
}

void npy_free(npy_array *a) {
  free(a->data);
  a->data = NULL;
}
