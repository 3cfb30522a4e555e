/* edge_detection_image.c: the notebook's edge detector on a photograph.
 * Reads a picture (default: examples/data/grace_hopper.png) as gray values
 * in [0, 1], correlates it with K = [[1, -1]] (vertical edges) and with
 * K.T (horizontal edges) on the default device in verify mode (each result
 * checked against the reference backend), checks the identity that K's
 * output obeys (each row's values sum to its first pixel minus its last),
 * and writes |Y| scaled to [0, 255] as vertical.png and horizontal.png.
 *
 * usage: example_edge_detection_image [IMAGE [OUT_DIR]]   (OUT_DIR: ".")
 * Exit status: 0 when everything ran and checked, 77 without an OpenCL
 * device, 1 otherwise. Needs stb_image (libstb-dev), as the tool does. */
#include <clconv.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define STB_IMAGE_IMPLEMENTATION
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb_image.h>
#include <stb_image_write.h>

#ifndef EXAMPLE_IMAGE
#define EXAMPLE_IMAGE "grace_hopper.png"
#endif

/* y = corr2d(x, k) for one h x w image and a kh x kw kernel; y gets
 * (h - kh + 1) x (w - kw + 1) values. @return the first failing status. */
static clconv_status corr2d(clconv_context *ctx, const float *x, int h, int w,
                            const float *k, int kh, int kw, float *y) {
  const int64_t x_dims[4] = {1, 1, h, w}, k_dims[4] = {1, 1, kh, kw};
  const int64_t y_dims[4] = {1, 1, h - kh + 1, w - kw + 1};
  clconv_corr2d_params params = clconv_corr2d_params_default();
  clconv_tensor *tx = NULL, *tk = NULL, *ty = NULL;
  clconv_status status;
  if ((status = clconv_tensor_create(ctx, 4, x_dims, &tx)) == 0 &&
      (status = clconv_tensor_write(tx, x, (size_t)h * (size_t)w)) == 0 &&
      (status = clconv_tensor_create(ctx, 4, k_dims, &tk)) == 0 &&
      (status = clconv_tensor_write(tk, k, (size_t)(kh * kw))) == 0 &&
      (status = clconv_tensor_create(ctx, 4, y_dims, &ty)) == 0 &&
      (status = clconv_corr2d_forward(ctx, &params, tx, tk, NULL, ty)) == 0)
    status = clconv_tensor_read(ty, y, clconv_tensor_count(ty));
  clconv_tensor_release(ty);
  clconv_tensor_release(tk);
  clconv_tensor_release(tx);
  return status;
}

/* Writes |y| (h x w), the largest made white, as the PNG @p path.
 * @return 0 on success. */
static int write_edges(const char *path, const float *y, int h, int w) {
  const size_t n = (size_t)h * (size_t)w;
  unsigned char *pixels = malloc(n + 1);
  float largest = 0.0f;
  int ok;
  if (pixels == NULL)
    return -1;
  for (size_t i = 0; i < n; i++)
    largest = fmaxf(largest, fabsf(y[i]));
  for (size_t i = 0; i < n; i++)
    pixels[i] = largest > 0.0f
                    ? (unsigned char)lroundf(255.0f * fabsf(y[i]) / largest)
                    : 0;
  ok = stbi_write_png(path, w, h, 1, pixels, w);
  free(pixels);
  return ok ? 0 : -1;
}

int main(int argc, char **argv) {
  const char *image = argc > 1 ? argv[1] : EXAMPLE_IMAGE;
  const char *out_dir = argc > 2 ? argv[2] : ".";
  const float K[2] = {1, -1}; /* 1x2; read as 2x1 it is K.T */
  clconv_context_options options = clconv_context_options_default();
  clconv_context *ctx = NULL;
  clconv_status status;
  char message[1024], path[4096];
  float *x = NULL, *vertical = NULL, *horizontal = NULL;
  unsigned char *pixels;
  int w, h, channels, code = 1;
  double worst = 0.0;

  /* The picture as gray values in [0, 1]. */
  pixels = stbi_load(image, &w, &h, &channels, 1);
  if (pixels == NULL || w < 2 || h < 2) {
    fprintf(stderr, "cannot read %s as a picture of at least 2x2: %s\n", image,
            pixels == NULL ? stbi_failure_reason() : "too small");
    stbi_image_free(pixels);
    return 1;
  }
  x = malloc((size_t)w * (size_t)h * sizeof *x);
  vertical = malloc((size_t)h * (size_t)(w - 1) * sizeof *vertical);
  horizontal = malloc((size_t)(h - 1) * (size_t)w * sizeof *horizontal);
  if (x == NULL || vertical == NULL || horizontal == NULL) {
    fprintf(stderr, "out of memory\n");
    goto done;
  }
  for (size_t i = 0; i < (size_t)w * (size_t)h; i++)
    x[i] = (float)pixels[i] / 255.0f;

  /* The device, in verify mode: every result checked by the reference. */
  options.verify = 1;
  status = clconv_context_create(&options, &ctx, message, sizeof message);
  if (status == CLCONV_STATUS_NO_PLATFORM ||
      status == CLCONV_STATUS_DEVICE_NOT_FOUND) {
    fprintf(stderr, "no OpenCL device: %s\n", message);
    code = 77;
    goto done;
  }
  if (status != CLCONV_STATUS_OK) {
    fprintf(stderr, "%s\n", message);
    goto done;
  }
  if ((status = corr2d(ctx, x, h, w, K, 1, 2, vertical)) != 0 ||
      (status = corr2d(ctx, x, h, w, K, 2, 1, horizontal)) != 0) {
    fprintf(stderr, "%s\n", clconv_context_message(ctx));
    goto done;
  }

  /* K's output telescopes: row i sums to x[i][0] - x[i][w-1]. */
  for (int i = 0; i < h; i++) {
    double sum = 0.0;
    for (int j = 0; j < w - 1; j++)
      sum += vertical[i * (w - 1) + j];
    worst = fmax(worst, fabs(sum - ((double)x[i * w] - x[i * w + w - 1])));
  }
  printf("%s: %d x %d pixels, every result checked against the reference\n",
         image, w, h);
  printf("each row of corr2d(X, K) sums to its first pixel minus its last: "
         "worst difference %.2g\n",
         worst);
  if (worst > 1e-4) {
    fprintf(stderr, "the rows do not telescope\n");
    goto done;
  }

  /* The two edge pictures. */
  snprintf(path, sizeof path, "%s/vertical.png", out_dir);
  if (write_edges(path, vertical, h, w - 1) != 0) {
    fprintf(stderr, "cannot write %s\n", path);
    goto done;
  }
  printf("wrote %s (|corr2d(X, [[1, -1]])|: vertical edges)\n", path);
  snprintf(path, sizeof path, "%s/horizontal.png", out_dir);
  if (write_edges(path, horizontal, h - 1, w) != 0) {
    fprintf(stderr, "cannot write %s\n", path);
    goto done;
  }
  printf("wrote %s (|corr2d(X, [[1], [-1]])|: horizontal edges)\n", path);
  code = 0;
done:
  clconv_context_release(ctx);
  free(horizontal);
  free(vertical);
  free(x);
  stbi_image_free(pixels);
  return code;
}
