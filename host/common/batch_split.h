/* batch_split.h: how a batch of rows is split across replicas: evenly, or
 * in proportion to weights by largest remainders. Pure arithmetic. */
#ifndef CLCONV_BATCH_SPLIT_H
#define CLCONV_BATCH_SPLIT_H

#include <stdint.h>

/* Splits @p n rows across @p parts (>= 1): with @p shares NULL, n / parts
 * each and one more to the first n % parts; else in proportion to the
 * non-negative shares (their sum > 0): floor(n * share / sum) each, the
 * rows left over one each to the largest remainders, ties to the lower
 * index. Writes each part's first row and row count. */
void clconv__batch_split(int64_t n, int parts, const double *shares,
                         int64_t *first, int64_t *rows);

#endif
