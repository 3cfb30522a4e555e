/* edge_detection.c: the notebook's edge detector. The kernel K = [[1, -1]]
 * marks where a row changes from 1 to 0 (+1) or 0 to 1 (-1); it sees only
 * vertical edges, so on the transposed image it gives zeros, while the
 * transposed kernel K.T finds the edges there. A diagonal edge is found one
 * column to its left. Exit status: 0 when every result is as the notebook
 * says, 77 without an OpenCL device, 1 otherwise. */
#include <clconv.h>
#include <stdio.h>
#include <string.h>

/* Computes corr2d(image, kernel) for 2-D arrays on @p ctx; Y gets
 * (h - kh + 1) x (w - kw + 1) values. @return the first failing status. */
static clconv_status corr2d(clconv_context *ctx, const float *image, int h,
                            int w, const float *kernel, int kh, int kw,
                            float *Y) {
  const int64_t x_dims[4] = {1, 1, h, w}, k_dims[4] = {1, 1, kh, kw};
  const int64_t y_dims[4] = {1, 1, h - kh + 1, w - kw + 1};
  clconv_corr2d_params params = clconv_corr2d_params_default();
  clconv_tensor *x = NULL, *k = NULL, *y = NULL;
  clconv_status status;
  if ((status = clconv_tensor_create(ctx, 4, x_dims, &x)) == 0 &&
      (status = clconv_tensor_write(x, image, (size_t)(h * w))) == 0 &&
      (status = clconv_tensor_create(ctx, 4, k_dims, &k)) == 0 &&
      (status = clconv_tensor_write(k, kernel, (size_t)(kh * kw))) == 0 &&
      (status = clconv_tensor_create(ctx, 4, y_dims, &y)) == 0 &&
      (status = clconv_corr2d_forward(ctx, &params, x, k, NULL, y)) == 0)
    status = clconv_tensor_read(y, Y, clconv_tensor_count(y));
  clconv_tensor_release(y);
  clconv_tensor_release(k);
  clconv_tensor_release(x);
  return status;
}

static void print_matrix(const char *name, const float *m, int rows, int cols) {
  printf("%s =\n", name);
  for (int i = 0; i < rows; i++) {
    printf("  ");
    for (int j = 0; j < cols; j++)
      printf("%3g", m[i * cols + j] == 0 ? 0.0 : (double)m[i * cols + j]);
    printf("\n");
  }
}

int main(void) {
  const float K[2] = {1, -1}; /* 1x2, and as K.T it is 2x1 */
  float X[6 * 8], XT[8 * 6], diagonal[6 * 8];
  float Y[6 * 7], Y_on_XT[8 * 5], Y_T[7 * 6], Y_diagonal[6 * 7];
  char message[1024];
  clconv_context *ctx = NULL;
  clconv_status status;
  int ok = 1;

  /* X: ones with columns 2..5 black (0); its transpose; a diagonal edge. */
  for (int i = 0; i < 6; i++)
    for (int j = 0; j < 8; j++) {
      X[i * 8 + j] = XT[j * 6 + i] = (j >= 2 && j <= 5) ? 0.0f : 1.0f;
      diagonal[i * 8 + j] = j >= i ? 1.0f : 0.0f;
    }

  status = clconv_context_create(NULL, &ctx, message, sizeof message);
  if (status != CLCONV_STATUS_OK) {
    fprintf(stderr, "edge_detection: %s\n", message);
    return status == CLCONV_STATUS_NO_PLATFORM ||
                   status == CLCONV_STATUS_DEVICE_NOT_FOUND
               ? 77
               : 1;
  }
  if ((status = corr2d(ctx, X, 6, 8, K, 1, 2, Y)) != 0 ||
      (status = corr2d(ctx, XT, 8, 6, K, 1, 2, Y_on_XT)) != 0 ||
      (status = corr2d(ctx, XT, 8, 6, K, 2, 1, Y_T)) != 0 ||
      (status = corr2d(ctx, diagonal, 6, 8, K, 1, 2, Y_diagonal)) != 0) {
    fprintf(stderr, "edge_detection: %s\n", clconv_context_message(ctx));
    clconv_context_release(ctx);
    return 1;
  }
  clconv_context_release(ctx);

  print_matrix("X", X, 6, 8);
  print_matrix("Y = corr2d(X, K): +1 at column 1, -1 at column 5", Y, 6, 7);
  print_matrix("corr2d(X.T, K): no vertical edges", Y_on_XT, 8, 5);
  print_matrix("corr2d(X.T, K.T) = Y.T", Y_T, 7, 6);
  print_matrix("corr2d(diagonal, K): -1 left of the diagonal", Y_diagonal, 6,
               7);

  /* Checks each result against what the notebook and the algebra say. */
  for (int i = 0; i < 6; i++)
    for (int j = 0; j < 7; j++) {
      float edge = j == 1 ? 1.0f : j == 5 ? -1.0f : 0.0f;
      ok &= Y[i * 7 + j] == edge;
      ok &= Y_T[j * 6 + i] == edge;
      ok &= Y_diagonal[i * 7 + j] == (j == i - 1 ? -1.0f : 0.0f);
    }
  for (int i = 0; i < 8 * 5; i++)
    ok &= Y_on_XT[i] == 0.0f;
  printf("%s\n", ok ? "all as the notebook says" : "MISMATCH");
  return ok ? 0 : 1;
}
