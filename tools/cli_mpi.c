/* cli_mpi.c: the tool's processes under mpirun (see cli_mpi.h). */
#if !defined(_WIN32) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L /* nanosleep */
#endif
#include "cli_mpi.h"

#include <stdlib.h>

void cli_mpi_part_rows(int64_t n, int64_t *first, int64_t *rows) {
  const int rank = cli_mpi_rank(), size = cli_mpi_size();
  *rows = n / size + (rank < n % size ? 1 : 0);
  *first = (int64_t)rank * (n / size) + (rank < n % size ? rank : n % size);
}

#ifdef CLCONV_TOOL_MPI
#include "clconv_mpi.h"
#include "cli.h"

#include <stdio.h>
#include <time.h>

static int started, rank, size = 1;

void cli_mpi_begin(int *argc, char ***argv) {
  if (getenv("OMPI_COMM_WORLD_SIZE") == NULL && getenv("PMI_SIZE") == NULL &&
      getenv("PMIX_RANK") == NULL)
    return;
  if (MPI_Init(argc, argv) != MPI_SUCCESS)
    return;
  started = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
}

void cli_mpi_end(void) {
  if (started)
    MPI_Finalize();
  started = 0;
}

int cli_mpi_rank(void) { return rank; }

int cli_mpi_size(void) { return size; }

int cli_mpi_all_ok(int ok) {
  return started ? clconv_mpi_all_ok(MPI_COMM_WORLD, ok) : ok != 0;
}

int cli_mpi_agree(const char *const *items, int count) {
  char message[1024];
  if (!started || size < 2)
    return 1;
  if (clconv_mpi_agree(MPI_COMM_WORLD, items, count, message, sizeof message))
    return 1;
  if (rank == 0)
    fprintf(stderr, "clconv %s: %s; every process stops\n", cli_command(),
            message);
  return 0;
}

void cli_mpi_quiet_barrier(void) {
  MPI_Request request;
  int done = 0;
  const struct timespec pause = {0, 1000000}; /* 1 ms */
  if (!started || MPI_Ibarrier(MPI_COMM_WORLD, &request) != MPI_SUCCESS)
    return;
  while (MPI_Test(&request, &done, MPI_STATUS_IGNORE) == MPI_SUCCESS && !done)
    nanosleep(&pause, NULL);
}

clconv_allreduce_fn cli_mpi_allreduce(void) {
  return started && size > 1 ? clconv_mpi_allreduce : NULL;
}

#else

void cli_mpi_begin(int *argc, char ***argv) { (void)argc, (void)argv; }

void cli_mpi_end(void) {}

int cli_mpi_rank(void) { return 0; }

int cli_mpi_size(void) { return 1; }

int cli_mpi_all_ok(int ok) { return ok != 0; }

int cli_mpi_agree(const char *const *items, int count) {
  (void)items, (void)count;
  return 1;
}

void cli_mpi_quiet_barrier(void) {}

clconv_allreduce_fn cli_mpi_allreduce(void) { return NULL; }

#endif
