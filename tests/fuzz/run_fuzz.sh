#!/usr/bin/env bash
# run_fuzz.sh: runs a libFuzzer target for a bounded time on a copy of its
# seed corpus (the tree is never written), and prints how many inputs it
# ran. Any crash, leak or sanitizer report fails; the input that caused it
# is kept in the printed folder.
#
# usage: run_fuzz.sh FUZZER SEED_CORPUS SECONDS
#   CLCONV_FUZZ_SECONDS, when set, overrides SECONDS.
set -uo pipefail
if [ $# -ne 3 ]; then
  echo "usage: run_fuzz.sh FUZZER SEED_CORPUS SECONDS" >&2
  exit 2
fi
fuzzer=$1 seeds=$2 seconds=${CLCONV_FUZZ_SECONDS:-$3}
work=$(mktemp -d "${TMPDIR:-/tmp}/clconv-fuzz.XXXXXX")
mkdir "$work/corpus" "$work/artifacts"
cp "$seeds"/* "$work/corpus/"
"$fuzzer" -max_total_time="$seconds" -max_len=4096 -timeout=10 \
  -artifact_prefix="$work/artifacts/" "$work/corpus" >"$work/log" 2>&1
rc=$?
runs=$(grep -o 'Done [0-9]* runs' "$work/log" | grep -o '[0-9]*')
echo "run_fuzz: $(basename "$fuzzer"): ${runs:-?} inputs in $seconds s, corpus $(ls "$work/corpus" | wc -l) files, exit $rc"
if [ $rc -ne 0 ]; then
  tail -40 "$work/log"
  echo "run_fuzz: the failing input is in $work/artifacts"
  exit 1
fi
rm -rf "$work"
