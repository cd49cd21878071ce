"""Which scanner backend this computer uses, and a scan run to its end with what it gave.

A screen asks :func:`backend_for_platform` for the backend, lists its devices, and runs
:func:`scan_pages` off the UI thread with a :class:`~app.tasks.TaskState` whose Cancel it
holds. The result keeps every page that came out, whether the scan finished, was cancelled
or failed half-way.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass

from app.scanning.model import ScanDevice, ScanError, ScannedPage, ScannerBackend, ScanOptions
from app.tasks import TaskState

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ScanResult:
    pages: tuple[ScannedPage, ...]
    cancelled: bool = False
    error: ScanError | None = None  # why the scan stopped early; the pages before are kept


def backend_for_platform(platform: str = sys.platform) -> ScannerBackend:
    """WIA on Windows; SANE elsewhere (Linux, and macOS where SANE is installed)."""
    if platform == "win32":
        from app.scanning.windows import WiaBackend

        return WiaBackend(platform=platform)
    from app.scanning.sane import SaneBackend

    return SaneBackend()


def scan_pages(
    backend: ScannerBackend,
    device: ScanDevice,
    options: ScanOptions,
    task: TaskState,
    on_page: Callable[[ScannedPage], None] | None = None,
) -> ScanResult:
    """Scan until the device is done, Cancel is pressed, or it fails; keep every page."""
    pages: list[ScannedPage] = []
    try:
        for page in backend.scan(device, options, task):
            pages.append(page)
            if on_page is not None:
                on_page(page)
    except ScanError as error:
        log.warning("scan stopped after %d pages: %s", len(pages), error.detail or error.message)
        return ScanResult(tuple(pages), task.cancelled, error)
    return ScanResult(tuple(pages), task.cancelled)
