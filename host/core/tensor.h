/* tensor.h: checks on tensors shared by the op entry points. */
#ifndef CLCONV_TENSOR_H
#define CLCONV_TENSOR_H

#include "core/internal.h"

/* Checks @p rank and @p dims for a tensor of @p ctx (sizes, overflow, the
 * device's largest buffer) and makes its handle, without storage, into
 * @p *out. @p fn names the public function for the message. */
clconv_status clconv__tensor_new(clconv_context *ctx, const char *fn, int rank,
                                 const int64_t *dims, clconv_tensor **out);

/* Fails unless @p t is a tensor of @p ctx with @p rank dims; @p fn and
 * @p name (the argument's name) go into the message. */
clconv_status clconv__tensor_check(clconv_context *ctx, const clconv_tensor *t,
                                   int rank, const char *fn, const char *name);

/* Fails when output @p out (named @p out_name) is the same tensor as any of
 * the @p count inputs in @p inputs (NULL entries are skipped), named by
 * @p names, or wraps bytes of an application's buffer that one of them
 * wraps too; when @p out wraps a CL_MEM_READ_ONLY buffer; when an input
 * wraps a CL_MEM_WRITE_ONLY one. */
clconv_status clconv__tensor_check_distinct(clconv_context *ctx, const char *fn,
                                            const clconv_tensor *out,
                                            const char *out_name,
                                            const clconv_tensor *const *inputs,
                                            const char *const *names,
                                            int count);

/* Fails unless @p a and @p b (named) have the same rank and dims. */
clconv_status
clconv__tensor_check_same_dims(clconv_context *ctx, const char *fn,
                               const clconv_tensor *a, const char *a_name,
                               const clconv_tensor *b, const char *b_name);

/* Sets every element to zero (queued on a device). */
clconv_status clconv__tensor_zero(clconv_tensor *t);

/* Makes @p *t a tensor of @p rank and @p dims on @p ctx, keeping the one
 * it holds when that already has them (its contents then stay). */
clconv_status clconv__tensor_reuse(clconv_context *ctx, int rank,
                                   const int64_t *dims, clconv_tensor **t);

/* Reads a tensor into a new host array from clconv__alloc (for verification
 * and the reference path); *out is NULL for an empty tensor. */
clconv_status clconv__tensor_download(const clconv_tensor *t, float **out);

#endif
