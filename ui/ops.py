"""Core work off the UI thread, results back on it.

Screens never open a session or wait on the database: they run an operation,

    self.ops.mutate(users.create_user, core, actor, ...).success(self._on_created).run()

Database work goes to one serial worker (so changes apply in the order they were asked for);
printing and network to a small pool. Success and failure callbacks run on the UI thread. A
mutation's ``Changes`` are announced on the change bus, and every screen that shows those
topics refreshes itself.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Signal

from app.domain.changes import Changes, Outcome
from app.errors import DeskError
from app.i18n import _

log = logging.getLogger(__name__)


class ChangeBus(QObject):
    """One place that re-emits what the core says changed."""

    sig_changed = Signal(object)  # Changes
    sig_language_changed = Signal(str)
    # A screen asks for another to show a record: (screen key, the record's id).
    sig_open = Signal(str, object)
    # The print service took a document: (PrintEntry, the PrinterBackend that sent it), for
    # the desk's PrintFollowUp to follow its job.
    sig_print_sent = Signal(object, object)


def describe_error(error: BaseException) -> str:
    """The message a person reads; the technical detail is logged, never shown."""
    if isinstance(error, DeskError):
        return error.message
    return _(
        "Something unexpected went wrong; the details are in the log file. Nothing was "
        "half-saved: each change is all or nothing."
    )


class _Relay(QObject):
    # Emitted from worker threads; Qt queues it to the UI thread where this object lives.
    sig_finished = Signal(object, object, object)  # op, result, error


class Op:
    def __init__(
        self,
        ops: Ops,
        pool: ThreadPoolExecutor,
        function: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        *,
        mutation: bool,
    ) -> None:
        self._ops = ops
        self._pool = pool
        self._function = function
        self._args = args
        self._kwargs = kwargs
        self._mutation = mutation
        self._on_success: Callable[[Any], None] | None = None
        self._on_failure: Callable[[BaseException], None] | None = None
        self.future: Future[Any] | None = None

    def success(self, callback: Callable[[Any], None]) -> Op:
        self._on_success = callback
        return self

    def failure(self, callback: Callable[[BaseException], None]) -> Op:
        self._on_failure = callback
        return self

    def run(self) -> Op:
        if self._ops.closed:
            log.warning(
                "operation %s dropped: the desk is closing",
                getattr(self._function, "__qualname__", "?"),
            )
            return self
        self._ops._pending += 1
        self.future = self._pool.submit(self._work)
        return self

    def _work(self) -> None:
        try:
            result = self._function(*self._args, **self._kwargs)
        except BaseException as error:
            if not isinstance(error, DeskError):
                log.error(
                    "operation %s failed",
                    getattr(self._function, "__qualname__", "?"),
                    exc_info=error,
                )
            else:
                log.info("operation refused: %s | %s", error, error.detail)
            self._ops._relay.sig_finished.emit(self, None, error)
            return
        self._ops._relay.sig_finished.emit(self, result, None)

    def _deliver(self, result: Any, error: BaseException | None) -> None:
        self._ops._pending -= 1
        if error is not None:
            if self._on_failure is not None:
                self._on_failure(error)
            else:
                self._ops.sig_failed.emit(describe_error(error))
            return
        if self._mutation and isinstance(result, Outcome):
            changes: Changes = result.changes
            value: Any = result.value
        else:
            changes, value = Changes(), result
        if self._on_success is not None:
            self._on_success(value)
        if changes:
            self._ops.bus.sig_changed.emit(changes)


class Ops(QObject):
    sig_failed = Signal(str)  # an operation without its own failure handler failed

    def __init__(self, bus: ChangeBus, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.bus = bus
        self._database = ThreadPoolExecutor(max_workers=1, thread_name_prefix="db")
        self._io = ThreadPoolExecutor(max_workers=3, thread_name_prefix="io")
        self._relay = _Relay()
        self._relay.sig_finished.connect(self._on_finished)
        self._pending = 0
        self.closed = False

    def query(self, function: Callable[..., Any], *args: Any, **kwargs: Any) -> Op:
        return Op(self, self._database, function, args, kwargs, mutation=False)

    def mutate(self, function: Callable[..., Any], *args: Any, **kwargs: Any) -> Op:
        """A core function returning ``Outcome``: its changes are announced on the bus."""
        return Op(self, self._database, function, args, kwargs, mutation=True)

    def io(self, function: Callable[..., Any], *args: Any, **kwargs: Any) -> Op:
        """Printing, network, scanning: a small pool apart from the database worker."""
        return Op(self, self._io, function, args, kwargs, mutation=False)

    @property
    def busy(self) -> bool:
        return self._pending > 0

    def _on_finished(self, op: Op, result: Any, error: BaseException | None) -> None:
        op._deliver(result, error)

    def shutdown(self) -> None:
        """Finish the database work already asked for (nothing is cut halfway), then stop."""
        self.closed = True
        self._database.shutdown(wait=True, cancel_futures=False)
        self._io.shutdown(wait=True, cancel_futures=True)
