/* test_tool_files.c: the clconv tool and the files it reads and writes:
 * outputs all or nothing, never replacing an input, a device, a FIFO or a
 * file it did not create, whole under concurrent writers, written through a
 * link; inputs from pipes, folders refused, float64 beyond float32 refused,
 * training data that is not finite refused, strict numbers. All files live
 * in a temporary working folder. */
#define _DEFAULT_SOURCE /* mkfifo, symlink, lstat, mknod, makedev */
#include "npy.h"
#include "support.h"
#include "tool_support.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* The notebook's edge image X (6x8), the kernel K = [[1, -1]], its output
 * Y = corr2d(X, K) (6x7), and K2 = [[2, -2]]. */
static void write_edge_files(void) {
  float x[48], y[42], k[2] = {1, -1}, k2[2] = {2, -2};
  const int64_t xs[2] = {6, 8}, ys[2] = {6, 7}, ks[2] = {1, 2};
  test_edge_image(x, y);
  write_npy("edge_x.npy", 2, xs, x);
  write_npy("edge_y.npy", 2, ys, y);
  write_npy("edge_k.npy", 2, ks, k);
  write_npy("edge_k2.npy", 2, ks, k2);
}

/* @return the number of entries of the working folder whose names start
 * with @p prefix. */
static int count_files(const char *prefix) {
  DIR *dir = opendir(".");
  struct dirent *e;
  int n = 0;
  if (dir == NULL)
    return -1;
  while ((e = readdir(dir)) != NULL)
    n += strncmp(e->d_name, prefix, strlen(prefix)) == 0;
  closedir(dir);
  return n;
}

/* A failure in any output writes none of them (the two cases). */
static void test_all_or_nothing(void) {
  write_edge_files();
  remove("aon_y.npy");
  CU_ASSERT_EQUAL(tool("run --input edge_x.npy --weight edge_k.npy --output "
                       "aon_y.npy --grad-output edge_y.npy --grad-input "
                       "nodir/dx.npy"),
                  1);
  CU_ASSERT(stderr_has("nodir/dx.npy"));
  CU_ASSERT_FALSE(file_exists("aon_y.npy"));
  CU_ASSERT_EQUAL(tool("fit --input edge_x.npy --target edge_y.npy --kernel "
                       "1x2 --bias --epochs 2 --weights-out aon_w.npy "
                       "--bias-out nodir/b.npy"),
                  1);
  CU_ASSERT(stderr_has("nodir/b.npy"));
  CU_ASSERT_FALSE(file_exists("aon_w.npy"));
  /* A failure after the forward pass (dY of the wrong shape). */
  CU_ASSERT_EQUAL(tool("run --input edge_x.npy --weight edge_k.npy --output "
                       "aon_y.npy --grad-output edge_x.npy --grad-weight "
                       "aon_dw.npy"),
                  1);
  CU_ASSERT_FALSE(file_exists("aon_y.npy"));
  CU_ASSERT_FALSE(file_exists("aon_dw.npy"));
  CU_ASSERT_EQUAL(count_files("aon_"), 0);
}

/* An output that is an input, a device, a folder, a FIFO, or another output
 * is refused before any work, and left as it was. */
static void test_refused_outputs(void) {
  unsigned char before[512], after[512];
  long n_before, n_after;
  struct stat st;
  write_edge_files();
  n_before = read_bytes("edge_x.npy", before, sizeof before);
  CU_ASSERT_EQUAL(
      tool("run --input edge_x.npy --weight edge_k.npy --output edge_x.npy"),
      1);
  CU_ASSERT(stderr_has("refusing to overwrite an input"));
  CU_ASSERT_EQUAL(
      tool("run --input edge_x.npy --weight edge_k.npy --output ./edge_x.npy"),
      1);
  CU_ASSERT_EQUAL(tool("fit --input edge_x.npy --target edge_y.npy --kernel "
                       "1x2 --weights-out edge_y.npy"),
                  1);
  CU_ASSERT(stderr_has("--target reads"));
  CU_ASSERT_EQUAL(symlink("edge_x.npy", "ref_link.npy"), 0);
  CU_ASSERT_EQUAL(
      tool("run --input edge_x.npy --weight edge_k.npy --output ref_link.npy"),
      1);
  n_after = read_bytes("edge_x.npy", after, sizeof after);
  CU_ASSERT(n_before > 0 && n_after == n_before &&
            memcmp(before, after, (size_t)n_before) == 0);

  /* A device stays a device. As root, the test makes its own copy of
   * /dev/null's node, so that a tool that replaced devices would replace
   * that one, not the system's; others cannot replace /dev/null anyway. */
  {
    const char *device = mknod("ref_null", S_IFCHR | 0666, makedev(1, 3)) == 0
                             ? "ref_null"
                             : "/dev/null";
    char args[256];
    snprintf(args, sizeof args,
             "run --input edge_x.npy --weight edge_k.npy --output %s", device);
    CU_ASSERT_EQUAL(tool(args), 1);
    CU_ASSERT(stderr_has("not a regular file"));
    CU_ASSERT(stat(device, &st) == 0 && S_ISCHR(st.st_mode));
  }
  CU_ASSERT_EQUAL(tool("run --input edge_x.npy --weight edge_k.npy --output ."),
                  1);
  CU_ASSERT(stderr_has("not a regular file"));
  /* A FIFO is refused without waiting for a reader. */
  CU_ASSERT_EQUAL(mkfifo("ref_fifo", 0600), 0);
  alarm(60);
  CU_ASSERT_EQUAL(
      tool("run --input edge_x.npy --weight edge_k.npy --output ref_fifo"), 1);
  alarm(0);
  CU_ASSERT(stat("ref_fifo", &st) == 0 && S_ISFIFO(st.st_mode));
  CU_ASSERT_EQUAL(tool("run --input edge_x.npy --weight edge_k.npy --output "
                       "ref_y.npy --grad-output edge_y.npy --grad-input "
                       "./ref_y.npy"),
                  1);
  CU_ASSERT(stderr_has("name the same file"));
  CU_ASSERT_FALSE(file_exists("ref_y.npy"));
}

/* A file of the user's that looks like a temporary name is never touched,
 * and nothing temporary is left. */
static void test_user_files_untouched(void) {
  unsigned char got[16];
  FILE *f = fopen("mine_y.npy.tmp", "wb");
  CU_ASSERT_PTR_NOT_NULL_FATAL(f);
  fputs("mine", f);
  fclose(f);
  write_edge_files();
  CU_ASSERT_EQUAL(
      tool("run --input edge_x.npy --weight edge_k.npy --output mine_y.npy"),
      0);
  CU_ASSERT_EQUAL(read_bytes("mine_y.npy.tmp", got, sizeof got), 4);
  CU_ASSERT_EQUAL(memcmp(got, "mine", 4), 0);
  CU_ASSERT_EQUAL(count_files("mine_y.npy"), 2); /* the output and .tmp */
}

/* Two runs writing the same output at once: each succeeds and the file is
 * whole, the result of one of them. */
static void test_concurrent_writers(void) {
  static unsigned char y1[1024], y2[1024], got[1024];
  long n1, n2, n;
  char command[2048];
  write_edge_files();
  CU_ASSERT_EQUAL(
      tool("run --input edge_x.npy --weight edge_k.npy --output race_1.npy"),
      0);
  CU_ASSERT_EQUAL(
      tool("run --input edge_x.npy --weight edge_k2.npy --output race_2.npy"),
      0);
  n1 = read_bytes("race_1.npy", y1, sizeof y1);
  n2 = read_bytes("race_2.npy", y2, sizeof y2);
  CU_ASSERT_FATAL(n1 > 0 && n1 == n2 && memcmp(y1, y2, (size_t)n1) != 0);
  for (int round = 0; round < 8; round++) {
    int s1 = -1, s2 = -1;
    FILE *f;
    snprintf(command, sizeof command,
             "(%s run --input edge_x.npy --weight edge_k.npy --output "
             "race.npy; echo $? >race_s1) & (%s run --input edge_x.npy "
             "--weight edge_k2.npy --output race.npy; echo $? >race_s2) & "
             "wait",
             CLCONV_TOOL_PATH, CLCONV_TOOL_PATH);
    CU_ASSERT_EQUAL(system(command), 0);
    if ((f = fopen("race_s1", "r")) != NULL) {
      CU_ASSERT_EQUAL(fscanf(f, "%d", &s1), 1);
      fclose(f);
    }
    if ((f = fopen("race_s2", "r")) != NULL) {
      CU_ASSERT_EQUAL(fscanf(f, "%d", &s2), 1);
      fclose(f);
    }
    CU_ASSERT(s1 == 0 && s2 == 0);
    n = read_bytes("race.npy", got, sizeof got);
    CU_ASSERT(n == n1 && (memcmp(got, y1, (size_t)n1) == 0 ||
                          memcmp(got, y2, (size_t)n1) == 0));
  }
  /* race_1, race_2, race, race_s1, race_s2: no temporary file left. */
  CU_ASSERT_EQUAL(count_files("race"), 5);
}

/* An output that is a link is written through it: the link stays. */
static void test_output_through_link(void) {
  struct stat st;
  npy_array y;
  char err[256];
  write_edge_files();
  CU_ASSERT_EQUAL(symlink("link_target.npy", "link_y.npy"), 0);
  CU_ASSERT_EQUAL(
      tool("run --input edge_x.npy --weight edge_k.npy --output link_y.npy"),
      0);
  CU_ASSERT(lstat("link_y.npy", &st) == 0 && S_ISLNK(st.st_mode));
  CU_ASSERT_EQUAL_FATAL(npy_read("link_target.npy", &y, err, sizeof err), 0);
  CU_ASSERT(y.count == 42 && y.data[1] == 1.0f && y.data[5] == -1.0f);
  npy_free(&y);
}

/* Inputs: a folder is named as one; a pipe is read to its end. */
static void test_inputs(void) {
  npy_array y;
  char err[256];
  write_edge_files();
  CU_ASSERT_EQUAL(tool("run --input . --weight edge_k.npy --output in_y.npy"),
                  1);
  CU_ASSERT(stderr_has("is a folder"));
  CU_ASSERT_EQUAL(mkfifo("in_fifo", 0600), 0);
  alarm(60);
  CU_ASSERT_EQUAL(system("cat edge_x.npy >in_fifo &"), 0);
  CU_ASSERT_EQUAL(
      tool("run --input in_fifo --weight edge_k.npy --output in_y.npy"), 0);
  alarm(0);
  CU_ASSERT_EQUAL_FATAL(npy_read("in_y.npy", &y, err, sizeof err), 0);
  CU_ASSERT(y.count == 42 && y.data[1] == 1.0f && y.data[5] == -1.0f);
  npy_free(&y);
  CU_ASSERT_EQUAL(tool("run --input /dev/stdin --weight edge_k.npy --output "
                       "in_y2.npy <edge_x.npy"),
                  0);
}

/* Writes a (2,) float64 .npy file of @p a and @p b. */
static void write_f64_pair(const char *path, double a, double b) {
  const char dict[] = "{'descr': '<f8', 'fortran_order': False, "
                      "'shape': (2,), }";
  unsigned char bytes[128];
  const size_t len = 128 - 10;
  FILE *f = fopen(path, "wb");
  CU_ASSERT_PTR_NOT_NULL_FATAL(f);
  memset(bytes, ' ', sizeof bytes);
  memcpy(bytes, "\x93NUMPY\x01\x00", 8);
  bytes[8] = (unsigned char)len;
  bytes[9] = 0;
  memcpy(bytes + 10, dict, sizeof dict - 1);
  bytes[127] = '\n';
  fwrite(bytes, 1, sizeof bytes, f);
  fwrite(&a, sizeof a, 1, f);
  fwrite(&b, sizeof b, 1, f);
  fclose(f);
}

/* A float64 value float32 cannot hold is an error, not an infinity; one
 * that rounds to FLT_MAX is fine. */
static void test_float64_range(void) {
  const int64_t ks[2] = {1, 1};
  const float one = 1;
  write_npy("f64_k.npy", 2, ks, &one);
  write_f64_pair("f64_big.npy", 1.0, -1e300);
  CU_ASSERT_EQUAL(tool("run --input f64_big.npy --weight f64_k.npy --output "
                       "f64_y.npy"),
                  1);
  CU_ASSERT(stderr_has("element 1, -1e+300, is beyond float32's range"));
  CU_ASSERT_FALSE(file_exists("f64_y.npy"));
  write_f64_pair("f64_max.npy", 3.4028235e38, -3.4e38);
  CU_ASSERT_EQUAL(tool("fit --input f64_max.npy --target f64_max.npy "
                       "--kernel 1x1 --epochs 1 --weights-out f64_w.npy"),
                  1);
  CU_ASSERT(stderr_has("dimensions")); /* read fine, then (2,) is 1-D */
}

/* fit on data with NaN says so instead of blaming the learning rate. */
static void test_fit_needs_finite_data(void) {
  float x[48];
  const int64_t xs[2] = {6, 8};
  write_edge_files();
  for (int i = 0; i < 48; i++)
    x[i] = i == 9 ? NAN : 1.0f;
  write_npy("nan_x.npy", 2, xs, x);
  CU_ASSERT_EQUAL(tool("fit --input nan_x.npy --target edge_y.npy --kernel "
                       "1x2 --weights-out nan_w.npy"),
                  1);
  CU_ASSERT(stderr_has("--input: element 9 is NaN"));
  CU_ASSERT_FALSE(file_exists("nan_w.npy"));
}

/* Numbers on the command line are read whole and in range. */
static void test_strict_numbers(void) {
  const char *bad[] = {
      "1x2junk", "99999999999999999999x1", "1x", "x2", "1x-2", "1,2", "0x1"};
  write_edge_files();
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    char args[256];
    snprintf(args, sizeof args,
             "fit --input edge_x.npy --target edge_y.npy --kernel %s "
             "--weights-out num_w.npy",
             bad[i]);
    CU_ASSERT_EQUAL(tool(args), 2);
    CU_ASSERT(stderr_has("--kernel takes KHxKW"));
  }
  CU_ASSERT_EQUAL(tool("fit --input edge_x.npy --target edge_y.npy --kernel "
                       "1x2 --epochs 5junk --weights-out num_w.npy"),
                  2);
  CU_ASSERT_EQUAL(tool("bench --repeat 99999999999999999999"), 2);
  CU_ASSERT_FALSE(file_exists("num_w.npy"));
}

int main(void) {
  static const test_case tests[] = {
      {"outputs: all or nothing", test_all_or_nothing},
      {"outputs: inputs, devices, FIFOs, twins refused", test_refused_outputs},
      {"outputs: the user's files untouched", test_user_files_untouched},
      {"outputs: concurrent writers", test_concurrent_writers},
      {"outputs: through a link", test_output_through_link},
      {"inputs: folders refused, pipes read", test_inputs},
      {"inputs: float64 beyond float32", test_float64_range},
      {"fit: data must be finite", test_fit_needs_finite_data},
      {"numbers: strict", test_strict_numbers},
  };
  clconv_context_release(test_open_device()); /* skips without a device */
  return test_run_suite_in_temp_cwd("tool_files", tests,
                                    sizeof tests / sizeof tests[0]);
}
