"""conftest.py: one clconv context per test session on the device the tests
are pointed at ($CLCONV_DEVICE, else the default), and the reference. With
no OpenCL device the tests that need one skip, unless
CLCONV_REQUIRE_DEVICE=1 makes that a failure."""
import os

import pytest

import clconv


@pytest.fixture(scope="session")
def ctx():
    try:
        c = clconv.Context()
    except clconv.Error as e:
        if (e.status in ("NO_PLATFORM", "DEVICE_NOT_FOUND")
                and os.environ.get("CLCONV_REQUIRE_DEVICE") != "1"):
            pytest.skip(f"no OpenCL device: {e}")
        raise
    with c:
        yield c


@pytest.fixture(scope="session")
def ref():
    with clconv.Context(device="reference") as c:
        yield c
