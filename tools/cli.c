/* cli.c: helpers shared by the clconv tool's commands. */
#include "cli.h"

#include "image.h"
#include "npy.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The command running, for messages ("clconv run: ..."). */
static const char *current_command = "";

void cli_set_command(const char *name) { current_command = name; }

const char *cli_command(void) { return current_command; }

void cli_json_string(FILE *out, const char *text) {
  fputc('"', out);
  for (const unsigned char *c = (const unsigned char *)text; *c != '\0'; c++) {
    if (*c == '"' || *c == '\\')
      fprintf(out, "\\%c", *c);
    else if (*c < 0x20)
      fprintf(out, "\\u%04x", *c);
    else
      fputc(*c, out);
  }
  fputc('"', out);
}

static int quiet;
/* 0 when the last context opened has no disk cache: builds are not kept. */
static int cache_on = 1;

void cli_set_quiet(int on) { quiet = on; }

int cli_quiet(void) { return quiet; }

/* Announces a kernel build (clconv_context_options.on_build). */
static void announce_build(void *user, const char *source, const char *device,
                           double seconds, int done) {
  (void)user;
  if (!done)
    fprintf(stderr, "clconv %s: building kernels (%s.cl) for %s ...",
            current_command, source, device);
  else
    fprintf(stderr, " %.1f s (%s)\n", seconds,
            cache_on ? "kept in the disk cache"
                     : "no disk cache: built again next time");
  fflush(stderr);
}

clconv_context_options cli_context_options(const char *device) {
  clconv_context_options options = clconv_context_options_default();
  options.device = device;
  if (!quiet)
    options.on_build = announce_build;
  return options;
}

void cli_close_context(clconv_context *ctx) {
  const int pending = clconv_context_builds_pending(ctx);
  if (ctx != NULL)
    cli_print_notes(ctx); /* what the ops decided: a fallback, a quirk */
  if (pending > 0 && !quiet) {
    fprintf(stderr,
            "clconv %s: finishing the kernel build under way for next time "
            "(%d queued; --quiet says nothing)\n",
            current_command, pending);
    fflush(stderr);
  }
  clconv_context_release(ctx);
}

void cli_print_notes(const clconv_context *ctx) {
  /* Each line once per process: a second context's same notes, or the
   * notes of opening seen again at the end, are not repeated. */
  static char printed[8192];
  static size_t used;
  const char *line = clconv_context_notes(ctx);
  while (*line != '\0') {
    const char *end = strchr(line, '\n');
    const size_t len = end != NULL ? (size_t)(end - line) : strlen(line);
    char text[1024];
    snprintf(text, sizeof text, "%.*s\n", (int)len, line);
    if (strstr(printed, text) == NULL) {
      fprintf(stderr, "clconv %s: %s", current_command, text);
      if (used + strlen(text) < sizeof printed) {
        memcpy(printed + used, text, strlen(text) + 1);
        used += strlen(text);
      }
    }
    line += len + (end != NULL ? 1 : 0);
  }
}

int cli_open_context(const char *device, clconv_context **ctx) {
  return cli_open_context_build(device, CLCONV_FROM_ENVIRONMENT, ctx);
}

int cli_open_context_build(const char *device, int build,
                           clconv_context **ctx) {
  char message[2048];
  clconv_context_options options = cli_context_options(device);
  clconv_status status;
  options.build = build;
  status = clconv_context_create(&options, ctx, message, sizeof message);
  if (status != CLCONV_STATUS_OK) {
    fprintf(stderr, "clconv %s: cannot open a device: %s: %s\n",
            current_command, clconv_status_name(status), message);
    return -1;
  }
  {
    clconv_device_info info;
    if (clconv_context_device(*ctx, &info) == CLCONV_STATUS_OK &&
        info.type != CLCONV_DEVICE_TYPE_REFERENCE) /* it has no programs */
      cache_on = clconv_context_cache_dir(*ctx) != NULL;
  }
  cli_print_notes(*ctx); /* what opening it decided (a cache refused) */
  return 0;
}

int cli_open_devices(const char *list, int build, cli_devices *d) {
  char specs[CLI_MAX_DEVICES][64];
  int n = 0;
  memset(d, 0, sizeof *d);
  if (strcmp(list, "all") == 0) {
    clconv_device_info infos[CLI_MAX_DEVICES];
    size_t count = 0;
    char message[1024];
    const clconv_status status = clconv_devices_list(
        infos, CLI_MAX_DEVICES, &count, NULL, message, sizeof message);
    if (status != CLCONV_STATUS_OK) {
      fprintf(stderr, "clconv %s: --devices all: %s: %s\n", current_command,
              clconv_status_name(status), message);
      return -1;
    }
    for (size_t i = 0; i < count && i < CLI_MAX_DEVICES; i++)
      if (infos[i].usable)
        snprintf(specs[n++], sizeof specs[0], "%d:%d", infos[i].platform_index,
                 infos[i].device_index);
  } else {
    const char *at = list;
    while (*at != '\0') {
      const char *comma = strchr(at, ',');
      const size_t len = comma != NULL ? (size_t)(comma - at) : strlen(at);
      if (len == 0 || len >= sizeof specs[0] || n == CLI_MAX_DEVICES) {
        fprintf(stderr,
                "clconv %s: --devices takes 'all' or up to %d selections "
                "separated by commas, got '%s'\n",
                current_command, CLI_MAX_DEVICES, list);
        return -1;
      }
      memcpy(specs[n], at, len);
      specs[n++][len] = '\0';
      at += len + (comma != NULL ? 1 : 0);
      if (comma != NULL && *at == '\0') {
        fprintf(stderr, "clconv %s: --devices ends with a comma: '%s'\n",
                current_command, list);
        return -1;
      }
    }
  }
  if (n == 0) {
    fprintf(stderr, "clconv %s: --devices %s: no usable device\n",
            current_command, list);
    return -1;
  }
  for (int i = 0; i < n; i++) {
    if (cli_open_context_build(specs[i], build, &d->ctx[i]) != 0) {
      cli_close_devices(d);
      return -1;
    }
    d->count++;
  }
  return 0;
}

void cli_close_devices(cli_devices *d) {
  for (int i = 0; i < d->count; i++)
    cli_close_context(d->ctx[i]);
  d->count = 0;
}

void cli_report(clconv_context *ctx, clconv_status status, const char *what) {
  /* The parameters' names in the library's messages, and the options that
   * set them. */
  static const char *const fields[][2] = {
      {"pad_h", "--padding"},       {"pad_w", "--padding"},
      {"stride_h", "--stride"},     {"stride_w", "--stride"},
      {"dilation_h", "--dilation"}, {"dilation_w", "--dilation"},
      {"groups", "--groups"},       {"params.algo", "--algo"}};
  const char *message = clconv_context_message(ctx), *option = NULL;
  /* The library's message begins with its function ("clconv_x: "); the
   * user called no such function, so it goes. */
  if (strncmp(message, "clconv_", 7) == 0 && strstr(message, ": ") != NULL)
    message = strstr(message, ": ") + 2;
  for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
    if (strncmp(message, fields[i][0], strlen(fields[i][0])) == 0 ||
        strstr(message, fields[i][0]) == message)
      option = fields[i][1];
  fprintf(stderr, "clconv %s: ", current_command);
  if (what != NULL && strcmp(what, current_command) != 0)
    fprintf(stderr, "%s: ", what);
  fprintf(stderr, "%s", message);
  if (option != NULL)
    fprintf(stderr, " (%s)", option);
  fprintf(stderr, " [%s]\n", clconv_status_name(status));
}

int cli_tensor(clconv_context *ctx, int rank, const int64_t *dims,
               const float *data, clconv_tensor **out) {
  clconv_status status = clconv_tensor_create(ctx, rank, dims, out);
  if (status == CLCONV_STATUS_OK && data != NULL) {
    status = clconv_tensor_write(*out, data, clconv_tensor_count(*out));
    if (status != CLCONV_STATUS_OK) {
      clconv_tensor_release(*out);
      *out = NULL;
    }
  }
  if (status != CLCONV_STATUS_OK) {
    cli_report(ctx, status, "tensor");
    return -1;
  }
  return 0;
}

static int parse_count(const char *text, char **end, int64_t *out) {
  long long v;
  if (*text < '0' || *text > '9')
    return -1;
  errno = 0;
  v = strtoll(text, end, 10);
  if (errno != 0)
    return -1;
  *out = v;
  return 0;
}

int cli_parse_pair(const char *text, int64_t *a, int64_t *b) {
  char *end;
  if (text == NULL || parse_count(text, &end, a) != 0)
    return -1;
  if (*end == '\0') {
    *b = *a;
    return 0;
  }
  if (*end != ',' || parse_count(end + 1, &end, b) != 0 || *end != '\0')
    return -1;
  return 0;
}

int cli_parse_long(const char *text, long lo, long hi, long *out) {
  char *end;
  int64_t v;
  if (text == NULL || parse_count(text, &end, &v) != 0 || *end != '\0' ||
      v < lo || v > hi)
    return -1;
  *out = (long)v;
  return 0;
}

int cli_parse_list(const char *text, int count, long hi, int64_t *out) {
  for (int i = 0; i < count; i++) {
    const char *end = i + 1 < count ? strchr(text, ',') : text + strlen(text);
    char piece[24];
    long value;
    if (end == NULL || (size_t)(end - text) >= sizeof piece)
      return -1;
    memcpy(piece, text, (size_t)(end - text));
    piece[end - text] = '\0';
    if (cli_parse_long(piece, 0, hi, &value) != 0)
      return -1;
    out[i] = value;
    text = end + 1;
  }
  return 0;
}

int cli_parse_dims(const char *text, char sep, int64_t *a, int64_t *b) {
  char *end;
  if (text == NULL || parse_count(text, &end, a) != 0 || *end != sep ||
      parse_count(end + 1, &end, b) != 0 || *end != '\0')
    return -1;
  return 0;
}

int cli_check_finite(const char *command, const char *what,
                     const npy_array *a) {
  for (size_t i = 0; i < a->count; i++)
    if (!isfinite(a->data[i])) {
      fprintf(stderr,
              "clconv %s: %s: element %zu is %s; training needs finite "
              "data\n",
              command, what, i, isnan(a->data[i]) ? "NaN" : "infinite");
      return -1;
    }
  return 0;
}

/* Formats one value the way PyTorch does for float tensors: "19." for an
 * integer, else four decimals. */
static void format_value(char *buf, size_t size, float v, int all_integer) {
  if (all_integer)
    snprintf(buf, size, "%.0f.", (double)v);
  else
    snprintf(buf, size, "%.4f", (double)v);
}

void cli_print_matrix(FILE *out, const char *indent, const float *m,
                      int64_t rows, int64_t cols) {
  int all_integer = 1;
  size_t width = 0;
  char buf[64];
  for (int64_t i = 0; i < rows * cols; i++) {
    if (!isfinite(m[i]) || m[i] != floorf(m[i]) || fabsf(m[i]) >= 1e7f)
      all_integer = 0;
  }
  for (int64_t i = 0; i < rows * cols; i++) {
    format_value(buf, sizeof buf, m[i] == 0.0f ? 0.0f : m[i], all_integer);
    if (strlen(buf) > width)
      width = strlen(buf);
  }
  for (int64_t r = 0; r < rows; r++) {
    fprintf(out, "%s%s", indent, r == 0 ? "[[" : " [");
    for (int64_t c = 0; c < cols; c++) {
      float v = m[r * cols + c];
      format_value(buf, sizeof buf, v == 0.0f ? 0.0f : v, all_integer);
      fprintf(out, "%*s%s", (int)width, buf, c + 1 < cols ? ", " : "");
    }
    fprintf(out, "]%s\n", r + 1 < rows ? "," : "]");
  }
}

int cli_is_help(const char *arg) {
  return strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0;
}

char *cli_printable(char *text) {
  for (char *c = text; *c != '\0'; c++)
    if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
      *c = '?';
  return text;
}

int cli_load_array(const char *command, const char *path, const char *what,
                   int rank_a, int rank_b, int gray, npy_array *a) {
  char err[512];
  if (image_is_path(path)) {
    if (rank_a != 4 && rank_b != 4) {
      fprintf(stderr,
              "clconv %s: %s: %s is an image, (1, C, H, W); %s takes %d "
              "dimensions\n",
              command, what, path, what, rank_a);
      return -1;
    }
    if (image_read(path, gray, a, err, sizeof err) != 0) {
      fprintf(stderr, "clconv %s: %s: %s\n", command, what, cli_printable(err));
      return -1;
    }
    return 0;
  }
  if (npy_read(path, a, err, sizeof err) != 0) {
    fprintf(stderr, "clconv %s: %s: %s\n", command, what, cli_printable(err));
    return -1;
  }
  if (a->ndim != rank_a && a->ndim != rank_b) {
    fprintf(stderr, "clconv %s: %s: %s has %d dimensions; expected %d", command,
            what, path, a->ndim, rank_a);
    if (rank_b != rank_a)
      fprintf(stderr, " or %d", rank_b);
    fprintf(stderr, "\n");
    npy_free(a);
    return -1;
  }
  return 0;
}

int cli_write_array(const char *command, FILE *file, const char *path, int ndim,
                    const int64_t *shape, const float *data, int scale) {
  char err[512];
  if (image_is_path(path)) {
    if (image_write(file, path, ndim, shape, data, (image_scale)scale, err,
                    sizeof err) != 0) {
      fprintf(stderr, "clconv %s: %s: %s\n", command, path, err);
      return -1;
    }
    return 0;
  }
  if (npy_write_stream(file, ndim, shape, data) != 0) {
    fprintf(stderr, "clconv %s: %s: cannot write\n", command, path);
    return -1;
  }
  return 0;
}

void cli_dims_4d(const npy_array *a, int64_t dims[4]) {
  if (a->ndim == 2) {
    dims[0] = dims[1] = 1;
    dims[2] = a->shape[0];
    dims[3] = a->shape[1];
  } else {
    memcpy(dims, a->shape, 4 * sizeof *dims);
  }
}

/* @return 1 when @p path ends in "." @p ext, compared without case. */
static int has_extension(const char *path, const char *ext) {
  const char *dot = strrchr(path, '.');
  size_t i = 0;
  if (dot == NULL || strchr(dot, '/') != NULL)
    return 0;
  for (dot++; dot[i] != '\0' && ext[i] != '\0'; i++)
    if (tolower((unsigned char)dot[i]) != ext[i])
      return 0;
  return dot[i] == '\0' && ext[i] == '\0';
}

int cli_is_picture_output(const char *path) {
  static const char *const written[] = {"png", "jpg", "jpeg", "bmp", "pgm"};
  for (size_t i = 0; path != NULL && i < sizeof written / sizeof *written; i++)
    if (has_extension(path, written[i]))
      return 1;
  return 0;
}

int cli_check_output_name(const char *command, const char *option,
                          const char *path) {
  const char *base, *dot;
  if (path == NULL || has_extension(path, "npy") || cli_is_picture_output(path))
    return 0;
  /* A name without an extension ('-', a FIFO, a device) is written as
   * .npy; one with another extension would be misread later. */
  base = strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 : path;
  dot = strrchr(base, '.');
  if (dot == NULL || dot == base || dot[1] == '\0')
    return 0;
  fprintf(stderr,
          "clconv %s: %s %s: clconv writes .npy files and pictures (.png, "
          ".jpg, .bmp, .pgm), not .%s; name the output with one of those "
          "endings\n",
          command, option, path, dot + 1);
  return -1;
}

int cli_device_specs(char (*specs)[32], int max) {
  clconv_device_info *infos;
  size_t count = 0;
  char message[1024];
  int written = 0;
  if (max <= 0 ||
      clconv_devices_list(NULL, 0, &count, NULL, message, sizeof message) !=
          CLCONV_STATUS_OK ||
      count == 0)
    return 0;
  infos = calloc(count, sizeof *infos);
  if (infos == NULL)
    return 0;
  if (clconv_devices_list(infos, count, &count, NULL, message,
                          sizeof message) == CLCONV_STATUS_OK)
    for (size_t i = 0; i < count && written < max; i++, written++)
      snprintf(specs[written], sizeof specs[written], "%d:%d",
               infos[i].platform_index, infos[i].device_index);
  free(infos);
  return written;
}
