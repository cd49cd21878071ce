"""The queue as the kiosk, the clerk's panel and the waiting-room display see it.

A ticket is one leg of a visitor's way through the office: it joins a service's queue, is
called to a counter, served, and leaves (done, not come, or transferred to another queue, where
the next leg starts with the same number and the same place).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from app.domain.masterdata import LocalizedText
from app.i18n import N_, _


class TicketState(StrEnum):
    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    DONE = "done"
    NO_SHOW = "no_show"
    TRANSFERRED = "transferred"  # this leg ended; the next leg waits in another queue

    @property
    def label(self) -> str:
        return _(_STATE_LABELS[self])

    @property
    def is_active(self) -> bool:
        """At a counter now: called or being served."""
        return self in (TicketState.CALLED, TicketState.SERVING)

    @property
    def is_closed(self) -> bool:
        return self in (TicketState.DONE, TicketState.NO_SHOW, TicketState.TRANSFERRED)


_STATE_LABELS: dict[TicketState, str] = {
    TicketState.WAITING: N_("waiting"),
    TicketState.CALLED: N_("called"),
    TicketState.SERVING: N_("being served"),
    TicketState.DONE: N_("served"),
    TicketState.NO_SHOW: N_("did not come"),
    TicketState.TRANSFERRED: N_("transferred"),
}


class PriorityCategory(StrEnum):
    """Visitors who do not queue as everyone else. A ticket without one is a normal ticket."""

    APPOINTMENT = "appointment"
    DISABLED = "disabled"
    ELDERLY = "elderly"
    PREGNANT = "pregnant"
    WITH_CHILD = "with_child"  # with a child under one year
    VETERAN = "veteran"  # veterans of war and their families

    @property
    def label(self) -> str:
        return _(_PRIORITY_LABELS[self])

    @property
    def is_appointment(self) -> bool:
        return self is PriorityCategory.APPOINTMENT


_PRIORITY_LABELS: dict[PriorityCategory, str] = {
    PriorityCategory.APPOINTMENT: N_("appointment"),
    PriorityCategory.DISABLED: N_("person with a disability"),
    PriorityCategory.ELDERLY: N_("elderly person"),
    PriorityCategory.PREGNANT: N_("pregnant woman"),
    PriorityCategory.WITH_CHILD: N_("parent with a baby"),
    PriorityCategory.VETERAN: N_("war veteran"),
}

# The categories the kiosk offers as "priority"; an appointment is checked in, not chosen.
PRIORITY_CATEGORIES: tuple[PriorityCategory, ...] = tuple(
    category for category in PriorityCategory if not category.is_appointment
)


class TicketChannel(StrEnum):
    KIOSK = "kiosk"
    DESK = "desk"


class CounterState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    PAUSED = "paused"

    @property
    def label(self) -> str:
        return _(_COUNTER_LABELS[self])


_COUNTER_LABELS: dict[CounterState, str] = {
    CounterState.CLOSED: N_("closed"),
    CounterState.OPEN: N_("open"),
    CounterState.PAUSED: N_("paused"),
}


class PauseReason(StrEnum):
    BREAK = "break"
    LUNCH = "lunch"
    PAPERWORK = "paperwork"  # back-office work away from visitors
    MEETING = "meeting"
    TECHNICAL = "technical"  # the computer, the printer or the network
    OTHER = "other"

    @property
    def label(self) -> str:
        return _(_PAUSE_LABELS[self])


_PAUSE_LABELS: dict[PauseReason, str] = {
    PauseReason.BREAK: N_("short break"),
    PauseReason.LUNCH: N_("lunch"),
    PauseReason.PAPERWORK: N_("paperwork"),
    PauseReason.MEETING: N_("meeting"),
    PauseReason.TECHNICAL: N_("technical problem"),
    PauseReason.OTHER: N_("other reason"),
}


@dataclass(frozen=True, slots=True)
class QueuePolicy:
    """The office's queue rules, set by a supervisor or administrator.

    ``ratio_normal``:``ratio_priority`` is the cycle of calls while both kinds wait (2:1 = two
    normal tickets, then one priority). Every ``aging_minutes`` of waiting count as one step of
    priority: a priority ticket that has waited a step longer than the normal ticket the cycle
    would call goes first, so the ratio cannot leave it behind a stream of new arrivals.
    """

    ratio_normal: int = 2
    ratio_priority: int = 1
    aging_minutes: int = 10
    recall_limit: int = 2  # recalls after the first call; one more makes the ticket a no-show
    target_wait_minutes: int = 15
    appointment_early_minutes: int = 10  # an appointment is called from this long before
    appointment_late_minutes: int = 15  # later than this after the booking, it queues as normal
    default_service_minutes: int = 8  # the estimate until the service has a history


@dataclass(frozen=True, slots=True)
class Ticket:
    id: uuid.UUID
    number: str  # "A001": the service's prefix and the day's sequence
    day: date  # the office day of the first issue
    leg: int  # 0 at issue, 1 after the first transfer, ...
    service_code: str
    service_name: LocalizedText
    state: TicketState
    priority: PriorityCategory | None
    appointment_at: datetime | None
    booking_reference: str | None
    channel: TicketChannel
    issued_at: datetime  # the first issue: a transfer keeps it
    queued_at: datetime  # when this leg joined its queue
    people_ahead: int  # at issue
    estimated_wait_minutes: int  # at issue
    target_counter: int | None  # transferred to this counter only
    counter_number: int | None  # the counter that called it
    clerk_name: str | None
    first_called_at: datetime | None
    called_at: datetime | None  # the last call
    recalls: int
    started_at: datetime | None
    ended_at: datetime | None
    closed_at: datetime | None
    application_id: uuid.UUID | None
    parent_id: uuid.UUID | None  # the leg before a transfer
    note: str

    @property
    def is_priority(self) -> bool:
        return self.priority is not None and not self.priority.is_appointment

    @property
    def late_for_appointment(self) -> bool:
        """Checked in too late for the booked time: queued as a normal ticket."""
        return self.appointment_at is not None and self.priority is None


@dataclass(frozen=True, slots=True)
class CounterStatus:
    number: int
    service_codes: tuple[str, ...]
    state: CounterState
    clerk_name: str | None
    since: datetime | None
    pause_reason: PauseReason | None
    pause_note: str
    current: Ticket | None  # the ticket called to it or being served there


@dataclass(frozen=True, slots=True)
class ServiceQueueStatus:
    code: str
    name: LocalizedText
    prefix: str
    waiting: int
    priority_waiting: int
    longest_wait_seconds: int  # of the tickets waiting now; 0 when none waits
    open_counters: int


@dataclass(frozen=True, slots=True)
class CallEntry:
    """A call as the display shows it."""

    ticket_id: uuid.UUID
    number: str
    counter_number: int
    called_at: datetime
    recalls: int
    state: TicketState


@dataclass(frozen=True, slots=True)
class QueueSnapshot:
    at: datetime
    day: date
    version: int  # grows with every change of the office's queue
    services: tuple[ServiceQueueStatus, ...]
    counters: tuple[CounterStatus, ...]
    calls: tuple[CallEntry, ...]  # the latest first


@dataclass(frozen=True, slots=True)
class QueueMeasures:
    """What the queue did, for a group of tickets (a service, a counter, a clerk or all).

    Times are in seconds; None where nothing was measured. Waiting counts from when a leg
    joined its queue to its last call; service level is the share of called legs whose wait
    stayed within the target; the no-show rate is no-shows per ticket issued.
    """

    key: str  # the service code, the counter number or the clerk's name; "" for all
    issued: int
    called: int
    served: int
    no_shows: int
    transferred: int
    waiting_now: int
    average_wait: float | None
    longest_wait: float | None
    average_walk: float | None  # from the last call to the start of service
    average_service: float | None
    idle_seconds: float | None  # counters and clerks only
    service_level: float | None  # 0..1
    no_show_rate: float | None  # 0..1


@dataclass(frozen=True, slots=True)
class DayMeasures:
    day: date
    target_wait_minutes: int
    overall: QueueMeasures
    by_service: tuple[QueueMeasures, ...]
    by_counter: tuple[QueueMeasures, ...]
    by_clerk: tuple[QueueMeasures, ...]
