/* test_cache.c: the disk cache of program binaries: a second context loads
 * what the first stored; truncated, bit-flipped, empty, foreign and garbage
 * entries are rejected and rebuilt, never trusted; a folder that cannot be
 * used is bypassed; CLCONV_CACHE=0 turns it off; threads and processes that
 * share a folder leave only valid entries; another user can neither plant
 * an entry nor make a store write through a link (as root, the attacker is
 * uid 65534). */
#define _POSIX_C_SOURCE 200809L
#include "core/internal.h"
#include "support.h"

#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char folder[256];
static const char *self_path; /* argv[0], to start writer processes */

/* Opens a device context using @p dir as its cache folder. */
static clconv_context *open_ctx(const char *dir) {
  clconv_context *ctx = NULL;
  clconv_context_options options = clconv_context_options_default();
  options.cache_dir = dir;
  if (clconv_context_create(&options, &ctx, NULL, 0) != CLCONV_STATUS_OK)
    return NULL;
  return ctx;
}

/* A forward whose result is known: X = 0..8 (3x3), K = [[0,1],[2,3]] gives
 * [[19, 25], [37, 43]]. @return 1 when it ran and gave that. */
static int notebook_forward(clconv_context *ctx) {
  const float x[9] = {0, 1, 2, 3, 4, 5, 6, 7, 8}, k[4] = {0, 1, 2, 3};
  const int64_t xd[4] = {1, 1, 3, 3}, kd[4] = {1, 1, 2, 2},
                yd[4] = {1, 1, 2, 2};
  float y[4] = {0};
  clconv_corr2d_params p = clconv_corr2d_params_default();
  clconv_tensor *tx = NULL, *tk = NULL, *ty = NULL;
  int ok = clconv_tensor_create(ctx, 4, xd, &tx) == 0 &&
           clconv_tensor_write(tx, x, 9) == 0 &&
           clconv_tensor_create(ctx, 4, kd, &tk) == 0 &&
           clconv_tensor_write(tk, k, 4) == 0 &&
           clconv_tensor_create(ctx, 4, yd, &ty) == 0 &&
           clconv_corr2d_forward(ctx, &p, tx, tk, NULL, ty) == 0 &&
           clconv_tensor_read(ty, y, 4) == 0;
  clconv_tensor_release(ty);
  clconv_tensor_release(tk);
  clconv_tensor_release(tx);
  return ok && y[0] == 19 && y[1] == 25 && y[2] == 37 && y[3] == 43;
}

/* Counts the entries in @p dir whose names end in @p suffix. */
static int count_files(const char *dir, const char *suffix) {
  DIR *d = opendir(dir);
  struct dirent *e;
  int n = 0;
  if (d == NULL)
    return 0;
  while ((e = readdir(d)) != NULL) {
    size_t len = strlen(e->d_name), sl = strlen(suffix);
    if (len > sl && strcmp(e->d_name + len - sl, suffix) == 0)
      n++;
  }
  closedir(d);
  return n;
}

/* Counts the temporary files in @p dir (ENTRY.clbin.XXXXXX: a write that
 * was not finished). */
static int count_temporaries(const char *dir) {
  DIR *d = opendir(dir);
  struct dirent *e;
  int n = 0;
  while (d != NULL && (e = readdir(d)) != NULL)
    n += strstr(e->d_name, ".clbin.") != NULL;
  if (d != NULL)
    closedir(d);
  return n;
}

/* Applies @p damage to every entry of @p dir. */
typedef void (*damage_fn)(const char *path, unsigned char *data, size_t size);
static void damage_all(const char *dir, damage_fn damage) {
  DIR *d = opendir(dir);
  struct dirent *e;
  while (d != NULL && (e = readdir(d)) != NULL) {
    char path[512];
    unsigned char *data;
    size_t size;
    FILE *f;
    if (strstr(e->d_name, ".clbin") == NULL)
      continue;
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    f = fopen(path, "rb");
    fseek(f, 0, SEEK_END);
    size = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    data = malloc(size + 1);
    size = fread(data, 1, size, f);
    fclose(f);
    damage(path, data, size);
    free(data);
  }
  if (d != NULL)
    closedir(d);
}

static void write_bytes(const char *path, const void *data, size_t size) {
  FILE *f = fopen(path, "wb");
  fwrite(data, 1, size, f);
  fclose(f);
}
static void truncate_half(const char *p, unsigned char *d, size_t n) {
  write_bytes(p, d, n / 2);
}
static void flip_payload_bit(const char *p, unsigned char *d, size_t n) {
  d[n - 7] ^= 0x10;
  write_bytes(p, d, n);
}
static void flip_key_byte(const char *p, unsigned char *d, size_t n) {
  /* The key text starts after the 32-byte header: "clconv program ...". */
  d[40] ^= 0x01;
  write_bytes(p, d, n);
}
static void empty_file(const char *p, unsigned char *d, size_t n) {
  (void)d;
  (void)n;
  write_bytes(p, "", 0);
}
static void other_device(const char *p, unsigned char *d, size_t n) {
  /* The same entry, as if written for another device name. */
  unsigned char *at = NULL;
  for (size_t i = 0; i + 8 < n && at == NULL; i++)
    if (memcmp(d + i, "device: ", 8) == 0)
      at = d + i + 8;
  if (at != NULL)
    *at = (unsigned char)(*at == 'X' ? 'Y' : 'X');
  write_bytes(p, d, n);
}
static void garbage(const char *p, unsigned char *d, size_t n) {
  for (size_t i = 0; i < n; i++)
    d[i] = (unsigned char)(i * 131u + 7u);
  write_bytes(p, d, n);
}

/* Fills the folder from a first context; a second one hits. */
static void test_store_then_hit(void) {
  clconv_context *a = open_ctx(folder), *b;
  CU_ASSERT_PTR_NOT_NULL_FATAL(a);
  CU_ASSERT(notebook_forward(a));
  CU_ASSERT(a->cache_misses >= 1);
  clconv_context_release(a);
  CU_ASSERT(count_files(folder, ".clbin") >= 1);
  CU_ASSERT_EQUAL(count_temporaries(folder), 0);
  b = open_ctx(folder);
  CU_ASSERT_PTR_NOT_NULL_FATAL(b);
  CU_ASSERT(notebook_forward(b));
  CU_ASSERT(b->cache_hits >= 1);
  CU_ASSERT_EQUAL(b->cache_misses, 0);
  CU_ASSERT_EQUAL(b->cache_rejected, 0);
  clconv_context_release(b);
}

/* A FIFO in an entry's place: reading it would block forever. */
static void fifo(const char *p, unsigned char *d, size_t n) {
  (void)d, (void)n;
  remove(p);
  CU_ASSERT_EQUAL(mkfifo(p, 0600), 0);
}

/* A link to a 3 GB (sparse) file in an entry's place: never followed. */
static void link_to_huge(const char *p, unsigned char *d, size_t n) {
  char huge[512];
  FILE *f;
  (void)d, (void)n;
  snprintf(huge, sizeof huge, "%s/huge.data", folder);
  f = fopen(huge, "ab");
  if (f != NULL)
    fclose(f);
  CU_ASSERT_EQUAL(truncate(huge, (off_t)3 << 30), 0);
  remove(p);
  CU_ASSERT_EQUAL(symlink(huge, p), 0);
}

/* The entry itself grown (sparse) past what an entry may be: its size is
 * refused before anything is read. */
static void oversized(const char *p, unsigned char *d, size_t n) {
  (void)d, (void)n;
  CU_ASSERT_EQUAL(truncate(p, (off_t)2 << 30), 0);
}

/* Each kind of damage is rejected, the result stays right, and the entry is
 * rewritten so the next context hits again. A damage that made a read block
 * would end the suite by the alarm. */
static void test_damaged_entries(void) {
  static const struct {
    const char *name;
    damage_fn fn;
  } kinds[] = {{"truncated", truncate_half},
               {"bit-flipped", flip_payload_bit},
               {"key changed", flip_key_byte},
               {"empty", empty_file},
               {"other device", other_device},
               {"garbage", garbage},
               {"FIFO", fifo},
               {"link to a huge file", link_to_huge},
               {"oversized", oversized}};
  alarm(300);
  for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
    clconv_context *ctx;
    damage_all(folder, kinds[k].fn);
    ctx = open_ctx(folder);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
    CU_ASSERT(notebook_forward(ctx));
    CU_ASSERT_EQUAL(ctx->cache_hits, 0);
    CU_ASSERT(ctx->cache_rejected >= 1);
    if (ctx->cache_hits != 0 || ctx->cache_rejected < 1)
      fprintf(stderr, "\n%s: hits %ld rejected %ld\n", kinds[k].name,
              ctx->cache_hits, ctx->cache_rejected);
    clconv_context_release(ctx);
    ctx = open_ctx(folder);
    CU_ASSERT(notebook_forward(ctx));
    CU_ASSERT(ctx->cache_hits >= 1);
    CU_ASSERT_EQUAL(ctx->cache_rejected, 0);
    clconv_context_release(ctx);
  }
  alarm(0);
}

/* A folder that cannot exist (its parent is a file) is bypassed. */
static void test_unusable_folder(void) {
  char file[300], dir[320];
  clconv_context *ctx;
  snprintf(file, sizeof file, "%s/plain-file", folder);
  write_bytes(file, "x", 1);
  snprintf(dir, sizeof dir, "%s/cache", file);
  ctx = open_ctx(dir);
  CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
  CU_ASSERT(notebook_forward(ctx));
  CU_ASSERT_EQUAL(clconv_context_finish(ctx), CLCONV_STATUS_OK);
  CU_ASSERT_EQUAL(ctx->cache_writes, 0);
  clconv_context_release(ctx);
  remove(file);
}

/* CLCONV_CACHE=0 turns the cache off. */
static void test_turned_off(void) {
  char dir[300];
  clconv_context *ctx;
  snprintf(dir, sizeof dir, "%s/off", folder);
  setenv("CLCONV_CACHE", "0", 1);
  setenv("CLCONV_CACHE_DIR", dir, 1);
  ctx = open_ctx(NULL);
  unsetenv("CLCONV_CACHE");
  unsetenv("CLCONV_CACHE_DIR");
  CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
  CU_ASSERT_PTR_NULL(ctx->cache_dir);
  CU_ASSERT(notebook_forward(ctx));
  clconv_context_release(ctx);
  CU_ASSERT_EQUAL(count_files(dir, ".clbin"), 0);
}

/* Switches set in the options win over the environment: options.cache = 0
 * keeps the cache off though CLCONV_CACHE_DIR names a folder, 1 turns it on
 * though CLCONV_CACHE=0, and options.verify = 0 keeps verify mode off
 * though CLCONV_VERIFY=1. Left at CLCONV_FROM_ENVIRONMENT, the environment
 * decides. */
static void test_options_win(void) {
  char env_dir[300], option_dir[300];
  clconv_context_options options = clconv_context_options_default();
  clconv_context *off = NULL, *on = NULL, *quiet = NULL, *env = NULL;
  clconv_verify_report report;
  snprintf(env_dir, sizeof env_dir, "%s/env", folder);
  snprintf(option_dir, sizeof option_dir, "%s/option", folder);
  CU_ASSERT_EQUAL(options.cache, CLCONV_FROM_ENVIRONMENT);
  CU_ASSERT_EQUAL(options.verify, CLCONV_FROM_ENVIRONMENT);
  setenv("CLCONV_CACHE_DIR", env_dir, 1);
  options.cache = 0;
  CU_ASSERT_EQUAL(clconv_context_create(&options, &off, NULL, 0), 0);
  setenv("CLCONV_CACHE", "0", 1);
  options.cache = 1;
  options.cache_dir = option_dir;
  CU_ASSERT_EQUAL(clconv_context_create(&options, &on, NULL, 0), 0);
  setenv("CLCONV_VERIFY", "1", 1);
  options = clconv_context_options_default();
  options.verify = 0;
  CU_ASSERT_EQUAL(clconv_context_create(&options, &quiet, NULL, 0), 0);
  options.verify = CLCONV_FROM_ENVIRONMENT;
  CU_ASSERT_EQUAL(clconv_context_create(&options, &env, NULL, 0), 0);
  unsetenv("CLCONV_VERIFY");
  unsetenv("CLCONV_CACHE");
  unsetenv("CLCONV_CACHE_DIR");
  CU_ASSERT_FATAL(off != NULL && on != NULL && quiet != NULL && env != NULL);
  CU_ASSERT(notebook_forward(off) && notebook_forward(on));
  CU_ASSERT(notebook_forward(quiet) && notebook_forward(env));
  CU_ASSERT_EQUAL(clconv_context_last_verify(quiet, &report), 0);
  CU_ASSERT_EQUAL(report.count, 0);
  CU_ASSERT_EQUAL(clconv_context_last_verify(env, &report), 0);
  CU_ASSERT_EQUAL(report.count, 4);
  clconv_context_release(env);
  clconv_context_release(quiet);
  clconv_context_release(on);
  clconv_context_release(off);
  CU_ASSERT_EQUAL(count_files(env_dir, ".clbin"), 0);
  CU_ASSERT(count_files(option_dir, ".clbin") >= 1);
}

/* Builds two programs on a context of @p dir with the bound @p max_bytes:
 * the notebook's forward and the seeded fill. */
static void two_programs(const char *dir, uint64_t max_bytes) {
  clconv_context_options options = clconv_context_options_default();
  const int64_t dims[1] = {8};
  clconv_context *ctx = NULL;
  clconv_tensor *t;
  options.cache_dir = dir;
  options.cache_max_bytes = max_bytes;
  CU_ASSERT_EQUAL_FATAL(clconv_context_create(&options, &ctx, NULL, 0), 0);
  CU_ASSERT(notebook_forward(ctx));
  t = test_tensor(ctx, 1, dims, NULL);
  CU_ASSERT_EQUAL(clconv_tensor_fill_uniform(t, 0.0f, 1.0f, 7), 0);
  clconv_tensor_release(t);
  clconv_context_release(ctx);
}

/* The cache folder stays within its bound: a bound smaller than any entry
 * keeps only the newest; the default bound keeps both; CLCONV_CACHE_MAX_MB
 * sets the bound when the options do not. */
static void test_size_bound(void) {
  char dir[300];
  clconv_context *ctx = NULL;
  snprintf(dir, sizeof dir, "%s/bounded", folder);
  two_programs(dir, 1);
  CU_ASSERT_EQUAL(count_files(dir, ".clbin"), 1);
  two_programs(dir, 0);
  CU_ASSERT_EQUAL(count_files(dir, ".clbin"), 2);
  setenv("CLCONV_CACHE_MAX_MB", "3", 1);
  ctx = open_ctx(dir);
  unsetenv("CLCONV_CACHE_MAX_MB");
  CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
  CU_ASSERT_EQUAL(ctx->cache_max_bytes, (uint64_t)3 << 20);
  clconv_context_release(ctx);
  ctx = open_ctx(dir);
  CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
  CU_ASSERT_EQUAL(ctx->cache_max_bytes, (uint64_t)512 << 20);
  clconv_context_release(ctx);
}

/* Several writers of the same entries at once, as threads and as processes. */
static void *writer_thread(void *arg) {
  int *ok = arg;
  for (int i = 0; i < 4; i++) {
    char dir[300];
    clconv_context *ctx;
    snprintf(dir, sizeof dir, "%s/shared", folder);
    ctx = open_ctx(dir);
    *ok &= ctx != NULL && notebook_forward(ctx);
    clconv_context_release(ctx);
  }
  return NULL;
}

static void test_concurrent_writers(void) {
  char dir[300];
  pthread_t threads[3];
  int ok[3] = {1, 1, 1}, children_ok = 1;
  clconv_context *ctx;
  snprintf(dir, sizeof dir, "%s/shared", folder);
  for (int t = 0; t < 3; t++)
    pthread_create(&threads[t], NULL, writer_thread, &ok[t]);
  for (int t = 0; t < 3; t++) {
    pthread_join(threads[t], NULL);
    CU_ASSERT(ok[t]);
  }
  /* Three processes, each writing every entry again. Each is this program
   * run afresh (fork, then exec at once): a child must not inherit PoCL's
   * threads. */
  for (int p = 0; p < 3; p++) {
    pid_t pid = fork();
    if (pid == 0) {
      execl(self_path, self_path, "--writer", folder, (char *)NULL);
      _exit(127);
    }
    children_ok &= pid > 0;
  }
  for (int p = 0; p < 3; p++) {
    int status = 0;
    wait(&status);
    children_ok &= WIFEXITED(status) && WEXITSTATUS(status) == 0;
  }
  CU_ASSERT(children_ok);
  CU_ASSERT_EQUAL(count_temporaries(dir), 0);
  ctx = open_ctx(dir);
  CU_ASSERT(notebook_forward(ctx));
  CU_ASSERT(ctx->cache_hits >= 1);
  CU_ASSERT_EQUAL(ctx->cache_rejected, 0);
  clconv_context_release(ctx);
}

/* The names of the entries of @p dir (at most @p max) into @p names. */
static int entry_names(const char *dir, char names[][128], int max) {
  DIR *d = opendir(dir);
  struct dirent *e;
  int n = 0;
  while (d != NULL && (e = readdir(d)) != NULL && n < max) {
    const size_t len = strlen(e->d_name);
    if (len > 6 && len < 128 && strcmp(e->d_name + len - 6, ".clbin") == 0)
      snprintf(names[n++], 128, "%.127s", e->d_name);
  }
  if (d != NULL)
    closedir(d);
  return n;
}

/* Applies chmod (@p mode) or, with @p uid >= 0, chown to every entry. */
static void entries_take(const char *dir, long uid, mode_t mode) {
  char names[64][128], path[512];
  const int n = entry_names(dir, names, 64);
  for (int i = 0; i < n; i++) {
    snprintf(path, sizeof path, "%.299s/%.127s", dir, names[i]);
    CU_ASSERT_EQUAL(
        uid >= 0 ? chown(path, (uid_t)uid, (gid_t)uid) : chmod(path, mode), 0);
  }
}

/* The user the attacks below come from when the suite runs as root (as in
 * CI): nobody's uid, which owns nothing of ours. */
#define OTHER_UID 65534

/* A new folder is made 0700 and its entries 0600: no other user reads the
 * programs, or writes the folder. */
static void test_private_modes(void) {
  char dir[300], names[64][128], path[512];
  struct stat st;
  clconv_context *ctx;
  int n;
  snprintf(dir, sizeof dir, "%s/new/private", folder);
  ctx = open_ctx(dir);
  CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
  CU_ASSERT(notebook_forward(ctx));
  clconv_context_release(ctx);
  CU_ASSERT_EQUAL_FATAL(stat(dir, &st), 0);
  CU_ASSERT_EQUAL(st.st_mode & 0777, 0700);
  n = entry_names(dir, names, 64);
  CU_ASSERT(n >= 1);
  for (int i = 0; i < n; i++) {
    snprintf(path, sizeof path, "%.299s/%.127s", dir, names[i]);
    CU_ASSERT_EQUAL_FATAL(stat(path, &st), 0);
    CU_ASSERT_EQUAL(st.st_mode & 0777, 0600);
  }
}

/* Asserts that a context on @p dir refused it (a note naming it and
 * @p why), computes right without it, and wrote nothing there. */
static void expect_refused(const char *dir, const char *why) {
  const int before = count_files(dir, ".clbin");
  clconv_context *ctx = open_ctx(dir);
  CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
  CU_ASSERT_PTR_NULL(ctx->cache_dir);
  CU_ASSERT_PTR_NOT_NULL(strstr(clconv_context_notes(ctx), "disk cache off"));
  CU_ASSERT_PTR_NOT_NULL(strstr(clconv_context_notes(ctx), dir));
  CU_ASSERT_PTR_NOT_NULL(strstr(clconv_context_notes(ctx), why));
  printf("\n    refused: %s", clconv_context_notes(ctx));
  CU_ASSERT(notebook_forward(ctx));
  CU_ASSERT_EQUAL(clconv_context_finish(ctx), CLCONV_STATUS_OK);
  CU_ASSERT_EQUAL(ctx->cache_writes, 0);
  clconv_context_release(ctx);
  CU_ASSERT_EQUAL(count_files(dir, ".clbin"), before);
}

/* A folder other users may write (a shared /tmp folder), or one that
 * belongs to another user, is never used: anyone could plant a program
 * there. A link to our own folder that another user owns is refused too. */
static void test_shared_folder_refused(void) {
  char dir[300], own[300], link[300];
  snprintf(dir, sizeof dir, "%s/shared-by-all", folder);
  CU_ASSERT_EQUAL_FATAL(mkdir(dir, 0700), 0);
  CU_ASSERT_EQUAL(chmod(dir, 01777), 0);
  expect_refused(dir, "other users may write it (mode 1777)");
  CU_ASSERT_EQUAL(chmod(dir, 0770), 0);
  expect_refused(dir, "other users may write it (mode 0770)");
  if (geteuid() != 0) {
    printf("\n    (not root: the folder of another user is not tried)");
    return;
  }
  snprintf(own, sizeof own, "%s/another-users", folder);
  CU_ASSERT_EQUAL_FATAL(mkdir(own, 0755), 0);
  CU_ASSERT_EQUAL(chown(own, OTHER_UID, OTHER_UID), 0);
  expect_refused(own, "it belongs to user 65534");
  snprintf(own, sizeof own, "%s/ours", folder);
  snprintf(link, sizeof link, "%s/their-link", folder);
  CU_ASSERT_EQUAL_FATAL(mkdir(own, 0700), 0);
  CU_ASSERT_EQUAL_FATAL(symlink(own, link), 0);
  CU_ASSERT_EQUAL(lchown(link, OTHER_UID, OTHER_UID), 0);
  expect_refused(link, "it is a link owned by user 65534");
}

/* An entry with the right key and checksum that another user wrote (or
 * could have: writable by others) is never loaded: it would run as our
 * code. It is rejected and rebuilt, and the next context hits our own. */
static void test_planted_entry_rejected(void) {
  char dir[300];
  clconv_context *ctx;
  snprintf(dir, sizeof dir, "%s/planted", folder);
  ctx = open_ctx(dir);
  CU_ASSERT(notebook_forward(ctx));
  clconv_context_release(ctx);
  for (int attack = 0; attack < 2; attack++) {
    if (attack == 1 && geteuid() != 0) {
      printf("\n    (not root: an entry of another user is not tried)");
      break;
    }
    entries_take(dir, attack == 0 ? -1 : OTHER_UID, 0666);
    ctx = open_ctx(dir);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
    CU_ASSERT(notebook_forward(ctx));
    CU_ASSERT_EQUAL(ctx->cache_hits, 0);
    CU_ASSERT(ctx->cache_rejected >= 1);
    clconv_context_release(ctx);
    ctx = open_ctx(dir);
    CU_ASSERT(notebook_forward(ctx));
    CU_ASSERT(ctx->cache_hits >= 1);
    CU_ASSERT_EQUAL(ctx->cache_rejected, 0);
    clconv_context_release(ctx);
  }
}

/* Links planted at the names the temporary files once had (ENTRY.PID.N.tmp,
 * guessable) and at the entries' own names, all pointing at a file of
 * ours: storing the entries again writes through none of them. */
static void test_links_not_followed(void) {
  char dir[300], victim[300], names[64][128], path[512];
  unsigned char bytes[64];
  clconv_context *ctx;
  FILE *f;
  int n;
  snprintf(dir, sizeof dir, "%s/links", folder);
  snprintf(victim, sizeof victim, "%s/victim.txt", folder);
  f = fopen(victim, "wb");
  CU_ASSERT_PTR_NOT_NULL_FATAL(f);
  fputs("precious", f);
  fclose(f);
  CU_ASSERT_EQUAL(chmod(victim, 0600), 0);
  ctx = open_ctx(dir);
  CU_ASSERT(notebook_forward(ctx));
  clconv_context_release(ctx);
  n = entry_names(dir, names, 64);
  CU_ASSERT(n >= 1);
  for (int i = 0; i < n; i++) {
    snprintf(path, sizeof path, "%.299s/%.127s", dir, names[i]);
    CU_ASSERT_EQUAL(remove(path), 0);
    CU_ASSERT_EQUAL(symlink(victim, path), 0);
    for (int k = 1; k <= 64; k++) {
      snprintf(path, sizeof path, "%.299s/%.127s.%lu.%d.tmp", dir, names[i],
               (unsigned long)getpid(), k);
      CU_ASSERT_EQUAL(symlink(victim, path), 0);
    }
  }
  ctx = open_ctx(dir);
  CU_ASSERT(notebook_forward(ctx));
  CU_ASSERT(ctx->cache_rejected >= 1);
  clconv_context_release(ctx);
  f = fopen(victim, "rb");
  CU_ASSERT_PTR_NOT_NULL_FATAL(f);
  CU_ASSERT_EQUAL(fread(bytes, 1, sizeof bytes, f), 8);
  fclose(f);
  CU_ASSERT_EQUAL(memcmp(bytes, "precious", 8), 0);
  ctx = open_ctx(dir); /* the entries are ours again: hits */
  CU_ASSERT(notebook_forward(ctx));
  CU_ASSERT(ctx->cache_hits >= 1);
  clconv_context_release(ctx);
}

int main(int argc, char **argv) {
  static const test_case tests[] = {
      {"store, then hit", test_store_then_hit},
      {"damaged entries are rebuilt", test_damaged_entries},
      {"unusable folder is bypassed", test_unusable_folder},
      {"CLCONV_CACHE=0", test_turned_off},
      {"options win over the environment", test_options_win},
      {"the folder stays within its size bound", test_size_bound},
      {"concurrent writers", test_concurrent_writers},
      {"folders 0700, entries 0600", test_private_modes},
      {"a folder others may write is refused", test_shared_folder_refused},
      {"an entry another user wrote is rejected", test_planted_entry_rejected},
      {"links planted at the names are not written through",
       test_links_not_followed},
  };
  /* Writer mode, for the concurrent-process test. */
  if (argc == 3 && strcmp(argv[1], "--writer") == 0) {
    int ok = 1;
    snprintf(folder, sizeof folder, "%s", argv[2]);
    writer_thread(&ok);
    return ok ? 0 : 1;
  }
  self_path = argv[0];
  return test_run_suite_in_folder(
      "cache", tests, sizeof tests / sizeof tests[0],
      "the reference backend has no programs", folder, sizeof folder);
}
