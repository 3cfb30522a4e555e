#!/usr/bin/env bash
# if_device.sh: runs a command when the clconv tool sees a usable OpenCL
# device; otherwise skips (exit 77), unless CLCONV_REQUIRE_DEVICE=1 makes
# that a failure. The MPI tests run through it: their ranks would otherwise
# each fail on the missing device.
# usage: if_device.sh TOOL -- COMMAND [ARGS...]
set -uo pipefail
tool=$1
shift 2
if ! "$tool" devices 2>/dev/null | grep -q "usable by clconv"; then
  echo "skipped: no usable OpenCL device"
  [ "${CLCONV_REQUIRE_DEVICE:-0}" = 1 ] && exit 1
  exit 77
fi
exec "$@"
