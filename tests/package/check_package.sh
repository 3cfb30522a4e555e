#!/usr/bin/env bash
# check_package.sh: clconv as an application developer meets it (run by
# CTest as `package`). Installs the build to a prefix, moves the prefix,
# then builds and runs a consumer found by find_package, one built from
# pkg-config's flags (shared and static), and one that pulls clconv in with
# add_subdirectory; also checks the installed files name no path of this
# machine and that only the shared library exports clconv's API.
# Usage: check_package.sh BUILD_DIR SOURCE_DIR C_COMPILER
set -euo pipefail
build=$1 source=$2 cc=$3
work=$(mktemp -d "${TMPDIR:-/tmp}/clconv-package-test-XXXXXX")
trap 'rm -rf "$work"' EXIT
generator=(-G "Unix Makefiles")

echo "== install to a prefix, then move it"
cmake --install "$build" --prefix "$work/first" > /dev/null
mv "$work/first" "$work/prefix"
prefix=$work/prefix
libdir=$(dirname "$(find "$prefix" -name clconv.pc)")
libdir=${libdir%/pkgconfig}
if grep -rn -e "$build" -e "$source" -e "/libm\." "$prefix" --include='*.cmake' --include='*.pc'; then
  echo "the installed package names a path of this machine" >&2
  exit 1
fi
test -f "$prefix/share/doc/clconv/LICENSE"

echo "== find_package(clconv)"
cmake "${generator[@]}" -S "$source/tests/package/find_package" -B "$work/fp" \
  -DCMAKE_C_COMPILER="$cc" -DCMAKE_PREFIX_PATH="$prefix" > /dev/null
cmake --build "$work/fp" > /dev/null
"$work/fp/consumer"

echo "== pkg-config, shared"
export PKG_CONFIG_PATH=$libdir/pkgconfig
test "$(pkg-config --variable=prefix clconv)" -ef "$prefix"
# shellcheck disable=SC2046
"$cc" "$source/tests/package/consumer.c" -o "$work/pc_shared" \
  $(pkg-config --cflags --libs clconv)
LD_LIBRARY_PATH=$libdir "$work/pc_shared"

echo "== pkg-config, static"
# shellcheck disable=SC2046
"$cc" "$source/tests/package/consumer.c" -o "$work/pc_static" \
  $(pkg-config --cflags clconv) "$libdir/libclconv.a" \
  $(pkg-config --static --libs-only-l clconv | sed 's/-lclconv//')
"$work/pc_static"

echo "== only the shared library exports the API"
nm -D --defined-only "$libdir/libclconv.so" | grep -q " clconv_corr2d_forward$"
if nm -D --defined-only "$libdir/libclconv.so" | grep -q " clconv__"; then
  echo "the shared library exports internal functions" >&2
  exit 1
fi
"$cc" -shared -fPIC -o "$work/libwrapper.so" -Wl,--whole-archive \
  "$libdir/libclconv.a" -Wl,--no-whole-archive -lOpenCL -lm -ldl
if nm -D --defined-only "$work/libwrapper.so" | grep -q " clconv_"; then
  echo "a library linking clconv statically re-exports its API" >&2
  exit 1
fi

echo "== add_subdirectory"
cmake "${generator[@]}" -S "$source/tests/package/subdirectory" -B "$work/sub" \
  -DCMAKE_C_COMPILER="$cc" -DCLCONV_SOURCE_DIR="$source" > /dev/null
cmake --build "$work/sub" --target consumer -j 2 > /dev/null
"$work/sub/consumer"
echo "package: every consumer built and ran"
