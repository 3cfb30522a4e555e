/* clock.h: a monotonic clock for the tool's timings, on POSIX systems and
 * Windows. */
#ifndef CLCONV_TOOL_CLOCK_H
#define CLCONV_TOOL_CLOCK_H

/* @return seconds since an arbitrary start that never jumps. */
double clock_seconds(void);

#endif
