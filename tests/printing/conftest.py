"""Fixtures for the printing tests: the session's private CUPS scheduler."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.support.cups import CupsUnavailableError, PrivateCups, start_private_cups


@pytest.fixture(scope="session")
def private_cups() -> Iterator[PrivateCups]:
    """A cupsd of the test session's own, stopped (and its files removed) at the end."""
    try:
        cups = start_private_cups()
    except CupsUnavailableError as error:
        if os.environ.get("CI"):
            pytest.fail(f"{error}: `make test` installs what it needs and runs as root")
        pytest.skip(str(error))
    yield cups
    cups.stop()
