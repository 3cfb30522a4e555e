#!/usr/bin/env bash
# named_faults.sh: single OpenCL failures whose reports must say what
# failed (issue 12, item 8): a failing device listing is an error, not "no
# device" (and not a skip); a device whose properties cannot be read is
# refused as such, not with a "largest buffer, 0 bytes" later; a missing
# platform (-1001) stays the ordinary "no OpenCL" case; a specialized kernel
# that fails to launch leaves the op to the generic kernels (issue 22).
#
# usage: named_faults.sh SHIM TOOL EXAMPLE
#   SHIM     the built cl_fault_shim library
#   TOOL     the clconv tool
#   EXAMPLE  an example that exits 77 without a device (learn_kernel)
set -uo pipefail
if [ $# -ne 3 ]; then
  echo "usage: named_faults.sh SHIM TOOL EXAMPLE" >&2
  exit 2
fi
shim=$1 tool=$2 example=$3
# No OpenCL device here: nothing to inject into. Skips, unless
# CLCONV_REQUIRE_DEVICE=1 (as CI sets).
if ! "$tool" devices 2>/dev/null | grep -q "usable by clconv"; then
  echo "named_faults: skipped: no usable OpenCL device"
  [ "${CLCONV_REQUIRE_DEVICE:-0}" = 1 ] && exit 1
  exit 77
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/clconv-named.XXXXXX")
trap 'rm -rf "$work"' EXIT
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=86:verify_asan_link_order=0"
failures=0

# expect STATUS NEEDLE [ENV=VALUE ...] -- PROGRAM ARGS...: runs the program
# with the shim and checks its exit status and that its output has NEEDLE
# (a leading ! asks for its absence).
expect() {
  local want=$1 needle=$2 rc env=()
  shift 2
  while [ "$1" != "--" ]; do
    env+=("$1")
    shift
  done
  shift
  env "${env[@]}" LD_PRELOAD="$shim" timeout 120 "$@" >"$work/out" 2>&1
  rc=$?
  local ok=1
  [ $rc -eq "$want" ] || ok=0
  if [ "${needle:0:1}" = "!" ]; then
    grep -qF -- "${needle:1}" "$work/out" && ok=0
  else
    grep -qF -- "$needle" "$work/out" || ok=0
  fi
  if [ $ok -eq 1 ]; then
    echo "ok    ${env[*]} $* -> $rc"
  else
    echo "FAIL  ${env[*]} $*: exit $rc (wanted $want), output lacks '$needle' or has it:"
    sed 's/^/    /' "$work/out" | head -20
    failures=$((failures + 1))
  fi
}

only() { echo "CLCONV_FAULT_ONLY=$1"; }

# A failing clGetDeviceIDs: an error that names it, everywhere.
expect 1 "clGetDeviceIDs failed" "$(only clGetDeviceIDs)" CLCONV_FAULT_AT=1 -- "$tool" devices
expect 1 "clGetDeviceIDs failed" "$(only clGetDeviceIDs)" CLCONV_FAULT_AT=1 -- "$example"
expect 1 "clGetDeviceIDs failed" "$(only clGetDeviceIDs)" CLCONV_FAULT_AT=1 -- "$tool" demo
expect 1 "!matches CLCONV_DEVICE" "$(only clGetDeviceIDs)" CLCONV_FAULT_AT=1 -- "$tool" demo
# A failing clGetPlatformIDs likewise; "no platform" (-1001) is no error.
expect 1 "clGetPlatformIDs failed" "$(only clGetPlatformIDs)" CLCONV_FAULT_AT=1 -- "$tool" devices
expect 0 "No OpenCL device" "$(only clGetPlatformIDs)" CLCONV_FAULT_AT=1 CLCONV_FAULT_ERROR=-1001 -- "$tool" devices
expect 77 "no OpenCL platform" "$(only clGetPlatformIDs)" CLCONV_FAULT_AT=1 CLCONV_FAULT_ERROR=-1001 -- "$example"
# Device properties that cannot be read: the device is refused, saying so.
expect 0 "its properties cannot be read" "$(only clGetDeviceInfo)" CLCONV_FAULT_AT=1 CLCONV_FAULT_MODE=after -- "$tool" devices
expect 1 "its properties cannot be read" "$(only clGetDeviceInfo)" CLCONV_FAULT_AT=1 CLCONV_FAULT_MODE=after -- "$tool" demo
expect 1 "!largest buffer" "$(only clGetDeviceInfo)" CLCONV_FAULT_AT=1 CLCONV_FAULT_MODE=after -- "$tool" demo

# A specialized kernel the device refuses to launch (CL_INVALID_WORK_GROUP_SIZE,
# as rusticl did): the generic kernels compute it instead, every check of the
# demo passes, and a note says what happened.
expect 0 "failed to run (corr2d_fwd_blocked: clEnqueueNDRangeKernel" "$(only clEnqueueNDRangeKernel)" CLCONV_FAULT_AT=1 CLCONV_FAULT_ERROR=-54 CLCONV_BUILD=sync -- "$tool" demo
expect 0 "18 of 18 checks ok" "$(only clEnqueueNDRangeKernel)" CLCONV_FAULT_AT=1 CLCONV_FAULT_ERROR=-54 CLCONV_BUILD=sync -- "$tool" demo

echo "named_faults: $failures failed"
[ $failures -eq 0 ]
