/* image.c: images as (1, C, H, W) float32 arrays in [0, 1], read with
 * stb_image and written with stb_image_write (or as binary PGM). */
#include "image.h"

#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifdef CLCONV_TOOL_IMAGES
#define STB_IMAGE_IMPLEMENTATION
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb_image.h>
#include <stb_image_write.h>
#endif

/* The lower-case extension of @p path (without the dot), or "". */
static void extension(const char *path, char *out, size_t size) {
  const char *dot = strrchr(path, '.');
  const char *slash = strrchr(path, '/');
  size_t i = 0;
  out[0] = '\0';
  if (dot == NULL || (slash != NULL && dot < slash))
    return;
  for (dot++; *dot != '\0' && i + 1 < size; dot++)
    out[i++] = (char)tolower((unsigned char)*dot);
  out[i] = '\0';
}

int image_is_path(const char *path) {
  static const char *const known[] = {"png", "jpg", "jpeg", "bmp", "pgm", "ppm",
                                      "pnm", "tga", "gif",  "psd", "hdr"};
  char ext[8];
  if (path == NULL)
    return 0;
  extension(path, ext, sizeof ext);
  for (size_t i = 0; i < sizeof known / sizeof *known; i++)
    if (strcmp(ext, known[i]) == 0)
      return 1;
  return 0;
}

long long image_max_pixels(void) {
  const char *text = getenv("CLCONV_MAX_PIXELS");
  char *end = NULL;
  long long n;
  if (text == NULL || text[0] == '\0')
    return IMAGE_DEFAULT_MAX_PIXELS;
  n = strtoll(text, &end, 10);
  return end != text && *end == '\0' && n > 0 ? n : IMAGE_DEFAULT_MAX_PIXELS;
}

int image_parse_scale(const char *text, image_scale *out) {
  if (text == NULL)
    return -1;
  if (strcmp(text, "auto") == 0)
    *out = IMAGE_SCALE_AUTO;
  else if (strcmp(text, "abs") == 0)
    *out = IMAGE_SCALE_ABS;
  else if (strcmp(text, "clip") == 0)
    *out = IMAGE_SCALE_CLIP;
  else
    return -1;
  return 0;
}

#ifndef CLCONV_TOOL_IMAGES

int image_supported(void) { return 0; }

static const char *unsupported =
    "this clconv was built without image support (the stb headers were not "
    "found: apt-get install libstb-dev, then rebuild); use .npy files";

int image_read(const char *path, int gray, npy_array *out, char *err,
               size_t err_size) {
  (void)path, (void)gray, (void)out;
  snprintf(err, err_size, "%s", unsupported);
  return -1;
}

int image_write(FILE *file, const char *path, int ndim, const int64_t *shape,
                const float *data, image_scale scale, char *err,
                size_t err_size) {
  (void)file, (void)path, (void)ndim, (void)shape, (void)data, (void)scale;
  snprintf(err, err_size, "%s", unsupported);
  return -1;
}

#else

int image_supported(void) { return 1; }

#define IMAGE_MAX_FILE_BYTES ((size_t)1 << 30)

/* Reads all of @p file (a FIFO and a pipe too) into a new buffer.
 * @return it, or NULL (*size 0: out of memory or a read error; else
 * larger than the limit). */
static unsigned char *read_all(FILE *file, size_t *size) {
  size_t capacity = 1 << 16, used = 0;
  unsigned char *data = malloc(capacity), *grown;
  while (data != NULL) {
    used += fread(data + used, 1, capacity - used, file);
    if (used < capacity)
      break;
    if (capacity >= IMAGE_MAX_FILE_BYTES) {
      free(data);
      *size = capacity;
      return NULL;
    }
    grown = realloc(data, capacity * 2);
    if (grown == NULL)
      free(data);
    data = grown;
    capacity *= 2;
  }
  if (data == NULL || ferror(file)) {
    free(data);
    *size = 0;
    return NULL;
  }
  *size = used;
  return data;
}

static uint32_t le32(const unsigned char *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
         (uint32_t)p[3] << 24;
}

/* For an uncompressed BMP, the bytes its header promises (the pixel data's
 * offset and its rows, each padded to 4 bytes); 0 when it is not one or
 * the header does not say. stb_image reads a short file's missing pixels
 * as zeros, so the length is checked here. */
static uint64_t bmp_expected_bytes(const unsigned char *d, size_t size) {
  uint32_t header, compression, bits, offset;
  int64_t width, height;
  if (size < 54 || d[0] != 'B' || d[1] != 'M')
    return 0;
  offset = le32(d + 10);
  header = le32(d + 14);
  if (header < 40)
    return 0; /* the old OS/2 header: left to stb_image */
  width = (int32_t)le32(d + 18);
  height = (int32_t)le32(d + 22);
  bits = (uint32_t)d[28] | (uint32_t)d[29] << 8;
  compression = le32(d + 30);
  if ((compression != 0 && compression != 3) || width <= 0 || bits == 0)
    return 0; /* run-length encoded: its length is not fixed */
  if (height < 0)
    height = -height;
  return (uint64_t)offset +
         (((uint64_t)width * bits + 31) / 32) * 4 * (uint64_t)height;
}

int image_read(const char *path, int gray, npy_array *out, char *err,
               size_t err_size) {
  const int wanted = gray ? 1 : 0;
  int w = 0, h = 0, channels = 0, deep;
  void *pixels;
  size_t count, size;
  unsigned char *bytes;
  uint64_t promised;
  FILE *file = fopen(path, "rb");
  memset(out, 0, sizeof *out);
  if (file == NULL) {
    snprintf(err, err_size, "cannot open %s", path);
    return -1;
  }
  bytes = read_all(file, &size);
  fclose(file);
  if (bytes == NULL) {
    snprintf(err, err_size,
             size > 0 ? "%s is larger than 1 GiB: not read as a picture"
                      : "cannot read %s",
             path);
    return -1;
  }
  if (size > (size_t)INT32_MAX ||
      !stbi_info_from_memory(bytes, (int)size, &w, &h, &channels)) {
    free(bytes);
    snprintf(err, err_size, "%s is not an image stb_image can read (%s)", path,
             stbi_failure_reason());
    return -1;
  }
  if ((long long)w * (long long)h > image_max_pixels()) {
    free(bytes);
    snprintf(err, err_size,
             "%s is %d x %d pixels, more than the %lld this clconv decodes "
             "(set CLCONV_MAX_PIXELS to allow more)",
             path, w, h, image_max_pixels());
    return -1;
  }
  promised = bmp_expected_bytes(bytes, size);
  if (promised > size) {
    free(bytes);
    snprintf(err, err_size,
             "%s is a truncated BMP: %zu bytes where its header promises "
             "%llu",
             path, size, (unsigned long long)promised);
    return -1;
  }
  deep = stbi_is_16_bit_from_memory(bytes, (int)size);
  pixels = deep ? (void *)stbi_load_16_from_memory(bytes, (int)size, &w, &h,
                                                   &channels, wanted)
                : (void *)stbi_load_from_memory(bytes, (int)size, &w, &h,
                                                &channels, wanted);
  free(bytes);
  if (pixels == NULL) {
    snprintf(err, err_size, "%s is not an image stb_image can read (%s)", path,
             stbi_failure_reason());
    return -1;
  }
  if (gray)
    channels = 1;
  count = (size_t)w * (size_t)h * (size_t)channels;
  out->data = malloc(count * sizeof *out->data + 1);
  if (out->data == NULL) {
    stbi_image_free(pixels);
    snprintf(err, err_size, "out of memory for %s (%d x %d)", path, w, h);
    return -1;
  }
  /* Interleaved HWC bytes (or shorts) to planar CHW floats in [0, 1]. */
  for (int c = 0; c < channels; c++)
    for (size_t i = 0; i < (size_t)w * (size_t)h; i++) {
      const size_t at = i * (size_t)channels + (size_t)c;
      out->data[(size_t)c * (size_t)w * (size_t)h + i] =
          deep ? (float)((const unsigned short *)pixels)[at] / 65535.0f
               : (float)((const unsigned char *)pixels)[at] / 255.0f;
    }
  stbi_image_free(pixels);
  out->ndim = 4;
  out->shape[0] = 1;
  out->shape[1] = channels;
  out->shape[2] = h;
  out->shape[3] = w;
  out->count = count;
  return 0;
}

/* Where stb_image_write's callback appends. */
typedef struct sink {
  FILE *file;
  int failed;
} sink;

static void write_to_file(void *context, void *bytes, int size) {
  sink *s = context;
  if (fwrite(bytes, 1, (size_t)size, s->file) != (size_t)size)
    s->failed = 1;
}

/* The pixel of value @p v after the scale (@p lo, @p span) and the rule. */
static unsigned char to_byte(float v, image_scale scale, double lo,
                             double span) {
  double t = scale == IMAGE_SCALE_ABS ? fabs((double)v) : (double)v;
  t = span > 0 ? (t - lo) / span : 0.0; /* all zero (or NaN): black */
  if (!(t >= 0.0))                      /* NaN too */
    t = 0.0;
  if (t > 1.0)
    t = 1.0;
  return (unsigned char)lround(t * 255.0);
}

int image_write(FILE *file, const char *path, int ndim, const int64_t *shape,
                const float *data, image_scale scale, char *err,
                size_t err_size) {
  const int64_t c = ndim == 2 ? 1 : shape[ndim - 3];
  const int64_t h = shape[ndim - 2], w = shape[ndim - 1];
  const size_t plane = (size_t)(h * w);
  double lo = 0.0, span = 1.0, max_abs = 0.0, max = -INFINITY, min = INFINITY;
  unsigned char *pixels;
  char ext[8];
  sink out;
  int ok;
  if (!(ndim == 2 || ndim == 3 || (ndim == 4 && shape[0] == 1)) ||
      !(c == 1 || c == 3 || c == 4) || h < 1 || w < 1 || h > 65535 ||
      w > 65535) {
    snprintf(err, err_size,
             "an image needs (H, W), (C, H, W) or (1, C, H, W) with C 1, 3 "
             "or 4 and sides up to 65535; this output is not one (write it "
             "as .npy)");
    return -1;
  }
  extension(path, ext, sizeof ext);
  if (c == 4 && strcmp(ext, "png") != 0) {
    snprintf(err, err_size,
             "four channels (with alpha) are written as .png only (.%s "
             "would drop the alpha)",
             ext);
    return -1;
  }
  /* The scale: see image.h. */
  for (size_t i = 0; i < (size_t)c * plane; i++) {
    const double v = data[i];
    if (isnan(v))
      continue;
    max_abs = fmax(max_abs, fabs(v));
    max = fmax(max, v);
    min = fmin(min, v);
  }
  if (scale == IMAGE_SCALE_ABS) {
    span = max_abs;
  } else if (scale == IMAGE_SCALE_AUTO && !(min >= 0.0 && max <= 1.0)) {
    if (min < 0.0)
      lo = -max_abs, span = 2.0 * max_abs;
    else
      span = max;
  }
  pixels = malloc((size_t)c * plane + 1);
  if (pixels == NULL) {
    snprintf(err, err_size, "out of memory for a %lld x %lld image",
             (long long)w, (long long)h);
    return -1;
  }
  for (int64_t k = 0; k < c; k++)
    for (size_t i = 0; i < plane; i++)
      pixels[i * (size_t)c + (size_t)k] =
          to_byte(data[(size_t)k * plane + i], scale, lo, span);
  out.file = file;
  out.failed = 0;
  if (strcmp(ext, "png") == 0) {
    ok = stbi_write_png_to_func(write_to_file, &out, (int)w, (int)h, (int)c,
                                pixels, (int)(w * c));
  } else if (strcmp(ext, "jpg") == 0 || strcmp(ext, "jpeg") == 0) {
    ok = stbi_write_jpg_to_func(write_to_file, &out, (int)w, (int)h, (int)c,
                                pixels, 95);
  } else if (strcmp(ext, "bmp") == 0) {
    ok = stbi_write_bmp_to_func(write_to_file, &out, (int)w, (int)h, (int)c,
                                pixels);
  } else if (strcmp(ext, "pgm") == 0 && c == 1) {
    ok =
        fprintf(file, "P5\n%lld %lld\n255\n", (long long)w, (long long)h) > 0 &&
        fwrite(pixels, 1, plane, file) == plane;
  } else {
    free(pixels);
    snprintf(err, err_size,
             "%s: images are written as .png, .jpg, .bmp or (one channel) "
             ".pgm",
             path);
    return -1;
  }
  free(pixels);
  if (!ok || out.failed || ferror(file)) {
    snprintf(err, err_size, "cannot write %s", path);
    return -1;
  }
  return 0;
}

#endif
