/* abi.c: parameter structs of the size the caller was compiled with. */
#include "common/abi.h"

#include <string.h>

void clconv__abi_init(void *out, size_t size, const void *defaults,
                      size_t known) {
  if (out == NULL || size < sizeof(size_t))
    return;
  memset(out, 0, size);
  memcpy(out, defaults, size < known ? size : known);
  memcpy(out, &size, sizeof size); /* struct_size, the first member */
}

int clconv__abi_size_ok(size_t size, size_t known) { return size >= known; }
