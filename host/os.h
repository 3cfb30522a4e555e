/* os.h: the few things that differ between operating systems (env, files,
 * time), kept behind one small interface. */
#ifndef CLCONV_OS_H
#define CLCONV_OS_H

#include <stddef.h>

/* @return the environment variable, or NULL when unset or empty. */
const char *clconv__os_getenv(const char *name);

/* Reads a whole file into a NUL-terminated buffer from clconv__malloc.
 * @return 0 on success, else an errno-style code (the file is left alone). */
int clconv__os_read_file(const char *path, char **data, size_t *size);

/* Joins a folder and a file name with the platform's separator into @p out.
 * @return 0, or -1 when it does not fit. */
int clconv__os_join_path(char *out, size_t out_size, const char *dir,
                         const char *name);

/* @return a monotonic time in seconds. */
double clconv__os_seconds(void);

#endif
