/* bench_cold.h: `clconv bench --cold`: first contact, measured: a network's
 * distinct layers on a device with empty kernel caches. */
#ifndef CLCONV_TOOL_BENCH_COLD_H
#define CLCONV_TOOL_BENCH_COLD_H

#include "networks.h"

/* Runs every layer of @p net (forward, input and weight gradients) on
 * @p device (NULL: the default) in async mode with empty caches (clconv's
 * in a new folder, and PoCL's too unless @p keep_pocl_cache or
 * POCL_CACHE_DIR is set), printing per layer the time to the first result
 * of each pass, then the time until every specialized program was in, the
 * programs stored and the warm times. @return the process exit status. */
int bench_cold(const char *device, const network *net, int keep_pocl_cache);

#endif
