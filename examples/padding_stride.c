/* padding_stride.c: how padding, stride and dilation set the output size,
 * Hout = (H + 2*pad - dilation*(KH-1) - 1) / stride + 1, as the notebook's
 * "3x3 kernel with padding 1 keeps 8x8" shows. Asks clconv for each shape and
 * checks it against the formula; then runs the padded case. Exit status: 0
 * when all agree, 77 without an OpenCL device, 1 otherwise. */
#include <clconv.h>
#include <stdio.h>

typedef struct example {
  const char *what;
  int64_t h, w, kh, kw, pad_h, pad_w, stride, dilation;
} example;

int main(void) {
  static const example examples[] = {
      {"3x3 kernel, no padding", 8, 8, 3, 3, 0, 0, 1, 1},
      {"3x3 kernel, padding 1 (keeps 8x8)", 8, 8, 3, 3, 1, 1, 1, 1},
      {"5x3 kernel, padding 2 and 1", 8, 8, 5, 3, 2, 1, 1, 1},
      {"3x3 kernel, padding 1, stride 2 (halves)", 8, 8, 3, 3, 1, 1, 2, 1},
      {"3x3 kernel, dilation 2", 8, 8, 3, 3, 0, 0, 1, 2},
      {"1x1 kernel, padding 3", 8, 8, 1, 1, 3, 3, 1, 1},
  };
  char message[1024];
  clconv_context *ctx = NULL;
  int ok = 1;
  clconv_status status =
      clconv_context_create(NULL, &ctx, message, sizeof message);
  if (status != CLCONV_STATUS_OK) {
    fprintf(stderr, "padding_stride: %s\n", message);
    return status == CLCONV_STATUS_NO_PLATFORM ||
                   status == CLCONV_STATUS_DEVICE_NOT_FOUND
               ? 77
               : 1;
  }

  for (size_t i = 0; i < sizeof examples / sizeof examples[0]; i++) {
    const example *e = &examples[i];
    const int64_t x_dims[4] = {1, 1, e->h, e->w};
    const int64_t k_dims[4] = {1, 1, e->kh, e->kw};
    int64_t y_dims[4] = {0, 0, 0, 0}, hout, wout;
    clconv_corr2d_params p = clconv_corr2d_params_default();
    clconv_tensor *x = NULL, *k = NULL, *y = NULL;
    p.pad_h = e->pad_h;
    p.pad_w = e->pad_w;
    p.stride_h = p.stride_w = e->stride;
    p.dilation_h = p.dilation_w = e->dilation;

    /* The formula, then clconv's answer, then a real run of that shape. */
    hout =
        (e->h + 2 * e->pad_h - e->dilation * (e->kh - 1) - 1) / e->stride + 1;
    wout =
        (e->w + 2 * e->pad_w - e->dilation * (e->kw - 1) - 1) / e->stride + 1;
    if ((status = clconv_tensor_create(ctx, 4, x_dims, &x)) != 0 ||
        (status = clconv_tensor_create(ctx, 4, k_dims, &k)) != 0 ||
        (status = clconv_corr2d_output_dims(ctx, &p, x, k, y_dims)) != 0 ||
        (status = clconv_tensor_create(ctx, 4, y_dims, &y)) != 0 ||
        (status = clconv_corr2d_forward(ctx, &p, x, k, NULL, y)) != 0 ||
        (status = clconv_context_finish(ctx)) != 0) {
      fprintf(stderr, "padding_stride: %s\n", clconv_context_message(ctx));
      ok = 0;
    }
    printf("%-42s 8x8 -> %lldx%lld (formula %lldx%lld)\n", e->what,
           (long long)y_dims[2], (long long)y_dims[3], (long long)hout,
           (long long)wout);
    ok &= y_dims[2] == hout && y_dims[3] == wout;
    clconv_tensor_release(y);
    clconv_tensor_release(k);
    clconv_tensor_release(x);
  }
  clconv_context_release(ctx);
  printf("%s\n", ok ? "every shape matches the formula" : "MISMATCH");
  return ok ? 0 : 1;
}
