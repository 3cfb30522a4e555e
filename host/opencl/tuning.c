/* tuning.c: tuned tiles per problem, remembered in the context and stored
 * in the disk cache as entries of their own (see disk_cache.h: a key names
 * the device, driver, library and kernel source, so an entry from anywhere
 * else is never used), each holding the text "vw cv rh cb padded". */
#include "opencl/tuning.h"

#include "common/alloc.h"
#include "common/error.h"
#include "common/kernel_sources.h"
#include "opencl/disk_cache.h"

#include <stdio.h>
#include <string.h>

/* Problems whose tiles a context remembers; more are replaced in turn. */
#define REMEMBERED 16
#define GEOM_FIELDS 14

typedef struct remembered {
  int64_t geom[GEOM_FIELDS]; /* the problem (geom_fields) */
  int used;
  int tuned; /* 0: no tuned entry exists, use the default */
  clconv__tiles_fwd_blocked tiles;
} remembered;

struct clconv__tuning {
  int forcing;
  clconv__tiles_fwd_blocked forced;
  remembered entries[REMEMBERED];
  int next; /* entry to replace next */
};

/* Everything about @p g that tiles may depend on (not the bias). */
static void geom_fields(const clconv__corr2d_geom *g, int64_t out[]) {
  const int64_t v[] = {g->n,     g->cin,   g->h,      g->w,        g->cout,
                       g->kh,    g->kw,    g->groups, g->stride_h, g->stride_w,
                       g->pad_h, g->pad_w, g->dil_h,  g->dil_w};
  _Static_assert(sizeof v / sizeof *v == GEOM_FIELDS,
                 "GEOM_FIELDS counts the fields of geom_fields");
  memcpy(out, v, sizeof v);
}

static struct clconv__tuning *tuning_of(clconv_context *ctx) {
  if (ctx->tuning == NULL)
    ctx->tuning = clconv__alloc_zeroed(1, sizeof *ctx->tuning);
  return ctx->tuning;
}

/* The disk-cache key of the tiles for @p g. @return 0, or -1 when out of
 * memory or the kernel source is not embedded. */
static int tiles_key(clconv_context *ctx, const int64_t geom[],
                     clconv__disk_cache_key *key) {
  const clconv__embedded_source *src =
      clconv__kernel_sources_find("corr2d_fwd_blocked");
  const char *texts[1];
  char problem[512];
  int n = 0;
  if (src == NULL)
    return -1;
  texts[0] = src->text;
  for (int i = 0; i < GEOM_FIELDS; i++)
    n += snprintf(problem + n, sizeof problem - (size_t)n, "%s%lld",
                  i > 0 ? " " : "", (long long)geom[i]);
  return clconv__disk_cache_key_make(ctx, "tuned tiles of corr2d_fwd_blocked",
                                     problem, texts, 1, key);
}

/* Reads the tuned tiles of @p geom from the disk cache. @return 1 when a
 * valid entry exists. */
static int load_tuned(clconv_context *ctx, const int64_t geom[],
                      clconv__tiles_fwd_blocked *t) {
  clconv__disk_cache_key key = {NULL, 0, NULL};
  unsigned char *data = NULL;
  size_t size = 0;
  char text[64];
  int found = 0;
  if (ctx->cache_dir == NULL || tiles_key(ctx, geom, &key) != 0)
    return 0;
  if (clconv__disk_cache_load(ctx, &key, &data, &size) == CLCONV__CACHE_HIT &&
      size < sizeof text) {
    memcpy(text, data, size);
    text[size] = '\0';
    found = sscanf(text, "%d %d %d %d %d", &t->vw, &t->cv, &t->rh, &t->cb,
                   &t->padded) == 5;
  }
  clconv__alloc_free(data);
  clconv__disk_cache_key_free(&key);
  return found;
}

/* The remembered entry for @p geom, or NULL. */
static remembered *find(struct clconv__tuning *tn, const int64_t geom[]) {
  for (int i = 0; i < REMEMBERED; i++)
    if (tn->entries[i].used &&
        memcmp(tn->entries[i].geom, geom, sizeof tn->entries[i].geom) == 0)
      return &tn->entries[i];
  return NULL;
}

static remembered *add(struct clconv__tuning *tn, const int64_t geom[]) {
  remembered *e = &tn->entries[tn->next];
  tn->next = (tn->next + 1) % REMEMBERED;
  memset(e, 0, sizeof *e);
  memcpy(e->geom, geom, sizeof e->geom);
  e->used = 1;
  return e;
}

clconv__tiles_fwd_blocked
clconv__tuning_tiles_for(clconv_context *ctx, const clconv__corr2d_geom *g,
                         const clconv__corr2d_geom *f) {
  struct clconv__tuning *tn = tuning_of(ctx);
  int64_t geom[GEOM_FIELDS];
  remembered *e;
  if (tn == NULL) /* out of memory: the default still works */
    return clconv__tiles_fwd_blocked_default(&ctx->caps, f);
  if (tn->forcing && clconv__tiles_fwd_blocked_valid(&tn->forced, f))
    return tn->forced;
  geom_fields(g, geom);
  e = find(tn, geom);
  if (e == NULL) {
    e = add(tn, geom);
    e->tuned = load_tuned(ctx, geom, &e->tiles);
  }
  if (e->tuned && clconv__tiles_fwd_blocked_valid(&e->tiles, f))
    return e->tiles;
  return clconv__tiles_fwd_blocked_default(&ctx->caps, f);
}

clconv_status clconv__tuning_force(clconv_context *ctx,
                                   const clconv__tiles_fwd_blocked *t) {
  struct clconv__tuning *tn = tuning_of(ctx);
  CLCONV_RETURN_IF(ctx, tn == NULL, CLCONV_STATUS_OUT_OF_HOST_MEMORY,
                   "clconv_tune_forward: out of host memory");
  tn->forcing = t != NULL;
  if (t != NULL)
    tn->forced = *t;
  return CLCONV_STATUS_OK;
}

clconv_status clconv__tuning_remember(clconv_context *ctx,
                                      const clconv__corr2d_geom *g,
                                      const clconv__tiles_fwd_blocked *t,
                                      int *stored) {
  struct clconv__tuning *tn = tuning_of(ctx);
  int64_t geom[GEOM_FIELDS];
  clconv__disk_cache_key key = {NULL, 0, NULL};
  remembered *e;
  char text[64];
  int n;
  *stored = 0;
  CLCONV_RETURN_IF(ctx, tn == NULL, CLCONV_STATUS_OUT_OF_HOST_MEMORY,
                   "clconv_tune_forward: out of host memory");
  geom_fields(g, geom);
  e = find(tn, geom);
  if (e == NULL)
    e = add(tn, geom);
  e->tuned = 1;
  e->tiles = *t;
  if (ctx->cache_dir == NULL || tiles_key(ctx, geom, &key) != 0)
    return CLCONV_STATUS_OK;
  n = snprintf(text, sizeof text, "%d %d %d %d %d\n", t->vw, t->cv, t->rh,
               t->cb, t->padded);
  *stored = clconv__disk_cache_store(ctx, &key, (const unsigned char *)text,
                                     (size_t)n) == 0;
  clconv__disk_cache_key_free(&key);
  return CLCONV_STATUS_OK;
}

void clconv__tuning_release(clconv_context *ctx) {
  clconv__alloc_free(ctx->tuning);
  ctx->tuning = NULL;
}
