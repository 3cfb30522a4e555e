# device_probe.sh: sourced by run_pytest.sh and pip_install.sh, with
# $python, $library and $package set: the package must import (else the
# test fails); with no usable OpenCL device the test skips (exit 77),
# unless CLCONV_REQUIRE_DEVICE=1 makes that a failure.
CLCONV_LIBRARY=$library PYTHONPATH=$package PYTHONDONTWRITEBYTECODE=1 "$python" -c \
  "import clconv" || { echo "cannot import clconv with $library"; exit 1; }
if ! CLCONV_LIBRARY=$library PYTHONPATH=$package PYTHONDONTWRITEBYTECODE=1 "$python" -c \
  "import clconv, sys; sys.exit(0 if any(d.usable for d in clconv.devices()) else 1)" \
  >/dev/null 2>&1; then
  echo "skipped: no usable OpenCL device"
  [ "${CLCONV_REQUIRE_DEVICE:-0}" = 1 ] && exit 1
  exit 77
fi
