"""The scanner backend chosen for each system; Windows' WIA where it cannot run."""

from __future__ import annotations

import pytest

from app.scanning.backends import backend_for_platform
from app.scanning.model import ScanDevice, ScannerUnavailableError, ScanOptions
from app.scanning.sane import SaneBackend
from app.scanning.windows import WiaBackend
from app.tasks import TaskState


@pytest.mark.parametrize(
    ("platform", "kind"), [("linux", SaneBackend), ("darwin", SaneBackend), ("win32", WiaBackend)]
)
def test_each_system_gets_its_backend(platform: str, kind: type) -> None:
    backend = backend_for_platform(platform)
    assert isinstance(backend, kind)
    assert backend.name == {SaneBackend: "sane", WiaBackend: "wia"}[kind]


def test_wia_is_not_available_off_windows() -> None:
    # WIA exists only on Windows; on Linux it must say so rather than fail on an import.
    backend = WiaBackend(platform="linux")
    availability = backend.availability()
    assert not availability.available
    assert availability.reason == "Windows scanners (WIA) can only be used on Windows."
    with pytest.raises(ScannerUnavailableError, match="only be used on Windows"):
        backend.devices()
    with pytest.raises(ScannerUnavailableError):
        list(backend.scan(ScanDevice("wia", "x"), ScanOptions(), TaskState()))


def test_wia_on_windows_without_pywin32_says_what_is_missing() -> None:
    pytest.importorskip("app.scanning.windows")
    try:
        import win32com.client  # noqa: F401
    except ImportError:
        pass
    else:
        pytest.skip("pywin32 is installed here")
    availability = WiaBackend(platform="win32").availability()
    assert not availability.available
    assert "pywin32" in availability.reason
