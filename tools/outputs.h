/* outputs.h: a command's output files, written all or nothing. Each output
 * goes to a temporary file of a unique name beside its target (created
 * exclusively, so no other file is touched); only when every one is
 * written are they all renamed into place. Before any work, the targets are
 * checked: none may be one of the command's inputs, two may not be the same
 * file, and an existing target must be a regular file (a device, a FIFO or a
 * folder is never replaced). A target that is a symbolic link is written
 * through it, to the file it names. The target "-" is standard output: its
 * bytes are kept in an anonymous temporary file and copied to standard
 * output only when every output is in place (at most one "-"). */
#ifndef CLCONV_OUTPUTS_H
#define CLCONV_OUTPUTS_H

#include <stdio.h>

#define OUTPUTS_MAX 8

typedef struct outputs {
  const char *command; /* for messages: "clconv COMMAND: ..." */
  int count;
  struct {
    const char *option; /* e.g. "--output" */
    const char *path;   /* as the user gave it */
    char *target;       /* where it is renamed to (links resolved) */
    char *temp;         /* the temporary file, once opened */
    FILE *stream;
    int to_stdout; /* the target is "-" */
  } items[OUTPUTS_MAX];
} outputs;

/* Starts an empty set for @p command. */
void outputs_init(outputs *o, const char *command);

/* Adds the target @p path of option @p option; a NULL path is ignored. */
void outputs_add(outputs *o, const char *option, const char *path);

/* Checks the targets against each other and against the @p n_inputs input
 * files (NULL entries ignored), whose options are in @p input_options.
 * Prints the reason on stderr. @return 0 when all may be written. */
int outputs_check(outputs *o, const char *const *input_options,
                  const char *const *inputs, int n_inputs);

/* Opens the temporary file of the target @p path (added before) for
 * writing. Prints the reason on failure. @return the stream, or NULL. */
FILE *outputs_open(outputs *o, const char *path);

/* Closes every stream and renames every temporary file into place; when a
 * stream failed to write or close, renames none. Prints the reason on
 * failure. @return 0 when every output is in place. */
int outputs_commit(outputs *o);

/* Removes the temporary files not renamed and frees the set; call it after
 * outputs_commit or instead of it. */
void outputs_discard(outputs *o);

#endif
