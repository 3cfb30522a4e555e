/* device_caps.h: the properties of a device that kernel tiles are chosen
 * from (vector width, registers, local memory, work-group limits), derived
 * once when a context opens its device. Pure arithmetic: the OpenCL queries
 * that feed it are in cl_device.c. */
#ifndef CLCONV_DEVICE_CAPS_H
#define CLCONV_DEVICE_CAPS_H

#include <stddef.h>
#include <stdint.h>

/* Kernel paths a driver's known problems rule out (core/quirks.c). */
#define CLCONV__AVOID_WINOGRAD 1u
#define CLCONV__AVOID_WINOGRAD_4X4 2u
#define CLCONV__AVOID_GEMM 4u
#define CLCONV__AVOID_SPECIALIZED 8u

typedef struct clconv__device_caps {
  /* 1: a GPU-like device, where a work-item's floatN is N scalar registers
   * and many small work-items hide latency; 0: a CPU-like device, where a
   * floatN maps to SIMD registers of native_float_width lanes. */
  int simt;
  int native_float_width; /* CL_DEVICE_NATIVE_VECTOR_WIDTH_FLOAT, >= 1 */
  int vector_registers;   /* SIMD registers per core (CPU-like devices) */
  unsigned compute_units;
  uint64_t local_mem_bytes;
  size_t max_work_group_size;
  unsigned avoid; /* CLCONV__AVOID_* from the quirks list; 0: none */
} clconv__device_caps;

/* The capabilities of a device with these properties. OpenCL does not
 * report a register count: a CPU with 16-lane (512-bit) vectors is taken to
 * have 32 of them (AVX-512), any narrower one 16 (AVX2, SSE; NEON's 32 are
 * not assumed). */
clconv__device_caps clconv__device_caps_derive(int simt, int native_float_width,
                                               unsigned compute_units,
                                               uint64_t local_mem_bytes,
                                               size_t max_work_group_size);

/* How many floatN values of @p vw lanes a CPU-like work-item can keep in
 * registers: a value takes ceil(vw / native width) registers. */
int clconv__device_caps_vectors(const clconv__device_caps *c, int vw);

/* How many of those a blocked kernel may use as accumulators: three
 * quarters, the rest holding the loaded inputs and broadcast weights (24 of
 * AVX-512's 32). */
int clconv__device_caps_accumulators(const clconv__device_caps *c, int vw);

#endif
