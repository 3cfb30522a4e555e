/* cli_options.c: the one option parser of every clconv command. */
#include "cli_options.h"

#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cli_usage_error(const char *command, const char *format, ...) {
  va_list args;
  fprintf(stderr, "clconv %s: ", command);
  va_start(args, format);
  vfprintf(stderr, format, args);
  va_end(args);
  fprintf(stderr, "\n(see 'clconv %s --help')\n", command);
  return CLI_EXIT_USAGE;
}

/* A finite float32 from @p text, nothing after it. @return 0 or -1. */
static int parse_float(const char *text, float *out) {
  char *end;
  errno = 0;
  *out = strtof(text, &end);
  return (errno != 0 || end == text || *end != '\0' || !isfinite(*out)) ? -1
                                                                        : 0;
}

/* The index of @p value among @p choices ("a|b|c") into @p field (an int).
 * @return 0, or -1 when it is none of them. */
static int parse_choice(const char *choices, void *field, const char *value) {
  const size_t len = strlen(value);
  int index = 0;
  for (const char *c = choices; *c != '\0'; index++) {
    const char *end = strchr(c, '|');
    const size_t n = end != NULL ? (size_t)(end - c) : strlen(c);
    if (n == len && strncmp(c, value, n) == 0) {
      *(int *)field = index;
      return 0;
    }
    c += n + (end != NULL);
  }
  return -1;
}

/* Takes @p value for @p o. @return 0, -1 (bad, say what it takes) or -2
 * (bad, already reported). */
static int take(const cli_option *o, void *field, const char *value) {
  switch (o->kind) {
  case CLI_FLAG:
    *(int *)field = 1;
    return 0;
  case CLI_TEXT:
    *(const char **)field = value;
    return 0;
  case CLI_LONG:
    return cli_parse_long(value, o->lo, o->hi, (long *)field);
  case CLI_FLOAT:
    return parse_float(value, (float *)field);
  case CLI_PARSE:
    return o->parse(field, value);
  case CLI_CHOICE:
    return parse_choice(o->choices, field, value);
  }
  return -1;
}

int cli_parse_options(const char *command, int argc, char **argv,
                      const cli_option *table, size_t count, void *options,
                      const char *usage) {
  for (int i = 1; i < argc; i++) {
    const char *arg = argv[i], *value = NULL;
    const cli_option *o = NULL;
    int result;
    if (cli_is_help(arg)) {
      fputs(usage, stdout);
      return CLI_EXIT_OK;
    }
    for (size_t k = 0; k < count && o == NULL; k++)
      if (strcmp(arg, table[k].name) == 0)
        o = &table[k];
    if (o == NULL)
      return cli_usage_error(command, "unknown option '%s'", arg);
    if (o->kind != CLI_FLAG) {
      if (i + 1 >= argc)
        return cli_usage_error(command, "%s needs a value: %s", arg, o->takes);
      value = argv[++i];
    }
    result = take(o, (char *)options + o->offset, value);
    if (result == -1)
      return cli_usage_error(command, "%s takes %s, got '%s'", arg, o->takes,
                             value);
    if (result != 0)
      return CLI_EXIT_USAGE;
  }
  return -1;
}

int cli_parse_padding(void *params, const char *value) {
  clconv_corr2d_params *p = params;
  return cli_parse_pair(value, &p->pad_h, &p->pad_w);
}

int cli_parse_stride(void *params, const char *value) {
  clconv_corr2d_params *p = params;
  return cli_parse_pair(value, &p->stride_h, &p->stride_w);
}

int cli_parse_dilation(void *params, const char *value) {
  clconv_corr2d_params *p = params;
  return cli_parse_pair(value, &p->dilation_h, &p->dilation_w);
}

int cli_parse_groups(void *params, const char *value) {
  clconv_corr2d_params *p = params;
  int64_t again;
  return cli_parse_pair(value, &p->groups, &again) != 0 ||
                 strchr(value, ',') != NULL
             ? -1
             : 0;
}

int cli_parse_algo(void *params, const char *value) {
  clconv_corr2d_params *p = params;
  return clconv_algo_parse(value, &p->algo) == CLCONV_STATUS_OK ? 0 : -1;
}
