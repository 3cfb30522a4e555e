/* tool_support.c: running the clconv tool from the test suites. */
#include "tool_support.h"

#include "npy.h"

#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

int tool(const char *args) {
  char command[4096];
  int status;
  snprintf(command, sizeof command, "%s %s >tool_stdout.txt 2>tool_stderr.txt",
           CLCONV_TOOL_PATH, args);
  status = system(command);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Whether the file @p path, where the tool's @p stream went, contains
 * @p needle; says what it holds when not. */
static int output_has(const char *path, const char *stream,
                      const char *needle) {
  char text[16384] = "";
  FILE *f = fopen(path, "r");
  if (f == NULL)
    return 0;
  text[fread(text, 1, sizeof text - 1, f)] = '\0';
  fclose(f);
  if (strstr(text, needle) == NULL) {
    fprintf(stderr, "\n  the tool's %s lacks \"%s\": %s\n", stream, needle,
            text);
    return 0;
  }
  return 1;
}

int stderr_has(const char *needle) {
  return output_has("tool_stderr.txt", "stderr", needle);
}

int stdout_has(const char *needle) {
  return output_has("tool_stdout.txt", "stdout", needle);
}

int file_exists(const char *path) {
  FILE *f = fopen(path, "rb");
  if (f != NULL)
    fclose(f);
  return f != NULL;
}

void write_npy(const char *path, int rank, const int64_t *shape,
               const float *data) {
  CU_ASSERT_EQUAL(npy_write(path, rank, shape, data), 0);
}

long read_bytes(const char *path, unsigned char *buf, size_t size) {
  FILE *f = fopen(path, "rb");
  size_t n;
  if (f == NULL)
    return -1;
  n = fread(buf, 1, size, f);
  fclose(f);
  return (long)n;
}
