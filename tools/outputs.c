/* outputs.c: all-or-nothing output files through unique temporary files
 * renamed into place (see outputs.h). */
#if !defined(_WIN32) && !defined(_XOPEN_SOURCE)
#define _XOPEN_SOURCE 700 /* mkstemp, realpath, fchmod, lstat */
#endif
#include "outputs.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <fcntl.h>
#ifdef _WIN32
#include <io.h>
#include <windows.h>
#else
#include <unistd.h>
#endif

void outputs_init(outputs *o, const char *command) {
  memset(o, 0, sizeof *o);
  o->command = command;
}

void outputs_add(outputs *o, const char *option, const char *path) {
  if (path == NULL || o->count == OUTPUTS_MAX)
    return;
  o->items[o->count].option = option;
  o->items[o->count].path = path;
  o->count++;
}

static char *copy_text(const char *text) {
  size_t n = strlen(text) + 1;
  char *copy = malloc(n);
  if (copy != NULL)
    memcpy(copy, text, n);
  return copy;
}

#ifndef _WIN32
/* The folder part of @p path ("." when it has none), in a new string. */
static char *folder_of(const char *path) {
  const char *slash = strrchr(path, '/');
  char *folder;
  if (slash == NULL)
    return copy_text(".");
  folder = malloc((size_t)(slash - path) + 2);
  if (folder != NULL) {
    size_t n = slash == path ? 1 : (size_t)(slash - path);
    memcpy(folder, path, n);
    folder[n] = '\0';
  }
  return folder;
}
#endif

/* What identifies a file, existing or not: an existing one by its device
 * and inode (on Windows, its full path), a missing one by its folder's and
 * its name. */
typedef struct file_id {
  int exists;
  struct stat st; /* of the file, or of its folder when it is missing */
  char *name;     /* the last part of the path, when missing */
} file_id;

static int identify(const char *path, file_id *id) {
  memset(id, 0, sizeof *id);
#ifdef _WIN32
  /* No inode numbers: the full path, compared without case. */
  id->name = _fullpath(NULL, path, 0);
  if (id->name == NULL)
    return -1;
  id->exists = stat(path, &id->st) == 0;
  return 0;
#else
  if (stat(path, &id->st) == 0) {
    id->exists = 1;
    return 0;
  } else {
    char *folder = folder_of(path);
    const char *slash = strrchr(path, '/');
    int ok = folder != NULL && stat(folder, &id->st) == 0;
    free(folder);
    id->name = copy_text(slash != NULL ? slash + 1 : path);
    return ok && id->name != NULL ? 0 : -1;
  }
#endif
}

static int same_file(const file_id *a, const file_id *b) {
#ifdef _WIN32
  return _stricmp(a->name, b->name) == 0;
#else
  if (a->exists != b->exists)
    return 0;
  return a->st.st_dev == b->st.st_dev && a->st.st_ino == b->st.st_ino &&
         (a->exists || strcmp(a->name, b->name) == 0);
#endif
}

static int refuse(const outputs *o, const char *fmt, ...) {
  va_list args;
  fprintf(stderr, "clconv %s: ", o->command);
  va_start(args, fmt);
  vfprintf(stderr, fmt, args);
  va_end(args);
  fprintf(stderr, "\n");
  return -1;
}

/* Checks target @p i against the file system, the targets before it and
 * the inputs. @return 0, or -1 after printing why. */
static int check_one(outputs *o, int i, file_id *ids,
                     const char *const *input_options,
                     const char *const *inputs, int n_inputs) {
  const char *option = o->items[i].option, *path = o->items[i].path;
  if (path[0] == '\0')
    return refuse(o, "%s: the file name is empty", option);
  if (strcmp(path, "-") == 0) {
    for (int j = 0; j < i; j++)
      if (strcmp(o->items[j].path, "-") == 0)
        return refuse(o,
                      "%s and %s both write to standard output ('-'); only "
                      "one may",
                      o->items[j].option, option);
    return 0;
  }
  if (identify(path, &ids[i]) != 0)
    return refuse(o, "%s %s: its folder cannot be found: %s", option, path,
                  strerror(errno));
  if (ids[i].exists && (ids[i].st.st_mode & S_IFMT) != S_IFREG)
    return refuse(o,
                  "%s %s exists and is not a regular file (a folder, device "
                  "or pipe); refusing to replace it",
                  option, path);
#ifndef _WIN32
  /* The file is replaced by a rename, which a read-only file or one of
   * another user does not stop in a folder we may write: refused, as the
   * owner meant it to stay. */
  if (ids[i].exists &&
      (ids[i].st.st_uid != geteuid() || (ids[i].st.st_mode & S_IWUSR) == 0))
    return refuse(
        o, "%s %s exists and is %s; refusing to replace it", option, path,
        ids[i].st.st_uid != geteuid() ? "another user's" : "read-only");
#endif
  for (int j = 0; j < i; j++)
    if (strcmp(o->items[j].path, "-") != 0 && same_file(&ids[i], &ids[j]))
      return refuse(o, "%s and %s name the same file, %s", o->items[j].option,
                    option, path);
  for (int k = 0; k < n_inputs; k++) {
    file_id input;
    int same;
    if (inputs[k] == NULL)
      continue;
    same = identify(inputs[k], &input) == 0 && input.exists &&
           same_file(&ids[i], &input);
    free(input.name);
    if (same)
      return refuse(o,
                    "%s %s is the file %s reads; refusing to overwrite an "
                    "input (write to another file)",
                    option, path, input_options[k]);
  }
  return 0;
}

int outputs_check(outputs *o, const char *const *input_options,
                  const char *const *inputs, int n_inputs) {
  file_id ids[OUTPUTS_MAX];
  int result = 0;
  memset(ids, 0, sizeof ids);
  for (int i = 0; i < o->count && result == 0; i++)
    result = check_one(o, i, ids, input_options, inputs, n_inputs);
  for (int i = 0; i < o->count; i++)
    free(ids[i].name);
  return result;
}

/* The file a target names: itself, or where its symbolic link leads. */
static char *resolve_target(const char *path) {
#ifndef _WIN32
  struct stat st;
  if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
    char *real = realpath(path, NULL), link[4096], *folder, *joined;
    ssize_t n;
    if (real != NULL)
      return real;
    /* A link to a file yet to be made: its text, from the link's folder. */
    n = readlink(path, link, sizeof link - 1);
    if (n > 0) {
      link[n] = '\0';
      if (link[0] == '/')
        return copy_text(link);
      folder = folder_of(path);
      joined = folder != NULL ? malloc(strlen(folder) + (size_t)n + 2) : NULL;
      if (joined != NULL)
        sprintf(joined, "%s/%s", folder, link);
      free(folder);
      return joined;
    }
  }
#endif
  return copy_text(path);
}

/* Creates the unique temporary file beside @p target. @return its
 * descriptor, or -1 with errno. */
static int create_temp(const char *target, char **temp) {
  static const char suffix[] = ".clconv-XXXXXX";
  size_t n = strlen(target);
  int fd;
  *temp = malloc(n + sizeof suffix);
  if (*temp == NULL) {
    errno = ENOMEM;
    return -1;
  }
  memcpy(*temp, target, n);
  memcpy(*temp + n, suffix, sizeof suffix);
  fd = mkstemp(*temp);
  if (fd < 0) {
    int saved = errno;
    free(*temp);
    *temp = NULL;
    errno = saved;
    return -1;
  }
#ifndef _WIN32
  {
    /* mkstemp makes the file private; give it the mode of the file it
     * replaces, or what a newly created file gets. */
    struct stat st;
    mode_t mode;
    if (stat(target, &st) == 0) {
      mode = st.st_mode & 07777;
    } else {
      mode_t mask = umask(0);
      umask(mask);
      mode = 0666 & ~mask;
    }
    (void)fchmod(fd, mode);
  }
#endif
  return fd;
}

FILE *outputs_open(outputs *o, const char *path) {
  for (int i = 0; i < o->count; i++) {
    int fd;
    if (o->items[i].path != path || o->items[i].stream != NULL)
      continue;
    if (strcmp(path, "-") == 0) {
      o->items[i].to_stdout = 1;
      o->items[i].stream = tmpfile();
      if (o->items[i].stream == NULL)
        fprintf(stderr,
                "clconv %s: %s -: cannot make a temporary file for standard "
                "output: %s\n",
                o->command, o->items[i].option, strerror(errno));
      return o->items[i].stream;
    }
    o->items[i].target = resolve_target(path);
    fd = o->items[i].target != NULL
             ? create_temp(o->items[i].target, &o->items[i].temp)
             : -1;
    if (fd < 0) {
      fprintf(stderr, "clconv %s: %s %s: cannot create a file beside it: %s\n",
              o->command, o->items[i].option, path, strerror(errno));
      return NULL;
    }
    o->items[i].stream = fdopen(fd, "wb");
    if (o->items[i].stream == NULL) {
      fprintf(stderr, "clconv %s: %s %s: %s\n", o->command, o->items[i].option,
              path, strerror(errno));
      close(fd);
    }
    return o->items[i].stream;
  }
  fprintf(stderr, "clconv %s: %s is not an output of this command\n",
          o->command, path);
  return NULL;
}

static int rename_over(const char *from, const char *to) {
#ifdef _WIN32
  return MoveFileExA(from, to, MOVEFILE_REPLACE_EXISTING) ? 0 : -1;
#else
  return rename(from, to);
#endif
}

/* Copies the bytes of @p from (rewound) to standard output. @return 0. */
static int copy_to_stdout(FILE *from) {
  char buffer[65536];
  size_t n;
#ifdef _WIN32
  _setmode(_fileno(stdout), _O_BINARY);
#endif
  rewind(from);
  while ((n = fread(buffer, 1, sizeof buffer, from)) > 0)
    if (fwrite(buffer, 1, n, stdout) != n)
      return -1;
  return ferror(from) || fflush(stdout) != 0 ? -1 : 0;
}

int outputs_commit(outputs *o) {
  int ok = 1;
  for (int i = 0; i < o->count; i++) {
    FILE *stream = o->items[i].stream;
    if (stream == NULL)
      continue;
    if (o->items[i].to_stdout) { /* copied after the renames */
      if (ferror(stream) || fflush(stream) != 0) {
        fprintf(stderr, "clconv %s: %s -: cannot write: %s\n", o->command,
                o->items[i].option, strerror(errno));
        ok = 0;
      }
      continue;
    }
    o->items[i].stream = NULL;
    if (ferror(stream) || fflush(stream) != 0) {
      fprintf(stderr, "clconv %s: %s %s: cannot write: %s\n", o->command,
              o->items[i].option, o->items[i].path, strerror(errno));
      ok = 0;
    }
    if (fclose(stream) != 0 && ok) {
      fprintf(stderr, "clconv %s: %s %s: cannot write: %s\n", o->command,
              o->items[i].option, o->items[i].path, strerror(errno));
      ok = 0;
    }
  }
  for (int i = 0; i < o->count && ok; i++) {
    if (o->items[i].temp == NULL)
      continue;
    if (rename_over(o->items[i].temp, o->items[i].target) != 0) {
      fprintf(stderr, "clconv %s: %s %s: cannot put it in place: %s%s\n",
              o->command, o->items[i].option, o->items[i].path, strerror(errno),
              i > 0 ? " (the outputs before it were written)" : "");
      ok = 0;
      break;
    }
    free(o->items[i].temp);
    o->items[i].temp = NULL;
  }
  for (int i = 0; i < o->count && ok; i++) {
    if (!o->items[i].to_stdout || o->items[i].stream == NULL)
      continue;
    if (copy_to_stdout(o->items[i].stream) != 0) {
      fprintf(stderr, "clconv %s: %s -: cannot write to standard output\n",
              o->command, o->items[i].option);
      ok = 0;
    }
    fclose(o->items[i].stream);
    o->items[i].stream = NULL;
  }
  return ok ? 0 : -1;
}

void outputs_discard(outputs *o) {
  for (int i = 0; i < o->count; i++) {
    if (o->items[i].stream != NULL)
      fclose(o->items[i].stream);
    if (o->items[i].temp != NULL)
      remove(o->items[i].temp);
    free(o->items[i].temp);
    free(o->items[i].target);
  }
  o->count = 0;
}
