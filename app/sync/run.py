"""One sync: the clock checked, the outbox pushed, the feed pulled.

`sync_once` is what "Sync now", the background agent and ``reception-admin sync`` all run.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from app.config import Config
from app.domain.changes import Changes, Topic
from app.errors import DeskError
from app.i18n import _
from app.security.desk_key import load_or_create
from app.services.core import Core
from app.sync.client import SyncClient, SyncError
from app.sync.enrolment import clock_warning
from app.sync.pull import PullReport, pull_feed
from app.sync.push import SYNC_ACTOR, PushReport, push_outbox
from app.sync.state import state_row
from app.sync.uploads import UploadReport, upload_scans
from app.tasks import TaskState

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SyncReport:
    push: PushReport
    pull: PullReport | None
    scans: UploadReport | None
    clock_offset_seconds: float
    clock_warning: str | None

    @property
    def cancelled(self) -> bool:
        return (
            self.push.cancelled
            or (self.scans is not None and self.scans.cancelled)
            or (self.pull is not None and self.pull.cancelled)
        )

    @property
    def changes(self) -> Changes:
        return Changes(
            frozenset(
                {Topic.SYNC, Topic.OUTBOX, Topic.APPLICATIONS, Topic.PERMITS, Topic.ATTACHMENTS}
            )
        )


def client_for(core: Core, config: Config) -> SyncClient:
    with core.reading() as session:
        state = state_row(session)
        if state is None:
            raise SyncError(
                _("This desk is not enrolled with the centre yet: an administrator enrols it.")
            )
        url, desk_id, offset = state.server_url, state.remote_desk_id, state.clock_offset_seconds
    return SyncClient(
        url, desk_id=desk_id, key=load_or_create(config).signing_key, clock_offset=offset
    )


def sync_once(
    core: Core, config: Config, task: TaskState | None = None, *, client: SyncClient | None = None
) -> SyncReport:
    own = client is None
    http = client or client_for(core, config)
    try:
        if task is not None:
            task.set_progress(None, _("Connecting to the centre…"))
        http.server_time()
        _save_offset(core, http.clock_offset)
        pushed = push_outbox(core, http, task)
        # Scans after the records that name them, so the centre always knows what a file is.
        scans = None if pushed.cancelled else upload_scans(core, config, http, task)
        pulled = None if pushed.cancelled else pull_feed(core, http, task)
        # What the pull applied may have queued nothing, but a decision moves the application
        # on, and what a clerk did meanwhile waits: a second push costs one empty query.
        if pulled is not None and not pulled.cancelled:
            more = push_outbox(core, http, task)
            pushed = PushReport(
                pushed.sent + more.sent,
                pushed.quarantined + more.quarantined,
                pushed.batches + more.batches,
                more.cancelled,
            )
    except DeskError as error:
        _save_error(core, str(error))
        raise
    finally:
        if own:
            http.close()
    return SyncReport(pushed, pulled, scans, http.clock_offset, clock_warning(http.clock_offset))


def _save_offset(core: Core, offset: float) -> None:
    with core.changing(SYNC_ACTOR) as tx:
        state = state_row(tx.session)
        if state is not None:
            state.clock_offset_seconds = offset


def _save_error(core: Core, message: str) -> None:
    try:
        with core.changing(SYNC_ACTOR) as tx:
            state = state_row(tx.session)
            if state is not None:
                state.last_error = message[:1000]
    except DeskError:
        log.exception("could not note the sync error")
