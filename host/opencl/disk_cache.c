/* disk_cache.c: stores and checks program binaries on disk (see the contract
 * in disk_cache.h). */
#include "opencl/disk_cache.h"

#include "common/alloc.h"
#include "common/error.h"
#include "common/os.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAGIC "clconvPB" /* 8 bytes */
#define ENTRY_SUFFIX ".clbin"
#define FORMAT_VERSION 1u
#define HEADER_SIZE (8 + 4 + 4 + 8 + 8)

/* FNV-1a, 64 bits: names files and checks payloads (it finds corruption; the
 * key text itself is compared in full). */
static uint64_t fnv1a(const void *data, size_t size, uint64_t h) {
  const unsigned char *p = data;
  for (size_t i = 0; i < size; i++) {
    h ^= p[i];
    h *= 0x100000001B3ull;
  }
  return h;
}
#define FNV_OFFSET 0xCBF29CE484222325ull

static void put_u32(unsigned char *p, uint32_t v) {
  for (int i = 0; i < 4; i++)
    p[i] = (unsigned char)(v >> (8 * i));
}
static void put_u64(unsigned char *p, uint64_t v) {
  for (int i = 0; i < 8; i++)
    p[i] = (unsigned char)(v >> (8 * i));
}
static uint32_t get_u32(const unsigned char *p) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; i--)
    v = (v << 8) | p[i];
  return v;
}
static uint64_t get_u64(const unsigned char *p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; i--)
    v = (v << 8) | p[i];
  return v;
}

char *clconv__disk_cache_dir_choose(int enabled, const char *dir) {
  const char *off = clconv__os_getenv("CLCONV_CACHE");
  const char *env_dir = clconv__os_getenv("CLCONV_CACHE_DIR");
  char path[4096];
  if (enabled == 0 || (enabled != 1 && off != NULL && strcmp(off, "0") == 0))
    return NULL;
  if (dir != NULL && dir[0] != '\0')
    return clconv__alloc_strdup(dir);
  if (env_dir != NULL)
    return clconv__alloc_strdup(env_dir);
  if (clconv__os_user_cache_dir(path, sizeof path, "clconv") != 0)
    return NULL;
  return clconv__alloc_strdup(path);
}

/* @return 0 unless @p dir exists and is refused (another user's, or
 * writable by others); then notes why on @p ctx and returns -1. */
static int dir_trusted(clconv_context *ctx, const char *dir) {
  char why[200] = "";
  const int err = clconv__os_private_dir_check(dir, why, sizeof why);
  if (err != EACCES)
    return 0; /* missing, or unusable: stores will fail, nothing is read */
  clconv__error_note(ctx,
                     "disk cache off: the folder %s is not trusted: %s "
                     "(clconv runs without a disk cache; see "
                     "docs/embedding.md)",
                     dir, why);
  return -1;
}

void clconv__disk_cache_open(clconv_context *ctx, int enabled,
                             const char *dir) {
  ctx->cache_dir = clconv__disk_cache_dir_choose(enabled, dir);
  if (ctx->cache_dir != NULL && dir_trusted(ctx, ctx->cache_dir) != 0) {
    clconv__alloc_free(ctx->cache_dir);
    ctx->cache_dir = NULL;
  }
}

int clconv__disk_cache_key_make(const clconv_context *ctx, const char *name,
                                const char *options, const char *const *sources,
                                int source_count, clconv__disk_cache_key *key) {
  uint64_t source_hash = FNV_OFFSET;
  size_t size;
  int n;
  for (int i = 0; i < source_count; i++)
    source_hash = fnv1a(sources[i], strlen(sources[i]) + 1, source_hash);
  size = 512 + strlen(name) + strlen(options) + sizeof ctx->info.platform_name +
         sizeof ctx->info.platform_version + sizeof ctx->info.device_name +
         sizeof ctx->info.driver_version;
  key->text = clconv__alloc(size);
  if (key->text == NULL)
    return -1;
  n = snprintf(key->text, size,
               "clconv program binary, format %u, library %s\n"
               "platform: %s | %s\ndevice: %s\ndriver: %s\n"
               "program: %s\noptions: %s\nsource fnv1a64: %016llx\n",
               FORMAT_VERSION, clconv_version_string(), ctx->info.platform_name,
               ctx->info.platform_version, ctx->info.device_name,
               ctx->info.driver_version, name, options,
               (unsigned long long)source_hash);
  if (n < 0 || (size_t)n >= size) {
    clconv__disk_cache_key_free(key);
    return -1;
  }
  key->hash = fnv1a(key->text, (size_t)n, FNV_OFFSET);
  key->suffix = ENTRY_SUFFIX;
  return 0;
}

void clconv__disk_cache_key_free(clconv__disk_cache_key *key) {
  clconv__alloc_free(key->text);
  key->text = NULL;
}

static int entry_path(const clconv_context *ctx,
                      const clconv__disk_cache_key *key, char *out,
                      size_t size) {
  char file[64];
  snprintf(file, sizeof file, "%016llx%.16s", (unsigned long long)key->hash,
           key->suffix != NULL ? key->suffix : ENTRY_SUFFIX);
  return clconv__os_join_path(out, size, ctx->cache_dir, file);
}

/* The largest entry worth reading: the folder's bound, at most 1 GiB. */
static size_t entry_limit(const clconv_context *ctx) {
  const uint64_t limit = (uint64_t)1 << 30;
  return (size_t)(ctx->cache_max_bytes < limit ? ctx->cache_max_bytes : limit);
}

clconv__disk_cache_result
clconv__disk_cache_load(clconv_context *ctx, const clconv__disk_cache_key *key,
                        unsigned char **binary, size_t *size) {
  char path[4096];
  char *data = NULL;
  size_t file_size, key_len = strlen(key->text), binary_size;
  const unsigned char *p;
  int err;
  *binary = NULL;
  *size = 0;
  if (ctx->cache_dir == NULL || entry_path(ctx, key, path, sizeof path) != 0)
    return CLCONV__CACHE_MISS;
  /* A link, FIFO, device or oversized file in the entry's place is never
   * read: rejected, and replaced when the program is stored again. */
  err = clconv__os_read_regular_file(path, entry_limit(ctx), &data, &file_size);
  if (err == ENOENT)
    return CLCONV__CACHE_MISS;
  if (err != 0)
    return CLCONV__CACHE_REJECTED;

  /* Checks the header, the key, the size and the checksum, in that order. */
  p = (const unsigned char *)data;
  if (file_size < HEADER_SIZE || memcmp(p, MAGIC, 8) != 0 ||
      get_u32(p + 8) != FORMAT_VERSION || get_u32(p + 12) != key_len ||
      file_size - HEADER_SIZE < key_len ||
      memcmp(p + HEADER_SIZE, key->text, key_len) != 0)
    goto rejected;
  binary_size = (size_t)get_u64(p + 16);
  if (binary_size == 0 || binary_size != file_size - HEADER_SIZE - key_len ||
      fnv1a(p + HEADER_SIZE + key_len, binary_size, FNV_OFFSET) !=
          get_u64(p + 24))
    goto rejected;

  /* Moves the binary to the front of the buffer and hands it over. */
  memmove(data, p + HEADER_SIZE + key_len, binary_size);
  *binary = (unsigned char *)data;
  *size = binary_size;
  clconv__os_touch(path); /* recently used: removed last */
  return CLCONV__CACHE_HIT;
rejected:
  clconv__alloc_free(data);
  return CLCONV__CACHE_REJECTED;
}

/* Oldest first; the same time by name, so the order is total. */
static int by_age(const void *a, const void *b) {
  const clconv__os_file *x = a, *y = b;
  if (x->modified != y->modified)
    return x->modified < y->modified ? -1 : 1;
  return strcmp(x->name, y->name);
}

/* Removes the least recently used entries of @p dir until they hold at most
 * @p max_bytes, keeping @p newest (just written) whatever its size. Best
 * effort: another process may trim at the same time. */
static void trim(const char *dir, uint64_t max_bytes, const char *newest) {
  clconv__os_file *files = NULL;
  size_t count = 0;
  uint64_t total = 0;
  char path[4096];
  if (clconv__os_list_files(dir, ENTRY_SUFFIX, &files, &count) != 0)
    return;
  for (size_t i = 0; i < count; i++)
    total += files[i].bytes;
  if (count > 0) /* a folder of verdicts only lists no entry */
    qsort(files, count, sizeof *files, by_age);
  for (size_t i = 0; i < count && total > max_bytes; i++) {
    if (clconv__os_join_path(path, sizeof path, dir, files[i].name) != 0 ||
        strcmp(path, newest) == 0)
      continue;
    if (remove(path) == 0)
      total -= files[i].bytes;
  }
  clconv__alloc_free(files);
}

uint64_t clconv__disk_cache_max_bytes(uint64_t option) {
  const char *text = clconv__os_getenv("CLCONV_CACHE_MAX_MB");
  char *end = NULL;
  unsigned long long mb;
  if (option > 0)
    return option;
  if (text != NULL) {
    mb = strtoull(text, &end, 10);
    if (end != text && *end == '\0' && mb > 0 && mb < (1ull << 40))
      return (uint64_t)mb << 20;
  }
  return CLCONV__DISK_CACHE_DEFAULT_MAX_BYTES;
}

int clconv__disk_cache_store(clconv_context *ctx,
                             const clconv__disk_cache_key *key,
                             const unsigned char *binary, size_t size) {
  char path[4096];
  size_t key_len = strlen(key->text), total;
  unsigned char *file;
  int result;
  if (ctx->cache_dir == NULL || size == 0 ||
      entry_path(ctx, key, path, sizeof path) != 0 ||
      clconv__os_make_dirs(ctx->cache_dir) != 0 ||
      clconv__os_private_dir_check(ctx->cache_dir, NULL, 0) != 0)
    return -1;
  total = HEADER_SIZE + key_len + size;
  file = clconv__alloc(total);
  if (file == NULL)
    return -1;
  memcpy(file, MAGIC, 8);
  put_u32(file + 8, FORMAT_VERSION);
  put_u32(file + 12, (uint32_t)key_len);
  put_u64(file + 16, (uint64_t)size);
  put_u64(file + 24, fnv1a(binary, size, FNV_OFFSET));
  memcpy(file + HEADER_SIZE, key->text, key_len);
  memcpy(file + HEADER_SIZE + key_len, binary, size);
  result = clconv__os_write_file_atomic(path, file, total);
  clconv__alloc_free(file);
  if (result == 0)
    trim(ctx->cache_dir, ctx->cache_max_bytes, path);
  return result;
}
