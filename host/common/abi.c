/* abi.c: structs of the size the caller was compiled with. */
#include "common/abi.h"

#include "common/error.h"

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

clconv_status clconv__abi_read_checked(clconv_context *ctx, const char *fn,
                                       const char *name, const char *maker,
                                       void *out, size_t known,
                                       const void *defaults,
                                       const void *given) {
  size_t size;
  CLCONV_RETURN_IF(ctx, given == NULL, CLCONV_STATUS_INVALID_ARGUMENT,
                   "%s: %s is NULL", fn, name);
  memcpy(&size, given, sizeof size);
  CLCONV_RETURN_IF(ctx, !clconv__abi_read(out, known, defaults, given),
                   CLCONV_STATUS_INVALID_ARGUMENT,
                   "%s: %s.struct_size is %zu: make %s with %s()", fn, name,
                   size, name, maker);
  return CLCONV_STATUS_OK;
}
