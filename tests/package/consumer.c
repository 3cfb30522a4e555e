/* consumer.c: an application that uses clconv as an installed or embedded
 * library: the notebook's corr2d on the reference backend (no OpenCL device
 * needed), checked against its known result. */
#include <clconv.h>

#include <stdio.h>

int main(void) {
  const float x[9] = {0, 1, 2, 3, 4, 5, 6, 7, 8}, k[4] = {0, 1, 2, 3};
  const float expected[4] = {19, 25, 37, 43};
  const int64_t x_dims[4] = {1, 1, 3, 3}, k_dims[4] = {1, 1, 2, 2};
  const int64_t y_dims[4] = {1, 1, 2, 2};
  clconv_context_options options = clconv_context_options_default();
  clconv_corr2d_params params = clconv_corr2d_params_default();
  clconv_context *ctx = NULL;
  clconv_tensor *tx = NULL, *tk = NULL, *ty = NULL;
  float y[4] = {0};
  char message[512];
  int ok;
  options.device = "reference";
  if (clconv_context_create(&options, &ctx, message, sizeof message) !=
      CLCONV_STATUS_OK) {
    fprintf(stderr, "consumer: %s\n", message);
    return 1;
  }
  ok = clconv_tensor_create(ctx, 4, x_dims, &tx) == CLCONV_STATUS_OK &&
       clconv_tensor_create(ctx, 4, k_dims, &tk) == CLCONV_STATUS_OK &&
       clconv_tensor_create(ctx, 4, y_dims, &ty) == CLCONV_STATUS_OK &&
       clconv_tensor_write(tx, x, 9) == CLCONV_STATUS_OK &&
       clconv_tensor_write(tk, k, 4) == CLCONV_STATUS_OK &&
       clconv_corr2d_forward(ctx, &params, tx, tk, NULL, ty) ==
           CLCONV_STATUS_OK &&
       clconv_tensor_read(ty, y, 4) == CLCONV_STATUS_OK;
  for (int i = 0; ok && i < 4; i++)
    ok = y[i] == expected[i];
  printf("consumer: clconv %s, corr2d = [[%g, %g], [%g, %g]] %s\n",
         clconv_version_string(), y[0], y[1], y[2], y[3],
         ok ? "as expected" : "WRONG");
  if (!ok)
    fprintf(stderr, "consumer: %s\n", clconv_context_message(ctx));
  clconv_tensor_release(ty);
  clconv_tensor_release(tk);
  clconv_tensor_release(tx);
  clconv_context_release(ctx);
  return ok ? 0 : 1;
}
