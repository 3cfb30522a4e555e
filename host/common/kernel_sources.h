/* kernel_sources.h: access to the .cl files embedded at build time. */
#ifndef CLCONV_KERNEL_SOURCES_H
#define CLCONV_KERNEL_SOURCES_H

#include <stddef.h>

typedef struct clconv__embedded_source {
  const char *name; /* file name without ".cl", e.g. "corr2d_fwd" */
  const char *text; /* NUL-terminated source */
  size_t size;      /* bytes, without the NUL */
} clconv__embedded_source;

/* @return the embedded source called @p name, or NULL. Defined in the
 * generated kernel_sources.c (see cmake/embed_kernels.cmake). */
const clconv__embedded_source *clconv__kernel_sources_find(const char *name);

#endif
