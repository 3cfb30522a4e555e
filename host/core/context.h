/* context.h: helpers that public entry points use on a context. */
#ifndef CLCONV_CONTEXT_H
#define CLCONV_CONTEXT_H

#include "core/internal.h"

/* Checks @p options (NULL: the defaults) and makes a context with them and
 * no device yet: verify mode, kernel folder, cache folder. @p fn names the
 * public function for the message in @p message.
 * @return OK, INVALID_ARGUMENT or OUT_OF_HOST_MEMORY. */
clconv_status clconv__context_new(const clconv_context_options *options,
                                  const char *fn, clconv_context **out,
                                  char *message, size_t message_size);

/* Clears the message, then fails when @p ctx is NULL or unusable.
 * @p fn names the public function for the message. */
clconv_status clconv__context_enter(clconv_context *ctx, const char *fn);

#endif
