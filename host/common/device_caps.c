/* device_caps.c: a device's register and vector budget for kernel tiles. */
#include "common/device_caps.h"

#include <string.h>

clconv__device_caps clconv__device_caps_derive(int simt, int native_float_width,
                                               unsigned compute_units,
                                               uint64_t local_mem_bytes,
                                               size_t max_work_group_size) {
  clconv__device_caps c;
  memset(&c, 0, sizeof c); /* avoid: nothing, until the quirks say */
  c.simt = simt != 0;
  c.native_float_width = native_float_width >= 1 ? native_float_width : 1;
  c.vector_registers = c.native_float_width >= 16 ? 32 : 16;
  c.compute_units = compute_units > 0 ? compute_units : 1;
  c.local_mem_bytes = local_mem_bytes;
  c.max_work_group_size = max_work_group_size > 0 ? max_work_group_size : 1;
  return c;
}

int clconv__device_caps_vectors(const clconv__device_caps *c, int vw) {
  const int per_value =
      (vw + c->native_float_width - 1) / c->native_float_width;
  return c->vector_registers / (per_value > 0 ? per_value : 1);
}

int clconv__device_caps_accumulators(const clconv__device_caps *c, int vw) {
  const int vectors = clconv__device_caps_vectors(c, vw);
  return vectors * 3 / 4 > 1 ? vectors * 3 / 4 : 1;
}
