"""The queue as the clerk's panel lists and words it: the columns of its two tables and the
lines that describe a ticket or what just happened to it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from enum import Enum
from typing import Any

from app.clock import office_zone
from app.domain.prints import PrintEntry
from app.domain.queue import ServiceQueueStatus, Ticket
from app.i18n import _, current_language
from ui.models.table import ColumnSpec


def minutes_since(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return str(max(0, int((datetime.now(UTC) - moment).total_seconds() // 60)))


def _service(
    header: Callable[[], str], value: Callable[[ServiceQueueStatus], Any], right: bool = False
) -> ColumnSpec[ServiceQueueStatus]:
    return ColumnSpec(header, value, right)


def _ticket(
    header: Callable[[], str], value: Callable[[Ticket], Any], right: bool = False
) -> ColumnSpec[Ticket]:
    return ColumnSpec(header, value, right)


class ServiceColumn(Enum):
    """Each service's queue: how many wait, how many of them with priority, for how long."""

    PREFIX = _service(lambda: _("Letter"), lambda r: r.prefix)
    SERVICE = _service(lambda: _("Service"), lambda r: r.name.in_language(current_language()))
    WAITING = _service(lambda: _("Waiting"), lambda r: r.waiting, True)
    PRIORITY = _service(lambda: _("Priority"), lambda r: r.priority_waiting, True)
    LONGEST = _service(lambda: _("Longest wait, min"), lambda r: r.longest_wait_seconds // 60, True)
    OPEN = _service(lambda: _("Open counters"), lambda r: r.open_counters, True)


class WaitingColumn(Enum):
    """The tickets a counter may call, in order of issue."""

    NUMBER = _ticket(lambda: _("Ticket"), lambda t: t.number)
    SERVICE = _ticket(
        lambda: _("Service"), lambda t: t.service_name.in_language(current_language())
    )
    CATEGORY = _ticket(lambda: _("Category"), lambda t: t.priority.label if t.priority else "")
    WAITING = _ticket(lambda: _("Waiting, min"), lambda t: minutes_since(t.queued_at), True)


def describe_ticket(ticket: Ticket) -> str:
    parts = [ticket.service_name.in_language(current_language()), ticket.state.label]
    if ticket.priority is not None:
        parts.append(ticket.priority.label)
    if ticket.recalls:
        parts.append(_("called {count} times").format(count=ticket.recalls + 1))
    if ticket.note:
        parts.append(ticket.note)
    return " · ".join(parts)


def ticket_message(action: str, ticket: Ticket) -> str:
    """What the panel says after ``action`` (its key) returned ``ticket``."""
    if action in ("issue", "check_in"):
        text = _("Ticket {number} issued: {ahead} ahead, about {minutes} min.").format(
            number=ticket.number, ahead=ticket.people_ahead, minutes=ticket.estimated_wait_minutes
        )
        if ticket.late_for_appointment:
            text += " " + _("Too late for the booked time: the visitor queues as everyone else.")
        return text
    if action == "transfer":
        return _("Ticket {number} transferred: it waits in its new queue, in its place.").format(
            number=ticket.number
        )
    return _("Ticket {number}: {state}.").format(number=ticket.number, state=ticket.state.label)


def kiosk_fault_text(entry: PrintEntry) -> str:
    at = entry.printed_at.astimezone(office_zone()).strftime("%H:%M")
    return _("The kiosk's printer failed at {time}: {reason}").format(time=at, reason=entry.reason)
