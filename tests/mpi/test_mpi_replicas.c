/* test_mpi_replicas.c: data-parallel training across MPI processes (run by
 * mpiexec with 2 and 3 processes): each process takes its rows of a batch of
 * 7 (so the shards are unequal and one process may hold few), trains one
 * replica with clconv_mpi_allreduce, and compares with one layer training
 * the whole batch in the same process: bit for bit after one step with
 * small integer data and the sum loss (every sum exact: forward 18 terms of
 * at most 3/8, dW 210 terms of at most 2 x 9, the update in 2^-12), within
 * 1e-5 after three steps with float data and the mean loss; every process
 * must end with the same weights. Exit 0 when every process agrees. */
#include "clconv_mpi.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { N = 7, CIN = 2, H = 6, W = 5, COUT = 3, K = 3, NP = COUT * CIN * K * K };
enum { XROW = CIN * H * W, YROW = COUT * H * W };

static int rank, size, failures;

static void check(int ok, const char *what) {
  if (!ok) {
    fprintf(stderr, "test_mpi_replicas: rank %d: %s\n", rank, what);
    failures++;
  }
}

static clconv_conv2d_params layer_params(void) {
  clconv_conv2d_params p = clconv_conv2d_params_default();
  p.in_channels = CIN;
  p.out_channels = COUT;
  p.kernel_h = p.kernel_w = K;
  p.pad_h = p.pad_w = 1;
  p.bias = 0;
  return p;
}

static void set_start(clconv_conv2d *l) {
  float w[NP];
  for (int i = 0; i < NP; i++)
    w[i] = (float)((i * 5) % 7 - 3) / 8.0f;
  check(clconv_conv2d_set(l, CLCONV_CONV2D_WEIGHT, w, NP) == 0, "set");
}

/* Deterministic data: integers or floats from a simple generator. */
static float value(unsigned i, int integers, int range) {
  unsigned z = i * 2654435761u + 12345u;
  z ^= z >> 13;
  z *= 0x5bd1e995u;
  z ^= z >> 15;
  return integers ? (float)((int)(z % (unsigned)(2 * range + 1)) - range)
                  : (float)(z % 20001u) / 10000.0f - 1.0f;
}

static void run(clconv_context *ctx, int integers) {
  const int steps = integers ? 1 : 3;
  const clconv_reduction reduction =
      integers ? CLCONV_REDUCTION_SUM : CLCONV_REDUCTION_MEAN;
  const int64_t x_all[4] = {N, CIN, H, W}, y_all[4] = {N, COUT, H, W};
  const int64_t rows = N / size + (rank < N % size ? 1 : 0);
  const int64_t first = rank * (N / size) + (rank < N % size ? rank : N % size);
  const int64_t x_mine[4] = {rows, CIN, H, W}, y_mine[4] = {rows, COUT, H, W};
  float x[N * XROW], t[N * YROW], want[NP], got[NP], other[NP];
  clconv_conv2d_params p = layer_params();
  clconv_sgd_params sgd = clconv_sgd_params_default();
  clconv_replicas_params rp = clconv_replicas_params_default();
  clconv_conv2d *one = NULL;
  clconv_replicas *r = NULL;
  clconv_tensor *tx = NULL, *tt = NULL;
  double loss = 0, loss_one = 0;
  for (unsigned i = 0; i < N * XROW; i++)
    x[i] = value(i, integers, 1);
  for (unsigned i = 0; i < N * YROW; i++)
    t[i] = value(i + 100000u, integers, 2);
  sgd.lr = integers ? 1.0f / 1024.0f : 0.05f;
  sgd.momentum = integers ? 0.0f : 0.9f;

  /* The whole batch on one layer, in this process. */
  check(clconv_tensor_create(ctx, 4, x_all, &tx) == 0 &&
            clconv_tensor_write(tx, x, N * XROW) == 0 &&
            clconv_tensor_create(ctx, 4, y_all, &tt) == 0 &&
            clconv_tensor_write(tt, t, N * YROW) == 0 &&
            clconv_conv2d_create(ctx, &p, &one) == 0,
        "making the single layer");
  if (one == NULL)
    return;
  set_start(one);
  for (int s = 0; s < steps; s++)
    check(clconv_conv2d_train_step(one, tx, tt, reduction, &sgd, NULL, NULL,
                                   &loss_one) == 0,
          "the single layer's step");
  check(clconv_conv2d_get(one, CLCONV_CONV2D_WEIGHT, want, NP) == 0, "get");

  /* This process's rows, one replica, the sums over every process. */
  rp.allreduce = clconv_mpi_allreduce;
  check(clconv_replicas_create(&ctx, 1, &p, &rp, &r, NULL, 0) == 0,
        "making the replica");
  if (r != NULL) {
    set_start(clconv_replicas_layer(r, 0));
    for (int s = 0; s < steps; s++)
      check(clconv_replicas_train_step(r, x + first * XROW, x_mine,
                                       t + first * YROW, y_mine, reduction,
                                       &sgd, &loss) == 0,
            clconv_replicas_message(r));
    check(clconv_conv2d_get(clconv_replicas_layer(r, 0), CLCONV_CONV2D_WEIGHT,
                            got, NP) == 0,
          "get");
    for (int i = 0; i < NP; i++) {
      const double d = fabs((double)got[i] - want[i]);
      if (integers ? d != 0.0 : d > 1e-5 * (1.0 + fabs((double)want[i]))) {
        fprintf(stderr, "rank %d: weight %d is %.9g, one layer %.9g\n", rank, i,
                (double)got[i], (double)want[i]);
        check(0, integers ? "not bit for bit" : "beyond 1e-5");
        break;
      }
    }
    /* The loss of the whole batch: exactly with integers; the float sums
     * of squares round in another grouping otherwise. */
    check(integers ? loss == loss_one
                   : fabs(loss - loss_one) <= 1e-6 * (1.0 + fabs(loss_one)),
          "the loss is not the whole batch's");
    /* Every process holds the same weights as rank 0. */
    memcpy(other, got, sizeof other);
    MPI_Bcast(other, NP, MPI_FLOAT, 0, MPI_COMM_WORLD);
    check(memcmp(other, got, sizeof got) == 0, "weights differ from rank 0's");
  }
  clconv_replicas_release(r);
  clconv_conv2d_release(one);
  clconv_tensor_release(tt);
  clconv_tensor_release(tx);
}

int main(int argc, char **argv) {
  clconv_context *ctx = NULL;
  char message[1024];
  int all_ok;
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  if (clconv_context_create(NULL, &ctx, message, sizeof message) != 0) {
    fprintf(stderr, "rank %d: %s\n", rank, message);
    failures++;
  }
  /* Every process has a device, or all stop. */
  if (clconv_mpi_all_ok(MPI_COMM_WORLD, failures == 0)) {
    run(ctx, 1);
    run(ctx, 0);
  }
  all_ok = clconv_mpi_all_ok(MPI_COMM_WORLD, failures == 0);
  if (rank == 0)
    printf("test_mpi_replicas: %d processes: %s\n", size,
           all_ok ? "every process agrees with one layer" : "FAILED");
  clconv_context_release(ctx);
  MPI_Finalize();
  return all_ok ? 0 : 1;
}
