/* internal.h: the library's private structures (context, tensor, programs)
 * shared by the host files; never installed. */
#ifndef CLCONV_INTERNAL_H
#define CLCONV_INTERNAL_H

#include "clconv.h"
#include "common/corr2d_geometry.h"
#include "common/device_caps.h"
#include "opencl/cl_loader.h" /* the OpenCL API, linked or loaded at run time */

/* Longest message kept per context; a longer build log is cut, with a note. */
#define CLCONV__MESSAGE_MAX 16384

/* What each scratch buffer of a context holds (cl_scratch.h). */
typedef enum clconv__scratch_slot {
  CLCONV__SCRATCH_WEIGHTS = 0, /* weights packed for a blocked kernel */
  CLCONV__SCRATCH_INPUT = 1,   /* a padded copy of an input */
  CLCONV__SCRATCH_PARTIAL = 2, /* partial sums of a split reduction */
  CLCONV__SCRATCH_FLIPPED = 3, /* weights flipped for an input gradient */
  CLCONV__SCRATCH_FLAG = 4,    /* one int: a flipped weight is not finite */
  CLCONV__SCRATCH_BLOCKED = 5, /* an operand in channel blocks */
  CLCONV__SCRATCH_WINOGRAD_INPUT = 6,    /* Winograd: transformed input */
  CLCONV__SCRATCH_WINOGRAD_WEIGHTS = 7,  /* Winograd: transformed weights */
  CLCONV__SCRATCH_WINOGRAD_PRODUCTS = 8, /* Winograd: their products */
  CLCONV__SCRATCH_SLOTS = 9              /* how many there are */
} clconv__scratch_slot;

/* One built program and the kernels created from it, cached in a context by
 * (source name, build options). */
#define CLCONV__MAX_KERNELS_PER_PROGRAM 4

/* An op's specialized programs are not built yet (a probe met one that is
 * building in the background): never returned by a public function. */
#define CLCONV__STATUS_NOT_READY ((clconv_status)-2)

/* A kernel built for a fixed work-group size (reqd_work_group_size) that
 * the device does not take: ctx->caps.max_work_group_size is lowered to what
 * it takes, and the caller chooses its sizes again and rebuilds. Never
 * returned by a public function. */
#define CLCONV__STATUS_GROUP_SHRUNK ((clconv_status)-3)

/* Problems whose specialized programs a context has found ready. */
#define CLCONV__READY_SLOTS 64

/* Self-check verdicts a context keeps in memory (opencl/cl_verdicts.c). */
#define CLCONV__VERDICT_SLOTS 128

/* The notes a context keeps (clconv_context_notes). */
#define CLCONV__NOTES_MAX 4096

typedef struct clconv__builder clconv__builder; /* opencl/cl_builder.h */
typedef struct clconv__program {
  char *source_name;
  char *options;
  char *cache_key_text; /* key of the disk-cache entry; NULL when off */
  uint64_t cache_key_hash;
  int needs_save;        /* built from source, not yet stored on disk */
  unsigned char *binary; /* its binary to store, when the builder had it */
  size_t binary_size;
  int launched; /* a kernel was taken from it */
  cl_program program;
  cl_kernel kernels[CLCONV__MAX_KERNELS_PER_PROGRAM];
  char *kernel_names[CLCONV__MAX_KERNELS_PER_PROGRAM];
  struct clconv__program *next;
} clconv__program;

struct clconv_context {
  int is_reference;  /* 1: the plain-C backend, no OpenCL objects */
  int unusable;      /* set after a failure at a completion point */
  int verify;        /* re-run every op on the reference */
  int naive_kernels; /* tests: 64-bit-index kernels for all (corr2d_check.h) */
  char *kernel_dir;  /* NULL: embedded kernel sources */
  char *cache_dir;   /* disk cache of binaries; NULL: off */
  uint64_t cache_max_bytes; /* bound of the cache folder's entries */
  long cache_hits, cache_misses, cache_rejected, cache_writes;
  clconv_device_info info;
  clconv__device_caps caps; /* what tiles are chosen from (device_caps.h) */
  cl_platform_id platform;
  cl_device_id device;
  cl_context cl_ctx;
  cl_command_queue queue;
  clconv__program *programs;             /* built programs, newest first */
  cl_mem scratch[CLCONV__SCRATCH_SLOTS]; /* an op's intermediate data */
  size_t scratch_bytes[CLCONV__SCRATCH_SLOTS]; /* their sizes */
  struct clconv__tuning *tuning; /* tuned tiles (tuning.h); NULL: none yet */
  int build_mode;                /* a clconv_build_mode */
  int probing;       /* cl_tier.c: find what is missing, run nothing */
  int probe_missing; /* the probe met a program not built yet */
  int prepare_only;  /* clconv_corr2d_prepare: ops only queue their builds */
  void (*on_build)(void *user, const char *source, const char *device,
                   double seconds, int done); /* options.on_build */
  void *on_build_user;
  clconv__builder *builder; /* background builds; NULL: none started */
  long generic_runs;        /* ops the generic tier ran */
  double specialize_flops;  /* async: smaller problems stay generic */
  struct {
    int pass;
    clconv__corr2d_geom g;
  } ready[CLCONV__READY_SLOTS]; /* cl_tier.c: problems found ready */
  int ready_count, ready_next;
  /* Self-checks (check/self_check.h): on or off, the tier the last pass
   * ran on (a clconv__tier; 0: none), a pass forced onto the generic tier,
   * the verdicts found, and how many checks ran. */
  int self_check;
  int last_tier;
  int force_generic;
  struct {
    int tier, pass, verdict;
    clconv__corr2d_geom g;
  } verdicts[CLCONV__VERDICT_SLOTS];
  int verdict_count, verdict_next;
  long self_checks;
  char notes[CLCONV__NOTES_MAX]; /* what the library decided, one per line */
  clconv_verify_report verify_report; /* of the last verified op */
  clconv_verify_report verify_total;  /* of every op since the last reset */
  size_t verify_sample; /* 0: every element; else at most this many */
  char message[CLCONV__MESSAGE_MAX];
};

struct clconv_tensor {
  clconv_context *ctx;
  int rank;
  int64_t dims[CLCONV_MAX_RANK];
  size_t count; /* elements */
  size_t bytes; /* count * sizeof(float) */
  float *host;  /* reference backend storage */
  cl_mem mem;   /* OpenCL storage; NULL for an empty tensor */
  /* A tensor on an application's buffer (clconv_tensor_wrap_cl): the whole
   * buffer its bytes lie in and where, to find tensors that share storage,
   * and the buffer's CL_MEM_READ_ONLY / CL_MEM_WRITE_ONLY flags (kernels
   * may not write the one or read the other). NULL and 0 otherwise. */
  cl_mem base;
  size_t base_offset;
  cl_mem_flags access;
};

#endif
