"""Where this desk stands with the centre: its enrolment, the feed cursor, the outbox."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db.models import OutboxRow, SyncStateRow
from app.domain.users import Actor, Permission
from app.services.core import Core

STATE_ID: Final = 1
PENDING: Final = "pending"
SENT: Final = "sent"
# Refused by the centre: kept with its reason for a supervisor, never deleted nor resent.
QUARANTINED: Final = "quarantined"


@dataclass(frozen=True, slots=True)
class Enrolment:
    server_url: str
    remote_desk_id: uuid.UUID
    office_code: str
    enrolled_at: datetime


@dataclass(frozen=True, slots=True)
class SyncStatus:
    enrolment: Enrolment | None
    pending: int
    quarantined: int
    feed_cursor: int
    last_push_at: datetime | None
    last_pull_at: datetime | None
    last_error: str | None
    clock_offset_seconds: float

    @property
    def last_sync_at(self) -> datetime | None:
        times = [t for t in (self.last_push_at, self.last_pull_at) if t is not None]
        return min(times) if len(times) == 2 else None


def state_row(session: Session) -> SyncStateRow | None:
    return session.get(SyncStateRow, STATE_ID)


def _count(session: Session, status: str) -> int:
    return int(
        session.execute(
            select(func.count()).select_from(OutboxRow).where(OutboxRow.status == status)
        ).scalar_one()
    )


def sync_status(core: Core) -> SyncStatus:
    with core.reading() as session:
        row = state_row(session)
        enrolment = (
            Enrolment(row.server_url, row.remote_desk_id, row.office_code, row.enrolled_at)
            if row is not None
            else None
        )
        return SyncStatus(
            enrolment=enrolment,
            pending=_count(session, PENDING),
            quarantined=_count(session, QUARANTINED),
            feed_cursor=row.feed_cursor if row else 0,
            last_push_at=row.last_push_at if row else None,
            last_pull_at=row.last_pull_at if row else None,
            last_error=row.last_error if row else None,
            clock_offset_seconds=row.clock_offset_seconds if row else 0.0,
        )


@dataclass(frozen=True, slots=True)
class QuarantinedRecord:
    id: uuid.UUID
    seq: int
    entity: str
    entity_id: str
    operation: str
    reason: str
    created_at: datetime


def quarantined(core: Core, actor: Actor) -> list[QuarantinedRecord]:
    """What the centre refused, for the supervisor's list, oldest first."""
    with core.reading(actor, Permission.CORRECT_RECORDS) as session:
        rows = session.execute(
            select(OutboxRow).where(OutboxRow.status == QUARANTINED).order_by(OutboxRow.seq)
        ).scalars()
        return [
            QuarantinedRecord(
                row.id,
                row.seq,
                row.entity,
                row.entity_id,
                row.operation,
                row.error or "",
                row.created_at,
            )
            for row in rows
        ]
