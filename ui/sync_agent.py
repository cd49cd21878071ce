"""The sync agent: the desk's link to the centre, kept up in the background.

While someone is logged in and the desk is enrolled, the agent runs
:func:`app.sync.run.sync_once` every minute, a few seconds after the outbox gets new records,
and when the clerk asks (Sync now, F9). A sync waits on the network for as long as the link
takes, so it runs on a thread of the agent's own: never on the UI thread, and never on the
operations layer's database worker, which every save of a clerk goes through and which a slow
link would otherwise hold up. The sync's own database writes are short transactions between
network calls, so it holds no lock while it waits.

A failed attempt is tried again after a backoff that doubles from 30 seconds up to 15 minutes,
shortened at random a little so that an office's desks do not all call the centre in the same
second when the link comes back; a success resets it.
"""

from __future__ import annotations

import logging
import random
import threading
from dataclasses import dataclass, replace
from enum import Enum
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal

from app.domain.changes import Changes, Topic
from app.errors import DeskError
from app.tasks import Progress, TaskState
from ui.context import DeskContext
from ui.ops import describe_error

if TYPE_CHECKING:  # the HTTP client and its protocol load with the first sync, not at start-up
    from app.config import Config
    from app.services.core import Core
    from app.sync.run import SyncReport
    from app.sync.state import SyncStatus

log = logging.getLogger(__name__)

# How long closing the desk waits for a sync it cancelled: the batch under way is usually
# answered and marked by then. One that is not is sent again later and the centre answers
# "replayed" for each of its records, so leaving it costs nothing but that repeat.
SHUTDOWN_WAIT_SECONDS = 5.0


@dataclass(frozen=True, slots=True)
class SyncTiming:
    """When the agent calls the centre, in seconds."""

    period: float = 60.0  # between syncs while the link works
    first_backoff: float = 30.0  # after the first failure; doubled after each further one
    max_backoff: float = 900.0
    # After the outbox changed: a clerk's burst of saves goes up together, in one sync.
    debounce: float = 3.0
    first_delay: float = 5.0  # after login or enrolment: the screens load first
    jitter: float = 0.2  # a delay is shortened at random by up to this share

    def backoff(self, failures: int) -> float:
        """The delay before the next attempt after ``failures`` failures in a row."""
        if failures <= 0:
            return self.period
        return float(min(self.max_backoff, self.first_backoff * 2 ** (failures - 1)))


class Link(Enum):
    UNKNOWN = "unknown"  # not tried since the session began
    NOT_ENROLLED = "not_enrolled"
    ONLINE = "online"
    OFFLINE = "offline"  # the last attempt could not reach the centre
    FAILED = "failed"  # the centre refused, or what it sent could not be applied


@dataclass(frozen=True, slots=True)
class AgentState:
    """What the status bar shows: a snapshot, replaced whole on each change."""

    active: bool = False  # someone is logged in
    link: Link = Link.UNKNOWN
    running: bool = False
    status: SyncStatus | None = None  # None until first read from the database
    clock_warning: str | None = None
    message: str = ""  # why the last attempt failed, in the clerk's words

    @property
    def enrolled(self) -> bool:
        return self.status is not None and self.status.enrolment is not None


@dataclass(frozen=True, slots=True)
class Reading:
    status: SyncStatus
    clock_warning: str | None


def read_status(core: Core) -> Reading:
    from app.sync.state import sync_status

    status = sync_status(core)
    warning = None
    if status.enrolment is not None:
        from app.sync.enrolment import clock_warning

        warning = clock_warning(status.clock_offset_seconds)
    return Reading(status, warning)


@dataclass(frozen=True, slots=True)
class _Result:
    report: SyncReport | None
    reading: Reading | None
    error: Exception | None
    offline: bool


def _run(core: Core, config: Config, task: TaskState) -> _Result:
    """One sync and the state it left; on the agent's thread."""
    from app.sync.client import OfflineError
    from app.sync.run import sync_once

    report: SyncReport | None = None
    error: Exception | None = None
    try:
        report = sync_once(core, config, task)
    except DeskError as refused:
        log.info("sync failed: %s | %s", refused, refused.detail)
        error = refused
    except Exception as fault:  # a fault of the desk: logged whole, and tried again later
        log.exception("sync failed")
        error = fault
    try:
        reading: Reading | None = read_status(core)
    except DeskError:
        log.exception("could not read the sync state")
        reading = None
    return _Result(report, reading, error, isinstance(error, OfflineError))


class _Relay(QObject):
    # Emitted on the agent's thread; Qt queues them to the UI thread, where this object lives.
    sig_progress = Signal(object, str)  # fraction or None, message
    sig_done = Signal(object)  # _Result


class SyncAgent(QObject):
    sig_state_changed = Signal(object)  # AgentState
    sig_progress = Signal(object, str)  # fraction from 0 to 1 (None while unknown), message
    sig_finished = Signal(object)  # SyncReport
    sig_failed = Signal(str)  # the clerk-readable reason

    def __init__(
        self, context: DeskContext, parent: QObject | None = None, timing: SyncTiming | None = None
    ) -> None:
        super().__init__(parent)
        self._context = context
        self.timing = timing or SyncTiming()
        self.state = AgentState()
        self.failures = 0  # failed attempts in a row
        self.next_delay: float | None = None  # seconds until the attempt now scheduled
        self.task: TaskState | None = None  # the sync under way
        self._thread: threading.Thread | None = None
        self._again = False  # the outbox changed while a sync ran: another one follows it
        self._announcing = False
        self._relay = _Relay()
        self._relay.sig_progress.connect(self.sig_progress)
        self._relay.sig_done.connect(self._on_done)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_due)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.timeout.connect(self._on_outbox_settled)
        context.bus.sig_changed.connect(self._on_changed)

    @property
    def running(self) -> bool:
        return self._thread is not None

    @property
    def enrolled(self) -> bool:
        return self.state.enrolled

    @property
    def backoff(self) -> float:
        """The nominal delay before the next attempt, before its random shortening."""
        return self.timing.backoff(self.failures)

    # --- the session -------------------------------------------------------------------------

    def start(self) -> None:
        """Someone logged in: read where the desk stands, and sync soon if it is enrolled."""
        self._set(active=True)
        self.refresh()

    def stop_work(self) -> None:
        """The session ends: nothing new starts, and a sync under way stops at its next
        check, keeping what it finished."""
        self._timer.stop()
        self._debounce.stop()
        self.next_delay = None
        self._again = False
        if self.task is not None:
            self.task.cancel()
        self._set(active=False)

    def shutdown(self, wait: float = SHUTDOWN_WAIT_SECONDS) -> None:
        """The desk closes: stop, and give a sync under way a moment to mark what it sent."""
        self.stop_work()
        thread = self._thread
        if thread is not None:
            thread.join(wait)

    def refresh(self) -> None:
        core = self._context.core
        if core is None or self._context.ops.closed:
            return
        self._context.ops.query(read_status, core).success(self._on_read).failure(
            self._on_read_failed
        ).run()

    def sync_now(self) -> TaskState | None:
        """Sync at once, whatever the backoff says. The task of the sync under way if there is
        one; None when there is nothing to do it with (not enrolled, nobody logged in)."""
        if not self.state.active or not self.enrolled:
            return None
        if self.task is None:
            self._begin()
        return self.task

    # --- running -----------------------------------------------------------------------------

    def _begin(self) -> None:
        core = self._context.core
        if not self.state.active or not self.enrolled or core is None or self._context.ops.closed:
            return
        if self.running:
            self._again = True
            return
        self._timer.stop()
        self.next_delay = None
        self._again = False
        relay = self._relay

        def relay_progress(progress: Progress) -> None:
            relay.sig_progress.emit(progress.fraction, progress.message)

        task = TaskState(on_progress=relay_progress)
        self.task = task
        self._thread = threading.Thread(
            target=self._work,
            args=(core, self._context.config, task),
            name="sync",
            # A link that hangs must not keep a closed desk's process alive (see shutdown).
            daemon=True,
        )
        self._thread.start()
        self._set(running=True)

    def _work(self, core: Core, config: Config, task: TaskState) -> None:
        self._relay.sig_done.emit(_run(core, config, task))

    def _on_done(self, result: _Result) -> None:
        self._thread = None
        self.task = None
        changes: dict[str, Any] = {"running": False}
        if result.reading is not None:
            changes.update(status=result.reading.status, clock_warning=result.reading.clock_warning)
        report = result.report if result.error is None else None
        message = ""
        if report is not None:
            self.failures = 0
            changes.update(link=Link.ONLINE, message="", clock_warning=report.clock_warning)
        else:
            self.failures += 1
            message = describe_error(result.error) if result.error is not None else ""
            link = Link.OFFLINE if result.offline else Link.FAILED
            if result.reading is not None and result.reading.status.enrolment is None:
                link = Link.NOT_ENROLLED
            changes.update(link=link, message=message)
        self._set(**changes)
        again = report is not None and self._again
        # The next attempt is set before anyone hears how this one ended, so that they see it.
        if not again and self.state.active and self.enrolled:
            self._schedule(self.timing.backoff(self.failures))
        if report is None:
            self.sig_failed.emit(message)
            return
        self.sig_finished.emit(report)
        if report.push.sent or report.push.quarantined or (report.pull and report.pull.applied):
            self._announce(report.changes)
        if again:
            self._begin()

    def _schedule(self, seconds: float, *, jitter: bool = True) -> None:
        if jitter:
            seconds *= 1 - random.uniform(0, self.timing.jitter)  # timing, not a secret
        self.next_delay = seconds
        self._timer.start(max(0, round(seconds * 1000)))

    def _on_due(self) -> None:
        self.next_delay = None
        self._begin()

    def _announce(self, changes: Changes) -> None:
        # The screens refresh what the sync changed; the agent itself already knows, and must
        # not take its own notice of the outbox for new records to send.
        self._announcing = True
        try:
            self._context.bus.sig_changed.emit(changes)
        finally:
            self._announcing = False

    # --- what the desk says ------------------------------------------------------------------

    def _on_changed(self, changes: Changes) -> None:
        if self._announcing or not self.state.active:
            return
        if changes.touches(Topic.OUTBOX, Topic.SYNC):
            self.refresh()
        # While the link is down the backoff decides: each new record must not call again.
        if changes.touches(Topic.OUTBOX) and self.failures == 0:
            self._debounce.start(round(self.timing.debounce * 1000))

    def _on_outbox_settled(self) -> None:
        if self.failures == 0:
            self._begin()

    def _on_read(self, reading: Reading) -> None:
        link = self.state.link
        if reading.status.enrolment is None:
            link = Link.NOT_ENROLLED
        elif link is Link.NOT_ENROLLED:
            link = Link.UNKNOWN
        self._set(status=reading.status, clock_warning=reading.clock_warning, link=link)
        if not self.enrolled:
            self._timer.stop()
            self.next_delay = None
        elif self.state.active and not self.running and not self._timer.isActive():
            # Just logged in, or just enrolled: the first sync of the session.
            self._schedule(self.timing.first_delay, jitter=False)

    def _on_read_failed(self, error: BaseException) -> None:
        log.warning("could not read the sync state: %s", error)

    def _set(self, **changes: Any) -> None:
        self.state = replace(self.state, **changes)
        self.sig_state_changed.emit(self.state)
