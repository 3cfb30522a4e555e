/* quirks.c: known driver problems applied to a context (see quirks.h and
 * cl/quirks.txt for the format). */
#include "core/quirks.h"

#include "common/alloc.h"
#include "common/error.h"
#include "common/kernel_sources.h"
#include "common/os.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

int clconv__quirks_match(const char *pattern, const char *text) {
  /* Iterative glob: on a mismatch, the last '*' takes one more character. */
  const char *star = NULL, *resume = NULL;
  while (*text != '\0') {
    if (*pattern == '*') {
      star = pattern++;
      resume = text;
    } else if (tolower((unsigned char)*pattern) ==
               tolower((unsigned char)*text)) {
      pattern++;
      text++;
    } else if (star != NULL) {
      pattern = star + 1;
      text = ++resume;
    } else {
      return 0;
    }
  }
  while (*pattern == '*')
    pattern++;
  return *pattern == '\0';
}

/* The paths an entry may avoid. */
static const struct {
  const char *name;
  unsigned flag;
} paths[] = {{"winograd", CLCONV__AVOID_WINOGRAD},
             {"winograd4x4", CLCONV__AVOID_WINOGRAD_4X4},
             {"gemm", CLCONV__AVOID_GEMM},
             {"specialized", CLCONV__AVOID_SPECIALIZED}};

/* Copies field @p index (0-based) of the '|'-separated @p line into @p out,
 * spaces trimmed. @return 0, or -1 when the line has fewer fields. */
static int field(const char *line, int index, char *out, size_t size) {
  const char *start = line, *end;
  size_t n;
  for (int i = 0; i < index; i++) {
    start = strchr(start, '|');
    if (start == NULL)
      return -1;
    start++;
  }
  end = strchr(start, '|');
  if (end == NULL)
    end = start + strlen(start);
  while (start < end && isspace((unsigned char)*start))
    start++;
  while (end > start && isspace((unsigned char)end[-1]))
    end--;
  n = (size_t)(end - start) < size - 1 ? (size_t)(end - start) : size - 1;
  memcpy(out, start, n);
  out[n] = '\0';
  return 0;
}

/* Parses the avoid field into flags. @return 0, or -1 naming the unknown
 * path in @p bad. */
static int parse_avoid(const char *text, unsigned *flags, char *bad,
                       size_t size) {
  char word[64];
  *flags = 0;
  while (*text != '\0') {
    size_t n = 0;
    int known = 0;
    while (isspace((unsigned char)*text))
      text++;
    while (text[n] != '\0' && !isspace((unsigned char)text[n]))
      n++;
    if (n == 0)
      break;
    snprintf(word, sizeof word, "%.*s", (int)n, text);
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++)
      if (strcmp(word, paths[i].name) == 0) {
        *flags |= paths[i].flag;
        known = 1;
      }
    if (!known) {
      snprintf(bad, size, "%s", word);
      return -1;
    }
    text += n;
  }
  return *flags != 0 ? 0 : (snprintf(bad, size, "(none)"), -1);
}

/* Applies the entries of @p text (from @p origin); a malformed line fails
 * with its number. */
static clconv_status apply_text(clconv_context *ctx, const char *fn,
                                const char *origin, const char *text,
                                char *message, size_t message_size) {
  int number = 0;
  while (*text != '\0') {
    char line[1024], f[6][256], bad[64];
    const size_t len = strcspn(text, "\n");
    unsigned flags;
    number++;
    snprintf(line, sizeof line, "%.*s", (int)len, text);
    text += len + (text[len] == '\n');
    line[strcspn(line, "\r")] = '\0';
    if (line[strspn(line, " \t")] == '#' || line[strspn(line, " \t")] == '\0')
      continue;
    for (int i = 0; i < 6; i++)
      if (field(line, i, f[i], sizeof f[i]) != 0)
        return clconv__error_fail_buf(
            message, message_size, CLCONV_STATUS_INVALID_ARGUMENT,
            "%s: %s, line %d: an entry takes six fields separated by '|' "
            "(platform | device | driver | avoid | reason | link), got '%s'",
            fn, origin, number, line);
    if (parse_avoid(f[3], &flags, bad, sizeof bad) != 0)
      return clconv__error_fail_buf(
          message, message_size, CLCONV_STATUS_INVALID_ARGUMENT,
          "%s: %s, line %d: cannot avoid '%s' (the paths are winograd, "
          "winograd4x4, gemm and specialized)",
          fn, origin, number, bad);
    if (!clconv__quirks_match(f[0], ctx->info.platform_name) ||
        !clconv__quirks_match(f[1], ctx->info.device_name) ||
        !clconv__quirks_match(f[2], ctx->info.driver_version))
      continue;
    ctx->caps.avoid |= flags;
    clconv__error_note(
        ctx, "quirk (%s, line %d): avoiding %s on this driver: %s%s%s", origin,
        number, f[3], f[4], f[5][0] != '\0' ? " " : "", f[5]);
  }
  return CLCONV_STATUS_OK;
}

clconv_status clconv__quirks_apply(clconv_context *ctx, const char *fn,
                                   char *message, size_t message_size) {
  const clconv__embedded_source *builtin =
      clconv__kernel_sources_find("quirks");
  const char *user = clconv__os_getenv("CLCONV_QUIRKS");
  char *text = NULL;
  size_t size = 0;
  clconv_status status = CLCONV_STATUS_OK;
  if (builtin != NULL)
    status = apply_text(ctx, fn, "the built-in quirks list", builtin->text,
                        message, message_size);
  if (status != CLCONV_STATUS_OK || user == NULL)
    return status;
  if (clconv__os_read_file(user, &text, &size) != 0)
    return clconv__error_fail_buf(message, message_size,
                                  CLCONV_STATUS_INVALID_ARGUMENT,
                                  "%s: CLCONV_QUIRKS names '%s', which cannot "
                                  "be read",
                                  fn, user);
  status = apply_text(ctx, fn, user, text, message, message_size);
  clconv__alloc_free(text);
  return status;
}
