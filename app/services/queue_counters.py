"""Counters: a clerk opens one, pauses it with a reason, resumes, closes it.

A counter's state row is taken under its row lock before anything else a queue change locks
(then the ticket, then the audit head, then the queue version), so two clerks acting on one
counter take turns, and desks never wait on each other in a circle.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import bindparam, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.db.models import CounterRow, QueueCounterStateRow, QueuePauseRow, ServiceRow
from app.domain.changes import Outcome, Topic
from app.domain.queue import CounterState, CounterStatus, PauseReason, TicketState
from app.domain.users import Actor, Permission
from app.errors import ConflictError, NotFoundError, ValidationError
from app.i18n import _
from app.ids import new_id
from app.services import queue_events
from app.services.core import Core, Transaction, require
from app.services.queue_store import (
    COUNTER_ENTITY,
    CounterRef,
    OfficeRef,
    active_ticket,
    busy_with,
    core_run,
    counter_ref,
    counter_snapshot,
    office_of,
    record_counter,
    ticket_of,
    to_counter_status,
)

NOTE_MAX_LENGTH = 200

_S = QueueCounterStateRow
_LOCK_STATE = (
    select(_S)
    .where(_S.office_id == bindparam("office_id"), _S.number == bindparam("number"))
    .with_for_update()
    .execution_options(populate_existing=True)
)
_CREATE_STATE = {
    name: module.insert(_S.__table__)
    .values(
        office_id=bindparam("office_id"),
        number=bindparam("number"),
        status=CounterState.CLOSED.value,
        pause_note="",
        since=bindparam("since", type_=_S.__table__.c.since.type),
        ratio_step=0,
    )
    .on_conflict_do_nothing(index_elements=[_S.__table__.c.office_id, _S.__table__.c.number])
    for name, module in (("postgresql", postgresql), ("sqlite", sqlite))
}


def open_counter(core: Core, actor: Actor, counter_number: int) -> Outcome[CounterStatus]:
    """The clerk sits down at the counter (calling the next ticket does this as well)."""
    with core.changing(actor, Permission.WORK_AT_DESK) as tx:
        office = office_of(tx.session, core.desk_id)
        counter = counter_ref(tx.session, office, counter_number)
        now = core.clock.now()
        state = lock_counter(tx.session, office, counter_number, now)
        if state.status == CounterState.PAUSED.value:
            raise ConflictError(_paused(counter_number))
        take_counter(tx, office, state, actor, now)
        return Outcome(status_of(tx.session, office, counter, state), tx.changes)


def close_counter(core: Core, actor: Actor, counter_number: int) -> Outcome[CounterStatus]:
    with core.changing(actor, Permission.WORK_AT_DESK) as tx:
        office = office_of(tx.session, core.desk_id)
        counter = counter_ref(tx.session, office, counter_number)
        now = core.clock.now()
        state = lock_counter(tx.session, office, counter_number, now)
        refuse_if_busy(tx.session, office, counter_number)
        if state.status != CounterState.CLOSED.value:
            before = counter_snapshot(state)
            _end_pause(tx.session, office, counter_number, now)
            state.status = CounterState.CLOSED.value
            state.clerk_id = None
            state.clerk_name = None
            state.pause_reason = None
            state.pause_note = ""
            state.since = now
            record_counter(tx, office, "queue.counter_close", state, before)
        return Outcome(status_of(tx.session, office, counter, state), tx.changes)


def pause(
    core: Core, actor: Actor, counter_number: int, reason: PauseReason, note: str = ""
) -> Outcome[CounterStatus]:
    """The clerk steps away: no ticket is called to the counter until :func:`resume`."""
    text = note.strip()
    if len(text) > NOTE_MAX_LENGTH:
        raise ValidationError(
            _("The note is too long: at most {limit} characters.").format(limit=NOTE_MAX_LENGTH),
            field="note",
        )
    if reason is PauseReason.OTHER and not text:
        raise ValidationError(_("Say why the counter pauses."), field="note")
    with core.changing(actor, Permission.WORK_AT_DESK) as tx:
        office = office_of(tx.session, core.desk_id)
        counter = counter_ref(tx.session, office, counter_number)
        now = core.clock.now()
        state = lock_counter(tx.session, office, counter_number, now)
        if state.status == CounterState.PAUSED.value:
            raise ConflictError(_paused(counter_number))
        refuse_if_busy(tx.session, office, counter_number)
        before = counter_snapshot(state)
        state.status = CounterState.PAUSED.value
        state.clerk_id = actor.user_id
        state.clerk_name = actor.username
        state.pause_reason = reason.value
        state.pause_note = text
        state.since = now
        tx.session.add(
            QueuePauseRow(
                id=new_id(),
                office_id=office.id,
                day=office.day_of(now),
                counter_number=counter_number,
                clerk_id=actor.user_id,
                clerk_name=actor.username,
                reason=reason.value,
                note=text,
                started_at=now,
            )
        )
        record_counter(tx, office, "queue.pause", state, before)
        return Outcome(status_of(tx.session, office, counter, state), tx.changes)


def resume(core: Core, actor: Actor, counter_number: int) -> Outcome[CounterStatus]:
    with core.changing(actor, Permission.WORK_AT_DESK) as tx:
        office = office_of(tx.session, core.desk_id)
        counter = counter_ref(tx.session, office, counter_number)
        now = core.clock.now()
        state = lock_counter(tx.session, office, counter_number, now)
        if state.status != CounterState.PAUSED.value:
            raise ConflictError(
                _("Counter {counter} is not paused.").format(counter=counter_number)
            )
        before = counter_snapshot(state)
        _end_pause(tx.session, office, counter_number, now)
        state.status = CounterState.OPEN.value
        state.clerk_id = actor.user_id
        state.clerk_name = actor.username
        state.pause_reason = None
        state.pause_note = ""
        state.since = now
        record_counter(tx, office, "queue.resume", state, before)
        return Outcome(status_of(tx.session, office, counter, state), tx.changes)


def counter_status(core: Core, actor: Actor, counter_number: int) -> CounterStatus:
    """The counter as its clerk's panel shows it, with the ticket called to it or served there."""
    with core.reading(actor, Permission.WORK_AT_DESK) as session:
        office = office_of(session, core.desk_id)
        counter = counter_ref(session, office, counter_number)
        state = session.get(QueueCounterStateRow, (office.id, counter_number))
        return status_of(session, office, counter, state)


# --- The office's counters and what each serves ----------------------------------------------
# Supervisors set them as the day needs (a second counter for a long queue), so they are the
# queue's rules (MANAGE_QUEUE), not the desk's set-up. The centre's master data sets the
# counters no supervisor has set; one a supervisor set keeps its services through imports.


def list_counters(core: Core, actor: Actor) -> list[CounterRef]:
    with core.reading(actor, Permission.MANAGE_QUEUE) as session:
        office = office_of(session, core.desk_id)
        return [
            CounterRef.of(row)
            for row in session.execute(
                select(CounterRow)
                .where(CounterRow.office_id == office.id)
                .order_by(CounterRow.number)
            ).scalars()
        ]


def set_counter_services(
    core: Core, actor: Actor, counter_number: int, service_codes: Sequence[str]
) -> Outcome[CounterRef]:
    """The services the counter calls visitors for; a new counter when the number is new."""
    require(actor, Permission.MANAGE_QUEUE)  # before the form's checks: say who may first
    codes = list(dict.fromkeys(code.strip() for code in service_codes if code.strip()))
    if not codes:
        raise ValidationError(_("Choose at least one service for the counter."), field="services")
    if not 1 <= counter_number <= 999:
        raise ValidationError(
            _("The value must be between {low} and {high}.").format(low=1, high=999),
            field="number",
        )
    with core.changing(actor, Permission.MANAGE_QUEUE) as tx:
        office = office_of(tx.session, core.desk_id)
        known = set(
            tx.session.execute(
                select(ServiceRow.code).where(
                    ServiceRow.code.in_(codes), ServiceRow.active.is_(True)
                )
            ).scalars()
        )
        unknown = [code for code in codes if code not in known]
        if unknown:
            raise NotFoundError(
                _("There is no active service {code}.").format(code=", ".join(unknown))
            )
        row = tx.session.execute(
            select(CounterRow).where(
                CounterRow.office_id == office.id, CounterRow.number == counter_number
            )
        ).scalar_one_or_none()
        before = {"number": counter_number, "services": list(row.service_codes)} if row else None
        if row is None:
            row = CounterRow(office_id=office.id, number=counter_number, service_codes=codes)
            tx.session.add(row)
        else:
            row.service_codes = codes
        row.set_at_desk = True  # kept when the centre's master data comes again
        tx.record(
            action="queue.counter_services",
            entity=COUNTER_ENTITY,
            entity_id=f"{office.code}:{counter_number}",
            before=before,
            after={"number": counter_number, "services": codes},
            topics=(Topic.QUEUE, Topic.MASTER_DATA),
            sync=False,
        )
        # Every desk, kiosk and display of the office shows the counters: they reload.
        queue_events.touch(tx.session, office.id, office.code, core.clock.now())
        return Outcome(CounterRef.of(row), tx.changes)


def next_counter_number(core: Core, actor: Actor) -> int:
    with core.reading(actor, Permission.MANAGE_QUEUE) as session:
        office = office_of(session, core.desk_id)
        highest = session.execute(
            select(func.max(CounterRow.number)).where(CounterRow.office_id == office.id)
        ).scalar()
        return int(highest or 0) + 1


# --- Shared with calling ----------------------------------------------------------------------


def lock_counter(
    session: Session, office: OfficeRef, counter_number: int, now: datetime
) -> QueueCounterStateRow:
    """The counter's state row, created closed on first use, under its row lock."""
    params = {"office_id": office.id, "number": counter_number}
    state = session.execute(_LOCK_STATE, params).scalar()
    if state is None:  # its first use: two desks may create it at once, one insert wins
        core_run(session, _CREATE_STATE[session.get_bind().dialect.name], {**params, "since": now})
        state = session.execute(_LOCK_STATE, params).scalar_one()
    return state


def ready_counter(
    tx: Transaction, office: OfficeRef, counter_number: int, now: datetime
) -> QueueCounterStateRow:
    """The counter's state, checked free to call a ticket, and open in the caller's name."""
    state = lock_counter(tx.session, office, counter_number, now)
    if state.status == CounterState.PAUSED.value:
        raise ConflictError(_paused(counter_number))
    refuse_if_busy(tx.session, office, counter_number)
    take_counter(tx, office, state, tx.actor, now)
    return state


def take_counter(
    tx: Transaction, office: OfficeRef, state: QueueCounterStateRow, actor: Actor, now: datetime
) -> None:
    if state.status == CounterState.OPEN.value and state.clerk_name == actor.username:
        return
    before = counter_snapshot(state)
    state.status = CounterState.OPEN.value
    state.clerk_id = actor.user_id
    state.clerk_name = actor.username
    state.since = now
    record_counter(tx, office, "queue.counter_open", state, before)


def refuse_if_busy(session: Session, office: OfficeRef, counter_number: int) -> None:
    busy = busy_with(session, office, counter_number)
    if busy is not None:
        number, state = busy
        raise ConflictError(
            _(
                "Counter {counter} still has ticket {number} ({state}): end its service, "
                "transfer it or mark it as not come first."
            ).format(counter=counter_number, number=number, state=TicketState(state).label)
        )


def status_of(
    session: Session, office: OfficeRef, counter: CounterRef, state: QueueCounterStateRow | None
) -> CounterStatus:
    current = active_ticket(session, office, counter.number)
    return to_counter_status(
        counter, state, ticket_of(session, current) if current is not None else None
    )


def _paused(counter_number: int) -> str:
    return _("Counter {counter} is paused: resume it first.").format(counter=counter_number)


def _end_pause(session: Session, office: OfficeRef, counter_number: int, now: datetime) -> None:
    for pause_row in session.execute(
        select(QueuePauseRow).where(
            QueuePauseRow.office_id == office.id,
            QueuePauseRow.counter_number == counter_number,
            QueuePauseRow.ended_at.is_(None),
        )
    ).scalars():
        pause_row.ended_at = now
