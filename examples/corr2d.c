/* corr2d.c: the notebook's first example, corr2d(X, K) on a 3x3 image,
 * written with the clconv API. Expected output: [[19, 25], [37, 43]].
 * Exit status: 0 when the result is right, 77 when there is no OpenCL device
 * (try CLCONV_DEVICE=reference), 1 on any other error. */
#include <clconv.h>
#include <stdio.h>

int main(void) {
  /* The notebook's X (3x3) and K (2x2), as (N, C, H, W) tensors. */
  const float X[9] = {0, 1, 2, 3, 4, 5, 6, 7, 8};
  const float K[4] = {0, 1, 2, 3};
  const int64_t x_dims[4] = {1, 1, 3, 3}, k_dims[4] = {1, 1, 2, 2};
  const float expected[4] = {19, 25, 37, 43};
  int64_t y_dims[4];
  float Y[4];
  char message[1024];
  clconv_context *ctx = NULL;
  clconv_tensor *x = NULL, *k = NULL, *y = NULL;
  clconv_corr2d_params params = clconv_corr2d_params_default();
  clconv_status status;
  int exit_code = 1;

  /* Opens the default device: CLCONV_DEVICE, else the first GPU, else the
   * first OpenCL device. */
  status = clconv_context_create(NULL, &ctx, message, sizeof message);
  if (status != CLCONV_STATUS_OK) {
    fprintf(stderr, "corr2d: %s\n", message);
    return status == CLCONV_STATUS_NO_PLATFORM ||
                   status == CLCONV_STATUS_DEVICE_NOT_FOUND
               ? 77
               : 1;
  }

  /* Uploads X and K, sizes Y, and runs the cross-correlation. */
  if ((status = clconv_tensor_create(ctx, 4, x_dims, &x)) != 0 ||
      (status = clconv_tensor_write(x, X, 9)) != 0 ||
      (status = clconv_tensor_create(ctx, 4, k_dims, &k)) != 0 ||
      (status = clconv_tensor_write(k, K, 4)) != 0 ||
      (status = clconv_corr2d_output_dims(ctx, &params, x, k, y_dims)) != 0 ||
      (status = clconv_tensor_create(ctx, 4, y_dims, &y)) != 0 ||
      (status = clconv_corr2d_forward(ctx, &params, x, k, NULL, y)) != 0 ||
      (status = clconv_tensor_read(y, Y, 4)) != 0) {
    fprintf(stderr, "corr2d: %s: %s\n", clconv_status_string(status),
            clconv_context_message(ctx));
    goto done;
  }

  printf("corr2d(X, K) =\n[[%g, %g],\n [%g, %g]]\n", Y[0], Y[1], Y[2], Y[3]);
  exit_code = 0;
  for (int i = 0; i < 4; i++)
    if (Y[i] != expected[i])
      exit_code = 1;
  printf("%s\n",
         exit_code == 0 ? "matches the notebook" : "DIFFERS from the notebook");
done:
  clconv_tensor_release(y);
  clconv_tensor_release(k);
  clconv_tensor_release(x);
  clconv_context_release(ctx);
  return exit_code;
}
