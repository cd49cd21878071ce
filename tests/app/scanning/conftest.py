"""The SANE "test" backend, enabled by the project's own configuration folder."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from app.scanning.model import ScanDevice
from app.scanning.sane import SaneBackend

SANE_CONFIG_DIR = Path(__file__).resolve().parents[2] / "support" / "sane"


@pytest.fixture(scope="session")
def sane_env() -> dict[str, str]:
    if shutil.which("scanimage") is None:
        if os.environ.get("CI"):
            pytest.fail("scanimage is missing: `make test` installs sane-utils")
        pytest.skip("scanimage (sane-utils) is not installed")
    return {**os.environ, "SANE_CONFIG_DIR": str(SANE_CONFIG_DIR)}


@pytest.fixture
def sane(sane_env: dict[str, str]) -> SaneBackend:
    return SaneBackend(env=sane_env)


@pytest.fixture
def test_device() -> ScanDevice:
    return ScanDevice("sane", "test:0", "Noname", "frontend-tester")
