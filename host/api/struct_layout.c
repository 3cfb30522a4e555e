/* struct_layout.c: the sizes and field offsets of the public structs, as
 * this library was compiled, for bindings that copy them (Python's ctypes
 * checks its copies against them at import). */
#include "clconv.h"

#include <stdint.h>
#include <string.h>

/* One field of one struct. */
typedef struct layout_entry {
  const char *struct_name, *field_name; /* field NULL: the struct's size */
  size_t value;
} layout_entry;

#define STRUCT(s)                                                              \
  { #s, NULL, sizeof(s) }
#define FIELD(s, f)                                                            \
  { #s, #f, offsetof(s, f) }

static const layout_entry layout[] = {
    STRUCT(clconv_device_info),
    FIELD(clconv_device_info, platform_index),
    FIELD(clconv_device_info, device_index),
    FIELD(clconv_device_info, type),
    FIELD(clconv_device_info, platform_name),
    FIELD(clconv_device_info, platform_version),
    FIELD(clconv_device_info, device_name),
    FIELD(clconv_device_info, device_vendor),
    FIELD(clconv_device_info, driver_version),
    FIELD(clconv_device_info, device_version),
    FIELD(clconv_device_info, opencl_c_version),
    FIELD(clconv_device_info, compute_units),
    FIELD(clconv_device_info, max_clock_mhz),
    FIELD(clconv_device_info, global_mem_bytes),
    FIELD(clconv_device_info, max_alloc_bytes),
    FIELD(clconv_device_info, local_mem_bytes),
    FIELD(clconv_device_info, max_work_group_size),
    FIELD(clconv_device_info, usable),
    FIELD(clconv_device_info, unusable_reason),
    STRUCT(clconv_context_options),
    FIELD(clconv_context_options, struct_size),
    FIELD(clconv_context_options, device),
    FIELD(clconv_context_options, verify),
    FIELD(clconv_context_options, kernel_dir),
    FIELD(clconv_context_options, cache),
    FIELD(clconv_context_options, cache_dir),
    FIELD(clconv_context_options, verify_sample),
    FIELD(clconv_context_options, cache_max_bytes),
    FIELD(clconv_context_options, build),
    FIELD(clconv_context_options, on_build),
    FIELD(clconv_context_options, on_build_user),
    FIELD(clconv_context_options, self_check),
    STRUCT(clconv_peak),
    FIELD(clconv_peak, gflops),
    FIELD(clconv_peak, gbps),
    STRUCT(clconv_corr2d_params),
    FIELD(clconv_corr2d_params, struct_size),
    FIELD(clconv_corr2d_params, pad_h),
    FIELD(clconv_corr2d_params, pad_w),
    FIELD(clconv_corr2d_params, stride_h),
    FIELD(clconv_corr2d_params, stride_w),
    FIELD(clconv_corr2d_params, dilation_h),
    FIELD(clconv_corr2d_params, dilation_w),
    FIELD(clconv_corr2d_params, groups),
    FIELD(clconv_corr2d_params, algo),
    STRUCT(clconv_verify_report),
    FIELD(clconv_verify_report, exact),
    FIELD(clconv_verify_report, count),
    FIELD(clconv_verify_report, mismatches),
    FIELD(clconv_verify_report, worst_index),
    FIELD(clconv_verify_report, worst_device),
    FIELD(clconv_verify_report, worst_reference),
    FIELD(clconv_verify_report, max_abs_error),
    FIELD(clconv_verify_report, mean_abs_error),
    FIELD(clconv_verify_report, max_error_ratio),
    STRUCT(clconv_sgd_params),
    FIELD(clconv_sgd_params, struct_size),
    FIELD(clconv_sgd_params, lr),
    FIELD(clconv_sgd_params, momentum),
    FIELD(clconv_sgd_params, dampening),
    FIELD(clconv_sgd_params, weight_decay),
    FIELD(clconv_sgd_params, nesterov),
    STRUCT(clconv_tune_report),
    FIELD(clconv_tune_report, candidates),
    FIELD(clconv_tune_report, rejected),
    FIELD(clconv_tune_report, default_ms),
    FIELD(clconv_tune_report, best_ms),
    FIELD(clconv_tune_report, default_tiles),
    FIELD(clconv_tune_report, best_tiles),
    FIELD(clconv_tune_report, stored),
    STRUCT(clconv_conv2d_params),
    FIELD(clconv_conv2d_params, struct_size),
    FIELD(clconv_conv2d_params, in_channels),
    FIELD(clconv_conv2d_params, out_channels),
    FIELD(clconv_conv2d_params, kernel_h),
    FIELD(clconv_conv2d_params, kernel_w),
    FIELD(clconv_conv2d_params, pad_h),
    FIELD(clconv_conv2d_params, pad_w),
    FIELD(clconv_conv2d_params, stride_h),
    FIELD(clconv_conv2d_params, stride_w),
    FIELD(clconv_conv2d_params, dilation_h),
    FIELD(clconv_conv2d_params, dilation_w),
    FIELD(clconv_conv2d_params, groups),
    FIELD(clconv_conv2d_params, algo),
    FIELD(clconv_conv2d_params, bias),
    FIELD(clconv_conv2d_params, init),
    FIELD(clconv_conv2d_params, seed),
    STRUCT(clconv_replicas_params),
    FIELD(clconv_replicas_params, struct_size),
    FIELD(clconv_replicas_params, allreduce),
    FIELD(clconv_replicas_params, allreduce_user),
    FIELD(clconv_replicas_params, shares),
};

size_t clconv_struct_layout(const char *struct_name, const char *field_name) {
  if (struct_name == NULL)
    return SIZE_MAX;
  for (size_t i = 0; i < sizeof layout / sizeof layout[0]; i++)
    if (strcmp(layout[i].struct_name, struct_name) == 0 &&
        (field_name == NULL
             ? layout[i].field_name == NULL
             : layout[i].field_name != NULL &&
                   strcmp(layout[i].field_name, field_name) == 0))
      return layout[i].value;
  return SIZE_MAX;
}
