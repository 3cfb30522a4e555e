/* batch_split.c: a batch's rows split across replicas. */
#include "common/batch_split.h"

#include <stddef.h>

void clconv__batch_split(int64_t n, int parts, const double *shares,
                         int64_t *first, int64_t *rows) {
  int64_t given = 0;
  if (shares == NULL) {
    for (int i = 0; i < parts; i++)
      rows[i] = n / parts + (i < n % parts ? 1 : 0);
  } else {
    double total = 0.0;
    for (int i = 0; i < parts; i++)
      total += shares[i];
    for (int i = 0; i < parts; i++) {
      rows[i] = (int64_t)((double)n * shares[i] / total);
      given += rows[i];
    }
    /* The rows left: one each to the largest remainders. */
    while (given < n) {
      int best = 0;
      double best_rest = -1.0;
      for (int i = 0; i < parts; i++) {
        const double rest = (double)n * shares[i] / total - (double)rows[i];
        if (rest > best_rest) {
          best = i;
          best_rest = rest;
        }
      }
      rows[best]++;
      given++;
    }
  }
  given = 0;
  for (int i = 0; i < parts; i++) {
    first[i] = given;
    given += rows[i];
  }
}
