/* cl_loader.h: the OpenCL entry points clconv calls, loaded from the
 * system's OpenCL ICD loader at run time (libOpenCL.so.1, OpenCL.dll, the
 * OpenCL framework) unless the build links it (CLCONV_LINK_OPENCL). Loaded
 * at run time, an application that embeds clconv starts on a machine
 * without OpenCL, keeps the reference backend and gets NO_PLATFORM with
 * "no OpenCL runtime" from the device functions.
 *
 * Every file that includes internal.h calls the entry points by their
 * OpenCL names; when loading at run time those names are macros for the
 * pointers of clconv__cl_loader_api, valid once clconv__cl_loader_load()
 * has succeeded (which every way to a device goes through). */
#ifndef CLCONV_CL_LOADER_H
#define CLCONV_CL_LOADER_H

#include "clconv_cl.h" /* the OpenCL headers, Apple's or Khronos' */

#include <stddef.h>

/* X(return type, name, parameters): every OpenCL function clconv calls. */
#define CLCONV__CL_FUNCTIONS(X)                                                \
  X(cl_int, clGetPlatformIDs, (cl_uint, cl_platform_id *, cl_uint *))          \
  X(cl_int, clGetPlatformInfo,                                                 \
    (cl_platform_id, cl_platform_info, size_t, void *, size_t *))              \
  X(cl_int, clGetDeviceIDs,                                                    \
    (cl_platform_id, cl_device_type, cl_uint, cl_device_id *, cl_uint *))      \
  X(cl_int, clGetDeviceInfo,                                                   \
    (cl_device_id, cl_device_info, size_t, void *, size_t *))                  \
  X(cl_context, clCreateContext,                                               \
    (const cl_context_properties *, cl_uint, const cl_device_id *,             \
     void(CL_CALLBACK *)(const char *, const void *, size_t, void *), void *,  \
     cl_int *))                                                                \
  X(cl_int, clGetContextInfo,                                                  \
    (cl_context, cl_context_info, size_t, void *, size_t *))                   \
  X(cl_int, clRetainContext, (cl_context))                                     \
  X(cl_int, clReleaseContext, (cl_context))                                    \
  X(cl_command_queue, clCreateCommandQueue,                                    \
    (cl_context, cl_device_id, cl_command_queue_properties, cl_int *))         \
  X(cl_int, clGetCommandQueueInfo,                                             \
    (cl_command_queue, cl_command_queue_info, size_t, void *, size_t *))       \
  X(cl_int, clRetainCommandQueue, (cl_command_queue))                          \
  X(cl_int, clReleaseCommandQueue, (cl_command_queue))                         \
  X(cl_mem, clCreateBuffer,                                                    \
    (cl_context, cl_mem_flags, size_t, void *, cl_int *))                      \
  X(cl_mem, clCreateSubBuffer,                                                 \
    (cl_mem, cl_mem_flags, cl_buffer_create_type, const void *, cl_int *))     \
  X(cl_int, clGetMemObjectInfo,                                                \
    (cl_mem, cl_mem_info, size_t, void *, size_t *))                           \
  X(cl_int, clRetainMemObject, (cl_mem))                                       \
  X(cl_int, clReleaseMemObject, (cl_mem))                                      \
  X(cl_program, clCreateProgramWithSource,                                     \
    (cl_context, cl_uint, const char **, const size_t *, cl_int *))            \
  X(cl_program, clCreateProgramWithBinary,                                     \
    (cl_context, cl_uint, const cl_device_id *, const size_t *,                \
     const unsigned char **, cl_int *, cl_int *))                              \
  X(cl_int, clBuildProgram,                                                    \
    (cl_program, cl_uint, const cl_device_id *, const char *,                  \
     void(CL_CALLBACK *)(cl_program, void *), void *))                         \
  X(cl_int, clGetProgramInfo,                                                  \
    (cl_program, cl_program_info, size_t, void *, size_t *))                   \
  X(cl_int, clGetProgramBuildInfo,                                             \
    (cl_program, cl_device_id, cl_program_build_info, size_t, void *,          \
     size_t *))                                                                \
  X(cl_int, clReleaseProgram, (cl_program))                                    \
  X(cl_kernel, clCreateKernel, (cl_program, const char *, cl_int *))           \
  X(cl_int, clSetKernelArg, (cl_kernel, cl_uint, size_t, const void *))        \
  X(cl_int, clGetKernelWorkGroupInfo,                                          \
    (cl_kernel, cl_device_id, cl_kernel_work_group_info, size_t, void *,       \
     size_t *))                                                                \
  X(cl_int, clReleaseKernel, (cl_kernel))                                      \
  X(cl_int, clEnqueueNDRangeKernel,                                            \
    (cl_command_queue, cl_kernel, cl_uint, const size_t *, const size_t *,     \
     const size_t *, cl_uint, const cl_event *, cl_event *))                   \
  X(cl_int, clEnqueueReadBuffer,                                               \
    (cl_command_queue, cl_mem, cl_bool, size_t, size_t, void *, cl_uint,       \
     const cl_event *, cl_event *))                                            \
  X(cl_int, clEnqueueWriteBuffer,                                              \
    (cl_command_queue, cl_mem, cl_bool, size_t, size_t, const void *, cl_uint, \
     const cl_event *, cl_event *))                                            \
  X(cl_int, clEnqueueFillBuffer,                                               \
    (cl_command_queue, cl_mem, const void *, size_t, size_t, size_t, cl_uint,  \
     const cl_event *, cl_event *))                                            \
  X(cl_int, clEnqueueMarkerWithWaitList,                                       \
    (cl_command_queue, cl_uint, const cl_event *, cl_event *))                 \
  X(cl_int, clEnqueueBarrierWithWaitList,                                      \
    (cl_command_queue, cl_uint, const cl_event *, cl_event *))                 \
  X(cl_int, clFlush, (cl_command_queue))                                       \
  X(cl_int, clFinish, (cl_command_queue))                                      \
  X(cl_int, clWaitForEvents, (cl_uint, const cl_event *))                      \
  X(cl_int, clReleaseEvent, (cl_event))

/* The table of entry points. */
#define CLCONV__CL_POINTER(ret, name, params) ret(CL_API_CALL *name) params;
typedef struct clconv__cl_loader_table {
  CLCONV__CL_FUNCTIONS(CLCONV__CL_POINTER)
} clconv__cl_loader_table;
#undef CLCONV__CL_POINTER

/* Loads the entry points once per process (thread-safe): from the library
 * CLCONV_OPENCL_LIBRARY names; else from the program, when it already has
 * OpenCL (linked, or preloaded by a tool such as Oclgrind); else from the
 * system's OpenCL ICD loader.
 * @return 1 when they are there (always, when the build links OpenCL);
 * else 0, with the reason in @p reason. */
int clconv__cl_loader_load(char *reason, size_t size);

#ifndef CLCONV_LINK_OPENCL
extern clconv__cl_loader_table clconv__cl_loader_api;
#ifndef CLCONV__CL_LOADER_SELF
#define clGetPlatformIDs clconv__cl_loader_api.clGetPlatformIDs
#define clGetPlatformInfo clconv__cl_loader_api.clGetPlatformInfo
#define clGetDeviceIDs clconv__cl_loader_api.clGetDeviceIDs
#define clGetDeviceInfo clconv__cl_loader_api.clGetDeviceInfo
#define clCreateContext clconv__cl_loader_api.clCreateContext
#define clGetContextInfo clconv__cl_loader_api.clGetContextInfo
#define clRetainContext clconv__cl_loader_api.clRetainContext
#define clReleaseContext clconv__cl_loader_api.clReleaseContext
#define clCreateCommandQueue clconv__cl_loader_api.clCreateCommandQueue
#define clGetCommandQueueInfo clconv__cl_loader_api.clGetCommandQueueInfo
#define clRetainCommandQueue clconv__cl_loader_api.clRetainCommandQueue
#define clReleaseCommandQueue clconv__cl_loader_api.clReleaseCommandQueue
#define clCreateBuffer clconv__cl_loader_api.clCreateBuffer
#define clCreateSubBuffer clconv__cl_loader_api.clCreateSubBuffer
#define clGetMemObjectInfo clconv__cl_loader_api.clGetMemObjectInfo
#define clRetainMemObject clconv__cl_loader_api.clRetainMemObject
#define clReleaseMemObject clconv__cl_loader_api.clReleaseMemObject
#define clCreateProgramWithSource                                              \
  clconv__cl_loader_api.clCreateProgramWithSource
#define clCreateProgramWithBinary                                              \
  clconv__cl_loader_api.clCreateProgramWithBinary
#define clBuildProgram clconv__cl_loader_api.clBuildProgram
#define clGetProgramInfo clconv__cl_loader_api.clGetProgramInfo
#define clGetProgramBuildInfo clconv__cl_loader_api.clGetProgramBuildInfo
#define clReleaseProgram clconv__cl_loader_api.clReleaseProgram
#define clCreateKernel clconv__cl_loader_api.clCreateKernel
#define clSetKernelArg clconv__cl_loader_api.clSetKernelArg
#define clGetKernelWorkGroupInfo clconv__cl_loader_api.clGetKernelWorkGroupInfo
#define clReleaseKernel clconv__cl_loader_api.clReleaseKernel
#define clEnqueueNDRangeKernel clconv__cl_loader_api.clEnqueueNDRangeKernel
#define clEnqueueReadBuffer clconv__cl_loader_api.clEnqueueReadBuffer
#define clEnqueueWriteBuffer clconv__cl_loader_api.clEnqueueWriteBuffer
#define clEnqueueFillBuffer clconv__cl_loader_api.clEnqueueFillBuffer
#define clEnqueueMarkerWithWaitList                                            \
  clconv__cl_loader_api.clEnqueueMarkerWithWaitList
#define clEnqueueBarrierWithWaitList                                           \
  clconv__cl_loader_api.clEnqueueBarrierWithWaitList
#define clFlush clconv__cl_loader_api.clFlush
#define clFinish clconv__cl_loader_api.clFinish
#define clWaitForEvents clconv__cl_loader_api.clWaitForEvents
#define clReleaseEvent clconv__cl_loader_api.clReleaseEvent
#endif
#endif

#endif
