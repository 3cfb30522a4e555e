#!/usr/bin/env bash
# run_pytest.sh: runs the Python package's tests (python/tests, pytest) on
# the shared library just built, from a temporary folder, writing nothing
# into the source tree (no bytecode, no pytest cache).
# usage: run_pytest.sh LIBRARY PYTHON_PACKAGE_DIR
# Exits 77 (skipped) when no Python 3 with NumPy and pytest is found, unless
# CLCONV_REQUIRE_PYTHON=1 (as CI sets), which makes that a failure.
set -euo pipefail
library=$1 package=$2
python=""
for candidate in /usr/bin/python3 python3; do
  if command -v "$candidate" >/dev/null &&
    "$candidate" -c "import numpy, pytest" 2>/dev/null; then
    python=$candidate
    break
  fi
done
if [ -z "$python" ]; then
  echo "run_pytest: no python3 with numpy and pytest (apt-get install" \
    "python3-numpy python3-pytest python3-torch)"
  [ "${CLCONV_REQUIRE_PYTHON:-0}" = 1 ] && exit 1
  exit 77
fi
. "$(dirname "$0")/device_probe.sh"
work=$(mktemp -d "${TMPDIR:-/tmp}/clconv-pytest.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
export CLCONV_LIBRARY=$library PYTHONPATH=$package PYTHONDONTWRITEBYTECODE=1
# PyTorch missing: its tests skip, unless CI requires them.
if [ "${CLCONV_REQUIRE_PYTHON:-0}" = 1 ]; then
  "$python" -c "import torch" || { echo "run_pytest: PyTorch is missing"; exit 1; }
fi
exec "$python" -m pytest -q -p no:cacheprovider --rootdir "$work" \
  "$package/tests"
