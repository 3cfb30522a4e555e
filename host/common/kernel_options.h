/* kernel_options.h: the -D build options that specialize a kernel file,
 * written one name and value at a time, never by hand. */
#ifndef CLCONV_KERNEL_OPTIONS_H
#define CLCONV_KERNEL_OPTIONS_H

#include "common/corr2d_geometry.h"

#include <stddef.h>
#include <stdint.h>

/* Room for every option set the library writes (at most about fifteen
 * names with short values); a longer one is reported, not cut. */
#define CLCONV__KERNEL_OPTIONS_MAX 512

typedef struct clconv__kernel_options {
  char text[CLCONV__KERNEL_OPTIONS_MAX];
  size_t length;
  int overflow; /* an option did not fit: text must not be used */
} clconv__kernel_options;

/* Starts an empty option set. */
void clconv__kernel_options_begin(clconv__kernel_options *o);

/* Appends -D@p name=@p value. */
void clconv__kernel_options_int(clconv__kernel_options *o, const char *name,
                                int64_t value);
void clconv__kernel_options_text(clconv__kernel_options *o, const char *name,
                                 const char *value);

/* Appends what every corr2d kernel requires: KH, KW and IDX_T (long when
 * some index of @p g reaches 2^31). */
void clconv__kernel_options_geometry(clconv__kernel_options *o,
                                     const clconv__corr2d_geom *g);

/* Appends IDX_T for a kernel over @p count elements: int, or long when
 * @p count reaches 2^31. */
void clconv__kernel_options_index(clconv__kernel_options *o, uint64_t count);

/* @return the options as one string, or NULL after an overflow. */
const char *clconv__kernel_options_string(const clconv__kernel_options *o);

#endif
