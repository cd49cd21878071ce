"""The measures of a scripted morning at counter 1, and the live view of the queue."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.bootstrap import Started
from app.clock import ManualClock
from app.domain.queue import CounterState, PauseReason, TicketState
from app.domain.users import Actor
from app.services import queue
from app.services.queue_measures import day_measures, queue_status
from app.services.setup import DemoSetup
from tests.app.queue.helpers import A, B

NINE = datetime(2026, 11, 24, 5, 0, tzinfo=UTC)  # 09:00 in Baku


def at(minute: int) -> datetime:
    return NINE + timedelta(minutes=minute)


def test_a_scripted_morning(
    started: Started, demo: DemoSetup, clerk: Actor, clock: ManualClock
) -> None:
    core = started.core
    for minute, code in ((0, A), (2, A), (4, A), (5, B)):
        clock.set(at(minute))
        queue.issue_ticket(core, queue.KIOSK, code)

    def step(minute: int) -> None:
        clock.set(at(minute))

    step(10)
    first = queue.call_next(core, clerk, 1).value  # A001 waited 10 min
    assert first is not None and first.number == "A001"
    step(11)
    queue.start_service(core, clerk, first.id)  # walked 1 min
    step(21)
    queue.end_service(core, clerk, first.id)  # served 10 min
    step(25)
    second = queue.call_next(core, clerk, 1).value  # A002 waited 23 min: over the target
    assert second is not None and second.number == "A002"
    step(28)
    queue.mark_no_show(core, clerk, second.id)
    step(30)
    queue.pause(core, clerk, 1, PauseReason.BREAK)
    step(40)
    queue.resume(core, clerk, 1)
    step(45)
    third = queue.call_next(core, clerk, 1).value  # A003 (09:04) before B001 (09:05)
    assert third is not None and third.number == "A003"
    step(46)
    queue.start_service(core, clerk, third.id)
    step(50)
    queue.end_service(core, clerk, third.id)

    day = day_measures(core, clerk)
    overall = day.overall
    assert (overall.issued, overall.called, overall.served, overall.no_shows) == (4, 3, 2, 1)
    assert overall.waiting_now == 1
    assert overall.average_wait == pytest.approx((600 + 1380 + 2460) / 3)
    assert overall.longest_wait == 2460
    assert overall.average_walk == 60
    assert overall.average_service == (600 + 240) / 2
    assert overall.service_level == pytest.approx(1 / 3)
    assert overall.no_show_rate == pytest.approx(1 / 4)
    assert day.target_wait_minutes == 15

    services = {m.key: m for m in day.by_service}
    assert services[A].issued == 3 and services[A].no_show_rate == pytest.approx(1 / 3)
    assert services[B].waiting_now == 1 and services[B].average_wait is None

    (counter,) = day.by_counter
    assert counter.key == "1" and counter.called == 3
    # Idle: 09:21 to 09:25, then 09:28 to 09:45 less the 10-minute break.
    assert counter.idle_seconds == (4 + 7) * 60
    (person,) = day.by_clerk
    assert person.key == "clerk" and person.idle_seconds == counter.idle_seconds

    live = queue_status(core, clerk)
    by_code = {s.code: s for s in live.services}
    assert (by_code[B].waiting, by_code[B].longest_wait_seconds) == (1, 45 * 60)
    assert by_code[A].waiting == 0 and by_code[A].open_counters == 1
    assert [c.number for c in live.calls] == ["A003", "A002", "A001"]
    assert live.calls[1].state is TicketState.NO_SHOW
    assert live.counters[0].state is CounterState.OPEN and live.counters[0].current is None
    assert live.counters[2].state is CounterState.CLOSED
    assert live.version > 0

    # Another day has its own measures; this one stays as it was.
    clock.advance(timedelta(days=1))
    assert day_measures(core, clerk).overall.issued == 0
    assert day_measures(core, clerk, day.day).overall == overall
