"""Long work that reports its progress and can be cancelled: scanning, imports, sync, printing.

The worker runs the core function with a :class:`TaskState`; the screen that started it keeps
the same object, shows :attr:`TaskState.progress` (or is told through ``on_progress``) and
calls :meth:`TaskState.cancel` from its Cancel button. Plain Python and thread-safe, so the
core stays free of Qt; the UI relays ``on_progress`` to a signal.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Progress:
    # From 0 to 1; None while the end is unknown (a feeder does not say how many pages it holds).
    fraction: float | None
    message: str


class TaskState:
    """Progress going out to the screen and a cancel request coming back to the worker."""

    def __init__(self, on_progress: Callable[[Progress], None] | None = None) -> None:
        self._on_progress = on_progress
        self._cancel = threading.Event()
        self._lock = threading.Lock()
        self._progress = Progress(0.0, "")

    def set_progress(self, fraction: float | None, message: str) -> None:
        clamped = None if fraction is None else min(1.0, max(0.0, fraction))
        progress = Progress(clamped, message)
        with self._lock:
            self._progress = progress
        if self._on_progress is not None:
            self._on_progress(progress)

    @property
    def progress(self) -> Progress:
        with self._lock:
            return self._progress

    def cancel(self) -> None:
        """Ask the work to stop; it stops at its next check and keeps what it finished."""
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def wait_cancelled(self, timeout: float) -> bool:
        """Sleep up to ``timeout`` seconds, waking at once when cancelled."""
        return self._cancel.wait(timeout)
