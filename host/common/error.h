/* error.h: how the library reports failures: a status code plus a message in
 * the context, set through the macros below; it never prints or exits. */
#ifndef CLCONV_ERROR_H
#define CLCONV_ERROR_H

#include "core/internal.h"

#include <stdio.h> /* MinGW: defines __MINGW_PRINTF_FORMAT */

#if defined(__MINGW32__) && defined(__MINGW_PRINTF_FORMAT)
/* MinGW's C99 printf (__USE_MINGW_ANSI_STDIO), which knows %zu. */
#define CLCONV__PRINTF(fmt_index, first_arg)                                   \
  __attribute__((format(__MINGW_PRINTF_FORMAT, fmt_index, first_arg)))
#elif defined(__GNUC__)
#define CLCONV__PRINTF(fmt_index, first_arg)                                   \
  __attribute__((format(printf, fmt_index, first_arg)))
#else
#define CLCONV__PRINTF(fmt_index, first_arg)
#endif

/* Stores a formatted message in @p ctx (when not NULL) and returns @p status.
 */
clconv_status clconv__error_fail(clconv_context *ctx, clconv_status status,
                                 const char *fmt, ...) CLCONV__PRINTF(3, 4);

/* Adds a line to the context's notes (clconv_context_notes): what the
 * library decided that the caller may want to know (a background build
 * that failed, a fallback taken); a line already there is not repeated. */
void clconv__error_note(clconv_context *ctx, const char *fmt, ...)
    CLCONV__PRINTF(2, 3);

/* Same, into a caller's buffer (for functions that have no context yet). */
clconv_status clconv__error_fail_buf(char *buf, size_t buf_size,
                                     clconv_status status, const char *fmt, ...)
    CLCONV__PRINTF(4, 5);

/* Clears the context's message at the start of a public call. */
void clconv__error_clear(clconv_context *ctx);

/* @return the CL_ name of an OpenCL error code, e.g. "CL_OUT_OF_RESOURCES". */
const char *clconv__error_cl_name(cl_int err);

/* Maps an OpenCL error to the status that describes it best. */
clconv_status clconv__error_status_from_cl(cl_int err);

/* Fails with the status for an OpenCL error, naming the call and the error. */
clconv_status clconv__error_fail_cl(clconv_context *ctx, cl_int err,
                                    const char *what);

/* Returns from the function with a message when @p cond holds. */
#define CLCONV_RETURN_IF(ctx, cond, status, ...)                               \
  do {                                                                         \
    if (cond)                                                                  \
      return clconv__error_fail((ctx), (status), __VA_ARGS__);                 \
  } while (0)

/* Returns the status of @p expr when it is not OK. */
#define CLCONV_FORWARD_IF_ERROR(expr)                                          \
  do {                                                                         \
    clconv_status forward_status_ = (expr);                                    \
    if (forward_status_ != CLCONV_STATUS_OK)                                   \
      return forward_status_;                                                  \
  } while (0)

#endif
