"""What the queue's services share: the office, reading tickets and counters, snapshots."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Executable, Result, bindparam, select
from sqlalchemy.orm import Session

from app.clock import office_zone
from app.db.models import (
    CounterRow,
    DeskRow,
    OfficeRow,
    QueueCounterStateRow,
    QueueTicketRow,
    ServiceRow,
)
from app.domain.changes import Topic
from app.domain.masterdata import LocalizedText
from app.domain.queue import (
    CounterState,
    CounterStatus,
    PauseReason,
    PriorityCategory,
    Ticket,
    TicketChannel,
    TicketState,
)
from app.errors import ConflictError, NotFoundError
from app.i18n import _
from app.services import day_lock, queue_events
from app.services.core import Transaction

ACTIVE_STATES = (TicketState.CALLED.value, TicketState.SERVING.value)
TICKET_ENTITY = "queue_ticket"
COUNTER_ENTITY = "queue_counter"

# Statements run on every issue and call are built once: building a SQLAlchemy statement costs
# more than SQLite takes to run it. Of a service, only what a ticket needs: its full row carries
# the forms and fees as JSON.
_SERVICE = select(
    ServiceRow.code,
    ServiceRow.queue_prefix,
    ServiceRow.active,
    ServiceRow.name_az,
    ServiceRow.name_ru,
    ServiceRow.name_en,
).where(ServiceRow.code == bindparam("code"))
_COUNTER = select(CounterRow.number, CounterRow.service_codes).where(
    CounterRow.office_id == bindparam("office_id"), CounterRow.number == bindparam("number")
)
_T = QueueTicketRow
_ACTIVE = (
    select(_T)
    .where(
        _T.office_id == bindparam("office_id"),
        _T.counter_number == bindparam("number"),
        _T.state.in_(ACTIVE_STATES),
    )
    .order_by(_T.called_at.desc())
    .limit(1)
)
_BUSY = _ACTIVE.with_only_columns(_T.number, _T.state)


@dataclass(frozen=True, slots=True)
class ServiceRef:
    code: str
    prefix: str
    name: LocalizedText


@dataclass(frozen=True, slots=True)
class CounterRef:
    number: int
    service_codes: tuple[str, ...]

    @classmethod
    def of(cls, row: CounterRow) -> CounterRef:
        return cls(row.number, tuple(str(code) for code in row.service_codes))


@dataclass(frozen=True, slots=True)
class OfficeRef:
    id: uuid.UUID
    code: str
    zone: ZoneInfo

    def day_of(self, moment: datetime) -> date:
        return moment.astimezone(self.zone).date()


_offices: dict[uuid.UUID, OfficeRef] = {}


def core_run(
    session: Session, statement: Executable, params: dict[str, Any]
) -> Result[*tuple[Any, ...]]:
    """Run a statement that returns plain columns on the session's connection, past the ORM's
    per-statement work (the queries of issuing and calling run a dozen times a minute and
    have a budget of a few milliseconds). Pending ORM changes are not flushed first: callers
    run these only when nothing they query is pending."""
    return session.connection().execute(statement, params)


def office_of(session: Session, desk_id: uuid.UUID | None) -> OfficeRef:
    """The office of this desk; kept once read, as a desk never changes office."""
    if desk_id is None:
        raise ConflictError(_("This desk is not set up yet: run 'reception-admin init' first."))
    found = _offices.get(desk_id)
    if found is None:
        desk = session.get(DeskRow, desk_id)
        office = session.get(OfficeRow, desk.office_id) if desk is not None else None
        if office is None:
            raise ConflictError(_("This desk is not set up yet: run 'reception-admin init' first."))
        found = OfficeRef(office.id, office.code, office_zone(office.timezone))
        _offices[desk_id] = found
    return found


def service_ref(session: Session, code: str) -> ServiceRef:
    """The service a ticket is issued or transferred to; it must be offered."""
    found = core_run(session, _SERVICE, {"code": code}).first()
    if found is None or not found.active:
        offered = session.execute(
            select(ServiceRow.code)
            .where(ServiceRow.active.is_(True))
            .order_by(ServiceRow.sort_order)
        ).scalars()
        raise NotFoundError(
            _("The service “{code}” is not offered here. The services offered: {known}.").format(
                code=code, known=", ".join(offered)
            )
        )
    return ServiceRef(
        found.code, found.queue_prefix, LocalizedText(found.name_az, found.name_ru, found.name_en)
    )


def service_names(session: Session, codes: Iterable[str] = ()) -> dict[str, LocalizedText]:
    query = select(ServiceRow.code, ServiceRow.name_az, ServiceRow.name_ru, ServiceRow.name_en)
    wanted = set(codes)
    if wanted:
        query = query.where(ServiceRow.code.in_(wanted))
    return {code: LocalizedText(az, ru, en) for code, az, ru, en in session.execute(query)}


def counter_ref(session: Session, office: OfficeRef, number: int) -> CounterRef:
    row = core_run(session, _COUNTER, {"office_id": office.id, "number": number}).first()
    if row is None:
        known = ", ".join(
            str(n)
            for n in session.execute(
                select(CounterRow.number)
                .where(CounterRow.office_id == office.id)
                .order_by(CounterRow.number)
            ).scalars()
        )
        raise NotFoundError(
            _("There is no counter {number} in this office. Its counters: {known}.").format(
                number=number, known=known or "-"
            )
        )
    return CounterRef(row.number, tuple(str(code) for code in row.service_codes))


def busy_with(session: Session, office: OfficeRef, counter_number: int) -> tuple[str, str] | None:
    """The number and state of the ticket the counter is busy with, if any."""
    found = core_run(session, _BUSY, {"office_id": office.id, "number": counter_number}).first()
    return (found.number, found.state) if found else None


def active_ticket(
    session: Session, office: OfficeRef, counter_number: int
) -> QueueTicketRow | None:
    """The ticket called to the counter or served there, whatever its day."""
    return session.execute(_ACTIVE, {"office_id": office.id, "number": counter_number}).scalar()


def to_ticket(row: QueueTicketRow, name: LocalizedText | None) -> Ticket:
    return Ticket(
        id=row.id,
        number=row.number,
        day=row.day,
        leg=row.leg,
        service_code=row.service_code,
        service_name=name or LocalizedText(row.service_code, row.service_code, row.service_code),
        state=TicketState(row.state),
        priority=PriorityCategory(row.priority) if row.priority else None,
        appointment_at=row.appointment_at,
        booking_reference=row.booking_reference,
        channel=TicketChannel(row.channel),
        issued_at=row.issued_at,
        queued_at=row.queued_at,
        people_ahead=row.people_ahead,
        estimated_wait_minutes=row.estimated_wait_minutes,
        target_counter=row.target_counter,
        counter_number=row.counter_number,
        clerk_name=row.clerk_name,
        first_called_at=row.first_called_at,
        called_at=row.called_at,
        recalls=row.recalls,
        started_at=row.started_at,
        ended_at=row.ended_at,
        closed_at=row.closed_at,
        application_id=row.application_id,
        parent_id=row.parent_id,
        note=row.note,
    )


def ticket_of(session: Session, row: QueueTicketRow) -> Ticket:
    found = core_run(session, _SERVICE, {"code": row.service_code}).first()
    name = LocalizedText(found.name_az, found.name_ru, found.name_en) if found else None
    return to_ticket(row, name)


def to_counter_status(
    counter: CounterRef,
    state: QueueCounterStateRow | None,
    current: Ticket | None,
) -> CounterStatus:
    return CounterStatus(
        number=counter.number,
        service_codes=counter.service_codes,
        state=CounterState(state.status) if state else CounterState.CLOSED,
        clerk_name=state.clerk_name if state else None,
        since=state.since if state else None,
        pause_reason=PauseReason(state.pause_reason) if state and state.pause_reason else None,
        pause_note=state.pause_note if state else "",
        current=current,
    )


def snapshot(row: QueueTicketRow) -> dict[str, Any]:
    """The ticket as plain JSON, for the audit log and the outbox."""

    def moment(value: datetime | None) -> str | None:
        return value.isoformat() if value else None

    return {
        "id": str(row.id),
        "office_id": str(row.office_id),
        "day": row.day.isoformat(),
        "number": row.number,
        "leg": row.leg,
        "parent_id": str(row.parent_id) if row.parent_id else None,
        "service_code": row.service_code,
        "state": row.state,
        "priority": row.priority,
        "appointment_at": moment(row.appointment_at),
        "booking_reference": row.booking_reference,
        "channel": row.channel,
        "issued_at": moment(row.issued_at),
        "queued_at": moment(row.queued_at),
        "people_ahead": row.people_ahead,
        "estimated_wait_minutes": row.estimated_wait_minutes,
        "target_counter": row.target_counter,
        "counter_number": row.counter_number,
        "clerk_name": row.clerk_name,
        "first_called_at": moment(row.first_called_at),
        "called_at": moment(row.called_at),
        "recalls": row.recalls,
        "started_at": moment(row.started_at),
        "ended_at": moment(row.ended_at),
        "closed_at": moment(row.closed_at),
        "application_id": str(row.application_id) if row.application_id else None,
        "note": row.note,
    }


def counter_snapshot(state: QueueCounterStateRow) -> dict[str, Any]:
    return {
        "number": state.number,
        "status": state.status,
        "clerk": state.clerk_name,
        "pause_reason": state.pause_reason,
        "pause_note": state.pause_note,
        "since": state.since.isoformat() if state.since else None,
    }


# --- Audit and notification -----------------------------------------------------------------


def record_ticket(
    tx: Transaction,
    office: OfficeRef,
    action: str,
    row: QueueTicketRow,
    before: dict[str, Any] | None,
) -> None:
    # Every change of a ticket passes here: a closed day's tickets stay as the day left them.
    day_lock.ensure_open(tx.session, row.day)
    tx.record(
        action=action,
        entity=TICKET_ENTITY,
        entity_id=row.id,
        before=before,
        after=snapshot(row),
        topics=(Topic.QUEUE,),
    )
    # After the audit row: every queue change takes the audit head's lock, then this row,
    # always in that order.
    queue_events.touch(tx.session, office.id, office.code, tx.core.clock.now())


def record_counter(
    tx: Transaction,
    office: OfficeRef,
    action: str,
    state: QueueCounterStateRow,
    before: dict[str, Any],
) -> None:
    # A counter's state is the office's working state, not a record for the centre.
    tx.record(
        action=action,
        entity=COUNTER_ENTITY,
        entity_id=f"{office.code}:{state.number}",
        before=before,
        after=counter_snapshot(state),
        topics=(Topic.QUEUE,),
        sync=False,
    )
    queue_events.touch(tx.session, office.id, office.code, tx.core.clock.now())
