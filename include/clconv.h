/* clconv.h: the public API of clconv, 2D cross-correlation on any OpenCL
 * device. */
#ifndef CLCONV_H
#define CLCONV_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------- Version */

/* CLCONV_VERSION_MAJOR, _MINOR, _PATCH and _STRING come from the generated
 * clconv_version.h (CMake writes it from project(VERSION)). */
#include "clconv_version.h"

/* MAJOR * 10000 + MINOR * 100 + PATCH, e.g. 400 for 0.4.0. */
#define CLCONV_VERSION_NUMBER                                                  \
  (CLCONV_VERSION_MAJOR * 10000 + CLCONV_VERSION_MINOR * 100 +                 \
   CLCONV_VERSION_PATCH)

/* CLCONV_API marks what the shared library exports. The build defines
 * CLCONV_BUILDING_SHARED or CLCONV_BUILDING_STATIC (whose objects export
 * nothing, so a program or library that links clconv statically does not
 * re-export it); CMake's clconv::clconv_shared gives its users
 * CLCONV_USING_SHARED (dllimport on Windows). */
#if defined(_WIN32)
#if defined(CLCONV_BUILDING_SHARED)
#define CLCONV_API __declspec(dllexport)
#elif defined(CLCONV_USING_SHARED)
#define CLCONV_API __declspec(dllimport)
#else
#define CLCONV_API
#endif
#elif defined(__GNUC__) && !defined(CLCONV_BUILDING_STATIC)
#define CLCONV_API __attribute__((visibility("default")))
#else
#define CLCONV_API
#endif

/* ABI policy. Until 1.0 every minor version may change the ABI, and the
 * shared library's SONAME names it (libclconv.so.0.4). Within one, and from
 * 1.0 on, parameter structs may grow at their end: each begins with
 * struct_size, which its *_default() function, defined here inline, sets to
 * the size your program was compiled with. The library reads only the
 * fields your program knows and takes the defaults for the others: a
 * program built against an older header keeps working. Make every
 * parameter struct with its *_default() function (or *_init()); one whose
 * struct_size cannot even hold struct_size (0, when not made so) is
 * refused. A struct never embeds another, so each grows on its own; a new
 * field always changes the struct's size (padding is never reused). The
 * structs the library fills (device info, reports, the peak) keep their
 * layout within a SONAME; bindings check their copies of every struct with
 * clconv_struct_layout(). */
#if defined(_MSC_VER) && !defined(__cplusplus)
#define CLCONV_INLINE static __inline
#else
#define CLCONV_INLINE static inline
#endif

/** @return CLCONV_VERSION_NUMBER of the library actually linked. */
CLCONV_API unsigned clconv_version(void);
/** @return the version as "MAJOR.MINOR.PATCH"; a static string. */
CLCONV_API const char *clconv_version_string(void);

/** For bindings that copy clconv's structs (Python's ctypes checks its
 * copies with it at import): the size of the struct named @p struct_name
 * (for example "clconv_corr2d_params") as this library was compiled, or,
 * when @p field_name is not NULL, the offset of that field in it.
 * @return the size or offset, or SIZE_MAX when the library has no such
 *         struct or field. */
CLCONV_API size_t clconv_struct_layout(const char *struct_name,
                                       const char *field_name);

/* ---------------------------------------------------------------- Status */

/* One table generates both the enum and clconv_status_string(). */
#define CLCONV_STATUS_MAP(X)                                                   \
  X(OK, 0, "success")                                                          \
  X(INVALID_ARGUMENT, 1, "invalid argument")                                   \
  X(SHAPE_MISMATCH, 2, "tensor shapes do not fit the operation")               \
  X(SIZE_OVERFLOW, 3, "a size or byte count overflows")                        \
  X(TOO_LARGE, 4, "larger than the device allows")                             \
  X(OUT_OF_HOST_MEMORY, 5, "out of host memory")                               \
  /* CL_MEM_OBJECT_ALLOCATION_FAILURE (-4), CL_OUT_OF_RESOURCES (-5),          \
     CL_OUT_OF_HOST_MEMORY (-6) */                                             \
  X(OUT_OF_DEVICE_MEMORY, 6, "out of device memory or resources")              \
  /* CL_PLATFORM_NOT_FOUND_KHR (-1001) or no platform listed */                \
  X(NO_PLATFORM, 7, "no OpenCL platform found")                                \
  /* CL_DEVICE_NOT_FOUND (-1) or nothing matches the selection */              \
  X(DEVICE_NOT_FOUND, 8, "no device matches the selection")                    \
  X(KERNEL_SOURCE_ERROR, 9, "a kernel source file cannot be read")             \
  /* CL_BUILD_PROGRAM_FAILURE (-11); the message holds the build log */        \
  X(BUILD_FAILED, 10, "an OpenCL kernel failed to build")                      \
  /* any other failing OpenCL call; the message names it and its error */      \
  X(OPENCL_ERROR, 11, "an OpenCL call failed")                                 \
  X(CONTEXT_UNUSABLE, 12, "the context is unusable after a device failure")    \
  X(VERIFY_MISMATCH, 13, "a result differs from the reference backend")        \
  X(WRONG_CONTEXT, 14, "a tensor belongs to another context")                  \
  /* an OpenCL version before 1.2, no compiler, not available */               \
  X(DEVICE_UNSUPPORTED, 15, "the device lacks what clconv needs")              \
  /* a self-check found every device path of an op wrong (New in 0.4) */       \
  X(DEVICE_MISCOMPUTES, 16, "the device computes this op wrong on every path")

#define CLCONV__STATUS_ENUM(name, value, text) CLCONV_STATUS_##name = value,
typedef enum clconv_status {
  CLCONV_STATUS_MAP(CLCONV__STATUS_ENUM) CLCONV_STATUS_COUNT__
} clconv_status;
#undef CLCONV__STATUS_ENUM

/** @return a static, one-line description of @p status ("unknown status"
 *  for a value outside the enum). */
CLCONV_API const char *clconv_status_string(clconv_status status);
/** @return the enumerator's name without prefix, e.g. "BUILD_FAILED". */
CLCONV_API const char *clconv_status_name(clconv_status status);

/* ---------------------------------------------------------------- Devices */

/* Device selection strings, used by clconv_context_options.device, the
 * CLCONV_DEVICE environment variable and the tool's --device option:
 *   "reference"  the plain-C reference backend (no OpenCL needed)
 *   "P:D"        platform P, device D (indices as `clconv devices` prints)
 *   "gpu", "cpu" the first device of that type
 *   anything else: the first device whose platform or device name contains
 *                the text, compared without regard to case
 * Default (NULL or ""): the first GPU, else the first other OpenCL device. */

typedef enum clconv_device_type {
  CLCONV_DEVICE_TYPE_REFERENCE = 0,
  CLCONV_DEVICE_TYPE_CPU = 1,
  CLCONV_DEVICE_TYPE_GPU = 2,
  CLCONV_DEVICE_TYPE_ACCELERATOR = 3,
  CLCONV_DEVICE_TYPE_OTHER = 4
} clconv_device_type;

/* What clconv knows of one device. Strings are NUL-terminated and truncated to
 * fit. For the reference backend the indices are -1 and the sizes 0. */
typedef struct clconv_device_info {
  int platform_index;
  int device_index;
  clconv_device_type type;
  char platform_name[128];
  char platform_version[128];
  char device_name[128];
  char device_vendor[128];
  char driver_version[64];
  char device_version[64];
  char opencl_c_version[64];
  unsigned compute_units;
  unsigned max_clock_mhz;
  uint64_t global_mem_bytes;
  uint64_t max_alloc_bytes;
  uint64_t local_mem_bytes;
  size_t max_work_group_size;
  /* 1 when clconv can run on the device (OpenCL 1.2 or newer, available,
   * with a compiler); else 0, and unusable_reason says what it lacks. Such
   * a device is never the default, and selecting it fails with
   * DEVICE_UNSUPPORTED. */
  int usable;
  char unusable_reason[160];
} clconv_device_info;

/** @return a static name for @p type: "reference", "cpu", "gpu", ... */
CLCONV_API const char *clconv_device_type_name(clconv_device_type type);

/** Lists every device of every OpenCL platform, in platform then device order.
 * @param infos          filled with up to @p capacity entries (may be NULL
 *                       when @p capacity is 0)
 * @param count          receives the number of devices found (may exceed
 *                       @p capacity)
 * @param default_index  receives the index the default selection picks, or
 *                       SIZE_MAX when there is none; may be NULL
 * @param message        receives a readable error, may be NULL
 * @return OK, NO_PLATFORM, OPENCL_ERROR, INVALID_ARGUMENT. */
CLCONV_API clconv_status clconv_devices_list(clconv_device_info *infos,
                                             size_t capacity, size_t *count,
                                             size_t *default_index,
                                             char *message,
                                             size_t message_size);

/* ---------------------------------------------------------------- Context */

/* A context holds one device, its queue and the kernels built for it. It is
 * used by one thread at a time; separate contexts may run in parallel. */
typedef struct clconv_context clconv_context;

/* A switch that the environment decides unless the program does. */
#define CLCONV_FROM_ENVIRONMENT (-1)

/* How a context is made. A setting the program gives here wins over the
 * environment; one it leaves at its default is read from the environment. */
typedef struct clconv_context_options {
  size_t struct_size; /* set by clconv_context_options_default() */
  /* Device selection (see above). Default NULL: $CLCONV_DEVICE, else the
   * default selection. */
  const char *device;
  /* 1: after every op, re-run it on the reference backend and fail with
   * VERIFY_MISMATCH when the result is outside tolerance; 0: never. Default
   * CLCONV_FROM_ENVIRONMENT: on when CLCONV_VERIFY is 1. */
  int verify;
  /* Folder with .cl files that replace the embedded kernel sources. Default
   * NULL: $CLCONV_KERNEL_DIR, else the embedded sources. */
  const char *kernel_dir;
  /* 1: keep compiled programs in a disk cache; 0: no disk cache. Default
   * CLCONV_FROM_ENVIRONMENT: on unless CLCONV_CACHE is 0. */
  int cache;
  /* Folder of the disk cache. Default NULL: $CLCONV_CACHE_DIR, else
   * %LOCALAPPDATA%\clconv on Windows, ~/Library/Caches/clconv on macOS,
   * $XDG_CACHE_HOME/clconv or ~/.cache/clconv elsewhere. */
  const char *cache_dir;
  /* In verify mode, compare at most this many elements of each
   * cross-correlation output, spread evenly (for large problems, whose full
   * reference is slow). Default 0: every element. */
  size_t verify_sample;
  /* The most bytes the disk cache's entries may take; when a new entry
   * goes past it, the least recently used are removed. Default 0:
   * $CLCONV_CACHE_MAX_MB megabytes, else 512 MiB. */
  uint64_t cache_max_bytes;
  /* How kernels of a problem the device has not met are built, a
   * clconv_build_mode. Default CLCONV_FROM_ENVIRONMENT: $CLCONV_BUILD
   * (async, sync or generic), else CLCONV_BUILD_ASYNC. (New in 0.4.) */
  int build;
  /* Called on the calling thread when a kernel program is compiled from
   * source while the caller waits (a program found in the disk cache, or
   * one built in the background, is not reported): once as it starts, with
   * @p done 0, and once as it ends, with @p done 1 and the seconds it took.
   * @p source names the kernel file ("generic", "corr2d_fwd_blocked", ...).
   * Default NULL: none. (New in 0.4.) */
  void (*on_build)(void *user, const char *source, const char *device,
                   double seconds, int done);
  void *on_build_user;
  /* 1: the first time a kernel path runs a pass of a problem on this
   * device, a sample of its result is compared with the reference; a path
   * found wrong is quarantined (the verdict kept in the disk cache) and the
   * generic kernels compute it instead (docs/design.md, "Self checks").
   * 0: never. Default CLCONV_FROM_ENVIRONMENT: on unless CLCONV_SELF_CHECK
   * is 0. (New in 0.4.) */
  int self_check;
} clconv_context_options;

/* How a context builds the kernels of a problem it has not met before
 * (docs/design.md, "First contact"). Every mode gives results within the
 * same tolerance of the reference. */
typedef enum clconv_build_mode {
  /* The first call runs the generic kernels at once (one program per
   * device, kept in the disk cache); the problem's specialized programs
   * build in the background, on a thread the context owns, and take over
   * when they are ready. clconv_context_release() waits for the build under
   * way and stores it in the disk cache; the queued ones are dropped. */
  CLCONV_BUILD_ASYNC = 1,
  /* Every call waits for its specialized programs (benchmarks). */
  CLCONV_BUILD_SYNC = 2,
  /* Only the generic kernels, never a specialized build. */
  CLCONV_BUILD_GENERIC = 3
} clconv_build_mode;

/** Sets every field of @p options, of @p struct_size bytes as the caller
 * knows the struct, to its default. */
CLCONV_API void clconv_context_options_init(clconv_context_options *options,
                                            size_t struct_size);

/** @return options with every field at its default. */
CLCONV_INLINE clconv_context_options clconv_context_options_default(void) {
  clconv_context_options options;
  clconv_context_options_init(&options, sizeof options);
  return options;
}

/** Creates a context on the selected device.
 * @param options  may be NULL for all defaults
 * @param out      receives the context, or NULL on failure
 * @param message  receives a readable error on failure, may be NULL
 * @return OK, DEVICE_NOT_FOUND, NO_PLATFORM, INVALID_ARGUMENT,
 *         OUT_OF_HOST_MEMORY, OPENCL_ERROR. */
CLCONV_API clconv_status
clconv_context_create(const clconv_context_options *options,
                      clconv_context **out, char *message, size_t message_size);

/** Releases the context and everything it built. NULL is a no-op. Every
 * tensor of the context must be released first. */
CLCONV_API void clconv_context_release(clconv_context *ctx);

/** @return the message of the last failing call on this context (or on one of
 * its tensors): it names the function and the bad argument, and for OpenCL
 * failures the OpenCL error by name. "" when none failed. Valid until the next
 * call on the context. */
CLCONV_API const char *clconv_context_message(const clconv_context *ctx);

/** Copies the description of the context's device into @p info. */
CLCONV_API clconv_status clconv_context_device(const clconv_context *ctx,
                                               clconv_device_info *info);

/** @return what the library decided on this context that its caller may
 * want to know, one line each: a background build that failed (the
 * generic kernels then serve that problem), a fallback taken. "" when
 * nothing. Valid until the next call on the context. */
CLCONV_API const char *clconv_context_notes(const clconv_context *ctx);

/** @return the folder of the context's disk cache of compiled programs, or
 * NULL when it has none: turned off, the reference backend, or a folder
 * refused because another user owns it or may write it (the notes say
 * which). Valid while the context lives. */
CLCONV_API const char *clconv_context_cache_dir(const clconv_context *ctx);

/** @return the specialized programs queued or building in the background
 * (CLCONV_BUILD_ASYNC); 0 for NULL or the reference backend. */
CLCONV_API int clconv_context_builds_pending(clconv_context *ctx);

/** Builds the next queued background program on the calling thread, beside
 * the context's builder thread (so that both cores work).
 * @return 1 when it built one (or saw its build fail: see the notes), 0
 *         when none is queued (or for NULL or the reference backend). */
CLCONV_API int clconv_context_build_next(clconv_context *ctx);

/** Waits until every background build has ended (building queued ones on
 * the calling thread too), so that the next op of each problem seen runs on
 * its specialized programs.
 * @return OK, or INVALID_ARGUMENT / CONTEXT_UNUSABLE. */
CLCONV_API clconv_status clconv_context_wait_builds(clconv_context *ctx);

/** Waits until all work queued on the context is done.
 * @return OK, or the error that work met (the context is then unusable). */
CLCONV_API clconv_status clconv_context_finish(clconv_context *ctx);

/* The device's measured limits. */
typedef struct clconv_peak {
  double gflops; /* float32 fused multiply-add throughput, GFLOP/s */
  double gbps;   /* memory bandwidth of a large copy, GB/s (read + write) */
} clconv_peak;

/** Measures the device's arithmetic peak and memory bandwidth with two
 * micro-kernels (about a second). Zeros for the reference backend.
 * @return OK, BUILD_FAILED, OUT_OF_DEVICE_MEMORY, OPENCL_ERROR. */
CLCONV_API clconv_status clconv_context_measure_peak(clconv_context *ctx,
                                                     clconv_peak *peak);

/* ---------------------------------------------------------------- Tensors */

/* A dense, row-major float32 tensor of rank 1 to 4 living on the context's
 * device. Activations are NCHW, weights (Cout, Cin/groups, KH, KW), bias
 * (Cout). */
typedef struct clconv_tensor clconv_tensor;

#define CLCONV_MAX_RANK 4

/** Creates a tensor; its contents are undefined until written.
 * @param dims  @p rank sizes, each >= 0 (0 makes an empty tensor)
 * @return OK, INVALID_ARGUMENT, SIZE_OVERFLOW, TOO_LARGE,
 *         OUT_OF_HOST_MEMORY, OUT_OF_DEVICE_MEMORY, CONTEXT_UNUSABLE. */
CLCONV_API clconv_status clconv_tensor_create(clconv_context *ctx, int rank,
                                              const int64_t *dims,
                                              clconv_tensor **out);

/** Releases the tensor. NULL is a no-op. */
CLCONV_API void clconv_tensor_release(clconv_tensor *tensor);

/** @return the rank (0 for NULL). */
CLCONV_API int clconv_tensor_rank(const clconv_tensor *tensor);
/** @return the size of @p axis, or -1 when the axis does not exist. */
CLCONV_API int64_t clconv_tensor_dim(const clconv_tensor *tensor, int axis);
/** @return the number of elements. */
CLCONV_API size_t clconv_tensor_count(const clconv_tensor *tensor);

/** Copies @p count floats from host memory into the tensor; @p count must equal
 * clconv_tensor_count(). Returns once @p data may be reused. */
CLCONV_API clconv_status clconv_tensor_write(clconv_tensor *tensor,
                                             const float *data, size_t count);

/** Waits for the work that writes the tensor, then copies its @p count floats
 * into @p data. */
CLCONV_API clconv_status clconv_tensor_read(const clconv_tensor *tensor,
                                            float *data, size_t count);

/* ---------------------------------------------------------------- corr2d */

/* Parameters of a 2D cross-correlation, as torch.nn.functional.conv2d. Use
 * clconv_corr2d_params_default() and change what differs: a zero stride,
 * dilation or group count is an error, not a default. */
typedef struct clconv_corr2d_params {
  size_t struct_size;             /* set by clconv_corr2d_params_default() */
  int64_t pad_h, pad_w;           /* zero padding per side; default 0 */
  int64_t stride_h, stride_w;     /* default 1 */
  int64_t dilation_h, dilation_w; /* default 1 */
  int64_t groups;                 /* default 1 */
  /* How the device computes it, a clconv_algo; default CLCONV_ALGO_AUTO
   * (new in 0.3). */
  int algo;
} clconv_corr2d_params;

/* The algorithms of a cross-correlation and its input gradient. Every one
 * gives the result that the reference backend checks; they differ in speed
 * and in rounding (docs/design.md, "Algorithms"). */
typedef enum clconv_algo {
  /* The library chooses per problem and pass; clconv_corr2d_algo_chosen()
   * says what it chose. */
  CLCONV_ALGO_AUTO = 0,
  /* Direct summation over the window (tiled, vectorized). */
  CLCONV_ALGO_DIRECT = 1,
  /* A 1x1 kernel with stride 1 and no padding as a matrix product over
   * whole planes; other problems are refused. */
  CLCONV_ALGO_GEMM = 2,
  /* Winograd's F(2x2, 3x3) for 3x3 kernels with stride 1 and dilation 1:
   * 2.25x fewer multiplications, a few times the direct rounding error.
   * The forward and the input gradient; the weight gradient runs direct. */
  CLCONV_ALGO_WINOGRAD = 3,
  /* Winograd's F(4x4, 3x3): 4x fewer multiplications, an error bound up to
   * 256x the direct one (design.md). Same problems as WINOGRAD. */
  CLCONV_ALGO_WINOGRAD_4X4 = 4
} clconv_algo;

/* The passes of a cross-correlation that an algorithm is chosen for. */
typedef enum clconv_corr2d_pass {
  CLCONV_PASS_FORWARD = 0,
  CLCONV_PASS_BACKWARD_DATA = 1,
  CLCONV_PASS_BACKWARD_WEIGHT = 2
} clconv_corr2d_pass;

/** @return a static name for @p algo: "auto", "direct", "gemm", "winograd",
 * "winograd4x4", or "unknown". */
CLCONV_API const char *clconv_algo_name(int algo);

/** Parses @p name (one of clconv_algo_name()'s) into @p *algo.
 * @return OK, or INVALID_ARGUMENT (no message: there is no context). */
CLCONV_API clconv_status clconv_algo_parse(const char *name, int *algo);

/** Sets @p params (@p struct_size bytes as the caller knows the struct) to
 * padding 0, stride 1, dilation 1, one group. */
CLCONV_API void clconv_corr2d_params_init(clconv_corr2d_params *params,
                                          size_t struct_size);

/** @return padding 0, stride 1, dilation 1, one group. */
CLCONV_INLINE clconv_corr2d_params clconv_corr2d_params_default(void) {
  clconv_corr2d_params params;
  clconv_corr2d_params_init(&params, sizeof params);
  return params;
}

/** Computes the output dims (N, Cout, Hout, Wout) for input @p x (N, Cin, H,
 * W) and weight @p w (Cout, Cin/groups, KH, KW), after checking every
 * parameter: Hout = (H + 2*pad_h - dilation_h*(KH-1) - 1) / stride_h + 1.
 * @return OK, INVALID_ARGUMENT, SHAPE_MISMATCH, WRONG_CONTEXT. */
CLCONV_API clconv_status clconv_corr2d_output_dims(
    clconv_context *ctx, const clconv_corr2d_params *p, const clconv_tensor *x,
    const clconv_tensor *w, int64_t y_dims[4]);

/** Says in @p *algo which algorithm (never AUTO) runs @p pass of the problem
 * of @p p, @p x (the input, N, Cin, H, W) and @p w on @p ctx's device, after
 * the checks of clconv_corr2d_output_dims(). On the reference backend it is
 * DIRECT: the reference always sums directly, in double.
 * @return OK, INVALID_ARGUMENT, SHAPE_MISMATCH, WRONG_CONTEXT. */
CLCONV_API clconv_status clconv_corr2d_algo_chosen(
    clconv_context *ctx, const clconv_corr2d_params *p, const clconv_tensor *x,
    const clconv_tensor *w, clconv_corr2d_pass pass, int *algo);

/** Forward cross-correlation (no kernel flip):
 *   y[n,co,i,j] = b[co] + sum over ci in co's group, kh, kw of
 *     w[co,ci,kh,kw] * x[n, ci, i*stride_h + kh*dil_h - pad_h,
 *                              j*stride_w + kw*dil_w - pad_w]
 * with x zero outside its bounds (a zero that multiplies like any value, so
 * 0 * Inf gives NaN, as in PyTorch). @p b may be NULL (no bias). @p y must have
 * the dims clconv_corr2d_output_dims() gives and must not be an input. The work
 * is queued: read @p y, or call clconv_context_finish(), to wait for it.
 * @return OK, INVALID_ARGUMENT, SHAPE_MISMATCH, WRONG_CONTEXT, TOO_LARGE,
 *         BUILD_FAILED, KERNEL_SOURCE_ERROR, OUT_OF_DEVICE_MEMORY,
 *         OPENCL_ERROR, CONTEXT_UNUSABLE, VERIFY_MISMATCH (verify mode). */
CLCONV_API clconv_status clconv_corr2d_forward(
    clconv_context *ctx, const clconv_corr2d_params *p, const clconv_tensor *x,
    const clconv_tensor *w, const clconv_tensor *b, clconv_tensor *y);

/* The passes clconv_corr2d_prepare() builds for, as a bit mask. */
#define CLCONV_PREPARE_FORWARD (1u << CLCONV_PASS_FORWARD)
#define CLCONV_PREPARE_BACKWARD_DATA (1u << CLCONV_PASS_BACKWARD_DATA)
#define CLCONV_PREPARE_BACKWARD_WEIGHT (1u << CLCONV_PASS_BACKWARD_WEIGHT)
#define CLCONV_PREPARE_ALL                                                     \
  (CLCONV_PREPARE_FORWARD | CLCONV_PREPARE_BACKWARD_DATA |                     \
   CLCONV_PREPARE_BACKWARD_WEIGHT)

/** Builds ahead: queues for the background builder every specialized
 * program that @p passes (CLCONV_PREPARE_*) of the problem of @p p, @p x
 * (N, Cin, H, W) and @p w need and that is neither built nor in the disk
 * cache; runs nothing and returns at once. Then clconv_context_build_next()
 * builds them on the calling thread too, one at a time (with progress), or
 * clconv_context_wait_builds() waits for all. Any build mode; nothing on the
 * reference backend.
 * @return OK, INVALID_ARGUMENT, SHAPE_MISMATCH, WRONG_CONTEXT,
 *         OUT_OF_DEVICE_MEMORY (the problem's scratch), OPENCL_ERROR. */
CLCONV_API clconv_status clconv_corr2d_prepare(clconv_context *ctx,
                                               const clconv_corr2d_params *p,
                                               const clconv_tensor *x,
                                               const clconv_tensor *w,
                                               unsigned passes);

/* ---------------------------------------------------------------- Verify */

/* How a result compares with the reference backend (see docs/design.md):
 * exact   integer-valued inputs small enough that every partial sum is exact
 *         in float32: the device must match the reference bit for bit;
 * bounded otherwise: |device - reference| <= 2 * (K + 2) * 2^-24 * S + 1e-30
 *         with K the products summed into the element and S = |b| + the sum
 *         of |products|, both from the reference in double.
 * NaN must meet NaN, and an infinity the same infinity. */
typedef struct clconv_verify_report {
  int exact;              /* 1: the exact comparison was used */
  size_t count;           /* elements compared */
  size_t mismatches;      /* elements outside tolerance */
  size_t worst_index;     /* element with the largest error / tolerance */
  double worst_device;    /* its value from the tensor checked */
  double worst_reference; /* its value from the reference, in double */
  double max_abs_error;   /* over finite elements */
  double mean_abs_error;  /* over finite elements */
  double max_error_ratio; /* max of error / tolerance; <= 1 passes (bounded) */
} clconv_verify_report;

/** Recomputes clconv_corr2d_forward(p, x, w, b) on the reference backend and
 * compares it with @p y.
 * @param report  receives the comparison, may be NULL
 * @return OK when every element is within tolerance, VERIFY_MISMATCH (the
 *         message names the worst element), or the error met reading. */
CLCONV_API clconv_status clconv_corr2d_verify(
    clconv_context *ctx, const clconv_corr2d_params *p, const clconv_tensor *x,
    const clconv_tensor *w, const clconv_tensor *b, const clconv_tensor *y,
    clconv_verify_report *report);

/** Copies the report of the most recent verification made in verify mode
 * (every output of the last op, merged) into @p report. */
CLCONV_API clconv_status clconv_context_last_verify(
    const clconv_context *ctx, clconv_verify_report *report);

/** Copies the merged report of every verification since the context was
 * made or last reset into @p report (may be NULL); resets it when @p reset. */
CLCONV_API clconv_status clconv_context_verify_total(
    clconv_context *ctx, clconv_verify_report *report, int reset);

/* ---------------------------------------------------------------- Gradients */

/* The gradients of clconv_corr2d_forward, for every configuration it takes.
 * Each queues its work and returns; @p p is the forward's parameters. */

/** dL/dX: @p dx (N, Cin, H, W) receives dY correlated back through @p w; an
 * input that no window reads gets 0. @p dy must have the forward's output
 * dims for an input of @p dx's dims.
 * @return as clconv_corr2d_forward. */
CLCONV_API clconv_status clconv_corr2d_backward_data(
    clconv_context *ctx, const clconv_corr2d_params *p, const clconv_tensor *dy,
    const clconv_tensor *w, clconv_tensor *dx);

/** dL/dW: @p dw (Cout, Cin/groups, KH, KW) receives the sum over the batch
 * and output positions of dY * X (windows of only padding add nothing).
 * @param accumulate  0: overwrite @p dw; 1: add to it (as PyTorch accumulates
 *                    .grad until zero_grad)
 * @return as clconv_corr2d_forward. */
CLCONV_API clconv_status clconv_corr2d_backward_weight(
    clconv_context *ctx, const clconv_corr2d_params *p, const clconv_tensor *x,
    const clconv_tensor *dy, clconv_tensor *dw, int accumulate);

/** dL/db: @p db (Cout) receives the sum of @p dy (N, Cout, Hout, Wout) over
 * all but the channel axis; @p accumulate as above. */
CLCONV_API clconv_status clconv_corr2d_backward_bias(clconv_context *ctx,
                                                     const clconv_tensor *dy,
                                                     clconv_tensor *db,
                                                     int accumulate);

/* ---------------------------------------------------------------- Loss */

typedef enum clconv_reduction {
  CLCONV_REDUCTION_SUM = 0, /* sum of squared errors, as the notebooks */
  CLCONV_REDUCTION_MEAN = 1 /* divided by the number of elements */
} clconv_reduction;

/** Squared-error loss L = sum (y_hat - y)^2 (or its mean) and its gradient
 * dL/dy_hat = 2 * (y_hat - y) (divided by the count for the mean).
 * @param loss  receives L (waits for the device), may be NULL
 * @param grad  receives the gradient, shaped as @p y_hat, may be NULL; at
 *              least one of @p loss and @p grad must be given
 * @return OK, INVALID_ARGUMENT, SHAPE_MISMATCH, WRONG_CONTEXT, OPENCL_ERROR,
 *         OUT_OF_DEVICE_MEMORY, CONTEXT_UNUSABLE, VERIFY_MISMATCH. */
CLCONV_API clconv_status clconv_squared_error(
    clconv_context *ctx, clconv_reduction reduction, const clconv_tensor *y_hat,
    const clconv_tensor *y, double *loss, clconv_tensor *grad);

/* ---------------------------------------------------------------- SGD */

/* Stochastic gradient descent with PyTorch's torch.optim.SGD semantics:
 *   g = grad + weight_decay * w
 *   with momentum: buf = g at the first step, else
 *                  buf = momentum * buf + (1 - dampening) * g;
 *                  g = nesterov ? g + momentum * buf : buf
 *   w = w - lr * g */
typedef struct clconv_sgd_params {
  size_t struct_size; /* set by clconv_sgd_params_default() */
  float lr;           /* default 0.001 */
  float momentum;     /* default 0: no momentum buffer */
  float dampening;    /* default 0 */
  float weight_decay; /* default 0 */
  int nesterov;       /* default 0; needs momentum > 0 and dampening 0 */
} clconv_sgd_params;

/** Sets @p params (@p struct_size bytes as the caller knows the struct) to
 * lr 0.001 (PyTorch's default), no momentum, no weight decay. */
CLCONV_API void clconv_sgd_params_init(clconv_sgd_params *params,
                                       size_t struct_size);

/** @return lr 0.001 (PyTorch's default), no momentum, no weight decay. */
CLCONV_INLINE clconv_sgd_params clconv_sgd_params_default(void) {
  clconv_sgd_params params;
  clconv_sgd_params_init(&params, sizeof params);
  return params;
}

/** Updates @p param in place from @p grad.
 * @param momentum_buffer  same shape as @p param; required when momentum is
 *                         not 0, else ignored (may be NULL)
 * @param buffer_is_set    0 at the first step: the buffer is set to g
 * @return OK, INVALID_ARGUMENT, SHAPE_MISMATCH, WRONG_CONTEXT, BUILD_FAILED,
 *         OPENCL_ERROR, CONTEXT_UNUSABLE, VERIFY_MISMATCH. */
CLCONV_API clconv_status clconv_sgd_step(clconv_context *ctx,
                                         const clconv_sgd_params *p,
                                         clconv_tensor *param,
                                         const clconv_tensor *grad,
                                         clconv_tensor *momentum_buffer,
                                         int buffer_is_set);

/* ---------------------------------------------------------------- Init */

/** Fills @p t with uniform numbers in [lo, hi) from @p seed, computed on the
 * device and bit-identical on every device and on the reference backend:
 * element i is lo + (hi - lo) * u_i, u_i = 24 bits of splitmix64(seed, i).
 * @return OK, INVALID_ARGUMENT (lo > hi or not finite), BUILD_FAILED,
 *         OPENCL_ERROR, CONTEXT_UNUSABLE, VERIFY_MISMATCH. */
CLCONV_API clconv_status clconv_tensor_fill_uniform(clconv_tensor *t, float lo,
                                                    float hi, uint64_t seed);

/* ---------------------------------------------------------------- Tuning */

/* What clconv_tune_forward() tried and found. Tiles read like
 * "vw16 cv1 rh3 cb8 padded": each work-item computes rh output rows by cv
 * vectors of vw columns for cb output channels, from a padded copy of the
 * input or not. */
typedef struct clconv_tune_report {
  int candidates;         /* tilings timed, the default included */
  int rejected;           /* of them, results that disagreed with the
                             reference backend (never used) */
  double default_ms;      /* median time of one forward, default tiles */
  double best_ms;         /* median time of one forward, fastest tiles */
  char default_tiles[48]; /* the default tiles */
  char best_tiles[48];    /* the fastest tiles that agreed */
  int stored;             /* 1: written to the disk cache folder */
} clconv_tune_report;

/** Finds the fastest tiles of the forward kernel for one problem on the
 * context's device: input dims @p x_dims (N, Cin, H, W), weight dims
 * @p w_dims (Cout, Cin/groups, KH, KW), a bias or not, parameters @p p. It
 * fills seeded random data, then for each candidate tiling (the default
 * first, then the most promising; at most @p max_candidates, 0 for all)
 * builds the kernel, runs one warm-up and @p repeat timed forwards and
 * compares the output with the reference backend (every element, or the
 * context's verify_sample). A candidate that disagrees is rejected. The
 * fastest is used by every later forward of this problem in this context
 * and stored in the disk cache folder, where contexts of later processes on
 * the same device, driver and library version find it (clconv tune does
 * this from the command line). Takes seconds: every candidate is a build.
 * @return OK; INVALID_ARGUMENT (a NULL or bad argument, repeat < 1,
 *         max_candidates < 0, or the reference backend, which has no
 *         tiles); SHAPE_MISMATCH; TOO_LARGE (indices past 2^31 take an
 *         untiled kernel); VERIFY_MISMATCH when the default tiles disagree;
 *         or an error of the forward. */
CLCONV_API clconv_status clconv_tune_forward(
    clconv_context *ctx, const clconv_corr2d_params *p, const int64_t x_dims[4],
    const int64_t w_dims[4], int has_bias, int repeat, int max_candidates,
    clconv_tune_report *report);

/* Told about each candidate as clconv_tune_forward_progress() finishes it:
 * its @p index (0 is the default tiles) of @p count, its @p tiles, its
 * median time, or @p rejected 1 when it failed or disagreed with the
 * reference (then @p median_ms is 0). @p user is the caller's pointer. */
typedef void (*clconv_tune_progress_fn)(void *user, int index, int count,
                                        const char *tiles, double median_ms,
                                        int rejected);

/** clconv_tune_forward(), calling @p progress (when not NULL) after each
 * candidate, so that a program can show the search as it goes. */
CLCONV_API clconv_status clconv_tune_forward_progress(
    clconv_context *ctx, const clconv_corr2d_params *p, const int64_t x_dims[4],
    const int64_t w_dims[4], int has_bias, int repeat, int max_candidates,
    clconv_tune_report *report, clconv_tune_progress_fn progress, void *user);

/* ---------------------------------------------------------------- Layer */

/* A Conv2D layer: weight, optional bias, their gradients and momentum
 * buffers, on one context. Forward, backward, zero_grad and an SGD step, as
 * the notebooks' nn.Conv2d training loop does. */
typedef struct clconv_conv2d clconv_conv2d;

typedef enum clconv_init {
  /* PyTorch's nn.Conv2d default: weight and bias uniform in +-1/sqrt(fan_in),
   * fan_in = in_channels / groups * KH * KW. */
  CLCONV_INIT_PYTORCH = 0,
  /* The notebooks' Conv2D: weight uniform in [0, 1) (torch.rand), bias 0. */
  CLCONV_INIT_UNIFORM01 = 1
} clconv_init;

typedef struct clconv_conv2d_params {
  size_t struct_size;         /* set by clconv_conv2d_params_default() */
  int64_t in_channels;        /* default 0: inferred at the first forward, as
                                 nn.LazyConv2d */
  int64_t out_channels;       /* default 1 */
  int64_t kernel_h, kernel_w; /* default 1 x 1 */
  /* As in clconv_corr2d_params (flat, so that either struct may grow at its
   * end): zero padding per side (default 0), stride and dilation (default
   * 1), groups (default 1) and the algorithm (default CLCONV_ALGO_AUTO). */
  int64_t pad_h, pad_w;
  int64_t stride_h, stride_w;
  int64_t dilation_h, dilation_w;
  int64_t groups;
  int algo;
  int bias;         /* default 1 (with a bias) */
  clconv_init init; /* default CLCONV_INIT_PYTORCH */
  uint64_t seed;    /* default 0 */
} clconv_conv2d_params;

/** Sets @p params (@p struct_size bytes as the caller knows the struct) to
 * input channels inferred, one output channel, 1x1, with bias, PyTorch's
 * init, seed 0, and clconv_corr2d_params_default(). */
CLCONV_API void clconv_conv2d_params_init(clconv_conv2d_params *params,
                                          size_t struct_size);

/** @return the defaults of clconv_conv2d_params_init(). */
CLCONV_INLINE clconv_conv2d_params clconv_conv2d_params_default(void) {
  clconv_conv2d_params params;
  clconv_conv2d_params_init(&params, sizeof params);
  return params;
}

/** Copies padding, stride, dilation, groups and the algorithm of @p conv
 * into the layer parameters @p params. */
CLCONV_INLINE void
clconv_conv2d_params_set_corr2d(clconv_conv2d_params *params,
                                const clconv_corr2d_params *conv) {
  params->pad_h = conv->pad_h;
  params->pad_w = conv->pad_w;
  params->stride_h = conv->stride_h;
  params->stride_w = conv->stride_w;
  params->dilation_h = conv->dilation_h;
  params->dilation_w = conv->dilation_w;
  params->groups = conv->groups;
  params->algo = conv->algo;
}

/** Creates a layer and initializes its parameters from the seed (at the first
 * forward when in_channels is 0). The layer borrows @p ctx.
 * @return OK, INVALID_ARGUMENT (the message names the field), SHAPE_MISMATCH,
 *         OUT_OF_HOST_MEMORY, and the errors of tensor creation. */
CLCONV_API clconv_status clconv_conv2d_create(clconv_context *ctx,
                                              const clconv_conv2d_params *p,
                                              clconv_conv2d **out);

/** Releases the layer and its tensors. NULL is a no-op. */
CLCONV_API void clconv_conv2d_release(clconv_conv2d *layer);

/** Output dims for input @p x, after checking it against the layer. */
CLCONV_API clconv_status clconv_conv2d_output_dims(clconv_conv2d *layer,
                                                   const clconv_tensor *x,
                                                   int64_t y_dims[4]);

/** y = corr2d(x, weight) + bias. Infers in_channels at the first call when it
 * was 0. */
CLCONV_API clconv_status clconv_conv2d_forward(clconv_conv2d *layer,
                                               const clconv_tensor *x,
                                               clconv_tensor *y);

/** Adds the weight and bias gradients of the loss to the layer's gradients
 * (as PyTorch accumulates .grad), given the forward's input @p x and @p dy =
 * dL/dy; fills @p dx = dL/dx when not NULL. */
CLCONV_API clconv_status clconv_conv2d_backward(clconv_conv2d *layer,
                                                const clconv_tensor *x,
                                                const clconv_tensor *dy,
                                                clconv_tensor *dx);

/** Sets the layer's gradients to zero. */
CLCONV_API clconv_status clconv_conv2d_zero_grad(clconv_conv2d *layer);

/** One SGD step on the weight and bias from their gradients, keeping the
 * momentum buffers in the layer. */
CLCONV_API clconv_status clconv_conv2d_sgd_step(clconv_conv2d *layer,
                                                const clconv_sgd_params *p);

/** One training step on a batch, the notebook's loop body in one call:
 *   y = forward(x); loss, dy = squared_error(y, target, reduction);
 *   zero_grad(); backward(x, dy, dx); sgd_step(p).
 * The layer's gradients then hold this batch's. The result equals those
 * calls' within the design tolerance; a tiny problem (about 10^5
 * floating-point operations) runs as one kernel instead of about ten
 * launches, except in verify mode, where each op is run and checked.
 * @param target  (N, Cout, Hout, Wout), like y
 * @param y       receives the output when not NULL
 * @param dx      receives dL/dx (for the layer before) when not NULL
 * @param loss    receives the loss (waits for the device) when not NULL
 * @return as the calls it stands for. */
CLCONV_API clconv_status clconv_conv2d_train_step(
    clconv_conv2d *layer, const clconv_tensor *x, const clconv_tensor *target,
    clconv_reduction reduction, const clconv_sgd_params *p, clconv_tensor *y,
    clconv_tensor *dx, double *loss);

/* Which of the layer's tensors clconv_conv2d_tensor returns. */
typedef enum clconv_conv2d_part {
  CLCONV_CONV2D_WEIGHT = 0,
  CLCONV_CONV2D_BIAS = 1,
  CLCONV_CONV2D_GRAD_WEIGHT = 2,
  CLCONV_CONV2D_GRAD_BIAS = 3
} clconv_conv2d_part;

/** @return the layer's tensor for @p part, owned by the layer (do not
 * release); NULL when the layer has no bias, or before in_channels is known.
 */
CLCONV_API clconv_tensor *clconv_conv2d_tensor(clconv_conv2d *layer,
                                               clconv_conv2d_part part);

/** Copies @p count floats between host memory and a part of the layer
 * (weight or bias to set, any part to get); @p count must be the part's
 * element count. Setting resets nothing else. */
CLCONV_API clconv_status clconv_conv2d_get(clconv_conv2d *layer,
                                           clconv_conv2d_part part, float *data,
                                           size_t count);
CLCONV_API clconv_status clconv_conv2d_set(clconv_conv2d *layer,
                                           clconv_conv2d_part part,
                                           const float *data, size_t count);

/* ---------------------------------------------------------------- Replicas */

/* Data-parallel training: one replica of a layer per context (each its own
 * device, or contexts of one device), trained as one layer. Each step
 * splits the batch across the replicas, runs forward and backward on each,
 * sums their weight and bias gradients in double in replica order (0, 1,
 * ...), optionally sums that across processes with an all-reduce the
 * application supplies (MPI, its own transport), and applies the same SGD
 * step on every replica, so all keep identical weights. The result equals
 * training the whole batch on one device: bit for bit where every sum is
 * exact (small integer data, the sum loss), else within the design
 * tolerance. */
typedef struct clconv_replicas clconv_replicas;

/* Sums @p count doubles of @p data in place with the same buffer of every
 * other process, and leaves the same sums in each, in an order that does not
 * depend on timing. The buffer holds the gradients, the loss and the element
 * count of this process's batch. Return OK, or any other status to fail the
 * step (every process should then stop: see clconv_mpi.h). */
typedef clconv_status (*clconv_allreduce_fn)(void *user, double *data,
                                             size_t count);

typedef struct clconv_replicas_params {
  size_t struct_size; /* set by clconv_replicas_params_default() */
  /* Cross-process sum; NULL (default): this process's replicas only. */
  clconv_allreduce_fn allreduce;
  void *allreduce_user;
  /* One non-negative weight per context (their sum > 0): replica i takes
   * about shares[i] / sum of the batch (largest remainders to the first).
   * NULL (default): an even split, the first replicas one row more. */
  const double *shares;
} clconv_replicas_params;

CLCONV_API void clconv_replicas_params_init(clconv_replicas_params *params,
                                            size_t struct_size);

/** @return no all-reduce, an even split. */
CLCONV_INLINE clconv_replicas_params clconv_replicas_params_default(void) {
  clconv_replicas_params params;
  clconv_replicas_params_init(&params, sizeof params);
  return params;
}

/** Makes one layer of @p layer's parameters on each of the @p count
 * contexts (in_channels must be given: the replicas are made at once). The
 * seeded init gives every replica the same weights on any device.
 * @param message  receives a readable error on failure, may be NULL
 * @return OK, INVALID_ARGUMENT, SHAPE_MISMATCH, OUT_OF_HOST_MEMORY, or what
 *         creating a layer returns. */
CLCONV_API clconv_status clconv_replicas_create(
    clconv_context *const *contexts, int count,
    const clconv_conv2d_params *layer, const clconv_replicas_params *p,
    clconv_replicas **out, char *message, size_t message_size);

/** Releases the replicas (not the contexts). NULL is a no-op. */
CLCONV_API void clconv_replicas_release(clconv_replicas *replicas);

/** @return the message of the last failing call ("" when none failed). */
CLCONV_API const char *clconv_replicas_message(const clconv_replicas *r);

/** @return the number of replicas; the layer of replica @p i (owned by the
 * replicas), or NULL when there is no such replica. */
CLCONV_API int clconv_replicas_count(const clconv_replicas *r);
CLCONV_API clconv_conv2d *clconv_replicas_layer(clconv_replicas *r, int i);

/** The rows of a batch of @p n that replica @p i takes: [*first, *first +
 * *rows). */
CLCONV_API clconv_status clconv_replicas_rows(const clconv_replicas *r,
                                              int64_t n, int i, int64_t *first,
                                              int64_t *rows);

/** One training step on this process's batch, in host memory: @p x (N, Cin,
 * H, W) and @p target (N, Cout, Hout, Wout), float32 in C order. The loss
 * (when @p loss is not NULL) is that of the whole batch across processes;
 * the mean divides by the count of every process's targets.
 * @return OK, or the first failure of any replica or of the all-reduce
 *         (the message says which); a failure before the update leaves
 *         every replica's weights as they were. */
CLCONV_API clconv_status clconv_replicas_train_step(
    clconv_replicas *r, const float *x, const int64_t x_dims[4],
    const float *target, const int64_t target_dims[4],
    clconv_reduction reduction, const clconv_sgd_params *sgd, double *loss);

#ifdef __cplusplus
}
#endif

#endif /* CLCONV_H */
