/* cl_verdicts.c: self-check verdicts in memory and in the disk cache (see
 * cl_verdicts.h). */
#include "opencl/cl_verdicts.h"

#include "common/alloc.h"
#include "opencl/disk_cache.h"

#include <stdio.h>
#include <string.h>

static int find(const clconv_context *ctx, int tier, int pass,
                const clconv__corr2d_geom *g) {
  for (int i = 0; i < ctx->verdict_count; i++)
    if (ctx->verdicts[i].tier == tier && ctx->verdicts[i].pass == pass &&
        memcmp(&ctx->verdicts[i].g, g, sizeof *g) == 0)
      return i;
  return -1;
}

void clconv__cl_verdicts_remember(clconv_context *ctx, int tier, int pass,
                                  const clconv__corr2d_geom *g,
                                  clconv__verdict verdict) {
  int slot = find(ctx, tier, pass, g);
  if (slot < 0) {
    slot = ctx->verdict_next;
    ctx->verdict_next = (slot + 1) % CLCONV__VERDICT_SLOTS;
    if (ctx->verdict_count < CLCONV__VERDICT_SLOTS)
      ctx->verdict_count++;
  }
  ctx->verdicts[slot].tier = tier;
  ctx->verdicts[slot].pass = pass;
  ctx->verdicts[slot].g = *g;
  ctx->verdicts[slot].verdict = verdict;
}

/* The disk cache's key of a verdict: the problem's geometry, byte by byte,
 * with the tier and the pass. @return 0, or -1 (no disk verdicts). */
static int verdict_key(clconv_context *ctx, int tier, int pass,
                       const clconv__corr2d_geom *g,
                       clconv__disk_cache_key *key) {
  char text[2 * sizeof *g + 64];
  const unsigned char *bytes = (const unsigned char *)g;
  int n;
  if (ctx->cache_dir == NULL || ctx->kernel_dir != NULL)
    return -1;
  n = snprintf(text, sizeof text, "tier %d pass %d geometry ", tier, pass);
  for (size_t i = 0; i < sizeof *g && n > 0 && (size_t)n + 3 < sizeof text; i++)
    n += snprintf(text + n, sizeof text - (size_t)n, "%02x", bytes[i]);
  if (clconv__disk_cache_key_make(ctx, "self-check verdict", text, NULL, 0,
                                  key) != 0)
    return -1;
  key->suffix = ".verdict"; /* outside the programs' size bound */
  return 0;
}

clconv__verdict clconv__cl_verdicts_get(clconv_context *ctx, int tier, int pass,
                                        const clconv__corr2d_geom *g) {
  clconv__disk_cache_key key;
  unsigned char *stored = NULL;
  size_t size = 0;
  clconv__verdict verdict = CLCONV__VERDICT_UNKNOWN;
  const int slot = find(ctx, tier, pass, g);
  if (slot >= 0)
    return (clconv__verdict)ctx->verdicts[slot].verdict;
  if (verdict_key(ctx, tier, pass, g, &key) != 0) {
    clconv__cl_verdicts_remember(ctx, tier, pass, g, CLCONV__VERDICT_UNKNOWN);
    return CLCONV__VERDICT_UNKNOWN;
  }
  if (clconv__disk_cache_load(ctx, &key, &stored, &size) == CLCONV__CACHE_HIT &&
      size == 1 &&
      (stored[0] == CLCONV__VERDICT_RIGHT ||
       stored[0] == CLCONV__VERDICT_WRONG))
    verdict = (clconv__verdict)stored[0];
  clconv__cl_verdicts_remember(ctx, tier, pass, g,
                               verdict); /* unknown too: one look on disk */
  clconv__alloc_free(stored);
  clconv__disk_cache_key_free(&key);
  return verdict;
}

void clconv__cl_verdicts_set(clconv_context *ctx, int tier, int pass,
                             const clconv__corr2d_geom *g,
                             clconv__verdict verdict) {
  clconv__disk_cache_key key;
  const unsigned char stored = (unsigned char)verdict;
  clconv__cl_verdicts_remember(ctx, tier, pass, g, verdict);
  if (verdict_key(ctx, tier, pass, g, &key) != 0)
    return;
  (void)clconv__disk_cache_store(ctx, &key, &stored, 1);
  clconv__disk_cache_key_free(&key);
}
