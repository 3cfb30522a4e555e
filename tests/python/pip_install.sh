#!/usr/bin/env bash
# pip_install.sh: installs the Python package as the README says, into a
# new virtual environment (with Debian's NumPy and PyTorch seen through
# --system-site-packages), from a copy of python/ in a temporary folder,
# and imports clconv and clconv.torch from elsewhere; the library is the
# one just built (CLCONV_LIBRARY), copied into the package by its setup.py.
# usage: pip_install.sh LIBRARY PYTHON_PACKAGE_DIR
# Exits 77 when python3-venv or pip is missing, unless CLCONV_REQUIRE_PYTHON=1.
set -euo pipefail
library=$1 package=$2
python=/usr/bin/python3
command -v "$python" >/dev/null || python=python3
. "$(dirname "$0")/device_probe.sh"
work=$(mktemp -d "${TMPDIR:-/tmp}/clconv-pip.XXXXXX")
trap 'rm -rf "$work"' EXIT
if ! "$python" -m venv --system-site-packages "$work/venv" >"$work/venv.log" 2>&1; then
  cat "$work/venv.log"
  echo "pip_install: cannot make a virtual environment (apt-get install python3-venv)"
  [ "${CLCONV_REQUIRE_PYTHON:-0}" = 1 ] && exit 1
  exit 77
fi
cp -r "$package" "$work/src"
# --no-build-isolation: build with the setuptools already here, so that
# no download is needed.
CLCONV_LIBRARY=$library PYTHONDONTWRITEBYTECODE=1 \
  "$work/venv/bin/python" -m pip wheel --quiet --no-build-isolation \
  --no-deps -w "$work/wheel" "$work/src"
wheel=$(ls "$work"/wheel/clconv-*.whl)
# The wheel holds a native library: it must be tagged for this platform.
case "$wheel" in
  *-none-any.whl) echo "pip_install: $wheel is tagged for any platform" >&2; exit 1 ;;
esac
echo "pip_install: built $(basename "$wheel")"
PYTHONDONTWRITEBYTECODE=1 "$work/venv/bin/python" -m pip install --quiet \
  --no-deps "$wheel"
cd "$work"
unset CLCONV_LIBRARY PYTHONPATH
"$work/venv/bin/python" - <<'PY'
import clconv, clconv.torch, torch
assert clconv.library_path.startswith(__import__("sys").prefix), clconv.library_path
print("pip_install:", clconv.__version__, clconv.library_path)
import importlib.resources
assert importlib.resources.files("clconv").joinpath("py.typed").is_file()
print("pip_install: corr2d", clconv.corr2d([[0, 1, 2], [3, 4, 5], [6, 7, 8]],
                                          [[0, 1], [2, 3]]).tolist())
m = clconv.torch.Conv2d(1, 1, (1, 2), bias=False)
m(torch.ones(1, 1, 2, 3)).sum().backward()
assert m.weight.grad is not None
PY
