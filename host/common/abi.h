/* abi.h: the structs' struct_size (see "ABI policy" in clconv.h): filling a
 * struct of the size the caller knows, and reading one over the defaults. */
#ifndef CLCONV_ABI_H
#define CLCONV_ABI_H

#include "core/internal.h"

#include <stddef.h>

/* Copies the first @p size bytes of @p defaults (a struct of @p known bytes
 * that begins with struct_size) into @p out, as much as both hold, and sets
 * out's struct_size to @p size. Does nothing when @p out is NULL or @p size
 * is too small to hold struct_size. */
void clconv__abi_init(void *out, size_t size, const void *defaults,
                      size_t known);

/* Reads the caller's struct @p given over @p defaults into @p out (both
 * structs of this version, @p known bytes): the fields an older program's
 * smaller struct holds come from it, the others keep their defaults; a
 * newer program's larger struct is read as far as this version knows it.
 * out's struct_size becomes @p known.
 * @return 1, or 0 (out untouched) when given's struct_size is too small to
 * hold struct_size itself: the struct was not made by its *_default(). */
int clconv__abi_read(void *out, size_t known, const void *defaults,
                     const void *given);

/* clconv__abi_read for a public function @p fn: fails with
 * INVALID_ARGUMENT and a message ("fn: params is NULL", "fn:
 * params.struct_size is 0: make params with clconv_x_default()") when
 * @p given is NULL or too small; @p name names the argument ("params"),
 * @p maker its *_default() function. */
clconv_status clconv__abi_read_checked(clconv_context *ctx, const char *fn,
                                       const char *name, const char *maker,
                                       void *out, size_t known,
                                       const void *defaults, const void *given);

#endif
