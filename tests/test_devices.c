/* test_devices.c: device listing and every form of device selection. */
#define _POSIX_C_SOURCE 200809L
#include "common/device_check.h"
#include "support.h"

#include <stdlib.h>
#include <string.h>

static clconv_device_info devices[64];
static size_t device_count, default_index;

/* Opens @p spec and returns its status; fills @p info on success. */
static clconv_status open_spec(const char *spec, clconv_device_info *info,
                               char *message, size_t message_size) {
  clconv_context *ctx = NULL;
  clconv_context_options options = clconv_context_options_default();
  clconv_status status;
  options.device = spec;
  status = clconv_context_create(&options, &ctx, message, message_size);
  if (status == CLCONV_STATUS_OK)
    clconv_context_device(ctx, info);
  clconv_context_release(ctx);
  return status;
}

static void test_list(void) {
  size_t count = 0, chosen = 0;
  char message[512];
  CU_ASSERT(device_count >= 1);
  CU_ASSERT(default_index < device_count);
  /* A GPU is the default whenever there is one. */
  for (size_t i = 0; i < device_count; i++)
    if (devices[i].type == CLCONV_DEVICE_TYPE_GPU) {
      CU_ASSERT_EQUAL(devices[default_index].type, CLCONV_DEVICE_TYPE_GPU);
      break;
    }
  CU_ASSERT_EQUAL(
      clconv_devices_list(NULL, 0, &count, &chosen, message, sizeof message),
      CLCONV_STATUS_OK);
  CU_ASSERT_EQUAL(count, device_count);
  CU_ASSERT_EQUAL(chosen, default_index);
  CU_ASSERT_EQUAL(
      clconv_devices_list(NULL, 0, NULL, NULL, message, sizeof message),
      CLCONV_STATUS_INVALID_ARGUMENT);
  CU_ASSERT_PTR_NOT_NULL(strstr(message, "count is NULL"));
  for (size_t i = 0; i < device_count; i++) {
    CU_ASSERT(strlen(devices[i].device_name) > 0);
    CU_ASSERT(devices[i].max_alloc_bytes > 0);
    CU_ASSERT(devices[i].max_work_group_size > 0);
  }
}

/* "P:D" opens exactly that device; a name substring, in any case, opens the
 * first device whose name contains it. */
static void test_select_by_index_and_name(void) {
  for (size_t i = 0; i < device_count; i++) {
    char spec[32], upper[128], message[1024];
    clconv_device_info info;
    size_t first = i;
    snprintf(spec, sizeof spec, "%d:%d", devices[i].platform_index,
             devices[i].device_index);
    CU_ASSERT_EQUAL(open_spec(spec, &info, message, sizeof message),
                    CLCONV_STATUS_OK);
    CU_ASSERT_STRING_EQUAL(info.device_name, devices[i].device_name);
    CU_ASSERT_EQUAL(info.platform_index, devices[i].platform_index);

    snprintf(upper, sizeof upper, "%s", devices[i].device_name);
    for (char *c = upper; *c != '\0'; c++)
      if (*c >= 'a' && *c <= 'z')
        *c = (char)(*c - 'a' + 'A');
    for (size_t j = 0; j < i; j++)
      if (strstr(devices[j].device_name, devices[i].device_name) != NULL ||
          strstr(devices[j].platform_name, devices[i].device_name) != NULL) {
        first = j;
        break;
      }
    CU_ASSERT_EQUAL(open_spec(upper, &info, message, sizeof message),
                    CLCONV_STATUS_OK);
    CU_ASSERT_STRING_EQUAL(info.device_name, devices[first].device_name);
  }
}

/* "gpu" and "cpu" open the first device of that type, or fail. */
static void test_select_by_type(void) {
  const char *specs[2] = {"gpu", "CPU"};
  const clconv_device_type types[2] = {CLCONV_DEVICE_TYPE_GPU,
                                       CLCONV_DEVICE_TYPE_CPU};
  for (int k = 0; k < 2; k++) {
    size_t first = SIZE_MAX;
    char message[1024];
    clconv_device_info info;
    clconv_status status;
    for (size_t i = 0; i < device_count && first == SIZE_MAX; i++)
      if (devices[i].type == types[k])
        first = i;
    status = open_spec(specs[k], &info, message, sizeof message);
    if (first == SIZE_MAX) {
      CU_ASSERT_EQUAL(status, CLCONV_STATUS_DEVICE_NOT_FOUND);
    } else {
      CU_ASSERT_EQUAL(status, CLCONV_STATUS_OK);
      CU_ASSERT_STRING_EQUAL(info.device_name, devices[first].device_name);
    }
  }
}

/* "reference" in any case opens the plain-C backend. */
static void test_select_reference(void) {
  char message[256];
  clconv_device_info info;
  CU_ASSERT_EQUAL(open_spec("Reference", &info, message, sizeof message),
                  CLCONV_STATUS_OK);
  CU_ASSERT_EQUAL(info.type, CLCONV_DEVICE_TYPE_REFERENCE);
  CU_ASSERT_EQUAL(info.platform_index, -1);
}

/* CLCONV_DEVICE is read when the option is unset, and named on error; the
 * option wins over it. */
static void test_environment_variable(void) {
  char message[2048];
  clconv_device_info info;
  setenv("CLCONV_DEVICE", "reference", 1);
  CU_ASSERT_EQUAL(open_spec(NULL, &info, message, sizeof message),
                  CLCONV_STATUS_OK);
  CU_ASSERT_EQUAL(info.type, CLCONV_DEVICE_TYPE_REFERENCE);
  setenv("CLCONV_DEVICE", "surely-not-a-device", 1);
  CU_ASSERT_EQUAL(open_spec(NULL, &info, message, sizeof message),
                  CLCONV_STATUS_DEVICE_NOT_FOUND);
  CU_ASSERT_PTR_NOT_NULL(
      strstr(message, "CLCONV_DEVICE 'surely-not-a-device'"));
  CU_ASSERT_EQUAL(open_spec("reference", &info, message, sizeof message),
                  CLCONV_STATUS_OK);
  unsetenv("CLCONV_DEVICE");
}

/* What a device must offer: OpenCL 1.2 or newer, available, a compiler;
 * each lack is named. Every device this machine lists (PoCL) has it. */
static void test_requirements(void) {
  char reason[160];
  CU_ASSERT(clconv__device_check_requirements("OpenCL 1.2 pocl", 1, 1, reason,
                                              sizeof reason));
  CU_ASSERT_STRING_EQUAL(reason, "");
  CU_ASSERT(clconv__device_check_requirements("OpenCL 3.0 CUDA", 1, 1, reason,
                                              sizeof reason));
  CU_ASSERT_FALSE(clconv__device_check_requirements("OpenCL 1.1 CUDA", 1, 1,
                                                    reason, sizeof reason));
  CU_ASSERT_PTR_NOT_NULL(strstr(reason, "OpenCL 1.1; clconv needs OpenCL 1.2"));
  CU_ASSERT_FALSE(clconv__device_check_requirements("OpenCL 2.0", 0, 1, reason,
                                                    sizeof reason));
  CU_ASSERT_PTR_NOT_NULL(strstr(reason, "not available"));
  CU_ASSERT_FALSE(clconv__device_check_requirements("OpenCL 2.0", 1, 0, reason,
                                                    sizeof reason));
  CU_ASSERT_PTR_NOT_NULL(strstr(reason, "no OpenCL C compiler"));
  CU_ASSERT_FALSE(clconv__device_check_requirements("Vendor 9", 1, 1, reason,
                                                    sizeof reason));
  CU_ASSERT_PTR_NOT_NULL(strstr(reason, "'Vendor 9'"));
  for (size_t i = 0; i < device_count && i < 64; i++) {
    CU_ASSERT_EQUAL(devices[i].usable, 1);
    CU_ASSERT_STRING_EQUAL(devices[i].unusable_reason, "");
  }
}

int main(void) {
  static const test_case tests[] = {
      {"list", test_list},
      {"select by P:D and by name", test_select_by_index_and_name},
      {"select by type", test_select_by_type},
      {"select the reference", test_select_reference},
      {"CLCONV_DEVICE", test_environment_variable},
      {"what a device must offer", test_requirements},
  };
  char message[1024];
  clconv_context *probe;
  /* Skips (or fails under CLCONV_REQUIRE_DEVICE=1) without a device. */
  probe = test_open_device();
  clconv_context_release(probe);
  if (clconv_devices_list(devices, 64, &device_count, &default_index, message,
                          sizeof message) != CLCONV_STATUS_OK) {
    fprintf(stderr, "%s\n", message);
    return 1;
  }
  if (device_count > 64)
    device_count = 64;
  return test_run_suite("devices", tests, sizeof tests / sizeof tests[0]);
}
