"""setup.py: puts the clconv shared library into the package when it is
built (`pip install ./python`), so that the installed package needs nothing
else. The library is, in order: the file $CLCONV_LIBRARY names; the one in
the checkout's build/ folder (the README's build); else this script builds
it with CMake (cmake and a C compiler needed) in a temporary folder."""
import glob
import os
import shutil
import subprocess
import sys
import tempfile

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.dist import Distribution

HERE = os.path.dirname(os.path.abspath(__file__))
CHECKOUT = os.path.dirname(HERE)


def _version():
    """clconv's version, written in one place: project(VERSION) in the
    checkout's CMakeLists.txt; or, for a copy of python/ alone, what the
    library that CLCONV_LIBRARY names says of itself."""
    import ctypes
    import re
    cmake = os.path.join(CHECKOUT, "CMakeLists.txt")
    if os.path.isfile(cmake):
        with open(cmake, encoding="utf-8") as f:
            found = re.search(r"project\(clconv VERSION ([0-9.]+)", f.read())
        if found:
            return found.group(1)
    named = os.environ.get("CLCONV_LIBRARY")
    if named and os.path.isfile(named):
        lib = ctypes.CDLL(os.path.realpath(named))
        lib.clconv_version_string.restype = ctypes.c_char_p
        return lib.clconv_version_string().decode()
    sys.exit("setup.py: cannot tell clconv's version: install from a clconv "
             "checkout, or set CLCONV_LIBRARY to a built library")


VERSION = _version()


def _library_files(folder):
    """The real (not linked) shared library files of this version."""
    patterns = [f"libclconv.so.{VERSION}", "clconv.dll", "libclconv.dll",
                f"libclconv.{VERSION}.dylib"]
    found = []
    for pattern in patterns:
        found += [p for p in glob.glob(os.path.join(folder, pattern))
                  if os.path.isfile(p) and not os.path.islink(p)]
    return found


def _build_with_cmake(folder):
    build = os.path.join(folder, "build")
    common = ["-DCMAKE_BUILD_TYPE=Release", "-DCLCONV_BUILD_TESTS=OFF",
              "-DCLCONV_BUILD_EXAMPLES=OFF", "-DCLCONV_BUILD_TOOLS=OFF",
              "-DCLCONV_INSTALL=OFF", "-DBUILD_SHARED_LIBS=ON"]
    subprocess.check_call(["cmake", "-S", CHECKOUT, "-B", build] + common)
    subprocess.check_call(["cmake", "--build", build, "--config", "Release",
                           "--target", "clconv_shared", "-j", "2"])
    found = _library_files(build) + _library_files(
        os.path.join(build, "Release"))
    if not found:
        sys.exit("setup.py: CMake built no clconv shared library")
    return found[0]


def find_library(scratch):
    named = os.environ.get("CLCONV_LIBRARY")
    if named:
        if not os.path.isfile(named):
            sys.exit(f"setup.py: CLCONV_LIBRARY={named} is not a file")
        return os.path.realpath(named)
    built = _library_files(os.path.join(CHECKOUT, "build"))
    if built:
        return built[0]
    if not os.path.isfile(os.path.join(CHECKOUT, "CMakeLists.txt")):
        sys.exit("setup.py: no clconv library: set CLCONV_LIBRARY to one, or "
                 "install from a clconv checkout (python/ beside "
                 "CMakeLists.txt)")
    return _build_with_cmake(scratch)


class BuildWithLibrary(build_py):
    def run(self):
        super().run()
        target = os.path.join(self.build_lib, "clconv", "lib")
        os.makedirs(target, exist_ok=True)
        with tempfile.TemporaryDirectory() as scratch:
            library = find_library(scratch)
            name = os.path.basename(library)
            shutil.copy2(library, os.path.join(target, name))
            print(f"setup.py: clconv library {library}")


class BinaryDistribution(Distribution):
    """The package holds a native library: its wheel is tagged for this
    platform and Python, never py3-none-any."""

    def has_ext_modules(self):
        return True


setup(version=VERSION, cmdclass={"build_py": BuildWithLibrary},
      distclass=BinaryDistribution)
