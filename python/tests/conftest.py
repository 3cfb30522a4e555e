"""conftest.py: one clconv context per test session on the device the tests
are pointed at ($CLCONV_DEVICE, else the default), and the reference."""
import pytest

import clconv


@pytest.fixture(scope="session")
def ctx():
    with clconv.Context() as c:
        yield c


@pytest.fixture(scope="session")
def ref():
    with clconv.Context(device="reference") as c:
        yield c
