/* cl_device.c: lists the devices of every OpenCL platform and picks one from a
 * selection text: "P:D", "gpu", "cpu", or part of a platform or device name. */
#include "opencl/cl_device.h"

#include "common/alloc.h"
#include "common/device_check.h"
#include "common/error.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PLATFORMS 32
#define MAX_DEVICES_PER_PLATFORM 64

typedef struct device_entry {
  cl_platform_id platform;
  cl_device_id device;
  clconv_device_info info;
} device_entry;

typedef struct device_table {
  device_entry *entries;
  size_t count;
} device_table;

/* Copies an info string into @p out, cut to fit: the OpenCL query itself
 * fails when the buffer is shorter than the whole string. */
static void copy_cut(const char *text, size_t len, char *out, size_t out_size) {
  const char *nul = memchr(text, '\0', len);
  size_t n = nul != NULL ? (size_t)(nul - text) : len;
  if (n > out_size - 1)
    n = out_size - 1;
  memcpy(out, text, n);
  out[n] = '\0';
}

/* The first failed info query while describing a device: a device whose
 * properties cannot all be read is not used, since its limits are unknown. */
typedef struct query_log {
  cl_int err;
  const char *what;
} query_log;

static void note_query(query_log *log, cl_int err, const char *what) {
  if (err != CL_SUCCESS && log->err == CL_SUCCESS) {
    log->err = err;
    log->what = what;
  }
}

static void get_platform_string(cl_platform_id platform, cl_platform_info what,
                                const char *what_name, char *out,
                                size_t out_size, query_log *log) {
  char buf[1024];
  size_t len = 0;
  cl_int err = clGetPlatformInfo(platform, what, 0, NULL, &len);
  out[0] = '\0';
  if (err == CL_SUCCESS && len <= sizeof buf &&
      (err = clGetPlatformInfo(platform, what, len, buf, NULL)) == CL_SUCCESS)
    copy_cut(buf, len, out, out_size);
  note_query(log, err, what_name);
}

static void get_device_string(cl_device_id device, cl_device_info what,
                              const char *what_name, char *out, size_t out_size,
                              query_log *log) {
  char buf[1024];
  size_t len = 0;
  cl_int err = clGetDeviceInfo(device, what, 0, NULL, &len);
  out[0] = '\0';
  if (err == CL_SUCCESS && len <= sizeof buf &&
      (err = clGetDeviceInfo(device, what, len, buf, NULL)) == CL_SUCCESS)
    copy_cut(buf, len, out, out_size);
  note_query(log, err, what_name);
}

/* Numeric device properties; 0 when the query fails. cl_device_type is a
 * cl_ulong bit field. */
static cl_uint device_uint(cl_device_id device, cl_device_info what,
                           const char *what_name, query_log *log) {
  cl_uint value = 0;
  cl_int err = clGetDeviceInfo(device, what, sizeof value, &value, NULL);
  if (err != CL_SUCCESS)
    value = 0;
  note_query(log, err, what_name);
  return value;
}

static cl_ulong device_ulong(cl_device_id device, cl_device_info what,
                             const char *what_name, query_log *log) {
  cl_ulong value = 0;
  cl_int err = clGetDeviceInfo(device, what, sizeof value, &value, NULL);
  if (err != CL_SUCCESS)
    value = 0;
  note_query(log, err, what_name);
  return value;
}

static clconv_device_type type_from_cl(cl_device_type type) {
  if (type & CL_DEVICE_TYPE_GPU)
    return CLCONV_DEVICE_TYPE_GPU;
  if (type & CL_DEVICE_TYPE_CPU)
    return CLCONV_DEVICE_TYPE_CPU;
  if (type & CL_DEVICE_TYPE_ACCELERATOR)
    return CLCONV_DEVICE_TYPE_ACCELERATOR;
  return CLCONV_DEVICE_TYPE_OTHER;
}

/* The query's name and the info parameter, for the functions above. */
#define QUERY(what) what, #what

static void describe_device(device_entry *e, int platform_index,
                            int device_index) {
  clconv_device_info *info = &e->info;
  query_log log = {CL_SUCCESS, NULL};
  cl_int err;
  int available, compiler;
  memset(info, 0, sizeof *info);
  info->platform_index = platform_index;
  info->device_index = device_index;
  get_platform_string(e->platform, QUERY(CL_PLATFORM_NAME), info->platform_name,
                      sizeof info->platform_name, &log);
  get_platform_string(e->platform, QUERY(CL_PLATFORM_VERSION),
                      info->platform_version, sizeof info->platform_version,
                      &log);
  get_device_string(e->device, QUERY(CL_DEVICE_NAME), info->device_name,
                    sizeof info->device_name, &log);
  get_device_string(e->device, QUERY(CL_DEVICE_VENDOR), info->device_vendor,
                    sizeof info->device_vendor, &log);
  get_device_string(e->device, QUERY(CL_DRIVER_VERSION), info->driver_version,
                    sizeof info->driver_version, &log);
  get_device_string(e->device, QUERY(CL_DEVICE_VERSION), info->device_version,
                    sizeof info->device_version, &log);
  get_device_string(e->device, QUERY(CL_DEVICE_OPENCL_C_VERSION),
                    info->opencl_c_version, sizeof info->opencl_c_version,
                    &log);
  info->type =
      type_from_cl(device_ulong(e->device, QUERY(CL_DEVICE_TYPE), &log));
  info->compute_units =
      device_uint(e->device, QUERY(CL_DEVICE_MAX_COMPUTE_UNITS), &log);
  info->max_clock_mhz =
      device_uint(e->device, QUERY(CL_DEVICE_MAX_CLOCK_FREQUENCY), &log);
  info->global_mem_bytes =
      device_ulong(e->device, QUERY(CL_DEVICE_GLOBAL_MEM_SIZE), &log);
  info->max_alloc_bytes =
      device_ulong(e->device, QUERY(CL_DEVICE_MAX_MEM_ALLOC_SIZE), &log);
  info->local_mem_bytes =
      device_ulong(e->device, QUERY(CL_DEVICE_LOCAL_MEM_SIZE), &log);
  err = clGetDeviceInfo(e->device, CL_DEVICE_MAX_WORK_GROUP_SIZE,
                        sizeof info->max_work_group_size,
                        &info->max_work_group_size, NULL);
  note_query(&log, err, "CL_DEVICE_MAX_WORK_GROUP_SIZE");
  if (err != CL_SUCCESS || info->max_work_group_size == 0)
    info->max_work_group_size = 1;
  available = device_uint(e->device, QUERY(CL_DEVICE_AVAILABLE), &log) != 0;
  compiler =
      device_uint(e->device, QUERY(CL_DEVICE_COMPILER_AVAILABLE), &log) != 0;
  if (log.err != CL_SUCCESS) {
    info->usable = 0;
    snprintf(info->unusable_reason, sizeof info->unusable_reason,
             "its properties cannot be read: %s(%s) failed: %s (%d)",
             strncmp(log.what, "CL_PLATFORM_", 12) == 0 ? "clGetPlatformInfo"
                                                        : "clGetDeviceInfo",
             log.what, clconv__error_cl_name(log.err), (int)log.err);
    return;
  }
  info->usable = clconv__device_check_requirements(
      info->device_version, available, compiler, info->unusable_reason,
      sizeof info->unusable_reason);
}

/* Fills @p table with every device of every platform. */
static clconv_status list_devices(device_table *table, char *msg,
                                  size_t msg_size) {
  cl_platform_id platforms[MAX_PLATFORMS];
  cl_uint num_platforms = 0;
  cl_int err;
  char reason[600];
  table->entries = NULL;
  table->count = 0;

  /* Loads OpenCL (unless linked), then asks the ICD loader for the
   * platforms. */
  if (!clconv__cl_loader_load(reason, sizeof reason))
    return clconv__error_fail_buf(
        msg, msg_size, CLCONV_STATUS_NO_PLATFORM,
        "%s; use CLCONV_DEVICE=reference for the plain-C backend", reason);
  err = clGetPlatformIDs(MAX_PLATFORMS, platforms, &num_platforms);
  if (err == -1001 /* CL_PLATFORM_NOT_FOUND_KHR */ ||
      (err == CL_SUCCESS && num_platforms == 0))
    return clconv__error_fail_buf(
        msg, msg_size, CLCONV_STATUS_NO_PLATFORM,
        "no OpenCL platform found (no ICD installed, or OCL_ICD_VENDORS points "
        "at an empty folder); install an OpenCL driver such as PoCL "
        "(pocl-opencl-icd) or use CLCONV_DEVICE=reference for the plain-C "
        "backend");
  if (err != CL_SUCCESS)
    return clconv__error_fail_buf(
        msg, msg_size, CLCONV_STATUS_OPENCL_ERROR,
        "clGetPlatformIDs failed: %s (%d); use "
        "CLCONV_DEVICE=reference for the plain-C backend",
        clconv__error_cl_name(err), (int)err);
  if (num_platforms > MAX_PLATFORMS)
    num_platforms = MAX_PLATFORMS;

  table->entries = clconv__alloc_zeroed(
      (size_t)num_platforms * MAX_DEVICES_PER_PLATFORM, sizeof *table->entries);
  if (table->entries == NULL)
    return clconv__error_fail_buf(msg, msg_size,
                                  CLCONV_STATUS_OUT_OF_HOST_MEMORY,
                                  "out of host memory listing devices");

  /* Collects each platform's devices; a platform without any is skipped. */
  for (cl_uint p = 0; p < num_platforms; p++) {
    cl_device_id devices[MAX_DEVICES_PER_PLATFORM];
    cl_uint num_devices = 0;
    err = clGetDeviceIDs(platforms[p], CL_DEVICE_TYPE_ALL,
                         MAX_DEVICES_PER_PLATFORM, devices, &num_devices);
    if (err == CL_DEVICE_NOT_FOUND)
      continue;
    if (err != CL_SUCCESS) {
      char name[256];
      query_log ignored = {CL_SUCCESS, NULL};
      get_platform_string(platforms[p], QUERY(CL_PLATFORM_NAME), name,
                          sizeof name, &ignored);
      clconv__alloc_free(table->entries);
      table->entries = NULL;
      table->count = 0;
      return clconv__error_fail_buf(
          msg, msg_size, CLCONV_STATUS_OPENCL_ERROR,
          "clGetDeviceIDs failed on OpenCL platform %u '%s': %s (%d); use "
          "CLCONV_DEVICE=reference for the plain-C backend",
          (unsigned)p, name, clconv__error_cl_name(err), (int)err);
    }
    if (num_devices > MAX_DEVICES_PER_PLATFORM)
      num_devices = MAX_DEVICES_PER_PLATFORM;
    for (cl_uint d = 0; d < num_devices; d++) {
      device_entry *e = &table->entries[table->count++];
      e->platform = platforms[p];
      e->device = devices[d];
      describe_device(e, (int)p, (int)d);
    }
  }
  return CLCONV_STATUS_OK;
}

/* The first usable GPU, else the first usable device, else SIZE_MAX. */
static size_t default_index(const device_table *table) {
  for (size_t i = 0; i < table->count; i++)
    if (table->entries[i].info.usable &&
        table->entries[i].info.type == CLCONV_DEVICE_TYPE_GPU)
      return i;
  for (size_t i = 0; i < table->count; i++)
    if (table->entries[i].info.usable)
      return i;
  return SIZE_MAX;
}

static int contains_nocase(const char *haystack, const char *needle) {
  size_t n = strlen(needle);
  if (n == 0)
    return 0;
  for (; *haystack != '\0'; haystack++) {
    size_t i = 0;
    while (i < n && haystack[i] != '\0' &&
           tolower((unsigned char)haystack[i]) ==
               tolower((unsigned char)needle[i]))
      i++;
    if (i == n)
      return 1;
  }
  return 0;
}

static int equals_nocase(const char *a, const char *b) {
  for (; *a != '\0' && *b != '\0'; a++, b++)
    if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
      return 0;
  return *a == *b;
}

int clconv__cl_device_spec_is_reference(const char *spec) {
  return spec != NULL && equals_nocase(spec, "reference");
}

/* Parses "P:D" with decimal indices. @return 1 when @p spec has that form. */
static int parse_indices(const char *spec, long *p, long *d) {
  char *end;
  if (!isdigit((unsigned char)spec[0]))
    return 0;
  *p = strtol(spec, &end, 10);
  if (*end != ':' || !isdigit((unsigned char)end[1]))
    return 0;
  *d = strtol(end + 1, &end, 10);
  return *end == '\0';
}

/* @return the index @p spec selects in @p table, or SIZE_MAX. */
static size_t find_device(const device_table *table, const char *spec) {
  long p, d;
  clconv_device_type wanted;
  if (spec == NULL || spec[0] == '\0')
    return default_index(table);
  if (parse_indices(spec, &p, &d)) {
    for (size_t i = 0; i < table->count; i++)
      if (table->entries[i].info.platform_index == p &&
          table->entries[i].info.device_index == d)
        return i;
    return SIZE_MAX;
  }
  if (equals_nocase(spec, "gpu") || equals_nocase(spec, "cpu") ||
      equals_nocase(spec, "accelerator")) {
    wanted = equals_nocase(spec, "gpu")   ? CLCONV_DEVICE_TYPE_GPU
             : equals_nocase(spec, "cpu") ? CLCONV_DEVICE_TYPE_CPU
                                          : CLCONV_DEVICE_TYPE_ACCELERATOR;
    /* A usable device of that type first; else the first, to refuse. */
    for (int usable_only = 1; usable_only >= 0; usable_only--)
      for (size_t i = 0; i < table->count; i++)
        if (table->entries[i].info.type == wanted &&
            (table->entries[i].info.usable || !usable_only))
          return i;
    return SIZE_MAX;
  }
  for (int usable_only = 1; usable_only >= 0; usable_only--)
    for (size_t i = 0; i < table->count; i++)
      if ((contains_nocase(table->entries[i].info.device_name, spec) ||
           contains_nocase(table->entries[i].info.platform_name, spec)) &&
          (table->entries[i].info.usable || !usable_only))
        return i;
  return SIZE_MAX;
}

/* Appends "P:D name" for every device to @p out, for error messages. */
static void append_device_names(const device_table *table, char *out,
                                size_t out_size) {
  size_t used = strlen(out);
  for (size_t i = 0; i < table->count && used + 1 < out_size; i++) {
    const clconv_device_info *info = &table->entries[i].info;
    int n =
        snprintf(out + used, out_size - used, "%s%d:%d %s", i == 0 ? "" : ", ",
                 info->platform_index, info->device_index, info->device_name);
    if (n < 0)
      break;
    used += (size_t)n < out_size - used ? (size_t)n : out_size - used - 1;
  }
}

clconv_status clconv__cl_device_select(const char *spec, const char *origin,
                                       cl_platform_id *platform,
                                       cl_device_id *device,
                                       clconv_device_info *info, char *msg,
                                       size_t msg_size) {
  device_table table;
  size_t index;
  clconv_status status = list_devices(&table, msg, msg_size);
  if (status != CLCONV_STATUS_OK)
    goto done;
  index = find_device(&table, spec);
  if (index == SIZE_MAX && (spec == NULL || spec[0] == '\0') &&
      table.count > 0) {
    const clconv_device_info *first = &table.entries[0].info;
    status = clconv__error_fail_buf(
        msg, msg_size, CLCONV_STATUS_DEVICE_UNSUPPORTED,
        "no OpenCL device can run clconv (%d:%d '%s': %s); use "
        "CLCONV_DEVICE=reference for the plain-C backend",
        first->platform_index, first->device_index, first->device_name,
        first->unusable_reason);
    goto done;
  }
  if (index == SIZE_MAX) {
    char names[1024] = "";
    append_device_names(&table, names, sizeof names);
    status = clconv__error_fail_buf(
        msg, msg_size, CLCONV_STATUS_DEVICE_NOT_FOUND,
        "no OpenCL device matches %s '%s' (use 'reference', 'P:D', 'gpu', "
        "'cpu' or part of a device name); devices: %s",
        origin, spec != NULL ? spec : "", names[0] != '\0' ? names : "none");
    goto done;
  }
  if (!table.entries[index].info.usable) {
    const clconv_device_info *bad = &table.entries[index].info;
    status = clconv__error_fail_buf(
        msg, msg_size, CLCONV_STATUS_DEVICE_UNSUPPORTED,
        "the device %d:%d '%s' that %s '%s' selects cannot run clconv: %s; "
        "choose another device, or CLCONV_DEVICE=reference",
        bad->platform_index, bad->device_index, bad->device_name, origin,
        spec != NULL ? spec : "", bad->unusable_reason);
    goto done;
  }
  *platform = table.entries[index].platform;
  *device = table.entries[index].device;
  *info = table.entries[index].info;
done:
  clconv__alloc_free(table.entries);
  return status;
}

void clconv__cl_device_describe(cl_device_id device, cl_platform_id *platform,
                                clconv_device_info *info) {
  device_entry e;
  e.device = device;
  e.platform = NULL;
  if (clGetDeviceInfo(device, CL_DEVICE_PLATFORM, sizeof e.platform,
                      &e.platform, NULL) != CL_SUCCESS)
    e.platform = NULL;
  describe_device(&e, -1, -1);
  *platform = e.platform;
  *info = e.info;
}

clconv__device_caps clconv__cl_device_caps(cl_device_id device,
                                           const clconv_device_info *info) {
  cl_uint native = 0;
  if (clGetDeviceInfo(device, CL_DEVICE_NATIVE_VECTOR_WIDTH_FLOAT,
                      sizeof native, &native, NULL) != CL_SUCCESS)
    native = 0;
  return clconv__device_caps_derive(
      info->type == CLCONV_DEVICE_TYPE_GPU, (int)native, info->compute_units,
      info->local_mem_bytes, info->max_work_group_size);
}

const char *clconv_device_type_name(clconv_device_type type) {
  switch (type) {
  case CLCONV_DEVICE_TYPE_REFERENCE:
    return "reference";
  case CLCONV_DEVICE_TYPE_CPU:
    return "cpu";
  case CLCONV_DEVICE_TYPE_GPU:
    return "gpu";
  case CLCONV_DEVICE_TYPE_ACCELERATOR:
    return "accelerator";
  default:
    return "other";
  }
}

clconv_status clconv_devices_list(clconv_device_info *infos, size_t capacity,
                                  size_t *count, size_t *default_out,
                                  char *message, size_t message_size) {
  device_table table;
  clconv_status status;
  if (count == NULL || (infos == NULL && capacity > 0))
    return clconv__error_fail_buf(
        message, message_size, CLCONV_STATUS_INVALID_ARGUMENT,
        "clconv_devices_list: %s is NULL", count == NULL ? "count" : "infos");
  *count = 0;
  if (default_out != NULL)
    *default_out = SIZE_MAX;
  status = list_devices(&table, message, message_size);
  if (status == CLCONV_STATUS_OK) {
    for (size_t i = 0; i < table.count && i < capacity; i++)
      infos[i] = table.entries[i].info;
    *count = table.count;
    if (default_out != NULL)
      *default_out = default_index(&table);
  }
  clconv__alloc_free(table.entries);
  return status;
}
