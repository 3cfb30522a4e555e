/* bench_cold.c: `clconv bench --cold` (see bench_cold.h). */
#if !defined(_WIN32) && !defined(_XOPEN_SOURCE)
#define _XOPEN_SOURCE 700 /* mkdtemp, nftw, setenv */
#endif
#include "bench_cold.h"

#include "cli.h"
#include "clock.h"
#include "shapes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef _WIN32
#include <direct.h>
#include <process.h>
#else
#include <dirent.h>
#include <ftw.h>
#include <unistd.h>
#endif

enum { PASSES = 3 };
static const char *const pass_names[PASSES] = {"fwd", "dx", "dw"};

/* Makes a new folder for the caches into @p out. @return 0 or -1. */
static int make_folder(char *out, size_t size) {
#ifdef _WIN32
  const char *tmp = getenv("TEMP") != NULL ? getenv("TEMP") : ".";
  snprintf(out, size, "%s\\clconv-cold-%d-%ld", tmp, _getpid(),
           (long)(clock_seconds() * 1000.0));
  return _mkdir(out) == 0 ? 0 : -1;
#else
  snprintf(out, size, "%s/clconv-cold-XXXXXX",
           getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
  return mkdtemp(out) != NULL ? 0 : -1;
#endif
}

#ifndef _WIN32
static int remove_one(const char *path, const struct stat *st, int flag,
                      struct FTW *ftw) {
  (void)st;
  (void)flag;
  (void)ftw;
  return remove(path);
}
#endif

/* Removes @p folder and what is in it (POSIX; on Windows it stays). */
static void remove_folder(const char *folder) {
#ifdef _WIN32
  printf("(the caches stay in %s)\n", folder);
#else
  (void)nftw(folder, remove_one, 16, FTW_DEPTH | FTW_PHYS);
#endif
}

/* The files of @p folder ending in ".clbin": programs stored. */
static int count_programs(const char *folder) {
  int count = 0;
#ifndef _WIN32
  DIR *d = opendir(folder);
  struct dirent *e;
  while (d != NULL && (e = readdir(d)) != NULL) {
    const size_t len = strlen(e->d_name);
    count += len > 6 && strcmp(e->d_name + len - 6, ".clbin") == 0;
  }
  if (d != NULL)
    closedir(d);
#else
  (void)folder;
#endif
  return count;
}

/* The tensors of one layer. */
typedef struct layer_run {
  clconv_corr2d_params p;
  clconv_tensor *x, *w, *y, *dx, *dw;
} layer_run;

static void layer_close(layer_run *r) {
  clconv_tensor_release(r->dw);
  clconv_tensor_release(r->dx);
  clconv_tensor_release(r->y);
  clconv_tensor_release(r->w);
  clconv_tensor_release(r->x);
}

static int layer_open(clconv_context *ctx, const network_layer *l,
                      layer_run *r) {
  int64_t xd[4], wd[4], yd[4];
  float *xv, *wv;
  int failed;
  memset(r, 0, sizeof *r);
  network_layer_shapes(l, xd, wd, &r->p);
  xv = bench_random_floats((size_t)(xd[0] * xd[1] * xd[2] * xd[3]), 1);
  wv = bench_random_floats((size_t)(wd[0] * wd[1] * wd[2] * wd[3]), 2);
  failed = xv == NULL || wv == NULL;
  failed = failed || cli_tensor(ctx, 4, xd, xv, &r->x) != 0 ||
           cli_tensor(ctx, 4, wd, wv, &r->w) != 0 ||
           clconv_corr2d_output_dims(ctx, &r->p, r->x, r->w, yd) != 0 ||
           cli_tensor(ctx, 4, yd, NULL, &r->y) != 0 ||
           cli_tensor(ctx, 4, xd, NULL, &r->dx) != 0 ||
           cli_tensor(ctx, 4, wd, NULL, &r->dw) != 0;
  free(wv);
  free(xv);
  if (failed)
    layer_close(r);
  return failed ? -1 : 0;
}

/* Runs pass @p pass of @p r and waits for it. @return its seconds, or -1. */
static double run_pass(clconv_context *ctx, layer_run *r, int pass) {
  const double start = clock_seconds();
  clconv_status s;
  if (pass == 0)
    s = clconv_corr2d_forward(ctx, &r->p, r->x, r->w, NULL, r->y);
  else if (pass == 1)
    s = clconv_corr2d_backward_data(ctx, &r->p, r->y, r->w, r->dx);
  else
    s = clconv_corr2d_backward_weight(ctx, &r->p, r->x, r->y, r->dw, 0);
  if (s == CLCONV_STATUS_OK)
    s = clconv_context_finish(ctx);
  if (s != CLCONV_STATUS_OK) {
    cli_report(ctx, s, pass_names[pass]);
    return -1.0;
  }
  return clock_seconds() - start;
}

static void print_layer(const network_layer *l) {
  char text[64];
  snprintf(text, sizeof text, "%lldx%lldx%lld -> %lld %lldx%lld/%lld",
           (long long)l->cin, (long long)l->h, (long long)l->w,
           (long long)l->cout, (long long)l->kh, (long long)l->kw,
           (long long)l->stride);
  printf("%-28s %3d", text, l->count);
}

int bench_cold(const char *device, const network *net, int keep_pocl_cache) {
  char folder[512], cache[600], pocl[600];
  clconv_context_options options = cli_context_options(device);
  clconv_context *ctx = NULL;
  clconv_device_info info;
  char message[2048];
  double start, first_all = 0.0, special = 0.0, warm_total = 0.0;
  double first_sum[PASSES] = {0};
  int failures = 0, stored;
  if (make_folder(folder, sizeof folder) != 0) {
    fprintf(stderr, "clconv bench: cannot make a folder for the caches\n");
    return CLI_EXIT_FAILURE;
  }
  snprintf(cache, sizeof cache, "%s/clconv", folder);
  snprintf(pocl, sizeof pocl, "%s/pocl", folder);
  /* PoCL reads its cache folder when OpenCL starts: before any context. */
  if (!keep_pocl_cache && getenv("POCL_CACHE_DIR") == NULL) {
#ifdef _WIN32
    _putenv_s("POCL_CACHE_DIR", pocl);
#else
    setenv("POCL_CACHE_DIR", pocl, 1);
#endif
  }
  options.cache = 1;
  options.cache_dir = cache;
  options.build = getenv("CLCONV_BUILD") != NULL ? CLCONV_FROM_ENVIRONMENT
                                                 : CLCONV_BUILD_ASYNC;
  options.on_build = NULL; /* this command reports the times itself */
  start = clock_seconds();
  if (clconv_context_create(&options, &ctx, message, sizeof message) !=
      CLCONV_STATUS_OK) {
    fprintf(stderr, "clconv bench: cannot open a device: %s\n", message);
    remove_folder(folder);
    return CLI_EXIT_FAILURE;
  }
  clconv_context_device(ctx, &info);
  printf("clconv bench --cold: %s's %d distinct convolution layers, batch 1, "
         "on %s\nempty caches: clconv's in %s%s; async builds (times in ms)\n",
         net->name, net->layer_count, info.device_name, cache,
         getenv("POCL_CACHE_DIR") != NULL &&
                 strcmp(getenv("POCL_CACHE_DIR"), pocl) == 0
             ? ", PoCL's beside it"
             : "");
  printf("%-28s %3s %9s %9s %9s %8s\n", "layer (Cin x H x W -> Cout K/S)", "x",
         "first fwd", "first dx", "first dw", "pending");
  for (int i = 0; i < net->layer_count && failures == 0; i++) {
    layer_run r;
    double t[PASSES];
    if (layer_open(ctx, &net->layers[i], &r) != 0) {
      failures++;
      break;
    }
    for (int pass = 0; pass < PASSES; pass++) {
      t[pass] = run_pass(ctx, &r, pass);
      failures += t[pass] < 0.0;
      first_sum[pass] += t[pass];
    }
    print_layer(&net->layers[i]);
    printf(" %9.1f %9.1f %9.1f %8d\n", 1e3 * t[0], 1e3 * t[1], 1e3 * t[2],
           clconv_context_builds_pending(ctx));
    fflush(stdout);
    layer_close(&r);
  }
  first_all = clock_seconds() - start;
  if (failures == 0) {
    clconv_context_wait_builds(ctx);
    special = clock_seconds() - start;
    /* Warm: each layer twice more (the first also launches each
     * specialized kernel for the first time), the second timed, weighted by
     * how often the layer occurs. */
    for (int i = 0; i < 2 * net->layer_count && failures == 0; i++) {
      const int layer = i % net->layer_count, timed = i >= net->layer_count;
      layer_run r;
      if (layer_open(ctx, &net->layers[layer], &r) != 0) {
        failures++;
        break;
      }
      for (int pass = 0; pass < PASSES; pass++) {
        const double s = run_pass(ctx, &r, pass);
        failures += s < 0.0;
        if (timed)
          warm_total += s * net->layers[layer].count;
      }
      layer_close(&r);
    }
  }
  if (clconv_context_notes(ctx)[0] != '\0')
    printf("notes:\n%s", clconv_context_notes(ctx));
  clconv_context_release(ctx);
  stored = count_programs(cache);
  if (failures == 0) {
    printf("to every first result: %.1f s (forward %.1f s, input gradient "
           "%.1f s, weight gradient %.1f s)\n",
           first_all, first_sum[0], first_sum[1], first_sum[2]);
    printf("until every specialized program was in: %.1f s; %d programs "
           "stored\n",
           special, stored);
    printf("warm, specialized: %.2f s for the network's layers (forward and "
           "both gradients, each layer times its count)\n",
           warm_total);
  }
  remove_folder(folder);
  return failures == 0 ? CLI_EXIT_OK : CLI_EXIT_FAILURE;
}
