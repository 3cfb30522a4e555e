/* ref_init.c: the reference seeded uniform fill: splitmix64, the same bits
 * as cl/init_uniform.cl. */
#include "reference/backend_ref.h"

void clconv__ref_init_uniform(float *t, size_t count, uint64_t seed, float lo,
                              float scale) {
  for (size_t i = 0; i < count; i++) {
    uint64_t z = seed + ((uint64_t)i + 1u) * 0x9E3779B97F4A7C15ull;
    float u;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    u = (float)(z >> 40) * (1.0f / 16777216.0f);
    t[i] = lo + scale * u;
  }
}
