"""Ticket numbers: the service's letter and the day's sequence, from 001 again each local
midnight, never repeated; what the ticket tells the visitor about the wait."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.bootstrap import Started
from app.clock import ManualClock
from app.db.models import DailyCounterRow, QueueTicketRow
from app.domain.queue import PriorityCategory, TicketChannel, TicketState
from app.domain.users import Actor
from app.errors import NotFoundError, ValidationError
from app.services import queue
from app.services.setup import DemoSetup
from tests.app.queue.helpers import A, B, issue, serve_next


def test_numbers_carry_the_service_letter_and_run_per_service(
    started: Started, demo: DemoSetup, clock: ManualClock
) -> None:
    core = started.core
    numbers = [issue(core, code, clock=clock).number for code in (A, A, B, A, B)]
    assert numbers == ["A001", "A002", "B001", "A003", "B002"]
    first = issue(core, A, clock=clock)
    assert first.state is TicketState.WAITING
    assert first.channel is TicketChannel.KIOSK
    assert first.service_name.en == "Registration at place of stay"
    assert first.leg == 0 and first.issued_at == first.queued_at


def test_numbers_start_again_at_midnight_in_baku_and_yesterday_stays(
    started: Started, demo: DemoSetup, clerk: Actor, clock: ManualClock
) -> None:
    core = started.core
    clock.set(datetime(2026, 11, 24, 19, 57, tzinfo=UTC))  # 23:57 in Baku (UTC+4)
    evening = [issue(core, clock=clock) for _ in range(2)]
    assert [t.number for t in evening] == ["A001", "A002"]
    assert {t.day.isoformat() for t in evening} == {"2026-11-24"}
    clock.set(datetime(2026, 11, 24, 20, 0, 30, tzinfo=UTC))  # 00:00:30 on the 25th in Baku
    morning = issue(core, clock=clock)
    assert morning.number == "A001"
    assert morning.day.isoformat() == "2026-11-25"
    with core.reading() as session:
        assert session.execute(select(func.count()).select_from(QueueTicketRow)).scalar() == 3
    # Yesterday's tickets that were never called are history, not today's queue.
    today = queue.call_next(core, clerk, 1).value
    assert today is not None and today.id == morning.id
    assert queue.call_next(core, clerk, 2).value is None


def test_after_999_the_number_grows_a_digit(
    started: Started, demo: DemoSetup, clock: ManualClock
) -> None:
    core = started.core
    issue(core, clock=clock)
    with core.database.writing() as session:
        row = session.execute(
            select(DailyCounterRow).where(DailyCounterRow.scope == "ticket:AGS:A")
        ).scalar_one()
        row.value = 998
    assert [issue(core, clock=clock).number for _ in range(2)] == ["A999", "A1000"]


def test_people_ahead_and_the_estimate_without_history(
    started: Started, demo: DemoSetup, clock: ManualClock
) -> None:
    core = started.core
    tickets = [issue(core, clock=clock) for _ in range(3)]
    assert [t.people_ahead for t in tickets] == [0, 1, 2]
    # No service finished yet: the policy's 8 minutes a visitor, one counter assumed.
    assert [t.estimated_wait_minutes for t in tickets] == [0, 8, 16]
    # A priority visitor counts only the other priority visitors ahead.
    elderly = issue(core, A, PriorityCategory.ELDERLY, clock=clock)
    assert elderly.people_ahead == 0 and elderly.estimated_wait_minutes == 0


def test_the_estimate_follows_recent_services_and_open_counters(
    started: Started, demo: DemoSetup, clerk: Actor, supervisor: Actor, clock: ManualClock
) -> None:
    core = started.core
    issue(core, clock=clock)
    called = queue.call_next(core, clerk, 1).value
    assert called is not None
    queue.start_service(core, clerk, called.id)
    clock.advance(timedelta(minutes=4))
    queue.end_service(core, clerk, called.id)
    assert issue(core, clock=clock).estimated_wait_minutes == 0  # no one ahead
    assert issue(core, clock=clock).estimated_wait_minutes == 4  # one ahead, 4 min each
    queue.open_counter(core, supervisor, 2)  # counter 2 serves registration too
    assert issue(core, clock=clock).estimated_wait_minutes == 4  # two ahead, two counters
    assert serve_next(core, clerk, 1) == "A002"


def test_unknown_service_and_inconsistent_appointment_are_refused(
    started: Started, demo: DemoSetup
) -> None:
    with pytest.raises(NotFoundError, match="not offered here"):
        queue.issue_ticket(started.core, queue.KIOSK, "no_such_service")
    with pytest.raises(ValidationError, match="booked time"):
        queue.issue_ticket(started.core, queue.KIOSK, A, priority=PriorityCategory.APPOINTMENT)


def test_a_desk_not_set_up_cannot_issue(started: Started) -> None:
    from app.errors import ConflictError

    with pytest.raises(ConflictError, match="not set up"):
        queue.issue_ticket(started.core, queue.KIOSK, A)
