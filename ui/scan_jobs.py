"""Scans and imports off the UI thread, their pages handed to the screen one by one.

A worker of the operations layer runs :meth:`Acquisition.scan`, :meth:`Acquisition.import_files`
or :meth:`Acquisition.take_arrivals` (the files network scanners left in their folder);
each page is cleaned as the core cleans it (:func:`app.scanning.cleanup.clean_page`: turned
straight, cut to the paper) and sent at once through a Qt signal, so thumbnails appear while the
feeder is still going. A blank page (the back of a one-sided sheet through the feeder) is left
out and counted, so the clerk can be told. The screen keeps the :class:`Acquisition`: its
``task`` is what Cancel stops, and its relay's signals arrive on the UI thread.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image
from PySide6.QtCore import QObject, Signal

from app.i18n import _
from app.scanning.model import ScanDevice, ScannedPage, ScannerBackend, ScanOptions
from app.tasks import TaskState

if TYPE_CHECKING:  # OpenCV loads on the worker, with the first page, not when the screen opens
    from app.scanning.cleanup import CleanupSettings
    from app.scanning.watch import Arrival

# The preview fills most of a desk screen; a 300 dpi page is three times larger than that, so
# a smaller copy made once off the UI thread keeps choosing and turning pages instant.
PREVIEW_SIZE = 1200
THUMBNAIL_SIZE = 128


def _reduced(image: Image.Image, size: int) -> Image.Image:
    copy = image.convert("L") if image.mode == "1" else image.copy()
    copy.thumbnail((size, size))
    return copy


@dataclass(frozen=True, slots=True)
class PageEntry:
    """A page in the screen's list: the picture that is attached, and its smaller copies."""

    page: ScannedPage
    preview: Image.Image
    thumbnail: Image.Image

    @classmethod
    def of(cls, page: ScannedPage) -> PageEntry:
        return cls(page, _reduced(page.image, PREVIEW_SIZE), _reduced(page.image, THUMBNAIL_SIZE))

    def turned(self, *, clockwise: bool) -> PageEntry:
        way = Image.Transpose.ROTATE_270 if clockwise else Image.Transpose.ROTATE_90
        return PageEntry(
            replace(self.page, image=self.page.image.transpose(way)),
            self.preview.transpose(way),
            self.thumbnail.transpose(way),
        )


def list_devices(backend: ScannerBackend) -> tuple[list[ScanDevice], str]:
    """The scanners found, or none and what the clerk should know (not installed, none on)."""
    availability = backend.availability()
    if not availability.available:
        return [], availability.reason
    devices = backend.devices()
    if devices:
        return devices, ""
    return [], _(
        "No scanner was found. Check that it is switched on and connected (then press F5), "
        "or import files."
    )


@dataclass(frozen=True, slots=True)
class Acquired:
    """How a scan or an import ended; its pages went to the screen as they came."""

    pages: int
    dropped: int  # blank pages left out
    cancelled: bool
    problems: tuple[str, ...]  # the scanner's error (pages before it kept), each file refused


class PageRelay(QObject):
    # Emitted on the worker thread; Qt queues them to the screen on the UI thread, in order
    # and before the operation's own result.
    sig_page_arrived = Signal(object)  # PageEntry
    sig_progress = Signal(object)  # app.tasks.Progress


class Acquisition:
    """One scan or import: its progress and Cancel, its cleaned pages sent as they come."""

    def __init__(self, cleanup: CleanupSettings | None = None) -> None:
        self.relay = PageRelay()
        self.task = TaskState(on_progress=self.relay.sig_progress.emit)
        self._cleanup = cleanup
        self._handed = 0
        self._dropped = 0

    def scan(self, backend: ScannerBackend, device: ScanDevice, options: ScanOptions) -> Acquired:
        from app.scanning.backends import scan_pages

        result = scan_pages(backend, device, options, self.task, on_page=self._hand_over)
        problems = (result.error.message,) if result.error is not None else ()
        return self._summary(result.cancelled, problems)

    def import_files(self, paths: Sequence[Path]) -> Acquired:
        from app.scanning.files import import_files

        result = import_files(paths, self.task)
        total = len(result.pages)
        for number, page in enumerate(result.pages, start=1):
            self.task.set_progress(
                number / total,
                _("Straightening page {number} of {total}").format(number=number, total=total),
            )
            self._hand_over(page)
        return self._summary(result.cancelled, result.problems)

    def take_arrivals(self, arrivals: Sequence[Arrival]) -> Acquired:
        """The pages of files the scan folder gave, cleaned as imported files' are."""
        pages = [page for arrival in arrivals for page in arrival.pages]
        problems = tuple(arrival.problem for arrival in arrivals if arrival.problem)
        for number, page in enumerate(pages, start=1):
            self.task.set_progress(
                number / len(pages),
                _("Straightening page {number} of {total}").format(number=number, total=len(pages)),
            )
            self._hand_over(page)
        return self._summary(False, problems)

    def _hand_over(self, page: ScannedPage) -> None:
        from app.scanning.cleanup import CleanupSettings, clean_page

        cleaned = clean_page(page, self._cleanup or CleanupSettings())
        if cleaned.blank:
            self._dropped += 1
            return
        self._handed += 1
        self.relay.sig_page_arrived.emit(PageEntry.of(cleaned.page))

    def _summary(self, cancelled: bool, problems: tuple[str, ...]) -> Acquired:
        return Acquired(self._handed, self._dropped, cancelled, problems)
