/* tool_support.h: what the suites that run the clconv tool share: running it
 * with its output captured, reading what it printed, writing input files. */
#ifndef CLCONV_TOOL_SUPPORT_H
#define CLCONV_TOOL_SUPPORT_H

#include <stddef.h>
#include <stdint.h>

/* Runs the tool (CLCONV_TOOL_PATH) with @p args through the shell, its
 * output to tool_stdout.txt and tool_stderr.txt. @return its exit status,
 * or -1 when a signal ended it. */
int tool(const char *args);

/* @return 1 when the tool's last stderr (stdout) contains @p needle. */
int stderr_has(const char *needle);
int stdout_has(const char *needle);

/* @return 1 when @p path can be opened for reading. */
int file_exists(const char *path);

/* Writes a float32 .npy file; fails the test when it cannot. */
void write_npy(const char *path, int rank, const int64_t *shape,
               const float *data);

/* Reads a whole file into @p buf (at most @p size bytes). @return the
 * number of bytes read, or -1 when it cannot be opened. */
long read_bytes(const char *path, unsigned char *buf, size_t size);

#endif
