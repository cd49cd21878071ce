"""Push: the outbox goes up in order, in batches, and a record is marked sent only once the
centre acknowledged it.

A crash between the centre's answer and our marking costs nothing: the next push sends the
same records again, and the centre answers "replayed" for each (it keys them on this desk and
the record id). A record the centre refuses is quarantined with its reason for a supervisor;
it is never deleted and never sent again by itself.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from typing import Any, Final

from pydantic import ValidationError as PydanticValidationError
from sqlalchemy import select, update

from app.db.models import AuditRow, OutboxRow
from app.domain.changes import Topic
from app.domain.users import Actor
from app.i18n import _
from app.services.core import Core
from app.sync.client import SyncClient
from app.sync.protocol import OutboxRecord, PushBatch, RecordStatus
from app.sync.state import PENDING, QUARANTINED, SENT, state_row
from app.tasks import TaskState

log = logging.getLogger(__name__)

BATCH_SIZE: Final = 500
_MERGED_ENTITIES: Final = frozenset({"person"})
SYNC_ACTOR: Final = Actor.system("sync")


@dataclass(frozen=True, slots=True)
class PushReport:
    sent: int
    quarantined: int
    batches: int
    cancelled: bool


_COLUMNS: Final = (
    OutboxRow.id,
    OutboxRow.seq,
    OutboxRow.created_at,
    OutboxRow.entity,
    OutboxRow.entity_id,
    OutboxRow.operation,
    OutboxRow.payload,
)


def _pending(core: Core, limit: int) -> list[dict[str, Any]]:
    # Plain rows, not ORM objects: a batch of thousands is read in a fraction of the time.
    with core.reading() as session:
        rows = [
            dict(row._mapping)
            for row in session.execute(
                select(*_COLUMNS)
                .where(OutboxRow.status == PENDING)
                .order_by(OutboxRow.seq)
                .limit(limit)
            )
        ]
        # A person's change goes with the version it started from: the centre merges edits
        # made at two offices field by field (the audit row of the same change keeps it).
        merged_seqs = [row["seq"] for row in rows if row["entity"] in _MERGED_ENTITIES]
        if merged_seqs:
            before: dict[int, Any] = dict(
                session.execute(
                    select(AuditRow.seq, AuditRow.before).where(AuditRow.seq.in_(merged_seqs))
                ).all()
            )
            for row in rows:
                if row["entity"] in _MERGED_ENTITIES:
                    row["before"] = before.get(row["seq"])
        return rows


def push_outbox(
    core: Core, client: SyncClient, task: TaskState | None = None, *, batch_size: int = BATCH_SIZE
) -> PushReport:
    """Send what waits, oldest first, until the outbox is empty or the work is cancelled."""
    sent = quarantined = batches = 0
    total = None
    while True:
        if task is not None and task.cancelled:
            return PushReport(sent, quarantined, batches, True)
        rows = _pending(core, batch_size)
        if not rows:
            break
        if total is None:
            total = len(rows)
        records: list[OutboxRecord] = []
        unsendable: dict[uuid.UUID, str] = {}
        for row in rows:
            try:
                records.append(OutboxRecord.model_validate(row))
            except PydanticValidationError as error:
                unsendable[row["id"]] = _("The record cannot be sent as it is: {problem}").format(
                    problem=error.errors()[0]["msg"]
                )
        outcome: dict[uuid.UUID, tuple[str, str]] = {
            row_id: (QUARANTINED, reason) for row_id, reason in unsendable.items()
        }
        if records:
            answer = client.push(PushBatch(batch_id=uuid.uuid4(), records=records))
            for result in answer.results:
                if result.status in (RecordStatus.ACCEPTED, RecordStatus.REPLAYED):
                    outcome[result.id] = (SENT, "")
                else:
                    outcome[result.id] = (QUARANTINED, f"{result.code}: {result.reason}")
        sent_now, quarantined_now = _mark(core, outcome)
        sent, quarantined, batches = sent + sent_now, quarantined + quarantined_now, batches + 1
        if task is not None:
            done = sent + quarantined
            task.set_progress(
                None if total is None else min(1.0, done / max(total, done)),
                _("Sending to the centre: {count} records sent").format(count=done),
            )
        if len(rows) < batch_size:
            break
    return PushReport(sent, quarantined, batches, False)


def _mark(core: Core, outcome: dict[uuid.UUID, tuple[str, str]]) -> tuple[int, int]:
    now = core.clock.now()
    sent_ids = [row_id for row_id, (status, _r) in outcome.items() if status == SENT]
    with core.changing(SYNC_ACTOR) as tx:
        if sent_ids:
            tx.session.execute(
                update(OutboxRow)
                .where(OutboxRow.id.in_(sent_ids), OutboxRow.status == PENDING)
                .values(status=SENT, sent_at=now, attempts=OutboxRow.attempts + 1)
            )
        quarantined = 0
        for row_id, (status, reason) in outcome.items():
            if status != QUARANTINED:
                continue
            row = tx.session.get(OutboxRow, row_id)
            if row is None or row.status != PENDING:
                continue
            row.status, row.error, row.attempts = QUARANTINED, reason, row.attempts + 1
            quarantined += 1
            log.warning("record %s (%s) quarantined: %s", row.id, row.entity, reason)
            tx.record(
                action="sync.quarantined",
                entity=row.entity,
                entity_id=row.entity_id,
                before=None,
                after={"outbox_id": str(row.id), "reason": reason},
                topics=(Topic.SYNC,),
                sync=False,
            )
        state = state_row(tx.session)
        if state is not None:
            state.last_push_at, state.last_error = now, None
        tx.topics.update((Topic.OUTBOX, Topic.SYNC))
        return len(sent_ids), quarantined
