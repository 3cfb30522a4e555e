/* cl_args.c: sets kernel arguments in order, keeping the first failure for
 * the launch to report. */
#include "opencl/cl_args.h"

void clconv__cl_args_begin(clconv__cl_args *a, cl_kernel kernel) {
  a->kernel = kernel;
  a->next = 0;
  a->err = CL_SUCCESS;
  a->failed_index = 0;
}

static void set_arg(clconv__cl_args *a, size_t size, const void *value) {
  cl_int err;
  if (a->kernel == NULL) { /* a probe without the kernel (cl_tier.h) */
    a->next++;
    return;
  }
  err = clSetKernelArg(a->kernel, a->next, size, value);
  if (err != CL_SUCCESS && a->err == CL_SUCCESS) {
    a->err = err;
    a->failed_index = a->next;
  }
  a->next++;
}

void clconv__cl_args_mem(clconv__cl_args *a, cl_mem mem) {
  set_arg(a, sizeof mem, &mem);
}

void clconv__cl_args_int(clconv__cl_args *a, int64_t value) {
  cl_int v = (cl_int)value;
  set_arg(a, sizeof v, &v);
}

void clconv__cl_args_long(clconv__cl_args *a, int64_t value) {
  cl_long v = (cl_long)value;
  set_arg(a, sizeof v, &v);
}

void clconv__cl_args_local(clconv__cl_args *a, size_t bytes) {
  set_arg(a, bytes, NULL);
}

void clconv__cl_args_ulong(clconv__cl_args *a, uint64_t value) {
  cl_ulong v = (cl_ulong)value;
  set_arg(a, sizeof v, &v);
}

void clconv__cl_args_float(clconv__cl_args *a, float value) {
  cl_float v = value;
  set_arg(a, sizeof v, &v);
}

void clconv__cl_args_geometry(clconv__cl_args *a,
                              const clconv__corr2d_geom *g) {
  /* The order of CORR2D_GEOMETRY_PARAMS in cl/common.cl. */
  clconv__cl_args_int(a, g->cin);
  clconv__cl_args_int(a, g->h);
  clconv__cl_args_int(a, g->w);
  clconv__cl_args_int(a, g->cout);
  clconv__cl_args_int(a, g->hout);
  clconv__cl_args_int(a, g->wout);
  clconv__cl_args_int(a, g->cin_g);
  clconv__cl_args_int(a, g->cout_g);
  clconv__cl_args_int(a, g->stride_h);
  clconv__cl_args_int(a, g->stride_w);
  clconv__cl_args_int(a, g->pad_h);
  clconv__cl_args_int(a, g->pad_w);
  clconv__cl_args_int(a, g->dil_h);
  clconv__cl_args_int(a, g->dil_w);
}
