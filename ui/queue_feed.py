"""The queue as it changes, for the clerk's panel, the kiosk and the waiting-room display.

A change made on this desk arrives on the change bus. A change made by another desk, the kiosk
or the display's office arrives through :class:`app.services.queue_events.QueueWatcher`
(LISTEN/NOTIFY on the office's PostgreSQL, a version poll on SQLite), which blocks: it runs on
a thread of its own and says "changed" through a Qt signal, which Qt delivers on the UI
thread. Either way the feed reloads through the operations layer and hands the result over.

A lost database shows as ``sig_connection(False, message)``; the watcher keeps retrying, and
the first load that succeeds again says ``sig_connection(True, "")``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import SIGNAL, QCoreApplication, QObject, QThread, QTimer, Signal
from shiboken6 import isValid

from app.domain.changes import Changes, Topic
from app.errors import DeskError, StorageError
from app.i18n import N_, _
from ui.context import DeskContext
from ui.ops import Ops, describe_error

if TYPE_CHECKING:
    from app.services.core import Core

log = logging.getLogger(__name__)

WAIT_SECONDS = 0.5  # how long one wait of the watcher blocks: also how fast it notices a stop
RETRY_MS = 2000  # after a failed load, or a lost watcher, before trying again
# Loaded again this often even when nothing changed: waiting times grow by the minute, and a
# kiosk's printer fault is not a change of the queue.
PERIODIC_MS = 30_000

Loader = Callable[["Core"], Any]
LOST = N_(
    "The connection to the office's database was lost. The queue shown may be out of date; "
    "the desk keeps trying to reconnect."
)


class WatchThread(QThread):
    """Waits for the office's queue to change, and says so.

    Qt owns it (its parent is the application) and deletes it on the UI thread once it has
    finished: Python's garbage collector, which may run on any thread, never does. It stops
    when asked, when the operations layer closes, or when no one listens any more (the screen
    that started it is gone), whichever comes first.
    """

    sig_changed = Signal()
    sig_lost = Signal(str)

    def __init__(self, core: Core, ops: Ops) -> None:
        super().__init__(QCoreApplication.instance())
        self._core = core
        self._ops = ops
        self.finished.connect(self.deleteLater)

    def _wanted(self) -> bool:
        # receivers() takes Qt's connection lock: safe to ask from this thread.
        listened = self.receivers(SIGNAL("sig_changed()")) > 0
        return listened and not self.isInterruptionRequested() and not self._ops.closed

    def _pause(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while self._wanted() and time.monotonic() < deadline:
            time.sleep(0.1)

    def run(self) -> None:
        from app.services.queue_events import RETRY_SECONDS, QueueWatcher

        while self._wanted():
            try:
                watcher = QueueWatcher.for_core(self._core)
            except DeskError as error:
                self.sig_lost.emit(error.message)
                self._pause(RETRY_SECONDS)
                continue
            with watcher:
                while self._wanted():
                    try:
                        if watcher.wait(WAIT_SECONDS):
                            self.sig_changed.emit()
                    except StorageError as error:
                        self.sig_lost.emit(error.message)
                        self._pause(RETRY_SECONDS)
            return


class QueueFeed(QObject):
    sig_loaded = Signal(object)  # what the loader returned
    sig_connection = Signal(bool, str)  # reachable?, what the person reads when not

    def __init__(
        self,
        context: DeskContext,
        load: Loader,
        parent: QObject,
        *,
        periodic_ms: int = PERIODIC_MS,
    ) -> None:
        """``periodic_ms`` 0: loads on change notices only (the owner refreshes what time
        changes by itself, more cheaply than a whole reload)."""
        super().__init__(parent)
        self._context = context
        self._load = load
        self._loading = False
        self._again = False
        self.connected = True
        self._thread: WatchThread | None = None
        self._retry = QTimer(self)
        self._retry.setSingleShot(True)
        self._retry.setInterval(RETRY_MS)
        self._retry.timeout.connect(self.refresh)
        self._periodic = QTimer(self)
        self.periodic_ms = periodic_ms
        self._periodic.setInterval(periodic_ms)
        self._periodic.timeout.connect(self.refresh)
        context.bus.sig_changed.connect(self._on_changed)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.stop)

    @property
    def watching(self) -> bool:
        return self._thread is not None

    def start(self) -> None:
        """Load now, and from now on whenever the queue changes, here or elsewhere."""
        core = self._context.core
        if core is None:
            return
        if self._thread is None:
            self._thread = WatchThread(core, self._context.ops)
            self._thread.sig_changed.connect(self.refresh)
            self._thread.sig_lost.connect(self._on_lost)
            self._thread.finished.connect(self._on_thread_finished)
            self._thread.start()
        if self.periodic_ms > 0:
            self._periodic.start()
        self.refresh()

    def stop(self, timeout_ms: int = 2000) -> None:
        self._retry.stop()
        self._periodic.stop()
        if self._thread is not None:
            self._thread.requestInterruption()
            self._thread.wait(timeout_ms)

    def _on_thread_finished(self) -> None:
        self._thread = None  # Qt deletes it: it is not to be touched any more

    def refresh(self) -> None:
        """Load again; a change during a load makes one more load after it, never a pile."""
        core = self._context.core
        if core is None or self._context.ops.closed:
            return
        if self._loading:
            self._again = True
            return
        self._loading = True
        self._context.ops.query(self._load, core).success(self._on_loaded).failure(
            self._on_failed
        ).run()

    def _on_loaded(self, value: Any) -> None:
        if not isValid(self):  # its screen closed while the load ran
            return
        self._loading = False
        if not self.connected:
            self.connected = True
            self.sig_connection.emit(True, "")
        self.sig_loaded.emit(value)
        if self._again:
            self._again = False
            self.refresh()

    def _on_failed(self, error: BaseException) -> None:
        if not isValid(self):
            return
        self._loading = False
        self._again = False
        if isinstance(error, StorageError):
            self.report_lost()
            return
        log.warning("the queue could not be loaded: %s", describe_error(error))
        self._retry.start()

    def _on_lost(self, message: str) -> None:
        log.info("queue watcher: %s", message)
        self.report_lost()

    def report_lost(self) -> None:
        """The database is out of reach (a load, the watcher or a screen's change found it):
        say so in one way wherever it was found, and try again shortly."""
        self.connected = False
        self.sig_connection.emit(False, _(LOST))
        self._retry.start()

    def _on_changed(self, changes: Changes) -> None:
        if changes.touches(Topic.QUEUE, Topic.MASTER_DATA):
            self.refresh()
