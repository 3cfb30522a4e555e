/* os.c: operating-system specific code: environment, whole-file reads, paths
 * and a monotonic clock, for POSIX systems and Windows. */
#if !defined(_WIN32) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif
#include "os.h"

#include "alloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef _WIN32
#include <windows.h>
#define CLCONV_PATH_SEP '\\'
#else
#include <time.h>
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
  buffer = clconv__malloc((size_t)length + 1);
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
  clconv__free(buffer);
  fclose(file);
  return err;
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
