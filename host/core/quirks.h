/* quirks.h: known driver problems (cl/quirks.txt, embedded, and the file
 * CLCONV_QUIRKS names): the entries that match a context's platform, device
 * and driver mark kernel paths to avoid (clconv__device_caps.avoid), each
 * with a note saying why. */
#ifndef CLCONV_QUIRKS_H
#define CLCONV_QUIRKS_H

#include "core/internal.h"

/* Applies every matching entry to @p ctx (its caps and notes). A user file
 * that cannot be read or holds a malformed line fails with
 * INVALID_ARGUMENT, the file and line named in @p message. */
clconv_status clconv__quirks_apply(clconv_context *ctx, const char *fn,
                                   char *message, size_t message_size);

/* 1 when @p text matches @p pattern ('*' any run of characters, case
 * ignored, the whole text). */
int clconv__quirks_match(const char *pattern, const char *text);

#endif
