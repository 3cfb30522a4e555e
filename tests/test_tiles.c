/* test_tiles.c: the tunable parameters of every kernel, chosen for devices
 * this machine does not have (AVX-512, AVX2 and SSE CPUs, GPUs with large
 * and small work-groups): on random problems each default is valid, stays
 * within the device's registers, work-group and local memory, and the
 * tuning candidates are valid; the register budget follows from the vector
 * width; option sets that do not fit are reported, not cut. */
#include "common/device_caps.h"
#include "common/kernel_options.h"
#include "support.h"
#include "tiles/tiles_bwd_data.h"
#include "tiles/tiles_bwd_weight.h"
#include "tiles/tiles_bwd_weight_cvec.h"
#include "tiles/tiles_fwd_blocked.h"
#include "tiles/tiles_fwd_local.h"

#include <stdio.h>
#include <string.h>

/* The devices: CPUs by their native float width, GPUs by their limits. */
static clconv__device_caps device(int which) {
  switch (which) {
  case 0: /* AVX-512 */
    return clconv__device_caps_derive(0, 16, 2, 1 << 20, 4096);
  case 1: /* AVX2 */
    return clconv__device_caps_derive(0, 8, 8, 1 << 20, 4096);
  case 2: /* SSE or NEON */
    return clconv__device_caps_derive(0, 4, 4, 1 << 20, 1024);
  case 3: /* a large GPU */
    return clconv__device_caps_derive(1, 1, 132, 48 * 1024, 1024);
  case 4: /* a small GPU: 64 work-items, 16 KiB of local memory */
    return clconv__device_caps_derive(1, 1, 4, 16 * 1024, 64);
  case 5: /* rusticl's llvmpipe as a kernel sees it: 32 work-items */
    return clconv__device_caps_derive(0, 8, 8, 32 * 1024, 32);
  default: /* a GPU whose kernels take 16 work-items per group */
    return clconv__device_caps_derive(1, 1, 8, 32 * 1024, 16);
  }
}
#define DEVICES 7

/* A random problem that fits (the kernel inside the padded input). */
static clconv__corr2d_geom random_problem(test_rng *r) {
  clconv__corr2d_geom g;
  do {
    memset(&g, 0, sizeof g);
    g.groups = test_int(r, 1, 3);
    g.n = test_int(r, 1, 3);
    g.cin = g.groups * test_int(r, 1, 16);
    g.cout = g.groups * test_int(r, 1, 32);
    g.h = test_int(r, 1, 40);
    g.w = test_int(r, 1, 70);
    g.kh = test_int(r, 1, 7);
    g.kw = test_int(r, 1, 7);
    g.stride_h = test_int(r, 1, 3);
    g.stride_w = test_int(r, 1, 3);
    g.pad_h = test_int(r, 0, 3);
    g.pad_w = test_int(r, 0, 3);
    g.dil_h = test_int(r, 1, 2);
    g.dil_w = test_int(r, 1, 2);
  } while (clconv__corr2d_geometry_derive(&g) != 0);
  return g;
}

/* A float16 takes one AVX-512 register, two AVX2 ones, four SSE ones; a
 * float8 one register of either; blocked kernels keep a quarter free. */
static void test_register_budget(void) {
  const clconv__device_caps avx512 = device(0), avx2 = device(1),
                            sse = device(2);
  CU_ASSERT_EQUAL(clconv__device_caps_vectors(&avx512, 16), 32);
  CU_ASSERT_EQUAL(clconv__device_caps_vectors(&avx512, 8), 32);
  CU_ASSERT_EQUAL(clconv__device_caps_accumulators(&avx512, 16), 24);
  CU_ASSERT_EQUAL(clconv__device_caps_vectors(&avx2, 16), 8);
  CU_ASSERT_EQUAL(clconv__device_caps_vectors(&avx2, 8), 16);
  CU_ASSERT_EQUAL(clconv__device_caps_accumulators(&avx2, 16), 6);
  CU_ASSERT_EQUAL(clconv__device_caps_vectors(&sse, 16), 4);
  CU_ASSERT_EQUAL(clconv__device_caps_accumulators(&sse, 16), 3);
}

static void test_defaults_fit_every_device(void) {
  test_rng r = {test_seed()};
  int checked = 0;
  for (int i = 0; i < 400; i++) {
    const clconv__corr2d_geom g = random_problem(&r);
    for (int d = 0; d < DEVICES; d++) {
      const clconv__device_caps caps = device(d);
      const clconv__tiles_fwd_blocked f =
          clconv__tiles_fwd_blocked_default(&caps, &g);
      const clconv__tiles_bwd_weight w =
          clconv__tiles_bwd_weight_default(&caps, &g);
      const clconv__tiles_bwd_data x =
          clconv__tiles_bwd_data_default(&caps, &g);
      const clconv__tiles_fwd_local l =
          clconv__tiles_fwd_local_default(&caps, &g);
      CU_ASSERT(clconv__tiles_fwd_blocked_valid(&f, &g));
      CU_ASSERT(clconv__tiles_bwd_weight_valid(&w, &g));
      CU_ASSERT(clconv__tiles_bwd_data_valid(&x, &g));
      CU_ASSERT((size_t)(l.lx * l.ly) <= caps.max_work_group_size);
      if (clconv__tiles_fwd_local_fits(&l, &caps, &g))
        CU_ASSERT(clconv__tiles_fwd_local_bytes(&l, &g) <=
                  caps.local_mem_bytes);
      if (!caps.simt) {
        const int live = clconv__device_caps_vectors(&caps, w.vw);
        CU_ASSERT(f.cv * f.rh * f.cb <=
                  clconv__device_caps_accumulators(&caps, f.vw));
        CU_ASSERT(w.tb * w.cb <= clconv__device_caps_accumulators(&caps, w.vw));
        CU_ASSERT(w.tb * w.cb + w.tb + 1 <= live - 3 || w.tb * w.cb == 1);
        CU_ASSERT(x.cb <= clconv__device_caps_accumulators(&caps, x.vw) ||
                  x.cb == 1);
      }
      checked++;
    }
  }
  CU_ASSERT_EQUAL(checked, 400 * DEVICES);
}

/* The weight gradient across channels: taken only on CPU-like devices for
 * output channels per group in multiples of two native vectors; its tiles
 * valid, their accumulators, dY vectors and a broadcast within the
 * registers, and its chunks' dY within the cache budget (or one row). */
static void test_channel_vector_tiles(void) {
  test_rng r = {test_seed() + 5};
  int taken = 0;
  for (int i = 0; i < 400; i++) {
    clconv__corr2d_geom g = random_problem(&r);
    /* Half the problems get channels the kernel takes. */
    if (i % 2 == 0) {
      g.cout = g.groups * 32 * test_int(&r, 1, 4);
      (void)clconv__corr2d_geometry_derive(&g);
    }
    for (int d = 0; d < DEVICES; d++) {
      const clconv__device_caps caps = device(d);
      const int vw = caps.native_float_width;
      clconv__tiles_bwd_weight_cvec t;
      if (!clconv__tiles_bwd_weight_cvec_suits(&caps, &g)) {
        CU_ASSERT(caps.simt || g.cout_g % (2 * vw) != 0);
        continue;
      }
      CU_ASSERT(!caps.simt && g.cout_g % (2 * vw) == 0);
      t = clconv__tiles_bwd_weight_cvec_default(&caps, &g);
      CU_ASSERT(clconv__tiles_bwd_weight_cvec_valid(&t, &g));
      CU_ASSERT(t.vw == vw);
      CU_ASSERT(t.tb * t.cob + t.cob + 1 <=
                clconv__device_caps_vectors(&caps, t.vw));
      CU_ASSERT(t.chunks == 1 ||
                (g.n * g.hout + t.chunks - 1) / t.chunks * g.cout_g * g.wout *
                        4 <=
                    768 * 1024 ||
                (g.n * g.hout + t.chunks - 1) / t.chunks == 1);
      taken++;
    }
  }
  CU_ASSERT(taken > 100);
}

static void test_candidates_valid(void) {
  enum { MAX = 1024 };
  static clconv__tiles_fwd_blocked out[MAX];
  test_rng r = {test_seed() + 1};
  for (int i = 0; i < 60; i++) {
    const clconv__corr2d_geom g = random_problem(&r);
    for (int d = 0; d < DEVICES; d++) {
      const clconv__device_caps caps = device(d);
      const int count =
          clconv__tiles_fwd_blocked_candidates(&caps, &g, out, MAX);
      const clconv__tiles_fwd_blocked first =
          clconv__tiles_fwd_blocked_default(&caps, &g);
      CU_ASSERT(count >= 1 && count <= MAX);
      CU_ASSERT(memcmp(&out[0], &first, sizeof first) == 0);
      for (int k = 0; k < count; k++)
        CU_ASSERT(clconv__tiles_fwd_blocked_valid(&out[k], &g));
      CU_ASSERT_EQUAL(clconv__tiles_fwd_blocked_candidates(&caps, &g, out, 3),
                      count < 3 ? count : 3);
    }
  }
}

/* A small GPU takes the local-memory tile with fewer rows; a tile whose
 * patch exceeds the local memory does not fit. */
static void test_local_tile_follows_limits(void) {
  const clconv__device_caps big = device(3), small = device(4);
  clconv__corr2d_geom g;
  clconv__tiles_fwd_local t;
  memset(&g, 0, sizeof g);
  g.n = 1, g.cin = 3, g.cout = 8, g.h = 64, g.w = 64, g.kh = 3, g.kw = 3;
  g.groups = 1, g.stride_h = g.stride_w = 1, g.dil_h = g.dil_w = 1;
  CU_ASSERT_EQUAL_FATAL(clconv__corr2d_geometry_derive(&g), 0);
  t = clconv__tiles_fwd_local_default(&big, &g);
  CU_ASSERT(t.lx == 16 && t.ly == 8 && t.cb == 4);
  /* (8 - 1 + 3) x (16 - 1 + 3) patch + 4 x 9 weights, in floats. */
  CU_ASSERT_EQUAL(clconv__tiles_fwd_local_bytes(&t, &g),
                  (uint64_t)(10 * 18 + 36) * 4);
  t = clconv__tiles_fwd_local_default(&small, &g);
  CU_ASSERT(t.lx == 16 && t.ly == 4);
  g.kh = g.kw = 61; /* a 64 x 76 patch with 4 rows: 19 KiB */
  CU_ASSERT_EQUAL_FATAL(clconv__corr2d_geometry_derive(&g), 0);
  t = clconv__tiles_fwd_local_default(&small, &g);
  CU_ASSERT_FALSE(clconv__tiles_fwd_local_fits(&t, &small, &g));
  CU_ASSERT_TRUE(clconv__tiles_fwd_local_fits(
      &(clconv__tiles_fwd_local){16, 8, 1}, &big, &g));
}

/* Options are written as -DNAME=value; one that does not fit voids the
 * set instead of cutting it. */
static void test_options(void) {
  clconv__kernel_options o;
  clconv__corr2d_geom g;
  memset(&g, 0, sizeof g);
  g.kh = 3, g.kw = 5;
  clconv__kernel_options_begin(&o);
  clconv__kernel_options_geometry(&o, &g);
  clconv__kernel_options_int(&o, "CB", 8);
  CU_ASSERT_STRING_EQUAL(clconv__kernel_options_string(&o),
                         "-DKH=3 -DKW=5 -DIDX_T=int -DCB=8");
  g.needs_long_index = 1;
  clconv__kernel_options_begin(&o);
  clconv__kernel_options_geometry(&o, &g);
  CU_ASSERT_STRING_EQUAL(clconv__kernel_options_string(&o),
                         "-DKH=3 -DKW=5 -DIDX_T=long");
  for (int i = 0; i < CLCONV__KERNEL_OPTIONS_MAX; i++)
    clconv__kernel_options_int(&o, "MANY", i);
  CU_ASSERT_PTR_NULL(clconv__kernel_options_string(&o));
}

int main(void) {
  static const test_case tests[] = {
      {"register budget from the vector width", test_register_budget},
      {"defaults fit every device", test_defaults_fit_every_device},
      {"weight gradient across channels: when and how",
       test_channel_vector_tiles},
      {"tuning candidates are valid", test_candidates_valid},
      {"local tile follows the device's limits",
       test_local_tile_follows_limits},
      {"kernel options", test_options},
  };
  return test_run_suite("tiles", tests, sizeof tests / sizeof tests[0]);
}
