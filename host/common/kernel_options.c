/* kernel_options.c: builds the -D option string of a kernel build. */
#include "common/kernel_options.h"

#include <stdio.h>

void clconv__kernel_options_begin(clconv__kernel_options *o) {
  o->text[0] = '\0';
  o->length = 0;
  o->overflow = 0;
}

void clconv__kernel_options_text(clconv__kernel_options *o, const char *name,
                                 const char *value) {
  const size_t room = sizeof o->text - o->length;
  int n;
  if (o->overflow)
    return;
  n = snprintf(o->text + o->length, room, "%s-D%s=%s", o->length > 0 ? " " : "",
               name, value);
  if (n < 0 || (size_t)n >= room) {
    o->overflow = 1;
    o->text[o->length] = '\0';
    return;
  }
  o->length += (size_t)n;
}

void clconv__kernel_options_int(clconv__kernel_options *o, const char *name,
                                int64_t value) {
  char digits[24];
  snprintf(digits, sizeof digits, "%lld", (long long)value);
  clconv__kernel_options_text(o, name, digits);
}

void clconv__kernel_options_geometry(clconv__kernel_options *o,
                                     const clconv__corr2d_geom *g) {
  clconv__kernel_options_int(o, "KH", g->kh);
  clconv__kernel_options_int(o, "KW", g->kw);
  clconv__kernel_options_text(o, "IDX_T", g->needs_long_index ? "long" : "int");
}

void clconv__kernel_options_index(clconv__kernel_options *o, uint64_t count) {
  clconv__kernel_options_text(
      o, "IDX_T",
      count > (uint64_t)CLCONV__CORR2D_INDEX_LIMIT ? "long" : "int");
}

const char *clconv__kernel_options_string(const clconv__kernel_options *o) {
  return o->overflow ? NULL : o->text;
}
