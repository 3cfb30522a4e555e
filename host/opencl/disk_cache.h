/* disk_cache.h: the on-disk cache of built program binaries.
 *
 * Contract. An entry is one file, <dir>/<hash>.clbin, where the hash is of a
 * key text naming everything that shapes the binary: the cache format and
 * library versions, the platform name and version, the device name, the
 * driver version, the build options and a hash of the source. The file holds
 * a magic string, the format version, the whole key text, the binary's size
 * and a checksum of it. An entry is used only when every one of these
 * matches; anything else (truncated, bit-flipped, empty, another device's or
 * another library's entry) is counted as rejected and rebuilt, never trusted.
 * Writes go to a temporary file renamed into place, so readers in other
 * processes see either the old entry or the new one, whole. The cache is
 * best effort: a folder that cannot be made or written is bypassed silently,
 * and no cache failure ever fails an op.
 *
 * Folder: the context option, else CLCONV_CACHE_DIR, else the user's cache
 * folder (os.h). CLCONV_CACHE=0 turns the cache off unless the context
 * option turns it on. */
#ifndef CLCONV_DISK_CACHE_H
#define CLCONV_DISK_CACHE_H

#include "core/internal.h"

#include <stdint.h>

typedef struct clconv__disk_cache_key {
  char *text;    /* from clconv__alloc */
  uint64_t hash; /* of the text: names the file */
  /* The file's ending: ".clbin" (programs, within the size bound) unless
   * set otherwise after clconv__disk_cache_key_make (".verdict": a
   * self-check's verdict, one byte, outside the bound). */
  const char *suffix;
} clconv__disk_cache_key;

/* The size bound of a cache folder when neither the options nor
 * CLCONV_CACHE_MAX_MB give one. */
#define CLCONV__DISK_CACHE_DEFAULT_MAX_BYTES ((uint64_t)512 << 20)

/* The size bound of the cache folder's entries: @p option when not 0, else
 * CLCONV_CACHE_MAX_MB megabytes, else the default. When a store takes the
 * entries past it, the least recently used ones (by modification time,
 * which a hit renews) are removed until they fit. */
uint64_t clconv__disk_cache_max_bytes(uint64_t option);

/* The cache folder (clconv__alloc), or NULL when the cache is off or no
 * folder can be named. @p enabled: 1 on, 0 off, CLCONV_FROM_ENVIRONMENT
 * off when CLCONV_CACHE is 0; @p dir (NULL or "": none) wins over
 * CLCONV_CACHE_DIR, which wins over the user's cache folder. */
char *clconv__disk_cache_dir_choose(int enabled, const char *dir);

/* Sets @p ctx's cache folder (clconv__disk_cache_dir_choose) when it can be
 * trusted: a folder that exists but belongs to another user, or that other
 * users may write, is refused with a note naming it (clconv_context_notes)
 * and the context runs without a disk cache (docs/design.md, "The disk
 * cache's threat model"). A folder yet to be made is made 0700 by the first
 * store, which checks it again. */
void clconv__disk_cache_open(clconv_context *ctx, int enabled, const char *dir);

/* Builds the key of program @p name built with @p options from the
 * concatenation of @p sources. @return 0, or -1 when out of memory. */
int clconv__disk_cache_key_make(const clconv_context *ctx, const char *name,
                                const char *options, const char *const *sources,
                                int source_count, clconv__disk_cache_key *key);
void clconv__disk_cache_key_free(clconv__disk_cache_key *key);

typedef enum clconv__disk_cache_result {
  CLCONV__CACHE_HIT,
  CLCONV__CACHE_MISS,    /* no entry, or the cache is off */
  CLCONV__CACHE_REJECTED /* an entry exists but is not valid for this key */
} clconv__disk_cache_result;

/* Looks the key up; on a hit, *binary (clconv__alloc) and *size hold it. */
clconv__disk_cache_result
clconv__disk_cache_load(clconv_context *ctx, const clconv__disk_cache_key *key,
                        unsigned char **binary, size_t *size);

/* Stores a binary under the key (best effort). @return 0 when written. */
int clconv__disk_cache_store(clconv_context *ctx,
                             const clconv__disk_cache_key *key,
                             const unsigned char *binary, size_t size);

#endif
