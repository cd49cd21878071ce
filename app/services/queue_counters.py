"""Counters: a clerk opens one, pauses it with a reason, resumes, closes it.

A counter's state row is taken under its row lock before anything else a queue change locks
(then the ticket, then the audit head, then the queue version), so two clerks acting on one
counter take turns, and desks never wait on each other in a circle.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.db.models import QueueCounterStateRow, QueuePauseRow
from app.domain.changes import Outcome
from app.domain.queue import CounterState, CounterStatus, PauseReason, TicketState
from app.domain.users import Actor, Permission
from app.errors import ConflictError, ValidationError
from app.i18n import _
from app.ids import new_id
from app.services.core import Core, Transaction
from app.services.queue_store import (
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
