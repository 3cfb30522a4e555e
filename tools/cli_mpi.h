/* cli_mpi.h: the tool under mpirun: whether it was launched by MPI, this
 * process's rank and the process count, an agreement among them, and the
 * all-reduce for data-parallel training. Built with MPI where clconv_mpi
 * is (CLCONV_TOOL_MPI); elsewhere one process of rank 0 and no all-reduce. */
#ifndef CLCONV_CLI_MPI_H
#define CLCONV_CLI_MPI_H

#include "clconv.h"

/* Starts MPI when the tool was launched by an MPI launcher (Open MPI's
 * OMPI_COMM_WORLD_SIZE, or PMI_SIZE / PMIX_RANK in the environment). */
void cli_mpi_begin(int *argc, char ***argv);

/* Ends MPI if it was started. */
void cli_mpi_end(void);

/* This process's rank and the process count (0 and 1 without MPI). */
int cli_mpi_rank(void);
int cli_mpi_size(void);

/* This process's rows [*first, *first + *rows) of a batch of @p n: n / size
 * each and one more to the first n % size (as the library splits a batch
 * between replicas). */
void cli_mpi_part_rows(int64_t n, int64_t *first, int64_t *rows);

/* @return 1 when @p ok is nonzero in every process (each must call it). */
int cli_mpi_all_ok(int ok);

/* Checks that every process holds the same @p count @p items (each must
 * call it; clconv_mpi_agree). When they differ, rank 0 prints "clconv
 * COMMAND: " and the first difference, naming the ranks, and every process
 * gets 0, so that all stop together. @return 1 when they agree (always
 * with one process). */
int cli_mpi_agree(const char *const *items, int count);

/* Waits until every process calls it, sleeping instead of polling (so that
 * a process timing alone has the cores to itself). */
void cli_mpi_quiet_barrier(void);

/* The all-reduce over every process, or NULL with one process. */
clconv_allreduce_fn cli_mpi_allreduce(void);

#endif
