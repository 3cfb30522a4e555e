/* abi.c: structs of the size the caller was compiled with. */
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

int clconv__abi_read(void *out, size_t known, const void *defaults,
                     const void *given) {
  size_t size;
  memcpy(&size, given, sizeof size);
  if (size < sizeof size)
    return 0;
  memcpy(out, defaults, known);
  memcpy(out, given, size < known ? size : known);
  memcpy(out, &known, sizeof known);
  return 1;
}
