"""Short ways to drive the queue in tests."""

from __future__ import annotations

from datetime import timedelta

from app.clock import ManualClock
from app.domain.queue import PriorityCategory, Ticket
from app.domain.users import Actor
from app.services import queue
from app.services.core import Core

A = "registration_stay"  # prefix A, served at counters 1 and 2 of the demo office
B = "stay_extension"  # prefix B, counter 1
E = "work_permit"  # prefix E, counter 3


def issue(
    core: Core, code: str = A, priority: PriorityCategory | None = None, *, clock: ManualClock
) -> Ticket:
    """A kiosk ticket, then a minute passes, so tickets stand in a clear order."""
    ticket = queue.issue_ticket(core, queue.KIOSK, code, priority=priority).value
    clock.advance(timedelta(minutes=1))
    return ticket


def serve_next(core: Core, actor: Actor, counter: int) -> str | None:
    """Call the next ticket to the counter, serve it and end: its number, None if none waits."""
    called = queue.call_next(core, actor, counter).value
    if called is None:
        return None
    queue.start_service(core, actor, called.id)
    queue.end_service(core, actor, called.id)
    return called.number
