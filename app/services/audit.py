"""The audit log: every change, who made it and when, before and after, hash-chained.

Each row's hash covers its content and the previous row's hash, so removing or editing any row
breaks the chain from there on, and :func:`verify_chain` finds the first broken link.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, insert, select, update
from sqlalchemy.orm import Session

from app.db.models import AuditHeadRow, AuditRow, OutboxRow
from app.domain.users import Actor
from app.ids import new_id

GENESIS_HASH = "0" * 64
HEAD_ID = 1


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def row_hash(
    prev_hash: str,
    *,
    seq: int,
    row_id: uuid.UUID,
    at: datetime,
    actor_id: uuid.UUID | None,
    actor_name: str,
    desk_id: uuid.UUID | None,
    action: str,
    entity: str,
    entity_id: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> str:
    body = _canonical(
        {
            "seq": seq,
            "id": str(row_id),
            "at": at.isoformat(timespec="microseconds"),
            "actor_id": str(actor_id) if actor_id else None,
            "actor": actor_name,
            "desk": str(desk_id) if desk_id else None,
            "action": action,
            "entity": entity,
            "entity_id": entity_id,
            "before": before,
            "after": after,
        }
    )
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def jsonable(value: dict[str, Any] | None) -> dict[str, Any] | None:
    """The form in which a snapshot is stored, so the hash recomputes identically on read."""
    return None if value is None else json.loads(_canonical(value))


# Plain table statements, past the ORM's unit of work: every change of every record passes
# here, among them the kiosk's tickets with a budget of a few milliseconds.
_HEAD = cast(Table, AuditHeadRow.__table__)
_ADVANCE_HEAD = (
    update(_HEAD)
    .where(_HEAD.c.id == HEAD_ID)
    .values(last_seq=_HEAD.c.last_seq + 1)
    .returning(_HEAD.c.last_seq, _HEAD.c.last_hash)
)
_SET_HEAD_HASH = update(_HEAD).where(_HEAD.c.id == HEAD_ID)
_INSERT_AUDIT = insert(cast(Table, AuditRow.__table__))
_INSERT_OUTBOX = insert(cast(Table, OutboxRow.__table__))


def append(
    session: Session,
    *,
    at: datetime,
    actor: Actor,
    desk_id: uuid.UUID | None,
    action: str,
    entity: str,
    entity_id: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> int:
    """Add a row to the chain; the caller has flushed its own changes first."""
    connection = session.connection()
    # Moving the head first takes its row lock (PostgreSQL) or the write lock (SQLite), so
    # concurrent desks extend the chain one after another, never from the same link.
    seq, prev_hash = connection.execute(_ADVANCE_HEAD).one()
    row_id = new_id()
    stored_before, stored_after = jsonable(before), jsonable(after)
    digest = row_hash(
        prev_hash,
        seq=seq,
        row_id=row_id,
        at=at,
        actor_id=actor.user_id,
        actor_name=actor.username,
        desk_id=desk_id,
        action=action,
        entity=entity,
        entity_id=entity_id,
        before=stored_before,
        after=stored_after,
    )
    connection.execute(
        _INSERT_AUDIT,
        {
            "id": row_id,
            "seq": seq,
            "at": at,
            "actor_id": actor.user_id,
            "actor_name": actor.username,
            "desk_id": desk_id,
            "action": action,
            "entity": entity,
            "entity_id": entity_id,
            "before": stored_before,
            "after": stored_after,
            "prev_hash": prev_hash,
            "hash": digest,
        },
    )
    connection.execute(_SET_HEAD_HASH, {"last_hash": digest})
    return int(seq)


def queue_outbox(
    session: Session,
    *,
    seq: int,
    at: datetime,
    desk_id: uuid.UUID | None,
    entity: str,
    entity_id: str,
    operation: str,
    payload: dict[str, Any],
) -> None:
    session.connection().execute(
        _INSERT_OUTBOX,
        {
            "id": new_id(),
            "seq": seq,
            "created_at": at,
            "desk_id": desk_id,
            "entity": entity,
            "entity_id": entity_id,
            "operation": operation,
            "payload": jsonable(payload) or {},
            "status": "pending",
            "attempts": 0,
        },
    )


@dataclass(frozen=True, slots=True)
class ChainReport:
    rows_checked: int
    first_broken_seq: int | None
    problem: str | None

    @property
    def intact(self) -> bool:
        return self.first_broken_seq is None


def _rows_in_order(session: Session, batch: int = 2000) -> Iterator[AuditRow]:
    last = 0
    while True:
        rows = (
            session.execute(
                select(AuditRow).where(AuditRow.seq > last).order_by(AuditRow.seq).limit(batch)
            )
            .scalars()
            .all()
        )
        if not rows:
            return
        yield from rows
        last = rows[-1].seq
        session.expunge_all()


def verify_chain(session: Session) -> ChainReport:
    expected_prev = GENESIS_HASH
    expected_seq = 1
    count = 0
    for row in _rows_in_order(session):
        count += 1
        if row.seq != expected_seq:
            return ChainReport(count, expected_seq, f"row {expected_seq} is missing")
        if row.prev_hash != expected_prev:
            return ChainReport(count, row.seq, "does not follow the row before it")
        recomputed = row_hash(
            row.prev_hash,
            seq=row.seq,
            row_id=row.id,
            at=row.at,
            actor_id=row.actor_id,
            actor_name=row.actor_name,
            desk_id=row.desk_id,
            action=row.action,
            entity=row.entity,
            entity_id=row.entity_id,
            before=row.before,
            after=row.after,
        )
        if recomputed != row.hash:
            return ChainReport(count, row.seq, "its content was changed after it was written")
        expected_prev = row.hash
        expected_seq += 1
    head = session.execute(
        select(AuditHeadRow.last_seq, AuditHeadRow.last_hash).where(AuditHeadRow.id == HEAD_ID)
    ).one_or_none()
    if head is not None and (head[0] != expected_seq - 1 or head[1] != expected_prev):
        return ChainReport(count, expected_seq, "rows at the end of the log are missing")
    return ChainReport(count, None, None)


@dataclass(frozen=True, slots=True)
class AuditEntry:
    seq: int
    at: datetime
    actor_name: str
    action: str
    entity: str
    entity_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def recent_entries(session: Session, limit: int = 50) -> list[AuditEntry]:
    rows = session.execute(select(AuditRow).order_by(AuditRow.seq.desc()).limit(limit)).scalars()
    return [
        AuditEntry(r.seq, r.at, r.actor_name, r.action, r.entity, r.entity_id, r.before, r.after)
        for r in rows
    ]
