/* cli.h: helpers shared by the clconv tool's commands: contexts, tensors,
 * option values and notebook-style printing. */
#ifndef CLCONV_CLI_H
#define CLCONV_CLI_H

#include "clconv.h"

#include <stdio.h>

struct npy_array;

/* Exit statuses of the tool. */
#define CLI_EXIT_OK 0
#define CLI_EXIT_FAILURE 1 /* the work failed or a check disagreed */
#define CLI_EXIT_USAGE 2   /* bad command line */

/* Sets the command that runs (for the messages of the helpers below, which
 * all begin "clconv COMMAND: "); cli_command() returns it. */
void cli_set_command(const char *name);
const char *cli_command(void);

/* Writes @p text as a JSON string: quoted, with quotes, backslashes and
 * control characters escaped. */
void cli_json_string(FILE *out, const char *text);

/* Prints the context's notes (clconv_context_notes) on standard error, one
 * line each, after "clconv COMMAND: ", each line once per process. */
void cli_print_notes(const clconv_context *ctx);

/* Opens a context on @p device (NULL: CLCONV_DEVICE, else the default);
 * prints the error to stderr on failure, and what opening it noted (a disk
 * cache refused). @return 0 on success. */
int cli_open_context(const char *device, clconv_context **ctx);

/* The same with build mode @p build (a clconv_build_mode, or
 * CLCONV_FROM_ENVIRONMENT). */
int cli_open_context_build(const char *device, int build, clconv_context **ctx);

/* Releases @p ctx; first prints its notes not printed yet (a fallback
 * taken, a build that failed) and, when builds for the problems it met are
 * still running in the background, says (unless quiet) that the one under
 * way is finished for next time. */
void cli_close_context(clconv_context *ctx);

/* --quiet: the tool says nothing about kernel builds. Otherwise a build
 * from source while the user waits is announced on standard error as it
 * starts, with its time as it ends. */
void cli_set_quiet(int quiet);
int cli_quiet(void);

/* The context options every command starts from: @p device, and the build
 * announcements unless quiet. */
clconv_context_options cli_context_options(const char *device);

/* The contexts of `--devices LIST`. */
#define CLI_MAX_DEVICES 16
typedef struct cli_devices {
  int count;
  clconv_context *ctx[CLI_MAX_DEVICES];
} cli_devices;

/* Opens a context per device of @p list: "all" (every usable OpenCL
 * device) or comma-separated selections ('reference', 'P:D', 'gpu', ...),
 * in build mode @p build (as cli_open_context_build); prints the error on
 * failure. @return 0 on success. */
int cli_open_devices(const char *list, int build, cli_devices *d);

/* Writes the spec ("P:D") of every OpenCL device, at most @p max, into
 * @p specs. @return how many (0 when the listing fails or finds none). */
int cli_device_specs(char (*specs)[32], int max);

/* Releases the contexts of @p d. */
void cli_close_devices(cli_devices *d);

/* Creates a tensor and writes @p data into it (when not NULL); prints the
 * context's message on failure. @return 0 on success. */
int cli_tensor(clconv_context *ctx, int rank, const int64_t *dims,
               const float *data, clconv_tensor **out);

/* Prints "clconv COMMAND: [what: ]MESSAGE [(--option)] [STATUS]" to
 * stderr: @p what (NULL or the command itself: left out) says which step
 * failed; the library's message loses its leading function name, and a
 * parameter it names is followed by the option that sets it. */
void cli_report(clconv_context *ctx, clconv_status status, const char *what);

/* Parses "A" or "A,B" of non-negative integers into (a, b); "A" sets both.
 * @return 0 on success. */
int cli_parse_pair(const char *text, int64_t *a, int64_t *b);

/* Parses a decimal integer in [lo, hi] (lo >= 0): digits only, nothing
 * after them. @return 0 on success, -1 when malformed or out of range. */
int cli_parse_long(const char *text, long lo, long hi, long *out);

/* Parses exactly @p count comma-separated decimal integers, each in
 * [0, hi], into @p out. @return 0 on success, -1 when malformed, too few or
 * too many, or out of range. */
int cli_parse_list(const char *text, int count, long hi, int64_t *out);

/* Parses "A<sep>B" of two non-negative integers, with nothing else.
 * @return 0 on success, -1 when malformed or out of range. */
int cli_parse_dims(const char *text, char sep, int64_t *a, int64_t *b);

/* The largest kernel side the tool takes. */
#define CLI_MAX_KERNEL 65536

/* Checks that every element of @p a is finite; prints which is not (with
 * @p command and @p what) on failure. @return 0 when all are. */
int cli_check_finite(const char *command, const char *what,
                     const struct npy_array *a);

/* The help text of those options. */
#define CLI_CONV_OPTIONS_HELP                                                  \
  "  --padding PH,PW  zero padding per side (one number sets both); default "  \
  "0\n"                                                                        \
  "  --stride SH,SW   default 1\n"                                             \
  "  --dilation DH,DW default 1\n"                                             \
  "  --groups G       default 1\n"                                             \
  "  --algo A         how the device computes it: auto (default: chosen per\n" \
  "                   problem), direct, gemm (1x1 only), winograd "            \
  "(F(2x2,3x3))\n"                                                             \
  "                   or winograd4x4 (F(4x4,3x3); 3x3, stride 1 only)\n"

/* Reads a .npy file, or an image (image.h: (1, C, H, W) in [0, 1], one
 * channel with @p gray) where rank 4 is allowed, and checks that it has one
 * of two ranks; prints the error (prefixed with @p command and @p what) on
 * failure. */
int cli_load_array(const char *command, const char *path, const char *what,
                   int rank_a, int rank_b, int gray, struct npy_array *a);

/* Replaces in place every byte of @p text that is not printable ASCII by
 * '?' (what a file said, before it reaches a terminal). @return text. */
char *cli_printable(char *text);

/* Writes @p data of @p shape to @p file: an image when @p path names one
 * (scaled by @p scale, an image_scale), else .npy; prints the error on
 * failure. @return 0 on success. */
int cli_write_array(const char *command, FILE *file, const char *path, int ndim,
                    const int64_t *shape, const float *data, int scale);

/* The help text of the picture options of `run` and `fit`. */
#define CLI_IMAGE_OPTIONS_HELP                                                 \
  "  --gray           read images as one gray channel (luma); default: the\n"  \
  "                   file's channels\n"                                       \
  "  --scale S        how an image output's values become pixels: auto\n"      \
  "                   (default: [0, 1] as is; with negative values, [-m, m]\n" \
  "                   onto black..white, zero mid-gray, m = max |v|; else\n"   \
  "                   [0, max]), abs (|v| / max |v|: edges of either sign\n"   \
  "                   bright) or clip (clamped to [0, 1])\n"

/* Shapes a 2-D (H, W) array as (1, 1, H, W); copies a 4-D one. */
void cli_dims_4d(const struct npy_array *a, int64_t dims[4]);

/* Prints a matrix like PyTorch prints a 2-D tensor, each line indented. */
void cli_print_matrix(FILE *out, const char *indent, const float *m,
                      int64_t rows, int64_t cols);

/* @return 1 when @p arg is "-h" or "--help". */
int cli_is_help(const char *arg);

/* Refuses (with a message naming @p command and @p option) an output name
 * whose extension is neither .npy nor a picture clconv writes (.png, .jpg,
 * .jpeg, .bmp, .pgm); a name without one ('-', a FIFO) is written as .npy.
 * NULL is accepted (no such output). @return 0 or -1. */
int cli_check_output_name(const char *command, const char *option,
                          const char *path);

/* @return 1 when @p path names a picture output (by its extension). */
int cli_is_picture_output(const char *path);

#endif
