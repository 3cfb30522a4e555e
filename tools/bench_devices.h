/* bench_devices.h: `clconv bench --devices`: the training step on one
 * device and on several at once, its speedup and scaling efficiency. */
#ifndef CLCONV_BENCH_DEVICES_H
#define CLCONV_BENCH_DEVICES_H

#include "cli.h"
#include "shapes.h"

#include <stdio.h>

/* Times @p repeat steps of shape @p s (after one untimed) with replicas on
 * the first context of @p d, then on all of them; prints one line and, with
 * @p json, one JSON record. @return 0, or -1 after printing why. */
int bench_devices(const cli_devices *d, const bench_shape *s, int repeat,
                  FILE *json, int *first_record);

#endif
