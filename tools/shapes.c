/* shapes.c: the benchmark shapes, their seeded data and the parsing of
 * comma lists. */
#include "shapes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const bench_shape bench_shapes[BENCH_SHAPE_COUNT] = {
    {"S1", 1, 1, 6, 8, 1, 1, 2, 0, 1, 1, 0},
    {"S2", 1, 1, 4096, 4096, 1, 3, 3, 1, 1, 1, 0},
    {"S3", 8, 64, 56, 56, 64, 3, 3, 1, 1, 1, 0},
    {"S4", 8, 3, 224, 224, 64, 7, 7, 3, 2, 1, 0},
    {"S5", 8, 256, 28, 28, 128, 1, 1, 0, 1, 1, 0},
};

int parse_name_list(const char *command, const char *text,
                    const char *const *names, int count, int *selected) {
  memset(selected, 0, (size_t)count * sizeof *selected);
  while (*text != '\0') {
    size_t len = strcspn(text, ",");
    int found = 0;
    for (int i = 0; i < count; i++)
      if (strlen(names[i]) == len && strncmp(text, names[i], len) == 0)
        selected[i] = found = 1;
    if (!found) {
      fprintf(stderr, "%s: unknown item '%.*s'\n", command, (int)len, text);
      return -1;
    }
    text += len + (text[len] == ',');
  }
  return 0;
}

int parse_shape_list(const char *command, const char *text, int *selected) {
  const char *names[BENCH_SHAPE_COUNT];
  for (int i = 0; i < BENCH_SHAPE_COUNT; i++)
    names[i] = bench_shapes[i].name;
  return parse_name_list(command, text, names, BENCH_SHAPE_COUNT, selected);
}

float *bench_random_floats(size_t n, uint64_t seed) {
  float *v = malloc(n * sizeof *v + 1);
  for (size_t i = 0; v != NULL && i < n; i++) {
    uint64_t z = seed + (i + 1) * 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    v[i] = (float)((z ^ (z >> 31)) >> 40) * (2.0f / 16777216.0f) - 1.0f;
  }
  return v;
}
