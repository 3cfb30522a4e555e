/* mpi_allreduce.c: the clconv_mpi library: clconv's all-reduce and the
 * processes' agreement over MPI. Not part of the core library. */
#include "clconv_mpi.h"

#include <limits.h>

clconv_status clconv_mpi_allreduce(void *comm, double *data, size_t count) {
  const MPI_Comm c = comm != NULL ? *(MPI_Comm *)comm : MPI_COMM_WORLD;
  while (count > 0) {
    const int n = count > (size_t)INT_MAX ? INT_MAX : (int)count;
    if (MPI_Allreduce(MPI_IN_PLACE, data, n, MPI_DOUBLE, MPI_SUM, c) !=
        MPI_SUCCESS)
      return CLCONV_STATUS_OPENCL_ERROR;
    data += n;
    count -= (size_t)n;
  }
  return CLCONV_STATUS_OK;
}

int clconv_mpi_all_ok(MPI_Comm comm, int ok) {
  int mine = ok != 0, all = 0;
  if (MPI_Allreduce(&mine, &all, 1, MPI_INT, MPI_MIN, comm) != MPI_SUCCESS)
    return 0;
  return all;
}
