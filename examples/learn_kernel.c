/* learn_kernel.c: the notebook's "learning a kernel" with the layer API. A
 * 1x2 Conv2D layer without bias learns to map the edge image X to Y =
 * corr2d(X, [[1, -1]]) by gradient descent on the summed squared error, lr
 * 3e-2, printing the loss every 2 epochs; the learned kernel ends near
 * [1, -1]. Exit status: 0 when it does, 77 without an OpenCL device, 1
 * otherwise. */
#include <clconv.h>
#include <math.h>
#include <stdio.h>

int main(void) {
  const int64_t x_dims[4] = {1, 1, 6, 8}, y_dims[4] = {1, 1, 6, 7};
  float X[6 * 8], Y[6 * 7], kernel[2];
  char message[1024];
  clconv_context *ctx = NULL;
  clconv_conv2d *conv2d = NULL;
  clconv_tensor *x = NULL, *y = NULL, *y_hat = NULL, *grad = NULL;
  clconv_conv2d_params params = clconv_conv2d_params_default();
  clconv_sgd_params sgd = clconv_sgd_params_default();
  clconv_status status;
  int exit_code = 1;

  /* X: ones with columns 2..5 set to 0; Y: +1 / -1 at its two edges. */
  for (int i = 0; i < 6; i++)
    for (int j = 0; j < 8; j++)
      X[i * 8 + j] = (j >= 2 && j <= 5) ? 0.0f : 1.0f;
  for (int i = 0; i < 6; i++)
    for (int j = 0; j < 7; j++)
      Y[i * 7 + j] = X[i * 8 + j] - X[i * 8 + j + 1];

  status = clconv_context_create(NULL, &ctx, message, sizeof message);
  if (status != CLCONV_STATUS_OK) {
    fprintf(stderr, "learn_kernel: %s\n", message);
    return status == CLCONV_STATUS_NO_PLATFORM ||
                   status == CLCONV_STATUS_DEVICE_NOT_FOUND
               ? 77
               : 1;
  }

  /* conv2d = nn.Conv2d(1, 1, kernel_size=(1, 2), bias=False); the input
   * channels are inferred at the first forward, like nn.LazyConv2d. */
  params.kernel_h = 1;
  params.kernel_w = 2;
  params.bias = 0;
  sgd.lr = 3e-2f;
  if ((status = clconv_conv2d_create(ctx, &params, &conv2d)) != 0 ||
      (status = clconv_tensor_create(ctx, 4, x_dims, &x)) != 0 ||
      (status = clconv_tensor_write(x, X, 48)) != 0 ||
      (status = clconv_tensor_create(ctx, 4, y_dims, &y)) != 0 ||
      (status = clconv_tensor_write(y, Y, 42)) != 0 ||
      (status = clconv_tensor_create(ctx, 4, y_dims, &y_hat)) != 0 ||
      (status = clconv_tensor_create(ctx, 4, y_dims, &grad)) != 0)
    goto failed;

  for (int epoch = 1; epoch <= 10; epoch++) {
    double loss;
    /* Y_hat = conv2d(X); l = ((Y_hat - Y) ** 2).sum(), with dl/dY_hat */
    if ((status = clconv_conv2d_forward(conv2d, x, y_hat)) != 0 ||
        (status = clconv_squared_error(ctx, CLCONV_REDUCTION_SUM, y_hat, y,
                                       &loss, grad)) != 0 ||
        /* conv2d.zero_grad(); l.backward() */
        (status = clconv_conv2d_zero_grad(conv2d)) != 0 ||
        (status = clconv_conv2d_backward(conv2d, x, grad, NULL)) != 0 ||
        /* conv2d.weight.data[:] -= lr * conv2d.weight.grad */
        (status = clconv_conv2d_sgd_step(conv2d, &sgd)) != 0)
      goto failed;
    if (epoch % 2 == 0)
      printf("epoch %d, loss %.3f\n", epoch, loss);
  }

  if ((status = clconv_conv2d_get(conv2d, CLCONV_CONV2D_WEIGHT, kernel, 2)) !=
      0)
    goto failed;
  printf("learned kernel: [[%.4f, %.4f]]\n", kernel[0], kernel[1]);
  exit_code = fabsf(kernel[0] - 1.0f) < 0.15f && fabsf(kernel[1] + 1.0f) < 0.15f
                  ? 0
                  : 1;
  goto done;
failed:
  fprintf(stderr, "learn_kernel: %s: %s\n", clconv_status_string(status),
          clconv_context_message(ctx));
done:
  clconv_tensor_release(grad);
  clconv_tensor_release(y_hat);
  clconv_tensor_release(y);
  clconv_tensor_release(x);
  clconv_conv2d_release(conv2d);
  clconv_context_release(ctx);
  return exit_code;
}
