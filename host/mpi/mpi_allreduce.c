/* mpi_allreduce.c: the clconv_mpi library: clconv's all-reduce and the
 * processes' agreement over MPI. Not part of the core library. */
#include "clconv_mpi.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

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

/* FNV-1a, 64 bits, of a text. */
static uint64_t text_hash(const char *text) {
  uint64_t h = 0xCBF29CE484222325ull;
  for (const unsigned char *c = (const unsigned char *)text; *c != '\0'; c++)
    h = (h ^ *c) * 0x100000001B3ull;
  return h;
}

#define AGREE_TEXT 128 /* bytes of an item's text in the message */
#define AGREE_MAX 256  /* items one call compares */

/* Writes rank 0's text of the differing item, the first rank whose text
 * differs and its text, and how many ranks differ, into @p message: fixed
 * sizes only, so that every process takes part in every step. */
static void describe_difference(MPI_Comm comm, const char *item, char *message,
                                size_t message_size) {
  char root[AGREE_TEXT], other[AGREE_TEXT];
  int rank = 0, differs, counts[2];
  const char *equals;
  MPI_Comm_rank(comm, &rank);
  snprintf(root, sizeof root, "%s", item);
  MPI_Bcast(root, AGREE_TEXT, MPI_CHAR, 0, comm);
  root[AGREE_TEXT - 1] = '\0';
  differs = strncmp(root, item, AGREE_TEXT - 1) != 0;
  counts[0] = differs ? rank : INT_MAX; /* the first rank that differs */
  counts[1] = differs;                  /* how many do */
  MPI_Allreduce(MPI_IN_PLACE, &counts[0], 1, MPI_INT, MPI_MIN, comm);
  MPI_Allreduce(MPI_IN_PLACE, &counts[1], 1, MPI_INT, MPI_SUM, comm);
  if (counts[0] == INT_MAX) { /* the same texts, beyond their first bytes */
    snprintf(message, message_size, "the processes differ in '%.*s...'",
             AGREE_TEXT - 1, root);
    return;
  }
  snprintf(other, sizeof other, "%s", item);
  MPI_Bcast(other, AGREE_TEXT, MPI_CHAR, counts[0], comm);
  other[AGREE_TEXT - 1] = '\0';
  /* NAME=VALUE: the name once, then each value. */
  equals = strchr(root, '=');
  if (equals != NULL && strncmp(root, other, (size_t)(equals - root) + 1) == 0)
    snprintf(message, message_size,
             "the processes differ in %.*s: rank 0 has %s, rank %d has %s%s",
             (int)(equals - root), root, equals + 1, counts[0],
             other + (equals - root) + 1,
             counts[1] > 1 ? " (other ranks differ too)" : "");
  else
    snprintf(message, message_size,
             "the processes differ: rank 0 has '%s', rank %d has '%s'%s", root,
             counts[0], other,
             counts[1] > 1 ? " (other ranks differ too)" : "");
}

int clconv_mpi_agree(MPI_Comm comm, const char *const *items, int count,
                     char *message, size_t message_size) {
  int counts[2] = {count, -count}, first = -1;
  uint64_t hashes[2 * AGREE_MAX];
  if (message_size > 0)
    message[0] = '\0';
  /* The same number of items everywhere, else no item-wise comparison. */
  if (MPI_Allreduce(MPI_IN_PLACE, counts, 2, MPI_INT, MPI_MIN, comm) !=
      MPI_SUCCESS) {
    snprintf(message, message_size, "MPI_Allreduce failed");
    return 0;
  }
  if (counts[0] != -counts[1] || count < 0 || count > AGREE_MAX) {
    snprintf(message, message_size,
             "the processes differ in what they check (%d to %d items, at "
             "most %d): are they the same clconv?",
             counts[0], -counts[1], AGREE_MAX);
    return 0;
  }
  /* min(h) and min(~h) = ~max(h) of every item in one reduction. */
  for (int i = 0; i < count; i++) {
    hashes[2 * i] = text_hash(items[i]);
    hashes[2 * i + 1] = ~hashes[2 * i];
  }
  if (count > 0 && MPI_Allreduce(MPI_IN_PLACE, hashes, 2 * count, MPI_UINT64_T,
                                 MPI_MIN, comm) != MPI_SUCCESS) {
    snprintf(message, message_size, "MPI_Allreduce failed");
    return 0;
  }
  for (int i = 0; i < count && first < 0; i++)
    if (hashes[2 * i] != ~hashes[2 * i + 1])
      first = i;
  if (first < 0)
    return 1;
  describe_difference(comm, items[first], message, message_size);
  return 0;
}
