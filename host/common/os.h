/* os.h: the few things that differ between operating systems (env, files,
 * time), kept behind one small interface. */
#ifndef CLCONV_OS_H
#define CLCONV_OS_H

#include <stddef.h>

/* @return the environment variable, or NULL when unset or empty. */
const char *clconv__os_getenv(const char *name);

/* Reads a whole file into a NUL-terminated buffer from clconv__alloc.
 * @return 0 on success, else an errno-style code (the file is left alone). */
int clconv__os_read_file(const char *path, char **data, size_t *size);

/* Reads @p path like clconv__os_read_file, but only when it is a regular
 * file of at most @p max_bytes, opened without following a link and
 * without waiting (a FIFO or device is refused, never read), that belongs
 * to this process's user (or root) and that no other user may write.
 * @return 0, or an errno-style code: EINVAL not a regular file, EFBIG too
 * large, ELOOP a link, EACCES another user's or writable by others. */
int clconv__os_read_regular_file(const char *path, size_t max_bytes,
                                 char **data, size_t *size);

/* Joins a folder and a file name with the platform's separator into @p out.
 * @return 0, or -1 when it does not fit. */
int clconv__os_join_path(char *out, size_t out_size, const char *dir,
                         const char *name);

/* The user's cache folder for @p name into @p out: %LOCALAPPDATA%\NAME on
 * Windows, $HOME/Library/Caches/NAME on macOS, else $XDG_CACHE_HOME/NAME or
 * $HOME/.cache/NAME. @return 0, or -1 when no folder can be named. */
int clconv__os_user_cache_dir(char *out, size_t out_size, const char *name);

/* Creates @p path and its parents as needed, each new one readable by its
 * owner only (0700). @return 0 when it exists. */
int clconv__os_make_dirs(const char *path);

/* @return 0 when the folder @p path exists and can be trusted with files
 * that run as code: it (and a link in its place) belongs to this process's
 * user or root, and no other user may write it. Else an errno-style code
 * (ENOENT: it does not exist) and, for a folder refused, why in @p why. On
 * Windows only its existence is checked. */
int clconv__os_private_dir_check(const char *path, char *why, size_t size);

/* Writes @p size bytes to a new temporary file beside @p path (a name no
 * one can guess, created exclusively, mode 0600), then renames it over
 * @p path, so readers see the old file or the new one, whole, and a link
 * planted at either name is never written through.
 * @return 0 on success; on failure no temporary file is left. */
int clconv__os_write_file_atomic(const char *path, const void *data,
                                 size_t size);

/* @return the current process id (for unique temporary names). */
unsigned long clconv__os_process_id(void);

/* A file of a folder: its name, size and last modification. */
typedef struct clconv__os_file {
  char name[256];
  unsigned long long bytes;
  double modified; /* seconds since an arbitrary epoch */
} clconv__os_file;

/* Lists the regular files of @p dir whose names end in @p suffix into a new
 * array (clconv__alloc) @p *files of @p *count. @return 0, or -1 when the
 * folder cannot be read or memory runs out (nothing to free then). */
int clconv__os_list_files(const char *dir, const char *suffix,
                          clconv__os_file **files, size_t *count);

/* Sets the modification time of @p path to now (best effort). */
void clconv__os_touch(const char *path);

/* A function of a loaded library, of no particular type: cast it to its
 * own before calling it. */
typedef void (*clconv__os_function)(void);

/* Loads the shared library @p name for the rest of the process; NULL: the
 * program itself, with (on POSIX systems) every library already loaded
 * globally or preloaded. @return its handle, or NULL with the reason in
 * @p reason. */
void *clconv__os_library_open(const char *name, char *reason, size_t size);

/* @return function @p name of @p library, or NULL when it has none. */
clconv__os_function clconv__os_library_function(void *library,
                                                const char *name);

/* @return a monotonic time in seconds. */
double clconv__os_seconds(void);

#endif
