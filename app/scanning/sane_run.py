"""One ``scanimage`` process: its pages as they finish, its progress, how it ended.

Two threads read the process's output into a queue (stdout: the name of each finished page;
stderr: progress and errors), and the caller's thread takes from the queue, so a Cancel is
seen within ``POLL_SECONDS`` even while the scanner is silent.
"""

from __future__ import annotations

import logging
import os
import queue
import re
import subprocess
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from PIL import Image

from app.i18n import _, ngettext
from app.scanning.model import (
    MAX_PAGES,
    Fault,
    ScanDevice,
    ScanError,
    ScannedPage,
    device_error,
    dpi_of,
    feeder_empty_error,
    normalised,
)
from app.tasks import TaskState

log = logging.getLogger(__name__)

POLL_SECONDS = 0.1
# After a cancel, scanimage gets this long to tell the scanner before it is killed.
STOP_SECONDS = 5.0
# After it printed an error, scanimage only has to tidy up: a driver that hangs in its clean-up
# (SANE's test backend can, after an I/O error) is stopped, and its error reported.
ERROR_EXIT_SECONDS = 5.0
# A scanner warming its lamp is silent for a minute at most: three minutes without a page,
# a progress line or a message is a scanner that stopped answering.
SILENT_SECONDS = 180.0
_PROGRESS = re.compile(r"Progress: ([\d.]+)%")
_SCANNING_PAGE = re.compile(r"Scanning page (\d+)")
_ERROR = re.compile(r"^scanimage: (?:.*?: )?(.+)$")
# scanimage's notes on a signal (our own cancel, or a pipe closed as the test backend's reader
# process ends after an error): they follow the real error and are not one.
_SIGNAL_NOTICE = re.compile(r"received signal \d+|trying to stop scanner")

# SANE's status texts (sane_strstatus, read in the C locale).
_STATUS_FAULTS = {
    "Error during device I/O": Fault.CONNECTION_LOST,
    "Document feeder jammed": Fault.JAMMED,
    "Document feeder out of documents": Fault.FEEDER_EMPTY,
    "Scanner cover is open": Fault.COVER_OPEN,
    "Device busy": Fault.BUSY,
    "Access to resource has been denied": Fault.DENIED,
    "Out of memory": Fault.OUT_OF_MEMORY,
    "Invalid argument": Fault.SETTINGS_REFUSED,
    "Operation not supported": Fault.UNSUPPORTED,
    "Operation was cancelled": Fault.STOPPED_AT_DEVICE,
}


def last_error(lines: Sequence[str]) -> tuple[Fault | None, str]:
    """The last error scanimage printed: the fault it means, if known, and its own words."""
    for line in reversed(lines):
        match = _ERROR.match(line.strip())
        if match is not None and _SIGNAL_NOTICE.search(line) is None:
            raw = match.group(1).strip()
            return _STATUS_FAULTS.get(raw), raw
    return None, ""


def reason_of(lines: Sequence[str]) -> str:
    fault, raw = last_error(lines)
    if fault is not None:
        return fault.reason
    if raw:
        return _("the scanner reported: {text}").format(text=raw)
    return Fault.PROGRAM_DIED.reason


@dataclass(frozen=True, slots=True)
class _Event:
    kind: str  # "page" (a finished file), "line" (a message), "end" (a stream closed)
    text: str = ""


class ScanRun:
    def __init__(
        self,
        args: list[str],
        env: dict[str, str],
        *,
        device: ScanDevice,
        resolution: int,
        count: int,
        task: TaskState,
    ) -> None:
        self._args = args
        self._env = env
        self._device = device
        self._resolution = resolution
        self._count = count
        self._task = task
        self._events: queue.Queue[_Event] = queue.Queue()
        self._messages: list[str] = []
        self._done = 0
        self._current = 0  # the page scanimage is on, as it announced
        self._page_fraction = 0.0
        self._reported = 0.0  # the fraction last shown: the bar never moves back
        self._error_at: float | None = None  # when scanimage printed its first error
        self._stuck: Fault | None = None  # why the process was stopped without ending

    def pages(self) -> Iterator[ScannedPage]:
        try:
            process = subprocess.Popen(
                self._args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=self._env
            )
        except OSError as error:
            raise ScanError(
                _("The scanning program cannot be started: {problem}.").format(
                    problem=error.strerror or error
                ),
                detail=repr(error),
            ) from error
        assert process.stdout is not None and process.stderr is not None
        readers = [
            threading.Thread(target=self._read_pages, args=(process.stdout,), daemon=True),
            threading.Thread(target=self._read_messages, args=(process.stderr,), daemon=True),
        ]
        for reader in readers:
            reader.start()
        self._report(_("Waiting for the scanner…"))
        try:
            yield from self._follow(process, open_streams=len(readers))
        finally:
            stop(process)  # at once if cancelled, or when the caller stopped reading
            for reader in readers:
                reader.join(timeout=STOP_SECONDS)
        if self._task.cancelled:
            yield from self._finished_pages()  # pages already complete when Cancel came
            return
        self._raise_on_failure(process.returncode)

    def _follow(self, process: subprocess.Popen[bytes], open_streams: int) -> Iterator[ScannedPage]:
        heard = time.monotonic()
        while open_streams:
            if self._task.cancelled:
                return
            try:
                event = self._events.get(timeout=POLL_SECONDS)
            except queue.Empty:
                self._stuck = self._stuck_fault(heard)
                if self._stuck is not None:
                    log.warning("scanimage stopped: %s", self._stuck.value)
                    return  # stopped by the caller's clean-up; the pages so far are kept
                continue
            heard = time.monotonic()
            if event.kind == "end":
                open_streams -= 1
            elif event.kind == "page":
                yield self._page(event.text)
            else:
                self._message(event.text)
        process.wait()

    def _stuck_fault(self, heard: float) -> Fault | None:
        """Why the process must be stopped although it has not ended, if it must."""
        now = time.monotonic()
        if self._error_at is not None and now - self._error_at > ERROR_EXIT_SECONDS:
            return last_error(self._messages)[0] or Fault.PROGRAM_DIED
        if now - heard > SILENT_SECONDS:
            return Fault.NOT_RESPONDING
        return None

    def _finished_pages(self) -> Iterator[ScannedPage]:
        while True:
            try:
                event = self._events.get_nowait()
            except queue.Empty:
                return
            if event.kind == "page" and Path(event.text).is_file():
                yield self._page(event.text)

    def _read_pages(self, stream: IO[bytes]) -> None:
        for raw in stream:
            name = raw.decode("utf-8", "replace").strip()
            if name:
                self._events.put(_Event("page", name))
        self._events.put(_Event("end"))

    def _read_messages(self, stream: IO[bytes]) -> None:
        # Progress lines end in a carriage return, the others in a newline.
        pending = b""
        while chunk := os.read(stream.fileno(), 4096):
            pending += chunk
            *lines, pending = re.split(rb"[\r\n]", pending)
            for line in lines:
                if line.strip():
                    self._events.put(_Event("line", line.decode("utf-8", "replace").strip()))
        if pending.strip():
            self._events.put(_Event("line", pending.decode("utf-8", "replace").strip()))
        self._events.put(_Event("end"))

    def _message(self, text: str) -> None:
        # The two streams race: progress of a page may come after its file. The page that a
        # progress line speaks of is the one scanimage last announced.
        announced = _SCANNING_PAGE.match(text)
        progress = _PROGRESS.match(text)
        if announced is not None:
            self._current = int(announced.group(1))
        elif progress is not None:
            if self._current <= self._done:
                return
            self._page_fraction = float(progress.group(1)) / 100
            self._report(
                _("Scanning page {number}: {percent} %").format(
                    number=self._current, percent=round(self._page_fraction * 100)
                )
            )
        else:
            self._messages.append(text)
            log.info("scanimage: %s", text)
            # Only a SANE status is an error for sure: scanimage also notes, in the same form,
            # settings it rounded ("scanimage: rounded value of br-x from 210 to 215.9").
            if self._error_at is None and last_error([text])[0] is not None:
                self._error_at = time.monotonic()

    def _page(self, path: str) -> ScannedPage:
        image = _load(Path(path))
        Path(path).unlink(missing_ok=True)  # the picture is in memory; no copy stays behind
        self._done += 1
        self._page_fraction = 0.0
        self._report(
            ngettext("{count} page scanned", "{count} pages scanned", self._done).format(
                count=self._done
            )
        )
        return ScannedPage(
            image,
            dpi_of(image, self._resolution),
            _("{device}, page {number}").format(device=self._device.label, number=self._done),
        )

    def _report(self, message: str) -> None:
        # One page from the glass has a known end; the feeder's number of pages is not known.
        if self._count == 1:
            self._task.set_progress(1.0 if self._done else self._page_fraction, message)
        elif self._count < MAX_PAGES:
            # scanimage's progress lines and its finished pages reach us on separate streams:
            # a late line of the last page must not move the bar back.
            fraction = max(self._reported, (self._done + self._page_fraction) / self._count)
            self._reported = fraction
            self._task.set_progress(fraction, message)
        else:
            self._task.set_progress(None, message)

    def _raise_on_failure(self, returncode: int | None) -> None:
        fault, _raw = last_error(self._messages)
        if returncode == 0 or (fault is Fault.FEEDER_EMPTY and self._done > 0):
            return  # a feeder that ran out of paper after some pages has simply finished
        detail = f"exit {returncode}: " + "\n".join(self._messages[-5:])
        if fault is Fault.FEEDER_EMPTY:
            raise feeder_empty_error(detail)
        killed = returncode is not None and returncode < 0
        if self._stuck is not None:  # stopped here: its own error, or its silence, says why
            reason = self._stuck.reason
        else:
            reason = Fault.PROGRAM_DIED.reason if killed else reason_of(self._messages)
        raise device_error(reason, pages_kept=self._done, detail=detail)


def stop(process: subprocess.Popen[bytes]) -> None:
    """Ask scanimage to cancel (it tells the scanner to stop feeding), then insist."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _load(path: Path) -> Image.Image:
    with Image.open(path) as opened:
        opened.load()
        image = opened.copy()
        image.info = dict(opened.info)
    return normalised(image)
