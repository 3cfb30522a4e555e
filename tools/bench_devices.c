/* bench_devices.c: `clconv bench --devices`: the training step of a shape
 * on one device and on several at once (data-parallel replicas, the batch
 * split between them), the speedup and the scaling efficiency. */
#include "bench_devices.h"

#include "cli.h"
#include "cli_mpi.h"
#include "clock.h"

#include <stdlib.h>
#include <string.h>

static int by_value(const void *a, const void *b) {
  const double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* The median milliseconds of @p repeat steps of replicas on the first
 * @p count contexts of @p d, after one untimed step; with @p across, summed
 * over every MPI process too. @return 0 or -1. */
static int time_replicas(const cli_devices *d, int count, int across,
                         const bench_shape *s, const float *x,
                         const int64_t x_dims[4], const float *t,
                         const int64_t t_dims[4], int repeat,
                         double *median_ms) {
  clconv_replicas_params rp = clconv_replicas_params_default();
  clconv_conv2d_params p = clconv_conv2d_params_default();
  clconv_sgd_params sgd = clconv_sgd_params_default();
  clconv_replicas *r = NULL;
  double *times = calloc((size_t)repeat, sizeof *times);
  char message[1024];
  int result = -1;
  p.in_channels = s->cin;
  p.out_channels = s->cout;
  p.kernel_h = s->kh;
  p.kernel_w = s->kw;
  p.pad_h = p.pad_w = s->pad;
  p.stride_h = p.stride_w = s->stride;
  sgd.lr = 1e-6f;
  rp.allreduce = across ? cli_mpi_allreduce() : NULL;
  if (times == NULL ||
      clconv_replicas_create(d->ctx, count, &p, &rp, &r, message,
                             sizeof message) != CLCONV_STATUS_OK) {
    fprintf(stderr, "clconv bench: %s\n",
            times == NULL ? "out of memory" : message);
    goto done;
  }
  for (int i = -1; i < repeat; i++) {
    const double start = clock_seconds();
    if (clconv_replicas_train_step(r, x, x_dims, t, t_dims,
                                   CLCONV_REDUCTION_MEAN, &sgd, NULL) != 0) {
      fprintf(stderr, "clconv bench: %s\n", clconv_replicas_message(r));
      goto done;
    }
    if (i >= 0)
      times[i] = (clock_seconds() - start) * 1e3;
  }
  qsort(times, (size_t)repeat, sizeof *times, by_value);
  *median_ms = times[repeat / 2];
  result = 0;
done:
  clconv_replicas_release(r);
  free(times);
  return result;
}

int bench_devices(const cli_devices *d, const bench_shape *s, int repeat,
                  FILE *json, int *first_record) {
  const int64_t hout = (s->h + 2 * s->pad - s->kh) / s->stride + 1;
  const int64_t wout = (s->w + 2 * s->pad - s->kw) / s->stride + 1;
  const int64_t x_dims[4] = {s->n, s->cin, s->h, s->w};
  const int64_t t_dims[4] = {s->n, s->cout, hout, wout};
  const size_t x_row = (size_t)(s->cin * s->h * s->w);
  const size_t t_row = (size_t)(s->cout * hout * wout);
  const int ranks = cli_mpi_size(), total = d->count * cli_mpi_size();
  int64_t first, rows, xd[4], td[4];
  float *x = bench_random_floats((size_t)s->n * x_row, 1);
  float *t = bench_random_floats((size_t)s->n * t_row, 5);
  double one = 0.0, all = 0.0;
  int ok = 1, result = -1;
  if (x == NULL || t == NULL) {
    fprintf(stderr, "clconv bench: out of memory\n");
    ok = 0;
  }
  /* One device alone (rank 0's first, the others waiting), then every
   * device of every process, each process on its rows of the batch. */
  if (ok && cli_mpi_rank() == 0)
    ok = time_replicas(d, 1, 0, s, x, x_dims, t, t_dims, repeat, &one) == 0;
  cli_mpi_quiet_barrier(); /* the others asleep meanwhile */
  if (!cli_mpi_all_ok(ok))
    goto done;
  cli_mpi_part_rows(s->n, &first, &rows);
  memcpy(xd, x_dims, sizeof xd);
  memcpy(td, t_dims, sizeof td);
  xd[0] = td[0] = rows;
  ok = time_replicas(d, d->count, ranks > 1, s, x + (size_t)first * x_row, xd,
                     t + (size_t)first * t_row, td, repeat, &all) == 0;
  if (!cli_mpi_all_ok(ok))
    goto done;
  result = 0;
  if (cli_mpi_rank() > 0)
    goto done;
  printf("%-3s step, batch %lld: 1 device %9.3f ms, %d devices%s %9.3f ms: "
         "speedup %.2fx, scaling efficiency %.0f%%\n",
         s->name, (long long)s->n, one, total,
         ranks > 1 ? " in all processes" : "", all, one / all,
         100.0 * one / (all * total));
  if (json != NULL) {
    fprintf(json,
            "%s  {\"shape\": \"%s\", \"op\": \"step\", \"devices\": %d, "
            "\"batch\": %lld, \"one_device_ms\": %.6g, \"median_ms\": %.6g, "
            "\"speedup\": %.4g, \"efficiency\": %.4g, \"repeat\": %d, "
            "\"version\": \"%s\"}",
            (*first_record)++ == 0 ? "" : ",\n", s->name, total,
            (long long)s->n, one, all, one / all, one / (all * total), repeat,
            clconv_version_string());
  }
done:
  free(t);
  free(x);
  return result;
}
