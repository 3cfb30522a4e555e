/* tensor.h: checks on tensors shared by the op entry points. */
#ifndef CLCONV_TENSOR_H
#define CLCONV_TENSOR_H

#include "internal.h"

/* Fails unless @p t is a tensor of @p ctx with @p rank dims; @p fn and
 * @p name (the argument's name) go into the message. */
clconv_status clconv__tensor_check(clconv_context *ctx, const clconv_tensor *t,
                                   int rank, const char *fn, const char *name);

/* Reads a tensor into a new host array from clconv__malloc (for verification
 * and the reference path); *out is NULL for an empty tensor. */
clconv_status clconv__tensor_download(const clconv_tensor *t, float **out);

#endif
