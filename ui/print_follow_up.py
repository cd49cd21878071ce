"""Following the desk's print jobs after the print service took them.

The print preview closes as soon as the print service accepts a document, but CUPS may still
fail the job afterwards (the printer errs, someone cancels it, the printer is stopped). The
desk's `PrintFollowUp` asks about each job every couple of seconds, off the UI thread, through
`app.services.printouts.follow_job`, until the job ends or ten minutes have passed. A job that
came to nothing is logged failed by the core; here the clerk is told (``sig_job_failed``, shown
in the main window) and the change is announced, so the screens showing the print log refresh.

Jobs are followed for whoever printed them, while that person is logged in: logging out or
closing the desk stops all following.
"""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from app.domain.changes import Outcome
from app.domain.prints import PrintEntry, PrintResult
from app.domain.users import Actor
from ui.context import DeskContext

if TYPE_CHECKING:  # the printing services load with the first print, not with the window
    from app.services.printouts import FollowedJob
    from printing.spool import PrinterBackend

log = logging.getLogger(__name__)

POLL_MS = 2_000
# A job not ended by then waits on something the desk cannot see (a long queue, a held job):
# the clerk has long moved on, and the print service's own tools show it.
FOLLOW_SECONDS = 600.0


@dataclass
class _Job:
    entry: PrintEntry
    backend: PrinterBackend
    actor: Actor
    until: float  # time.monotonic() after which the job is no longer followed
    asking: bool = False  # a question is under way: no second one meanwhile


class PrintFollowUp(QObject):
    sig_job_failed = Signal(str)  # what the clerk reads

    def __init__(
        self,
        context: DeskContext,
        parent: QObject | None = None,
        *,
        poll_ms: int = POLL_MS,
        follow_seconds: float = FOLLOW_SECONDS,
    ) -> None:
        super().__init__(parent)
        self._context = context
        self._follow_seconds = follow_seconds
        self._jobs: dict[uuid.UUID, _Job] = {}
        self._timer = QTimer(self)
        self._timer.setInterval(poll_ms)
        self._timer.timeout.connect(self._poll)
        context.bus.sig_print_sent.connect(self.follow)

    def follow(self, entry: PrintEntry, backend: PrinterBackend) -> None:
        """Follow the job of a print the print service just took."""
        from printing.escpos_backend import owns_job

        # An ESC/POS printer's job ended when it was sent, and Qt's spooler gives no job id.
        if entry.result is not PrintResult.SENT or not entry.job_id or owns_job(entry.job_id):
            return
        if self._context.user is None:
            return
        self._jobs[entry.id] = _Job(
            entry, backend, self._context.actor, time.monotonic() + self._follow_seconds
        )
        self._timer.start()

    def following(self) -> int:
        """How many jobs are followed now."""
        return len(self._jobs)

    def stop(self) -> None:
        """Follow nothing more (logging out, closing); answers still under way are dropped."""
        self._jobs.clear()
        self._timer.stop()

    def _poll(self) -> None:
        from app.services import printouts

        core, now = self._context.core, time.monotonic()
        for key, job in list(self._jobs.items()):
            if now > job.until:
                log.info("print job %s not followed any more: not ended", job.entry.job_id)
                del self._jobs[key]
            elif not job.asking and core is not None:
                job.asking = True
                self._context.ops.io(
                    printouts.follow_job, core, job.actor, job.entry, job.backend
                ).success(partial(self._on_answer, job)).failure(
                    partial(self._on_no_answer, job)
                ).run()
        if not self._jobs:
            self._timer.stop()

    def _on_answer(self, job: _Job, outcome: Outcome[FollowedJob]) -> None:
        job.asking = False
        # Logged on the I/O pool, not as a database mutation: announce what changed.
        if outcome.changes:
            self._context.bus.sig_changed.emit(outcome.changes)
        followed = outcome.value
        if not followed.settled or self._jobs.get(job.entry.id) is not job:
            return
        del self._jobs[job.entry.id]
        if followed.message:
            log.warning("print job %s ended %s", job.entry.job_id, followed.state.value)
            self.sig_job_failed.emit(followed.message)

    def _on_no_answer(self, job: _Job, error: BaseException) -> None:
        # The print service may be busy or restarting: asked again at the next poll.
        job.asking = False
        log.info("print job %s: no answer yet: %s", job.entry.job_id, error)
