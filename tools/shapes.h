/* shapes.h: the benchmark shapes of docs/design.md, which `clconv bench` times
 * and `clconv tune` tunes, and the comma lists that select them. */
#ifndef CLCONV_TOOL_SHAPES_H
#define CLCONV_TOOL_SHAPES_H

#include <stddef.h>
#include <stdint.h>

typedef struct bench_shape {
  const char *name;
  int64_t n, cin, h, w, cout, kh, kw, pad, stride;
  int64_t groups; /* the benchmark shapes: 1 */
  int count;      /* a network's layer: how often it occurs; else 0 */
} bench_shape;

enum { BENCH_SHAPE_COUNT = 5 };
extern const bench_shape bench_shapes[BENCH_SHAPE_COUNT];

/* The --help lines that describe the shapes. */
#define BENCH_SHAPES_HELP                                                      \
  "shapes (N,Cin,H,W / Cout,KH,KW / pad, stride):\n"                           \
  "  S1 seed       1,1,6,8 / 1,1,2 / 0,1        per-call overhead\n"           \
  "  S2 image      1,1,4096,4096 / 1,3,3 / 1,1  memory bandwidth\n"            \
  "  S3 resnet     8,64,56,56 / 64,3,3 / 1,1    compute\n"                     \
  "  S4 stem       8,3,224,224 / 64,7,7 / 3,2   large kernel, stride\n"        \
  "  S5 pointwise  8,256,28,28 / 128,1,1 / 0,1  1x1, GEMM-like\n"

/* @p n seeded numbers in [-1, 1), the same on every machine (free them);
 * NULL when out of memory. */
float *bench_random_floats(size_t n, uint64_t seed);

/* Marks in @p selected the items of the comma list @p text, each one of the
 * @p count @p names. @return 0, or -1 naming the unknown item on stderr
 * after @p command. */
int parse_name_list(const char *command, const char *text,
                    const char *const *names, int count, int *selected);

/* Marks in @p selected (BENCH_SHAPE_COUNT entries) the shapes named in the
 * comma list @p text. @return 0, or -1 with a message on stderr. */
int parse_shape_list(const char *command, const char *text, int *selected);

#endif
