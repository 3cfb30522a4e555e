/* abi.h: the parameter structs' struct_size (see "ABI policy" in clconv.h):
 * filling a struct of the size the caller knows, and checking one. */
#ifndef CLCONV_ABI_H
#define CLCONV_ABI_H

#include <stddef.h>

/* Copies the first @p size bytes of @p defaults (a struct of @p known bytes
 * that begins with struct_size) into @p out, as much as both hold, and sets
 * out's struct_size to @p size. Does nothing when @p out is NULL or @p size
 * is too small to hold struct_size. */
void clconv__abi_init(void *out, size_t size, const void *defaults,
                      size_t known);

/* Whether a struct whose struct_size is @p size holds every field of this
 * version's struct of @p known bytes. */
int clconv__abi_size_ok(size_t size, size_t known);

#endif
