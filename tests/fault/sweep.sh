#!/usr/bin/env bash
# sweep.sh: runs a program once per OpenCL call it makes, with that call (or
# every call from it on) failing through cl_fault_shim, and checks each run:
# no crash, no hang, no sanitizer report, exit 1 with a message that starts
# with the program's prefix (or exit 0 with the same outputs as a clean run),
# and no file left behind after a failure.
#
# usage: sweep.sh SHIM MODE EVERY PREFIX OUTPUTS -- PROGRAM [ARGS...]
#   SHIM     the built cl_fault_shim library
#   MODE     once (only the N-th call fails) or after (it and all later ones)
#   EVERY    sweep every EVERY-th point (1: all); the first and the last
#            points always run; CLCONV_FAULT_EVERY, when set, overrides it
#   PREFIX   what an error message starts with, e.g. "clconv"
#   OUTPUTS  space-separated files the program writes ("" for none)
# The program runs in a fresh temporary folder holding the notebook's edge
# image X.npy (6x8), its target Y.npy (6x7) and the kernel K.npy ([[1, -1]]),
# so commands name them relative to it.
set -uo pipefail
if [ $# -lt 7 ] || [ "$6" != "--" ]; then
  echo "usage: sweep.sh SHIM MODE EVERY PREFIX OUTPUTS -- PROGRAM [ARGS...]" >&2
  exit 2
fi
shim=$1 mode=$2 every=${CLCONV_FAULT_EVERY:-$3} prefix=$4 outputs=$5
shift 6
work=$(mktemp -d "${TMPDIR:-/tmp}/clconv-fault.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 2

# A sanitizer's own reports must not look like a clean failure (exit 1), and
# with GCC's shared ASan runtime the shim would otherwise have to come first.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=86:verify_asan_link_order=0"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}exitcode=86"

# Writes a float32 .npy file of values from {0, 1, -1}.
npy_f32() {
  local file=$1 shape=$2 header len
  shift 2
  header="{'descr': '<f4', 'fortran_order': False, 'shape': $shape, }"
  len=${#header}
  while [ $(((10 + len + 1) % 64)) -ne 0 ]; do
    header="$header "
    len=$((len + 1))
  done
  len=$((len + 1))
  {
    printf '\x93NUMPY\x01\x00'
    printf "\\x$(printf %02x $((len & 255)))\\x$(printf %02x $((len >> 8)))"
    printf '%s\n' "$header"
    for v in "$@"; do
      case $v in
      0) printf '\x00\x00\x00\x00' ;;
      1) printf '\x00\x00\x80\x3f' ;;
      -1) printf '\x00\x00\x80\xbf' ;;
      esac
    done
  } >"$file"
}
x=() y=()
for i in 0 1 2 3 4 5; do
  x+=(1 1 0 0 0 0 1 1)
  y+=(0 1 0 0 0 -1 0)
done
npy_f32 X.npy "(6, 8)" "${x[@]}"
npy_f32 Y.npy "(6, 7)" "${y[@]}"
npy_f32 K.npy "(1, 2)" 1 -1
inputs="X.npy K.npy Y.npy"

# The clean run: counts the points and keeps the outputs to compare with.
mkdir baseline
CLCONV_FAULT_COUNT_FILE="$work/count" \
  timeout 120 env LD_PRELOAD="$shim" "$@" >baseline/stdout 2>baseline/stderr
rc=$?
# No OpenCL device here: the sweep has nothing to inject into. It skips,
# unless CLCONV_REQUIRE_DEVICE=1 (as CI sets).
if [ $rc -ne 0 ] && { [ $rc -eq 77 ] ||
  grep -q "no OpenCL platform found\|No OpenCL device" baseline/stderr; }; then
  echo "sweep: skipped: no OpenCL device: $(head -n 1 baseline/stderr)"
  [ "${CLCONV_REQUIRE_DEVICE:-0}" = 1 ] && exit 1
  exit 77
fi
if [ $rc -ne 0 ]; then
  echo "sweep: the clean run failed:" >&2
  cat baseline/stderr >&2
  exit 1
fi
total=$(cat count)
for f in $outputs; do mv "$f" "baseline/$f"; done

# One point: 0 when every check holds, else prints why and returns 1.
# With no_leak_check=1, LeakSanitizer is off for this run (the other
# sanitizers and every other check stay).
check_point() {
  local n=$1 rc name extra asan=${ASAN_OPTIONS:-}
  shift
  rm -f failed_call
  [ "${no_leak_check:-0}" = 1 ] && asan="${asan:+$asan:}detect_leaks=0"
  CLCONV_FAULT_AT=$n CLCONV_FAULT_MODE=$mode CLCONV_FAULT_LOG_FILE="$work/failed_call" \
    ASAN_OPTIONS="$asan" timeout 60 env LD_PRELOAD="$shim" "$@" >stdout 2>stderr
  rc=$?
  name=$(cat failed_call 2>/dev/null || echo "no call")
  why=""
  if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
    why="hung (killed after 60 s)"
  elif [ $rc -eq 86 ] || grep -q "Sanitizer\|runtime error:" stderr; then
    why="a sanitizer report"
  elif [ $rc -ne 0 ] && [ $rc -ne 1 ]; then
    why="exit status $rc (a crash, or a skip where there is an error)"
  elif [ $rc -eq 1 ] && ! grep -q "^$prefix" stderr; then
    why="exit 1 without a message starting with '$prefix'"
  elif [ $rc -eq 1 ]; then
    extra=$(ls -A | grep -v -x -e baseline -e count -e stdout -e stderr \
      -e failed_call $(for f in $inputs; do printf -- '-e %s ' "$f"; done))
    [ -n "$extra" ] && why="files left after the failure: $extra"
  else
    for f in $outputs; do
      cmp -s "$f" "baseline/$f" || why="exit 0 but $f differs from a clean run"
    done
  fi
  for f in $outputs; do rm -f "$f"; done
  # LeakSanitizer's own tracer sometimes crashes while it stops the
  # process's threads ("Tracer caught signal 11", google/sanitizers#1353):
  # no finding about the program; the caller runs the point again.
  if [ "$why" = "a sanitizer report" ] &&
    grep -q "LeakSanitizer has encountered a fatal error" stderr &&
    grep -q "Tracer caught signal" stderr; then
    return 2
  fi
  if [ -n "$why" ]; then
    echo "FAIL point $n ($name fails, mode $mode): $why"
    sed 's/^/    /' stderr | head -20
    return 1
  fi
  return 0
}

failures=0 checked=0 retried=0 unleaked=0
for ((n = 1; n <= total; n++)); do
  if [ $((n % every)) -ne 0 ] && [ $n -ne 1 ] && [ $n -ne $total ]; then
    continue
  fi
  checked=$((checked + 1))
  for attempt in 1 2 3; do
    check_point "$n" "$@"
    result=$?
    [ $result -ne 2 ] && break
    retried=$((retried + 1))
    echo "RETRY point $n: LeakSanitizer's tracer crashed (attempt $attempt)"
  done
  if [ $result -eq 2 ]; then
    # The tracer keeps crashing at this point: the point is checked once
    # more without the leak check, and counted.
    echo "NOTE point $n: LeakSanitizer's tracer crashed three times;" \
      "checked once more without the leak check"
    no_leak_check=1 check_point "$n" "$@"
    result=$?
    unleaked=$((unleaked + 1))
  fi
  if [ $result -ne 0 ]; then
    failures=$((failures + 1))
  fi
done
echo "sweep: $checked of $total fault points (mode $mode) of: $*"
echo "sweep: $failures failed, $retried runs again after LeakSanitizer's tracer crashed, $unleaked points without the leak check"
[ $failures -eq 0 ]
