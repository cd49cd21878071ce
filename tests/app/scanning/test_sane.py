"""Scanning through SANE's command line with its "test" backend: a real driver, a virtual
scanner with a flatbed and a feeder of 10 pages."""

from __future__ import annotations

import stat
import tempfile
import time
from pathlib import Path

import pytest

from app.scanning import sane_run
from app.scanning.backends import scan_pages
from app.scanning.model import (
    ColorMode,
    ScanDevice,
    ScanError,
    ScannedPage,
    ScannerUnavailableError,
    ScanOptions,
    ScanSource,
)
from app.scanning.sane import SaneBackend
from app.tasks import Progress, TaskState

FEEDER_PAGES = 10  # what the test backend's feeder holds


def test_lists_the_test_devices(sane: SaneBackend) -> None:
    started = time.perf_counter()
    devices = sane.devices()
    assert [device.id for device in devices] == ["test:0", "test:1"]
    assert devices[0].label == "Noname frontend-tester"
    assert time.perf_counter() - started < 2.0  # no network probing with our own config


def test_capabilities_come_from_the_device(sane: SaneBackend, test_device: ScanDevice) -> None:
    capabilities = sane.capabilities(test_device)
    assert capabilities.sources == (ScanSource.FLATBED, ScanSource.FEEDER)
    assert capabilities.color_modes == (ColorMode.COLOR, ColorMode.GRAY)
    assert 300 in capabilities.resolutions
    assert capabilities.max_area_mm == (200.0, 200.0)


def test_flatbed_gives_one_page_cut_to_the_largest_area(
    sane: SaneBackend, test_device: ScanDevice
) -> None:
    seen: list[Progress] = []
    task = TaskState(on_progress=seen.append)
    options = ScanOptions(resolution=100, color_mode=ColorMode.GRAY)  # A4 asked: 200 x 200 mm
    result = scan_pages(sane, test_device, options, task)
    assert result.error is None and not result.cancelled
    [page] = result.pages
    assert page.dpi == 100
    assert page.image.mode == "L"
    assert page.image.size == (787, 787)  # 200 mm at 100 dpi
    assert page.size_mm[0] == pytest.approx(200, abs=0.5)
    assert seen[-1] == Progress(1.0, "1 page scanned")
    assert any(p.message.startswith("Scanning page 1:") for p in seen)


def test_feeder_gives_every_page_in_colour(sane: SaneBackend, test_device: ScanDevice) -> None:
    arrived: list[ScannedPage] = []
    seen: list[Progress] = []
    options = ScanOptions(source=ScanSource.FEEDER, resolution=50, color_mode=ColorMode.COLOR)
    result = scan_pages(sane, test_device, options, TaskState(seen.append), on_page=arrived.append)
    assert result.error is None
    assert len(result.pages) == FEEDER_PAGES
    assert arrived == list(result.pages)  # each page handed over as it came
    assert all(page.image.mode == "RGB" for page in result.pages)
    assert [page.origin for page in result.pages][:2] == [
        "Noname frontend-tester, page 1",
        "Noname frontend-tester, page 2",
    ]
    # The feeder does not say how many pages it holds: the progress has no end to show.
    assert seen[-1] == Progress(None, "10 pages scanned")


def test_feeder_stops_at_the_pages_asked_for(sane: SaneBackend, test_device: ScanDevice) -> None:
    seen: list[Progress] = []
    options = ScanOptions(source=ScanSource.FEEDER, resolution=50, max_pages=3)
    result = scan_pages(sane, test_device, options, TaskState(seen.append))
    assert len(result.pages) == 3
    fractions = [p.fraction for p in seen if p.fraction is not None]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0


def test_cancel_keeps_the_pages_scanned(sane_env: dict[str, str], test_device: ScanDevice) -> None:
    slow = SaneBackend(
        env=sane_env, extra_options=("--read-delay=yes", "--read-delay-duration=50000")
    )
    task = TaskState()
    options = ScanOptions(source=ScanSource.FEEDER, resolution=150)
    started = time.perf_counter()
    result = scan_pages(slow, test_device, options, task, on_page=lambda _page: task.cancel())
    assert result.cancelled and result.error is None
    assert 1 <= len(result.pages) < FEEDER_PAGES
    assert time.perf_counter() - started < 30
    assert all(page.image.size == (1181, 1181) for page in result.pages)


def test_no_copy_of_the_pages_stays_on_the_disk(
    sane: SaneBackend, test_device: ScanDevice, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    result = scan_pages(sane, test_device, ScanOptions(resolution=50), TaskState())
    assert len(result.pages) == 1
    assert list(tmp_path.iterdir()) == []  # a visitor's document lives in memory only


def test_a_device_error_says_what_happened(
    sane_env: dict[str, str], test_device: ScanDevice
) -> None:
    failing = SaneBackend(env=sane_env, extra_options=("--read-return-value=SANE_STATUS_IO_ERROR",))
    result = scan_pages(failing, test_device, ScanOptions(resolution=50), TaskState())
    assert result.pages == ()
    assert result.error is not None
    assert result.error.pages_kept == 0
    assert str(result.error) == (
        "The scanner could not scan: the connection to the scanner was lost. Check that it "
        "is switched on and connected, then try again."
    )


def _unplugging_scanimage(folder: Path, how: str, after: int = 2) -> str:
    """A stand-in for a scanner unplugged mid-scan, which the test backend cannot do: the
    real scanimage scans ``after`` pages, then the program ends as it does when the device
    is gone (``how``: "error" prints SANE's I/O error, "kill" dies by a signal, "empty"
    finds the feeder empty at once, "hang" prints the error and never ends, as the test
    backend's clean-up once did, "silent" says nothing more and never ends)."""
    script = folder / "scanimage"
    script.write_text(
        "#!/bin/sh\n"
        'case " $* " in *" --batch"*) ;; *) exec scanimage "$@" ;; esac\n'
        f'if [ "{how}" = empty ]; then\n'
        '  echo "scanimage: sane_start: Document feeder out of documents" >&2; exit 7\n'
        "fi\n"
        f'scanimage "$@" --batch-count={after} || exit $?\n'
        f'if [ "{how}" = kill ]; then kill -9 $$; fi\n'
        f'if [ "{how}" = silent ]; then exec sleep 600; fi\n'
        'echo "scanimage: sane_start: Error during device I/O" >&2\n'
        f'if [ "{how}" = hang ]; then exec sleep 600; fi\n'
        "exit 9\n",
        encoding="utf-8",
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return str(script)


def test_unplugged_mid_scan_keeps_the_pages_and_says_so(
    sane_env: dict[str, str], test_device: ScanDevice, tmp_path: Path
) -> None:
    backend = SaneBackend(command=_unplugging_scanimage(tmp_path, "error"), env=sane_env)
    options = ScanOptions(source=ScanSource.FEEDER, resolution=50)
    result = scan_pages(backend, test_device, options, TaskState())
    assert len(result.pages) == 2
    assert result.error is not None and result.error.pages_kept == 2
    assert str(result.error) == (
        "The scanner stopped after 2 pages: the connection to the scanner was lost. The pages "
        "scanned are kept; check the scanner (cable, power, paper) and scan the rest."
    )


_NEVER_ENDING = {
    "hang": "the connection to the scanner was lost",  # its error printed, then stuck
    "silent": "the scanner stopped answering",
}


@pytest.mark.parametrize("how", sorted(_NEVER_ENDING))
def test_a_scanning_program_that_never_ends_is_stopped_and_keeps_the_pages(
    sane_env: dict[str, str],
    test_device: ScanDevice,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    how: str,
) -> None:
    reason = _NEVER_ENDING[how]
    monkeypatch.setattr(sane_run, "ERROR_EXIT_SECONDS", 0.5)
    monkeypatch.setattr(sane_run, "SILENT_SECONDS", 2.0)
    backend = SaneBackend(command=_unplugging_scanimage(tmp_path, how, after=1), env=sane_env)
    options = ScanOptions(source=ScanSource.FEEDER, resolution=50)
    # Without the watchdog this waits out the script's 600 s and then finds no error at all.
    result = scan_pages(backend, test_device, options, TaskState())
    assert len(result.pages) == 1
    assert result.error is not None and result.error.pages_kept == 1
    assert f"stopped after 1 page: {reason}" in str(result.error)


def test_a_scanning_program_that_dies_keeps_the_pages(
    sane_env: dict[str, str], test_device: ScanDevice, tmp_path: Path
) -> None:
    backend = SaneBackend(command=_unplugging_scanimage(tmp_path, "kill", after=1), env=sane_env)
    options = ScanOptions(source=ScanSource.FEEDER, resolution=50)
    result = scan_pages(backend, test_device, options, TaskState())
    assert len(result.pages) == 1
    assert result.error is not None
    assert "stopped after 1 page: the scanning program stopped unexpectedly" in str(result.error)


def test_an_empty_feeder_is_named(
    sane_env: dict[str, str], test_device: ScanDevice, tmp_path: Path
) -> None:
    backend = SaneBackend(command=_unplugging_scanimage(tmp_path, "empty"), env=sane_env)
    with pytest.raises(ScanError, match="The document feeder is empty"):
        list(backend.scan(test_device, ScanOptions(source=ScanSource.FEEDER), TaskState()))


def test_a_missing_device_is_a_clear_error(sane: SaneBackend) -> None:
    ghost = ScanDevice("sane", "test:9")
    with pytest.raises(ScanError, match="The scanner cannot be used: "):
        sane.capabilities(ghost)


def test_options_the_device_lacks_are_refused(sane: SaneBackend, test_device: ScanDevice) -> None:
    with pytest.raises(ScanError, match="cannot scan in “Black and white”; it offers: Gray, Color"):
        list(sane.scan(test_device, ScanOptions(color_mode=ColorMode.BLACK_WHITE), TaskState()))


def test_without_sane_installed_it_says_so() -> None:
    backend = SaneBackend(command="scanimage-not-installed")
    assert not backend.availability().available
    with pytest.raises(ScannerUnavailableError, match="package sane-utils"):
        backend.devices()
