/* clconv_mpi.h: clconv's data-parallel training across processes through
 * MPI: an all-reduce for clconv_replicas_params.allreduce, and an agreement
 * that every process is ready. In the optional clconv_mpi library (built
 * when CMake finds MPI; CLCONV_WITH_MPI); the core library knows no MPI. */
#ifndef CLCONV_MPI_H
#define CLCONV_MPI_H

#include <clconv.h>
#include <mpi.h>

#ifdef __cplusplus
extern "C" {
#endif

/** A clconv_allreduce_fn: sums @p count doubles of @p data in place over
 * every process of the communicator @p comm points to (an MPI_Comm *; NULL
 * is MPI_COMM_WORLD) with MPI_Allreduce (MPI_SUM, in pieces of at most
 * INT_MAX). Its order of summation is MPI's, the same in every process and,
 * for one MPI library, process count and placement, from run to run.
 * @return OK, or OPENCL_ERROR (the closest status) when MPI fails. */
clconv_status clconv_mpi_allreduce(void *comm, double *data, size_t count);

/** @return 1 when @p ok is nonzero in every process of @p comm, else 0; in
 * every process the same answer. Each process must call it, so that one
 * that failed (bad input, no device) stops them all instead of leaving the
 * others waiting. */
int clconv_mpi_all_ok(MPI_Comm comm, int ok);

/** Checks that every process of @p comm holds the same @p count items
 * (texts NAME=VALUE such as "--epochs=10" or "input channels=3":
 * everything that must match for the processes to train one model
 * together). Each process must call it. @return 1 when they agree; else 0
 * in every process, with the first item that differs in @p message (the
 * same text in every process), for example "the processes differ in
 * --epochs: rank 0 has 10, rank 1 has 3" (the first rank that differs from
 * rank 0 is named). Items
 * (at most 256) are compared by a 64-bit hash of each; only the first that
 * differs travels as text (at most 127 bytes). */
int clconv_mpi_agree(MPI_Comm comm, const char *const *items, int count,
                     char *message, size_t message_size);

#ifdef __cplusplus
}
#endif

#endif
