/* backend_opencl.c: the OpenCL backend's ops: picks each kernel's
 * specialization, sets its arguments and queues it. */
#include "backend_opencl.h"

#include "error.h"
#include "launch.h"
#include "program.h"

#include <stdio.h>

/* Work-items per work-group for the element-wise kernels. */
#define ELEMENTWISE_LOCAL 64

clconv_status clconv__cl_corr2d_fwd(clconv_context *ctx,
                                    const clconv__corr2d_geom *g,
                                    const clconv_tensor *x,
                                    const clconv_tensor *w,
                                    const clconv_tensor *b, clconv_tensor *y) {
  char options[256];
  cl_kernel kernel;
  clconv__args a;
  uint64_t total = (uint64_t)y->count;

  /* Specializes the kernel for the kernel size, the bias and the index type. */
  snprintf(options, sizeof options,
           "-DKH=%lld -DKW=%lld -DHAS_BIAS=%d "
           "-DIDX_T=%s",
           (long long)g->kh, (long long)g->kw, g->has_bias,
           g->needs_long_index ? "long" : "int");
  CLCONV_FORWARD_IF_ERROR(
      clconv__kernel_get(ctx, "corr2d_fwd", options, "corr2d_fwd", &kernel));

  /* Sets the arguments in the order of cl/corr2d_fwd.cl. */
  clconv__args_begin(&a, kernel);
  clconv__args_mem(&a, x->mem);
  clconv__args_mem(&a, w->mem);
  clconv__args_mem(&a, b != NULL ? b->mem : NULL);
  clconv__args_mem(&a, y->mem);
  clconv__args_long(&a, (int64_t)total);
  clconv__args_int(&a, g->cin);
  clconv__args_int(&a, g->h);
  clconv__args_int(&a, g->w);
  clconv__args_int(&a, g->cout);
  clconv__args_int(&a, g->hout);
  clconv__args_int(&a, g->wout);
  clconv__args_int(&a, g->cin_g);
  clconv__args_int(&a, g->cout_g);
  clconv__args_int(&a, g->stride_h);
  clconv__args_int(&a, g->stride_w);
  clconv__args_int(&a, g->pad_h);
  clconv__args_int(&a, g->pad_w);
  clconv__args_int(&a, g->dil_h);
  clconv__args_int(&a, g->dil_w);

  /* Launches one work-item per output element. */
  return clconv__launch_1d(ctx, &a, total, ELEMENTWISE_LOCAL, "corr2d_fwd");
}
