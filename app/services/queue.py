"""The queue: tickets issued at the kiosk or the desk, called to counters, served, transferred.

Every change is one transaction that also writes the audit row and bumps the office's queue
version (which on PostgreSQL notifies the other desks, see :mod:`app.services.queue_events`).
The state lives only in the database, so a desk that crashes mid-service finds its visitor where
it left them.

Two clerks pressing "call next" at once never get the same ticket: the chosen ticket is taken
with ``SELECT ... FOR UPDATE SKIP LOCKED`` and only while still waiting, so on PostgreSQL the
second clerk passes over a ticket the first is calling and takes the next one; SQLite runs one
writing transaction at a time (``BEGIN IMMEDIATE``). Numbers come from the office's daily
counter row (:mod:`app.services.counters`), taken under its row lock.

The kiosk has no one logged in: it acts as ``KIOSK``, a system actor named "kiosk" in the audit
log, as the command line and sync do. A kiosk role with a password would add a user that no one
types in and that could log in at a desk.
"""

from __future__ import annotations

import math
import uuid
from datetime import date, datetime, timedelta

from sqlalchemy import Select, bindparam, func, insert, or_, select
from sqlalchemy.orm import Session

from app.db.models import ApplicationRow, CounterRow, QueueCounterStateRow, QueueTicketRow
from app.domain.changes import Outcome
from app.domain.queue import (
    CounterState,
    PriorityCategory,
    QueuePolicy,
    Ticket,
    TicketChannel,
    TicketState,
)
from app.domain.users import Actor, Permission
from app.errors import ConflictError, NotFoundError, ValidationError
from app.i18n import _, current_language
from app.ids import new_id
from app.services import counters
from app.services.core import Core

# The counters' part of the clerk's panel lives in its own module; offered here as well, so a
# screen needs one import for the whole queue.
from app.services.queue_counters import (
    close_counter,
    counter_status,
    open_counter,
    pause,
    ready_counter,
    resume,
)
from app.services.queue_rules import Candidate, Heads, choose
from app.services.queue_store import (
    OfficeRef,
    core_run,
    counter_ref,
    office_of,
    record_ticket,
    service_names,
    service_ref,
    snapshot,
    ticket_of,
    to_ticket,
)
from app.services.settings import queue_policy

__all__ = [
    "KIOSK",
    "call_next",
    "call_ticket",
    "check_in_appointment",
    "close_counter",
    "counter_status",
    "end_service",
    "get_ticket",
    "issue_ticket",
    "link_application",
    "mark_no_show",
    "open_counter",
    "pause",
    "reactivate",
    "recall",
    "resume",
    "start_service",
    "transfer",
    "waiting_list",
]

KIOSK = Actor.system("kiosk")
NOTE_MAX_LENGTH = 200
REFERENCE_MAX_LENGTH = 64
RECENT_SERVICES = 20  # how many of the latest services the estimated wait averages
_WAITING = TicketState.WAITING.value
_PRIORITY_VALUES = tuple(
    category.value for category in PriorityCategory if not category.is_appointment
)


# The statements of issuing and calling are built once, with parameters: building a SQLAlchemy
# statement costs more than SQLite takes to run it, and issuing has a 5 ms budget.
_T = QueueTicketRow
_IN_QUEUE = (
    _T.office_id == bindparam("office_id"),
    _T.day == bindparam("day"),
    _T.state == _WAITING,
)
_PEOPLE_AHEAD = (
    select(func.count()).select_from(_T).where(*_IN_QUEUE, _T.service_code == bindparam("code"))
)
_PRIORITY_AHEAD = _PEOPLE_AHEAD.where(_T.priority.is_not(None))
_RECENT_SERVICES = (
    select(_T.started_at, _T.ended_at)
    .where(
        _T.service_code == bindparam("code"),
        _T.office_id == bindparam("office_id"),
        _T.ended_at.is_not(None),
        _T.started_at.is_not(None),
    )
    .order_by(_T.ended_at.desc())
    .limit(RECENT_SERVICES)
)
_COUNTER_STATES = (
    select(CounterRow.service_codes, QueueCounterStateRow.status)
    .join(
        QueueCounterStateRow,
        (QueueCounterStateRow.office_id == CounterRow.office_id)
        & (QueueCounterStateRow.number == CounterRow.number),
    )
    .where(CounterRow.office_id == bindparam("office_id"))
)
# What a counter may call: its services' queues, and tickets transferred to it by number.
_CALLABLE = select(_T.id, _T.issued_at, _T.appointment_at).where(
    *_IN_QUEUE,
    or_(
        _T.service_code.in_(bindparam("services", expanding=True)) & _T.target_counter.is_(None),
        _T.target_counter == bindparam("counter"),
    ),
)
_APPOINTMENTS = _CALLABLE.where(_T.priority == PriorityCategory.APPOINTMENT.value)
# The first ticket of each kind: built with its limit once, as a call runs three of them.
_DUE_APPOINTMENT = (
    _APPOINTMENTS.where(_T.appointment_at <= bindparam("due_by"))
    .order_by(_T.appointment_at, _T.issued_at, _T.id)
    .limit(1)
)
_LATER_APPOINTMENT = (
    _APPOINTMENTS.where(_T.appointment_at > bindparam("due_by"))
    .order_by(_T.appointment_at, _T.id)
    .limit(1)
)
_FIRST_PRIORITY = (
    _CALLABLE.where(_T.priority.in_(_PRIORITY_VALUES)).order_by(_T.issued_at, _T.id).limit(1)
)
_FIRST_NORMAL = _CALLABLE.where(_T.priority.is_(None)).order_by(_T.issued_at, _T.id).limit(1)
_INSERT_TICKET = insert(QueueTicketRow)
_TAKE_WAITING = (
    select(_T)
    .where(_T.id == bindparam("id"), _T.state == _WAITING)
    .with_for_update(skip_locked=True)
    .execution_options(populate_existing=True)
)
_LOCK_TICKET = (
    select(_T)
    .where(_T.id == bindparam("id"))
    .with_for_update()
    .execution_options(populate_existing=True)
)
_BY_NUMBER = (
    select(_T)
    .where(
        _T.office_id == bindparam("office_id"),
        _T.day == bindparam("day"),
        _T.number == bindparam("number"),
    )
    .order_by(_T.leg.desc())
    .limit(1)
    .with_for_update()
    .execution_options(populate_existing=True)
)

# --- Issuing ----------------------------------------------------------------------------------


def issue_ticket(
    core: Core,
    actor: Actor,
    service_code: str,
    *,
    priority: PriorityCategory | None = None,
    appointment_at: datetime | None = None,
    booking_reference: str | None = None,
    channel: TicketChannel = TicketChannel.KIOSK,
) -> Outcome[Ticket]:
    """A new ticket for ``service_code``: its number, people ahead and estimated wait.

    An appointment (``priority=APPOINTMENT``) needs its booked time; see also
    :func:`check_in_appointment`, which also handles visitors who come too late.
    """
    if (priority is PriorityCategory.APPOINTMENT) != (appointment_at is not None):
        raise ValidationError(
            _("An appointment needs its booked time, and only an appointment has one."),
            field="appointment_at",
        )
    return _issue(
        core,
        actor,
        service_code,
        priority=priority,
        appointment_at=appointment_at,
        booking_reference=booking_reference,
        channel=channel,
    )


def check_in_appointment(
    core: Core,
    actor: Actor,
    service_code: str,
    appointment_at: datetime,
    *,
    booking_reference: str | None = None,
    channel: TicketChannel = TicketChannel.DESK,
) -> Outcome[Ticket]:
    """A ticket for a visitor with a booking. Called first from shortly before the booked time;
    a visitor later than the policy allows queues as everyone else (the ticket says so:
    ``late_for_appointment``)."""
    if appointment_at.tzinfo is None:
        raise ValidationError(_("Give the booked time with its time zone."), field="appointment_at")
    with core.reading() as session:
        office = office_of(session, core.desk_id)
        policy = queue_policy(session)
    now = core.clock.now()
    if office.day_of(appointment_at) != office.day_of(now):
        raise ValidationError(
            _(
                "The appointment is booked for {day}, not today: ask the visitor to come on that "
                "day, or issue a normal ticket."
            ).format(day=office.day_of(appointment_at).strftime("%d.%m.%Y")),
            field="appointment_at",
        )
    late = now > appointment_at + timedelta(minutes=policy.appointment_late_minutes)
    priority = None if late else PriorityCategory.APPOINTMENT
    return _issue(
        core,
        actor,
        service_code,
        priority=priority,
        appointment_at=appointment_at,
        booking_reference=booking_reference,
        channel=channel,
    )


def _issue(
    core: Core,
    actor: Actor,
    service_code: str,
    *,
    priority: PriorityCategory | None,
    appointment_at: datetime | None,
    booking_reference: str | None,
    channel: TicketChannel,
) -> Outcome[Ticket]:
    reference = (booking_reference or "").strip() or None
    if reference is not None and len(reference) > REFERENCE_MAX_LENGTH:
        raise ValidationError(
            _("The booking reference is too long: at most {limit} characters.").format(
                limit=REFERENCE_MAX_LENGTH
            ),
            field="booking_reference",
        )
    with core.changing(actor, Permission.WORK_AT_DESK) as tx:
        session = tx.session
        office = office_of(session, core.desk_id)
        service = service_ref(session, service_code)
        now = core.clock.now()
        day = office.day_of(now)
        policy = queue_policy(session)
        sequence = counters.next_value(session, f"ticket:{office.code}:{service.prefix}", day)
        ahead = _people_ahead(session, office, day, service.code, priority)
        values = {
            "id": new_id(),
            "office_id": office.id,
            "day": day,
            "number": f"{service.prefix}{sequence:03d}",
            "leg": 0,
            "service_code": service.code,
            "state": _WAITING,
            "priority": priority.value if priority else None,
            "appointment_at": appointment_at,
            "booking_reference": reference,
            "channel": channel.value,
            "issued_at": now,
            "queued_at": now,
            "people_ahead": ahead,
            "estimated_wait_minutes": _estimate_minutes(
                session, office, service.code, ahead, policy
            ),
            "recalls": 0,
            "issued_by": actor.username,
            "note": "",
        }
        # Inserted as a plain row, not through the session's unit of work: a new ticket is
        # never changed in the same transaction, and this is the kiosk's hot path.
        core_run(session, _INSERT_TICKET, values)
        row = QueueTicketRow(**values)
        record_ticket(tx, office, "queue.issue", row, None)
        return Outcome(to_ticket(row, service.name), tx.changes)


def _people_ahead(
    session: Session,
    office: OfficeRef,
    day: date,
    service_code: str,
    priority: PriorityCategory | None,
) -> int:
    """Who waits in the same queue now; a priority ticket counts only the other priority ones
    (and appointments), since the ratio calls it well before the normal tickets."""
    query = _PEOPLE_AHEAD if priority is None else _PRIORITY_AHEAD
    params = {"office_id": office.id, "day": day, "code": service_code}
    return int(core_run(session, query, params).scalar_one())


def _open_counters(session: Session, office: OfficeRef, service_code: str) -> int:
    rows = core_run(session, _COUNTER_STATES, {"office_id": office.id}).all()
    return sum(
        1 for codes, status in rows if status == CounterState.OPEN.value and service_code in codes
    )


def _estimate_minutes(
    session: Session, office: OfficeRef, service_code: str, ahead: int, policy: QueuePolicy
) -> int:
    """People ahead times the service's recent average service time, shared among the counters
    open for it now; the policy's default time until the service has a history."""
    if ahead == 0:
        return 0
    recent = core_run(
        session, _RECENT_SERVICES, {"code": service_code, "office_id": office.id}
    ).all()
    minutes = [(end - start).total_seconds() / 60 for start, end in recent if start and end]
    per_visitor = sum(minutes) / len(minutes) if minutes else float(policy.default_service_minutes)
    counters_open = max(_open_counters(session, office, service_code), 1)
    return max(1, math.ceil(ahead * per_visitor / counters_open))


# --- Calling --------------------------------------------------------------------------------


def call_next(core: Core, actor: Actor, counter_number: int) -> Outcome[Ticket | None]:
    """Call the next ticket to the counter by the office's rules (see
    :mod:`app.services.queue_rules`); None when no one waits for its services."""
    with core.changing(actor, Permission.WORK_AT_DESK) as tx:
        session = tx.session
        office = office_of(session, core.desk_id)
        counter = counter_ref(session, office, counter_number)
        now = core.clock.now()
        state = ready_counter(tx, office, counter_number, now)
        policy = queue_policy(session)
        day = office.day_of(now)
        services = tuple(str(code) for code in counter.service_codes)
        passed: set[uuid.UUID] = set()
        while True:
            heads = _heads(
                session,
                office,
                day=day,
                counter_number=counter_number,
                services=services,
                now=now,
                policy=policy,
                passed=passed,
            )
            choice = choose(heads, state.ratio_step, policy)
            if choice is None:
                return Outcome(None, tx.changes)
            row = _take_waiting(session, choice.candidate.id)
            if row is None:  # another desk is calling it right now, or just did
                passed.add(choice.candidate.id)
                continue
            state.ratio_step = choice.next_step
            before = snapshot(row)
            _call(row, counter_number, actor, now)
            record_ticket(tx, office, "queue.call", row, before)
            return Outcome(ticket_of(session, row), tx.changes)


def call_ticket(core: Core, actor: Actor, counter_number: int, number: str) -> Outcome[Ticket]:
    """Call a given waiting ticket of today (e.g. A012) to the counter, out of turn."""
    wanted = number.strip().upper()
    with core.changing(actor, Permission.WORK_AT_DESK) as tx:
        session = tx.session
        office = office_of(session, core.desk_id)
        counter = counter_ref(session, office, counter_number)
        now = core.clock.now()
        # The counter first, then the ticket: every queue change takes its locks in this order.
        ready_counter(tx, office, counter_number, now)
        row = session.execute(
            _BY_NUMBER, {"office_id": office.id, "day": office.day_of(now), "number": wanted}
        ).scalar()
        if row is None:
            raise NotFoundError(
                _("There is no ticket {number} today: check the number on the ticket.").format(
                    number=wanted or "-"
                )
            )
        if row.state != _WAITING:
            raise ConflictError(_not_waiting(row))
        served = row.service_code in counter.service_codes and row.target_counter is None
        if not served and row.target_counter != counter_number:
            names = service_names(session, [row.service_code])
            name = (
                names[row.service_code].in_language(current_language())
                if names
                else row.service_code
            )
            raise ConflictError(
                _(
                    "Counter {counter} does not serve “{service}”: transfer ticket {number} to "
                    "this counter first."
                ).format(counter=counter_number, service=name, number=row.number)
            )
        before = snapshot(row)
        _call(row, counter_number, actor, now)
        record_ticket(tx, office, "queue.call", row, before)
        return Outcome(ticket_of(session, row), tx.changes)


def _not_waiting(row: QueueTicketRow) -> str:
    state = TicketState(row.state)
    if state.is_active:
        return _("Ticket {number} is already called to counter {counter}.").format(
            number=row.number, counter=row.counter_number
        )
    if state is TicketState.NO_SHOW:
        return _(
            "Ticket {number} was marked as not come: reactivate it first if the visitor is here."
        ).format(number=row.number)
    return _("Ticket {number} is not waiting any more ({state}).").format(
        number=row.number, state=state.label
    )


def _heads(
    session: Session,
    office: OfficeRef,
    *,
    day: date,
    counter_number: int,
    services: tuple[str, ...],
    now: datetime,
    policy: QueuePolicy,
    passed: set[uuid.UUID],
) -> Heads:
    """The first ticket of each kind the counter may call: each one index range scan."""
    params = {
        "office_id": office.id,
        "day": day,
        "services": list(services),
        "counter": counter_number,
        "due_by": now + timedelta(minutes=policy.appointment_early_minutes),
    }

    def first(query: Select[uuid.UUID, datetime, datetime | None]) -> Candidate | None:
        if passed:  # only when desks call at the same moment
            query = query.where(_T.id.not_in(passed))
        found = core_run(session, query, params).first()
        return Candidate(found[0], found[1], found[2]) if found else None

    heads = Heads(
        due_appointment=first(_DUE_APPOINTMENT),
        priority=first(_FIRST_PRIORITY),
        normal=first(_FIRST_NORMAL),
    )
    if heads.due_appointment or heads.priority or heads.normal:
        return heads
    return Heads(later_appointment=first(_LATER_APPOINTMENT))


def _take_waiting(session: Session, ticket_id: uuid.UUID) -> QueueTicketRow | None:
    """The ticket, locked, if it still waits; None if another transaction holds or took it."""
    return session.execute(_TAKE_WAITING, {"id": ticket_id}).scalar_one_or_none()


def _call(row: QueueTicketRow, counter_number: int, actor: Actor, now: datetime) -> None:
    row.state = TicketState.CALLED.value
    row.counter_number = counter_number
    row.clerk_id = actor.user_id
    row.clerk_name = actor.username
    row.first_called_at = row.first_called_at or now
    row.called_at = now
    row.recalls = 0


# --- At the counter -------------------------------------------------------------------------


def recall(core: Core, actor: Actor, ticket_id: uuid.UUID) -> Outcome[Ticket]:
    """Call the ticket again. Past the policy's recall limit the visitor is taken as not come:
    the ticket comes back as a no-show, and the counter is free for the next one."""
    with core.changing(actor, Permission.WORK_AT_DESK) as tx:
        office = office_of(tx.session, core.desk_id)
        row = _lock_ticket(tx.session, ticket_id)
        if row.state != TicketState.CALLED.value:
            raise ConflictError(
                _("Only a called ticket can be called again; ticket {number} is {state}.").format(
                    number=row.number, state=TicketState(row.state).label
                )
            )
        policy = queue_policy(tx.session)
        now = core.clock.now()
        before = snapshot(row)
        if row.recalls >= policy.recall_limit:
            row.state = TicketState.NO_SHOW.value
            row.closed_at = now
            action = "queue.no_show"
        else:
            row.recalls += 1
            row.called_at = now
            action = "queue.recall"
        record_ticket(tx, office, action, row, before)
        return Outcome(ticket_of(tx.session, row), tx.changes)


def mark_no_show(core: Core, actor: Actor, ticket_id: uuid.UUID) -> Outcome[Ticket]:
    with core.changing(actor, Permission.WORK_AT_DESK) as tx:
        office = office_of(tx.session, core.desk_id)
        row = _lock_ticket(tx.session, ticket_id)
        if row.state != TicketState.CALLED.value:
            raise ConflictError(
                _(
                    "Only a called ticket can be marked as not come; ticket {number} is {state}."
                ).format(number=row.number, state=TicketState(row.state).label)
            )
        before = snapshot(row)
        row.state = TicketState.NO_SHOW.value
        row.closed_at = core.clock.now()
        record_ticket(tx, office, "queue.no_show", row, before)
        return Outcome(ticket_of(tx.session, row), tx.changes)


def reactivate(core: Core, actor: Actor, ticket_id: uuid.UUID) -> Outcome[Ticket]:
    """A visitor taken as not come is here after all: the ticket waits again, in its place."""
    with core.changing(actor, Permission.WORK_AT_DESK) as tx:
        office = office_of(tx.session, core.desk_id)
        row = _lock_ticket(tx.session, ticket_id)
        if row.state != TicketState.NO_SHOW.value:
            raise ConflictError(
                _(
                    "Only a ticket marked as not come can be reactivated; ticket {number} is "
                    "{state}."
                ).format(number=row.number, state=TicketState(row.state).label)
            )
        if row.day != office.day_of(core.clock.now()):
            raise ConflictError(
                _("Ticket {number} is from {day}: issue a new ticket for today.").format(
                    number=row.number, day=row.day.strftime("%d.%m.%Y")
                )
            )
        before = snapshot(row)
        row.state = _WAITING
        row.counter_number = None
        row.called_at = None
        row.recalls = 0
        row.closed_at = None
        record_ticket(tx, office, "queue.reactivate", row, before)
        return Outcome(ticket_of(tx.session, row), tx.changes)


def start_service(core: Core, actor: Actor, ticket_id: uuid.UUID) -> Outcome[Ticket]:
    """The called visitor has come to the counter."""
    with core.changing(actor, Permission.WORK_AT_DESK) as tx:
        office = office_of(tx.session, core.desk_id)
        row = _lock_ticket(tx.session, ticket_id)
        if row.state != TicketState.CALLED.value:
            raise ConflictError(
                _("Only a called ticket can be served; ticket {number} is {state}.").format(
                    number=row.number, state=TicketState(row.state).label
                )
            )
        before = snapshot(row)
        row.state = TicketState.SERVING.value
        row.started_at = core.clock.now()
        record_ticket(tx, office, "queue.start", row, before)
        return Outcome(ticket_of(tx.session, row), tx.changes)


def end_service(core: Core, actor: Actor, ticket_id: uuid.UUID) -> Outcome[Ticket]:
    with core.changing(actor, Permission.WORK_AT_DESK) as tx:
        office = office_of(tx.session, core.desk_id)
        row = _lock_ticket(tx.session, ticket_id)
        if row.state != TicketState.SERVING.value:
            raise ConflictError(
                _(
                    "Ticket {number} is {state}, not being served: start the service before "
                    "ending it."
                ).format(number=row.number, state=TicketState(row.state).label)
            )
        before = snapshot(row)
        now = core.clock.now()
        row.state = TicketState.DONE.value
        row.ended_at = now
        row.closed_at = now
        record_ticket(tx, office, "queue.end", row, before)
        return Outcome(ticket_of(tx.session, row), tx.changes)


def transfer(
    core: Core,
    actor: Actor,
    ticket_id: uuid.UUID,
    *,
    to_service: str | None = None,
    to_counter: int | None = None,
    note: str = "",
) -> Outcome[Ticket]:
    """Send the visitor on to another service's queue, or to one counter (or both).

    This leg ends as transferred; the returned ticket is the next leg, waiting with the same
    number and its first issue time, so the visitor keeps their place.
    """
    if to_service is None and to_counter is None:
        raise ValidationError(
            _("Choose the service or the counter to transfer the ticket to."), field="to_service"
        )
    text = note.strip()
    if len(text) > NOTE_MAX_LENGTH:
        raise ValidationError(
            _("The note is too long: at most {limit} characters.").format(limit=NOTE_MAX_LENGTH),
            field="note",
        )
    with core.changing(actor, Permission.WORK_AT_DESK) as tx:
        session = tx.session
        office = office_of(session, core.desk_id)
        row = _lock_ticket(session, ticket_id)
        if TicketState(row.state).is_closed:
            raise ConflictError(
                _("Ticket {number} is {state}: it cannot be transferred any more.").format(
                    number=row.number, state=TicketState(row.state).label
                )
            )
        service_code = service_ref(session, to_service).code if to_service else row.service_code
        if to_counter is not None:
            counter_ref(session, office, to_counter)
        if service_code == row.service_code and to_counter in (None, row.counter_number):
            raise ValidationError(
                _(
                    "Ticket {number} is in that queue already: choose another service or counter."
                ).format(number=row.number),
                field="to_service",
            )
        now = core.clock.now()
        before = snapshot(row)
        if row.state == TicketState.SERVING.value:
            row.ended_at = now
        row.state = TicketState.TRANSFERRED.value
        row.closed_at = now
        record_ticket(tx, office, "queue.transfer", row, before)
        policy = queue_policy(session)
        priority = PriorityCategory(row.priority) if row.priority else None
        ahead = _people_ahead(session, office, row.day, service_code, priority)
        successor = QueueTicketRow(
            id=new_id(),
            office_id=row.office_id,
            day=row.day,
            number=row.number,
            leg=row.leg + 1,
            parent_id=row.id,
            service_code=service_code,
            state=_WAITING,
            priority=row.priority,
            appointment_at=row.appointment_at,
            booking_reference=row.booking_reference,
            channel=row.channel,
            issued_at=row.issued_at,
            queued_at=now,
            people_ahead=ahead,
            estimated_wait_minutes=_estimate_minutes(session, office, service_code, ahead, policy),
            target_counter=to_counter,
            recalls=0,
            issued_by=actor.username,
            note=text,
        )
        session.add(successor)
        record_ticket(tx, office, "queue.join", successor, None)
        return Outcome(ticket_of(session, successor), tx.changes)


def link_application(
    core: Core, actor: Actor, ticket_id: uuid.UUID, application_id: uuid.UUID
) -> Outcome[Ticket]:
    """Note the application made while this ticket was at the counter."""
    with core.changing(actor, Permission.WORK_AT_DESK) as tx:
        office = office_of(tx.session, core.desk_id)
        row = _lock_ticket(tx.session, ticket_id)
        if row.state not in (
            TicketState.CALLED.value,
            TicketState.SERVING.value,
            TicketState.DONE.value,
        ):
            raise ConflictError(
                _(
                    "Ticket {number} is {state}: only a ticket called to a counter can be linked "
                    "to an application."
                ).format(number=row.number, state=TicketState(row.state).label)
            )
        if tx.session.get(ApplicationRow, application_id) is None:
            raise NotFoundError(_("The application is not found; it may have been removed."))
        before = snapshot(row)
        row.application_id = application_id
        record_ticket(tx, office, "queue.link_application", row, before)
        return Outcome(ticket_of(tx.session, row), tx.changes)


def _lock_ticket(session: Session, ticket_id: uuid.UUID) -> QueueTicketRow:
    row = session.execute(_LOCK_TICKET, {"id": ticket_id}).scalar_one_or_none()
    if row is None:
        raise NotFoundError(_("The ticket is not found: refresh the queue and try again."))
    return row


# --- Reading ----------------------------------------------------------------------------------


def get_ticket(core: Core, actor: Actor, ticket_id: uuid.UUID) -> Ticket:
    with core.reading(actor, Permission.WORK_AT_DESK) as session:
        row = session.get(QueueTicketRow, ticket_id)
        if row is None:
            raise NotFoundError(_("The ticket is not found: refresh the queue and try again."))
        return ticket_of(session, row)


def waiting_list(
    core: Core,
    actor: Actor,
    *,
    counter_number: int | None = None,
    service_code: str | None = None,
    limit: int = 200,
) -> list[Ticket]:
    """Today's waiting tickets in the order of first issue: all of them, those a counter may
    call, or one service's."""
    with core.reading(actor, Permission.WORK_AT_DESK) as session:
        office = office_of(session, core.desk_id)
        t = QueueTicketRow
        query = select(t).where(
            t.office_id == office.id,
            t.day == office.day_of(core.clock.now()),
            t.state == _WAITING,
        )
        if counter_number is not None:
            services = tuple(
                str(c) for c in counter_ref(session, office, counter_number).service_codes
            )
            query = query.where(
                or_(
                    t.service_code.in_(services) & t.target_counter.is_(None),
                    t.target_counter == counter_number,
                )
            )
        if service_code is not None:
            query = query.where(t.service_code == service_code)
        rows = list(session.execute(query.order_by(t.issued_at, t.id).limit(limit)).scalars())
        names = service_names(session, {row.service_code for row in rows})
        return [to_ticket(row, names.get(row.service_code)) for row in rows]
