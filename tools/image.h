/* image.h: pictures as tensors for the tool: PNG, JPEG, BMP, PGM/PPM (and
 * what else stb_image reads) in, PNG, JPEG, BMP and PGM out, through
 * stb_image and stb_image_write (Debian's libstb-dev, header-only). An
 * image is an (N=1, C, H, W) float32 array in [0, 1]; an output is scaled
 * into [0, 1] by a documented rule first. Built only where the stb headers
 * are found (CLCONV_TOOL_IMAGES); elsewhere the functions say so. */
#ifndef CLCONV_IMAGE_H
#define CLCONV_IMAGE_H

#include "npy.h"

#include <stdio.h>

/* How output values become pixels. */
typedef enum image_scale {
  IMAGE_SCALE_AUTO = 0, /* values in [0, 1] as they are; with a negative
                           one, [-m, m] onto [0, 1] (zero is mid-gray), m
                           = max |v|; else [0, max] onto [0, 1] */
  IMAGE_SCALE_ABS = 1,  /* |v| / max |v|: edges of either sign bright */
  IMAGE_SCALE_CLIP = 2  /* v clamped to [0, 1] */
} image_scale;

/* Whether @p path names an image by its extension (.png, .jpg, .jpeg,
 * .bmp, .pgm, .ppm, .pnm, .tga, .gif, .psd, .hdr; any case). */
int image_is_path(const char *path);

/* The most pixels (width x height) image_read decodes: CLCONV_MAX_PIXELS
 * when set to a positive number, else IMAGE_DEFAULT_MAX_PIXELS. The size
 * comes from the file's header, before anything is decoded, so that a
 * small file that would decode to gigabytes (a decompression bomb) is
 * refused at once. */
#define IMAGE_DEFAULT_MAX_PIXELS (64ll * 1024 * 1024)
long long image_max_pixels(void);

/* Whether this build reads and writes images. */
int image_supported(void);

/* Reads image @p path as (1, C, H, W) float32 in [0, 1], C the file's
 * channels (1 gray, 2 gray+alpha, 3 RGB, 4 RGBA) or 1 with @p gray (luma).
 * 16-bit files keep their precision. The file is read whole first (so a
 * FIFO or a pipe works), at most 1 GiB; pictures of more pixels than
 * image_max_pixels() and BMP files shorter than their header says are
 * refused. On failure returns -1 and writes why to @p err. */
int image_read(const char *path, int gray, npy_array *out, char *err,
               size_t err_size);

/* Writes @p data of @p shape ((H, W), (C, H, W) or (1, C, H, W), C 1, 3 or
 * 4) to @p file as the format of @p path's extension (PNG, JPEG at quality
 * 95, BMP, or binary PGM for one channel), scaled by @p scale; 8 bits per
 * channel. Four channels go to PNG only (JPEG and BMP would drop the
 * alpha). On failure returns -1 and writes why to @p err. */
int image_write(FILE *file, const char *path, int ndim, const int64_t *shape,
                const float *data, image_scale scale, char *err,
                size_t err_size);

/* Parses "auto", "abs" or "clip". @return 0, or -1. */
int image_parse_scale(const char *text, image_scale *out);

#endif
