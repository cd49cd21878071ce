"""Long work that reports progress and can be cancelled, without knowing who is watching.

The core's long functions take a :class:`TaskState`; the UI shows its progress with a Cancel
button, the command line prints it, tests drive it directly.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from app.errors import DeskError
from app.i18n import _


class TaskCancelledError(DeskError):
    def __init__(self) -> None:
        super().__init__(_("Cancelled. Nothing was left half-done."))


class TaskState:
    def __init__(self, on_progress: Callable[[float, str], None] | None = None) -> None:
        self._cancel = threading.Event()
        self._on_progress = on_progress

    def set_progress(self, fraction: float, text: str = "") -> None:
        if self._on_progress is not None:
            self._on_progress(max(0.0, min(1.0, fraction)), text)

    def request_cancel(self) -> None:
        self._cancel.set()

    @property
    def cancel_requested(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        """Stop here if the person asked to cancel; call between safe steps."""
        if self._cancel.is_set():
            raise TaskCancelledError()
