/* os.c: operating-system specific code: environment, whole-file reads, paths,
 * a monotonic clock and loading shared libraries, for POSIX systems and
 * Windows. */
#if !defined(_WIN32) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif
#include "common/os.h"

#include "common/alloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef _WIN32
#include <direct.h>
#include <fcntl.h>
#include <io.h>
#include <process.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/utime.h>
#include <windows.h>
#define CLCONV_PATH_SEP '\\'
#else
#include <dirent.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>
#include <utime.h>
#define CLCONV_PATH_SEP '/'
#endif

const char *clconv__os_getenv(const char *name) {
  const char *value = getenv(name);
  return (value != NULL && value[0] != '\0') ? value : NULL;
}

int clconv__os_read_file(const char *path, char **data, size_t *size) {
  FILE *file = fopen(path, "rb");
  char *buffer = NULL;
  long length;
  int err = 0;
  *data = NULL;
  *size = 0;
  if (file == NULL)
    return errno != 0 ? errno : ENOENT;
  /* Finds the length, then reads everything in one go. */
  if (fseek(file, 0, SEEK_END) != 0 || (length = ftell(file)) < 0 ||
      fseek(file, 0, SEEK_SET) != 0) {
    err = EIO;
    goto done;
  }
  buffer = clconv__alloc((size_t)length + 1);
  if (buffer == NULL) {
    err = ENOMEM;
    goto done;
  }
  if (fread(buffer, 1, (size_t)length, file) != (size_t)length) {
    err = EIO;
    goto done;
  }
  buffer[length] = '\0';
  *data = buffer;
  *size = (size_t)length;
  buffer = NULL;
done:
  clconv__alloc_free(buffer);
  fclose(file);
  return err;
}

#ifndef _WIN32
/* 1 when @p st belongs to this process's user or to root and no other user
 * may write it: what the disk cache trusts (docs/design.md, "The disk
 * cache's threat model"). */
static int owned_privately(const struct stat *st) {
  return (st->st_uid == geteuid() || st->st_uid == 0) &&
         (st->st_mode & (S_IWGRP | S_IWOTH)) == 0;
}
#endif

int clconv__os_read_regular_file(const char *path, size_t max_bytes,
                                 char **data, size_t *size) {
  char *buffer = NULL;
  size_t length, done = 0;
  int err = 0;
  *data = NULL;
  *size = 0;
#ifdef _WIN32
  struct _stat st;
  FILE *file;
  if (_stat(path, &st) != 0)
    return errno != 0 ? errno : ENOENT;
  if ((st.st_mode & _S_IFMT) != _S_IFREG)
    return EINVAL;
  if ((unsigned long long)st.st_size > max_bytes)
    return EFBIG;
  file = fopen(path, "rb");
  if (file == NULL)
    return errno != 0 ? errno : ENOENT;
  length = (size_t)st.st_size;
  buffer = clconv__alloc(length + 1);
  if (buffer == NULL)
    err = ENOMEM;
  else if ((done = fread(buffer, 1, length, file)) != length)
    err = EIO;
  fclose(file);
#else
  struct stat st;
  /* No link followed, no wait on a FIFO or device: only a regular file
   * whose size is known before anything is read. */
  const int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0)
    return errno != 0 ? errno : ENOENT;
  if (fstat(fd, &st) != 0)
    err = EIO;
  else if (!S_ISREG(st.st_mode))
    err = EINVAL;
  else if (!owned_privately(&st))
    err = EACCES;
  else if ((unsigned long long)st.st_size > max_bytes)
    err = EFBIG;
  length = err == 0 ? (size_t)st.st_size : 0;
  if (err == 0 && (buffer = clconv__alloc(length + 1)) == NULL)
    err = ENOMEM;
  while (err == 0 && done < length) {
    const ssize_t n = read(fd, buffer + done, length - done);
    if (n <= 0)
      err = EIO;
    else
      done += (size_t)n;
  }
  close(fd);
#endif
  if (err != 0) {
    clconv__alloc_free(buffer);
    return err;
  }
  buffer[length] = '\0';
  *data = buffer;
  *size = length;
  return 0;
}

int clconv__os_user_cache_dir(char *out, size_t out_size, const char *name) {
  const char *base;
  const char *sub;
  char relative[512];
#if defined(_WIN32)
  base = clconv__os_getenv("LOCALAPPDATA");
  sub = "";
#elif defined(__APPLE__)
  base = clconv__os_getenv("HOME");
  sub = "Library/Caches/";
#else
  base = clconv__os_getenv("XDG_CACHE_HOME");
  sub = "";
  if (base == NULL) {
    base = clconv__os_getenv("HOME");
    sub = ".cache/";
  }
#endif
  if (base == NULL || snprintf(relative, sizeof relative, "%s%s", sub, name) >=
                          (int)sizeof relative)
    return -1;
  return clconv__os_join_path(out, out_size, base, relative);
}

int clconv__os_join_path(char *out, size_t out_size, const char *dir,
                         const char *name) {
  size_t dir_len = strlen(dir);
  int need_sep = dir_len > 0 && dir[dir_len - 1] != '/' &&
                 dir[dir_len - 1] != CLCONV_PATH_SEP;
  int written =
      snprintf(out, out_size, "%s%s%s", dir,
               need_sep ? (CLCONV_PATH_SEP == '/' ? "/" : "\\") : "", name);
  return (written < 0 || (size_t)written >= out_size) ? -1 : 0;
}

static int make_one_dir(const char *path) {
#ifdef _WIN32
  return _mkdir(path) == 0 || errno == EEXIST ? 0 : -1;
#else
  return mkdir(path, 0700) == 0 || errno == EEXIST ? 0 : -1;
#endif
}

static int is_dir(const char *path) {
#ifdef _WIN32
  DWORD attributes = GetFileAttributesA(path);
  return attributes != INVALID_FILE_ATTRIBUTES &&
         (attributes & FILE_ATTRIBUTE_DIRECTORY);
#else
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
#endif
}

int clconv__os_make_dirs(const char *path) {
  char buf[4096];
  size_t len = strlen(path);
  if (len == 0 || len >= sizeof buf)
    return -1;
  memcpy(buf, path, len + 1);
  /* Makes each parent in turn, then the folder itself. */
  for (size_t i = 1; i < len; i++) {
    if (buf[i] == '/' || buf[i] == CLCONV_PATH_SEP) {
      char saved = buf[i];
      buf[i] = '\0';
      if (!is_dir(buf) && make_one_dir(buf) != 0) {
        buf[i] = saved;
        return -1;
      }
      buf[i] = saved;
    }
  }
  if (!is_dir(buf) && make_one_dir(buf) != 0)
    return -1;
  return is_dir(buf) ? 0 : -1;
}

int clconv__os_private_dir_check(const char *path, char *why, size_t size) {
#ifdef _WIN32
  /* %LOCALAPPDATA% is the user's own; the ACLs of a folder named by
   * CLCONV_CACHE_DIR are not read (docs/design.md). */
  (void)why;
  (void)size;
  return is_dir(path) ? 0 : ENOENT;
#else
  struct stat link, st;
  if (lstat(path, &link) != 0)
    return errno != 0 ? errno : ENOENT;
  /* A link is followed only when its own owner is trusted: another user's
   * link could be turned to another folder at any time. */
  if (S_ISLNK(link.st_mode) && link.st_uid != geteuid() && link.st_uid != 0) {
    snprintf(why, size, "it is a link owned by user %lu",
             (unsigned long)link.st_uid);
    return EACCES;
  }
  if (stat(path, &st) != 0)
    return errno != 0 ? errno : ENOENT;
  if (!S_ISDIR(st.st_mode)) {
    snprintf(why, size, "it is not a folder");
    return ENOTDIR;
  }
  if (st.st_uid != geteuid() && st.st_uid != 0) {
    snprintf(why, size, "it belongs to user %lu, not to user %lu",
             (unsigned long)st.st_uid, (unsigned long)geteuid());
    return EACCES;
  }
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    snprintf(why, size, "other users may write it (mode %04o)",
             (unsigned)(st.st_mode & 07777));
    return EACCES;
  }
  return 0;
#endif
}

unsigned long clconv__os_process_id(void) {
#ifdef _WIN32
  return (unsigned long)_getpid();
#else
  return (unsigned long)getpid();
#endif
}

#ifdef _WIN32
/* A number unique within the process, also across threads, for the
 * temporary names on Windows (opened exclusively: never an existing file). */
#if !defined(__STDC_NO_ATOMICS__)
#include <stdatomic.h>
static atomic_ulong temp_counter;
static unsigned long next_temp_number(void) {
  return atomic_fetch_add(&temp_counter, 1ul) + 1ul;
}
#else
static unsigned long temp_counter;
static unsigned long next_temp_number(void) { return ++temp_counter; }
#endif

/* Creates a new temporary file beside @p path, never opening one that
 * exists; its name into @p tmp. */
static FILE *create_temporary(const char *path, char *tmp, size_t size) {
  LARGE_INTEGER now;
  QueryPerformanceCounter(&now);
  if (snprintf(tmp, size, "%s.%lu.%lu.%llx.tmp", path, clconv__os_process_id(),
               next_temp_number(),
               (unsigned long long)now.QuadPart) >= (int)size)
    return NULL;
  {
    const int fd = _open(tmp, _O_CREAT | _O_EXCL | _O_WRONLY | _O_BINARY,
                         _S_IREAD | _S_IWRITE);
    FILE *file = fd >= 0 ? _fdopen(fd, "wb") : NULL;
    if (fd >= 0 && file == NULL) {
      _close(fd);
      remove(tmp);
    }
    return file;
  }
}
#else
/* Creates a new temporary file beside @p path with mkstemp: a name no one
 * can guess, created exclusively (O_CREAT | O_EXCL, so never through a
 * link planted in its place) and readable by its owner only (0600). */
static FILE *create_temporary(const char *path, char *tmp, size_t size) {
  FILE *file;
  int fd;
  if (snprintf(tmp, size, "%s.XXXXXX", path) >= (int)size)
    return NULL;
  fd = mkstemp(tmp);
  if (fd < 0)
    return NULL;
  file = fdopen(fd, "wb");
  if (file == NULL) {
    close(fd);
    remove(tmp);
  }
  return file;
}
#endif

int clconv__os_write_file_atomic(const char *path, const void *data,
                                 size_t size) {
  char tmp[4096];
  FILE *file = create_temporary(path, tmp, sizeof tmp);
  int ok;
  if (file == NULL)
    return -1;
  ok = fwrite(data, 1, size, file) == size;
  ok = fclose(file) == 0 && ok;
#ifdef _WIN32
  ok = ok && MoveFileExA(tmp, path, MOVEFILE_REPLACE_EXISTING) != 0;
#else
  /* rename replaces a link in path's place, never what it points at. */
  ok = ok && rename(tmp, path) == 0;
#endif
  if (!ok)
    remove(tmp);
  return ok ? 0 : -1;
}

double clconv__os_seconds(void) {
#ifdef _WIN32
  LARGE_INTEGER freq, now;
  QueryPerformanceFrequency(&freq);
  QueryPerformanceCounter(&now);
  return (double)now.QuadPart / (double)freq.QuadPart;
#else
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
#endif
}

void *clconv__os_library_open(const char *name, char *reason, size_t size) {
  void *library;
#ifdef _WIN32
  library = name != NULL ? (void *)LoadLibraryA(name)
                         : (void *)GetModuleHandleA(NULL);
  if (library == NULL)
    snprintf(reason, size, "cannot load %s (error %lu)",
             name != NULL ? name : "the program",
             (unsigned long)GetLastError());
#else
  library = dlopen(name, RTLD_NOW | RTLD_LOCAL);
  if (library == NULL) {
    const char *error = dlerror();
    snprintf(reason, size, "cannot load %s (%s)",
             name != NULL ? name : "the program",
             error != NULL ? error : "unknown error");
  }
#endif
  return library;
}

clconv__os_function clconv__os_library_function(void *library,
                                                const char *name) {
  clconv__os_function function = NULL;
#ifdef _WIN32
  function = (clconv__os_function)GetProcAddress((HMODULE)library, name);
#else
  /* ISO C has no conversion from void * to a function pointer; POSIX
   * guarantees that the bytes are one. */
  void *symbol = dlsym(library, name);
  if (symbol != NULL && sizeof symbol == sizeof function)
    memcpy(&function, &symbol, sizeof function);
#endif
  return function;
}

/* Whether @p name ends in @p suffix. */
static int has_suffix(const char *name, const char *suffix) {
  const size_t n = strlen(name), k = strlen(suffix);
  return n >= k && strcmp(name + n - k, suffix) == 0;
}

/* Appends a file to a growing array. @return 0, or -1 out of memory. */
static int append_file(clconv__os_file **files, size_t *count, size_t *capacity,
                       const char *name, unsigned long long bytes,
                       double modified) {
  clconv__os_file *f;
  if (*count == *capacity) {
    const size_t grown = *capacity > 0 ? 2 * *capacity : 32;
    clconv__os_file *bigger = clconv__alloc(grown * sizeof *bigger);
    if (bigger == NULL)
      return -1;
    if (*count > 0)
      memcpy(bigger, *files, *count * sizeof *bigger);
    clconv__alloc_free(*files);
    *files = bigger;
    *capacity = grown;
  }
  f = &(*files)[(*count)++];
  snprintf(f->name, sizeof f->name, "%s", name);
  f->bytes = bytes;
  f->modified = modified;
  return 0;
}

int clconv__os_list_files(const char *dir, const char *suffix,
                          clconv__os_file **files, size_t *count) {
  size_t capacity = 0;
  int failed = 0;
  char path[4096];
  *files = NULL;
  *count = 0;
#ifdef _WIN32
  WIN32_FIND_DATAA found;
  HANDLE search;
  if (clconv__os_join_path(path, sizeof path, dir, "*") != 0)
    return -1;
  search = FindFirstFileA(path, &found);
  if (search == INVALID_HANDLE_VALUE)
    return -1;
  do {
    ULARGE_INTEGER time;
    if ((found.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) ||
        !has_suffix(found.cFileName, suffix) ||
        strlen(found.cFileName) >= sizeof(*files)->name)
      continue;
    time.LowPart = found.ftLastWriteTime.dwLowDateTime;
    time.HighPart = found.ftLastWriteTime.dwHighDateTime;
    failed = append_file(files, count, &capacity, found.cFileName,
                         ((unsigned long long)found.nFileSizeHigh << 32) |
                             found.nFileSizeLow,
                         (double)time.QuadPart * 1e-7);
  } while (!failed && FindNextFileA(search, &found));
  FindClose(search);
#else
  DIR *d = opendir(dir);
  struct dirent *e;
  if (d == NULL)
    return -1;
  while (!failed && (e = readdir(d)) != NULL) {
    struct stat st;
    if (!has_suffix(e->d_name, suffix) ||
        strlen(e->d_name) >= sizeof(*files)->name ||
        clconv__os_join_path(path, sizeof path, dir, e->d_name) != 0 ||
        lstat(path, &st) != 0 || !S_ISREG(st.st_mode))
      continue;
    failed = append_file(files, count, &capacity, e->d_name,
                         (unsigned long long)st.st_size, (double)st.st_mtime);
  }
  closedir(d);
#endif
  if (failed) {
    clconv__alloc_free(*files);
    *files = NULL;
    *count = 0;
    return -1;
  }
  return 0;
}

void clconv__os_touch(const char *path) {
#ifdef _WIN32
  (void)_utime(path, NULL);
#else
  (void)utime(path, NULL);
#endif
}
