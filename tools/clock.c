/* clock.c: the tool's monotonic clock: QueryPerformanceCounter on Windows,
 * CLOCK_MONOTONIC elsewhere. The tool's one platform-specific file. */
#if !defined(_WIN32) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif
#include "clock.h"

#ifdef _WIN32
#include <windows.h>
#else
#include <time.h>
#endif

double clock_seconds(void) {
#ifdef _WIN32
  LARGE_INTEGER frequency, now;
  QueryPerformanceFrequency(&frequency);
  QueryPerformanceCounter(&now);
  return (double)now.QuadPart / (double)frequency.QuadPart;
#else
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
#endif
}
