/* cli_options.h: the one option parser of every clconv command: a table of
 * the command's options, each a flag or an option with a value that lands
 * in a field of the command's options struct. */
#ifndef CLCONV_CLI_OPTIONS_H
#define CLCONV_CLI_OPTIONS_H

#include <stddef.h>

/* What an option does with its value. */
typedef enum cli_kind {
  CLI_FLAG,   /* no value: sets the int field to 1 */
  CLI_TEXT,   /* the value as it is, into a const char * field */
  CLI_LONG,   /* an integer in [lo, hi], into a long field */
  CLI_FLOAT,  /* a finite number, into a float field */
  CLI_CHOICE, /* one of the '|'-separated choices: its index, into an int
                 (or an enum) field */
  CLI_PARSE   /* parse(field, value): 0 taken; -1 bad (the parser says what
                 the option takes); -2 bad and already reported */
} cli_kind;

typedef struct cli_option {
  const char *name; /* "--input" */
  cli_kind kind;
  size_t offset;     /* of the field in the command's options struct */
  const char *takes; /* what the value must be, for the message */
  long lo, hi;       /* CLI_LONG's range */
  int (*parse)(void *field, const char *value);
  const char *choices; /* CLI_CHOICE: "sum|mean" */
} cli_option;

/* Table entries; S is the options struct, F its field. */
#define CLI_OPT_FLAG(name, S, F)                                               \
  { name, CLI_FLAG, offsetof(S, F), NULL, 0, 0, NULL, NULL }
#define CLI_OPT_TEXT(name, S, F, takes)                                        \
  { name, CLI_TEXT, offsetof(S, F), takes, 0, 0, NULL, NULL }
#define CLI_OPT_LONG(name, S, F, lo, hi)                                       \
  { name, CLI_LONG, offsetof(S, F), #lo " to " #hi, lo, hi, NULL, NULL }
#define CLI_OPT_FLOAT(name, S, F)                                              \
  { name, CLI_FLOAT, offsetof(S, F), "a finite number", 0, 0, NULL, NULL }
#define CLI_OPT_PARSE(name, S, F, takes, fn)                                   \
  { name, CLI_PARSE, offsetof(S, F), takes, 0, 0, fn, NULL }
#define CLI_OPT_CHOICE(name, S, F, choices, takes)                             \
  { name, CLI_CHOICE, offsetof(S, F), takes, 0, 0, NULL, choices }

/* The options of a cross-correlation, into the clconv_corr2d_params field F
 * of S: --padding, --stride, --dilation, --groups, --algo. */
#define CLI_OPT_CORR2D(S, F)                                                   \
  CLI_OPT_PARSE("--padding", S, F, "PH,PW or P", cli_parse_padding),           \
      CLI_OPT_PARSE("--stride", S, F, "SH,SW or S", cli_parse_stride),         \
      CLI_OPT_PARSE("--dilation", S, F, "DH,DW or D", cli_parse_dilation),     \
      CLI_OPT_PARSE("--groups", S, F, "one number G", cli_parse_groups),       \
      CLI_OPT_PARSE("--algo", S, F,                                            \
                    "auto, direct, gemm, winograd or winograd4x4",             \
                    cli_parse_algo)

/* Parses argv[1..argc-1] ('--name value'; clconv.c has already split every
 * '--name=value') into @p options by @p table. -h or --help prints @p usage
 * to standard output. A bad option prints one line, "clconv COMMAND: ...",
 * naming the option and the value, and a pointer to --help.
 * @return -1 to go on, CLI_EXIT_OK after the help, CLI_EXIT_USAGE on a bad
 * option. */
int cli_parse_options(const char *command, int argc, char **argv,
                      const cli_option *table, size_t count, void *options,
                      const char *usage);

/* Prints "clconv COMMAND: MESSAGE" and the pointer to --help on standard
 * error. @return CLI_EXIT_USAGE. */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
int cli_usage_error(const char *command, const char *format, ...);

/* CLI_PARSE helpers for CLI_OPT_CORR2D, each on a clconv_corr2d_params:
 * "A,B" or "A" (non-negative; the library checks the ranges, with
 * messages), groups one number, an algorithm by name. */
int cli_parse_padding(void *params, const char *value);
int cli_parse_stride(void *params, const char *value);
int cli_parse_dilation(void *params, const char *value);
int cli_parse_groups(void *params, const char *value);
int cli_parse_algo(void *params, const char *value);

#endif
