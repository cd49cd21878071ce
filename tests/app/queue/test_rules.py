"""Who is called next: the priority ratio, aging, appointments, transfers keeping their place,
and a counter calling only what it serves."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from app.bootstrap import Started
from app.clock import ManualClock
from app.domain.queue import PriorityCategory, QueuePolicy
from app.domain.users import Actor
from app.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from app.services import queue
from app.services.core import Core
from app.services.queue_rules import Candidate, Heads, Why, choose
from app.services.settings import set_queue_policy
from app.services.setup import DemoSetup
from tests.app.queue.helpers import A, B, E, issue, serve_next

ELDERLY = PriorityCategory.ELDERLY
NINE = datetime(2026, 11, 24, 5, 0, tzinfo=UTC)  # 09:00 in Baku


def _policy(core: Core, actor: Actor, **changes: int) -> None:
    set_queue_policy(core, actor, replace(QueuePolicy(), **changes))


def test_two_normal_then_one_priority_while_both_wait(
    started: Started, demo: DemoSetup, clerk: Actor, clock: ManualClock
) -> None:
    core = started.core
    for kind in (None, None, ELDERLY, None, PriorityCategory.PREGNANT, None):
        issue(core, A, kind, clock=clock)
    calls = [serve_next(core, clerk, 1) for _ in range(7)]
    assert calls == ["A001", "A002", "A003", "A004", "A006", "A005", None]


def test_one_to_one_ratio_alternates(
    started: Started, demo: DemoSetup, clerk: Actor, supervisor: Actor, clock: ManualClock
) -> None:
    core = started.core
    _policy(core, supervisor, ratio_normal=1, ratio_priority=1)
    for kind in (None, None, None, ELDERLY, PriorityCategory.DISABLED):
        issue(core, A, kind, clock=clock)
    assert [serve_next(core, clerk, 1) for _ in range(5)] == [
        "A001",
        "A004",
        "A002",
        "A005",
        "A003",
    ]


def test_a_priority_ticket_that_waited_an_aging_step_longer_goes_first(
    started: Started, demo: DemoSetup, clerk: Actor, clock: ManualClock
) -> None:
    core = started.core
    clock.set(NINE)
    issue(core, A, ELDERLY, clock=clock)  # A001 at 09:00
    clock.set(NINE + timedelta(minutes=12))
    for _ in range(3):
        issue(core, clock=clock)  # A002..A004 from 09:12
    # The cycle says "normal", but A001 waited 12 minutes longer than A002: aging wins, and
    # the normal turn is still owed.
    assert [serve_next(core, clerk, 1) for _ in range(3)] == ["A001", "A002", "A003"]


def test_without_an_aging_step_between_them_the_ratio_decides(
    started: Started, demo: DemoSetup, clerk: Actor, clock: ManualClock
) -> None:
    core = started.core
    clock.set(NINE)
    issue(core, A, ELDERLY, clock=clock)  # 09:00
    clock.set(NINE + timedelta(minutes=8))
    issue(core, clock=clock)  # 09:08
    issue(core, clock=clock)  # 09:09: still less than a step (10 minutes) after A001
    assert [serve_next(core, clerk, 1) for _ in range(3)] == ["A002", "A003", "A001"]


def test_normal_tickets_are_not_starved_by_a_flood_of_priority(
    started: Started, demo: DemoSetup, clerk: Actor, clock: ManualClock
) -> None:
    core = started.core
    clock.set(NINE)
    issue(core, A, ELDERLY, clock=clock)  # A001 09:00
    clock.set(NINE + timedelta(minutes=15))
    issue(core, A, ELDERLY, clock=clock)  # A002 09:15
    clock.set(NINE + timedelta(minutes=20))
    issue(core, clock=clock)  # A003 09:20
    issue(core, A, ELDERLY, clock=clock)  # A004 09:21
    # A001 is a full step older than A003 and goes first; A002 is not, so the normal turn
    # comes, then the priority turn.
    assert [serve_next(core, clerk, 1) for _ in range(4)] == ["A001", "A003", "A002", "A004"]


def test_the_rules_alone() -> None:
    policy = QueuePolicy()
    old = Candidate(_id(1), NINE)
    new = Candidate(_id(2), NINE + timedelta(minutes=30))
    assert choose(Heads(), 0, policy) is None
    ratio = choose(Heads(priority=new, normal=old), 0, policy)
    assert ratio is not None and ratio.why is Why.RATIO and ratio.candidate == old
    aged = choose(Heads(priority=old, normal=new), 0, policy)
    assert aged is not None and aged.why is Why.AGED and aged.next_step == 0
    turn = choose(Heads(priority=new, normal=old), 2, policy)
    assert turn is not None and turn.candidate == new and turn.next_step == 0
    alone = choose(Heads(normal=old), 2, policy)
    assert alone is not None and alone.why is Why.ALONE and alone.next_step == 2
    early = choose(Heads(later_appointment=new), 0, policy)
    assert early is not None and early.why is Why.EARLY_APPOINTMENT


def _id(n: int) -> uuid.UUID:
    return uuid.UUID(int=n)


def test_appointments_by_booked_time_once_due(
    started: Started, demo: DemoSetup, clerk: Actor, clock: ManualClock
) -> None:
    core = started.core
    clock.set(NINE)
    later = queue.check_in_appointment(core, clerk, A, NINE + timedelta(minutes=40)).value
    sooner = queue.check_in_appointment(core, clerk, A, NINE + timedelta(minutes=30)).value
    assert later.priority is PriorityCategory.APPOINTMENT and later.number == "A001"
    clock.advance(timedelta(minutes=1))
    issue(core, clock=clock)  # A003, a normal ticket
    clock.set(NINE + timedelta(minutes=5))
    # Not due yet (from 10 minutes before the booking): the walk-in goes first.
    assert serve_next(core, clerk, 1) == "A003"
    # With no one else waiting, an early appointment is better served than an idle counter.
    issue(core, clock=clock)  # A004
    clock.set(NINE + timedelta(minutes=21))
    assert serve_next(core, clerk, 1) == sooner.number  # due from 09:20, booked first
    clock.set(NINE + timedelta(minutes=31))
    assert serve_next(core, clerk, 1) == later.number
    assert serve_next(core, clerk, 1) == "A004"


def test_a_late_appointment_queues_as_everyone_else_and_another_day_is_refused(
    started: Started, demo: DemoSetup, clerk: Actor, clock: ManualClock
) -> None:
    core = started.core
    clock.set(NINE + timedelta(minutes=20))
    late = queue.check_in_appointment(core, clerk, A, NINE).value
    assert late.priority is None and late.late_for_appointment
    with pytest.raises(ValidationError, match="not today"):
        queue.check_in_appointment(core, clerk, A, NINE + timedelta(days=1))


def test_a_transferred_ticket_keeps_its_place_by_first_issue(
    started: Started, demo: DemoSetup, clerk: Actor, clock: ManualClock
) -> None:
    core = started.core
    clock.set(NINE)
    first = issue(core, A, clock=clock)  # A001 09:00
    clock.set(NINE + timedelta(minutes=10))
    issue(core, B, clock=clock)  # B001 09:10
    called = queue.call_next(core, clerk, 1).value
    assert called is not None and called.id == first.id
    queue.start_service(core, clerk, called.id)
    clock.set(NINE + timedelta(minutes=20))
    moved = queue.transfer(core, clerk, called.id, to_service=B, note="also extends stay").value
    assert (moved.number, moved.leg, moved.service_code) == ("A001", 1, B)
    assert moved.issued_at == first.issued_at
    assert moved.queued_at == NINE + timedelta(minutes=20)
    assert moved.parent_id == first.id and moved.note == "also extends stay"
    ended = queue.get_ticket(core, clerk, first.id)
    assert ended.state.value == "transferred" and ended.ended_at is not None
    # Counter 1 serves B as well: A001 waited since 09:00, before B001.
    assert serve_next(core, clerk, 1) == "A001"
    assert serve_next(core, clerk, 1) == "B001"


def test_a_ticket_transferred_to_a_counter_is_called_there_only(
    started: Started, demo: DemoSetup, clerk: Actor, supervisor: Actor, clock: ManualClock
) -> None:
    core = started.core
    ticket = issue(core, A, clock=clock)
    called = queue.call_next(core, clerk, 1).value
    assert called is not None
    moved = queue.transfer(core, clerk, called.id, to_counter=3).value
    assert moved.target_counter == 3 and moved.service_code == A
    assert queue.call_next(core, supervisor, 2).value is None  # counter 2 serves A, but no
    third = queue.call_next(core, clerk, 3).value
    assert third is not None and third.number == ticket.number and third.counter_number == 3
    with pytest.raises(ValidationError, match="transfer"):
        queue.transfer(core, clerk, third.id)


def test_a_counter_calls_only_its_services(
    started: Started, demo: DemoSetup, clerk: Actor, clock: ManualClock
) -> None:
    core = started.core
    issue(core, E, clock=clock)  # work permits: counter 3 only
    assert queue.call_next(core, clerk, 1).value is None
    assert serve_next(core, clerk, 3) == "E001"
    with pytest.raises(NotFoundError, match="no counter 9"):
        queue.call_next(core, clerk, 9)


def test_calling_a_given_ticket(
    started: Started, demo: DemoSetup, clerk: Actor, supervisor: Actor, clock: ManualClock
) -> None:
    core = started.core
    for code in (A, A, A, E):
        issue(core, code, clock=clock)
    third = queue.call_ticket(core, clerk, 1, " a003 ").value
    assert third.number == "A003" and third.counter_number == 1
    with pytest.raises(ConflictError, match="already called to counter 1"):
        queue.call_ticket(core, supervisor, 2, "A003")
    with pytest.raises(ConflictError, match="does not serve"):
        queue.call_ticket(core, supervisor, 2, "E001")
    with pytest.raises(NotFoundError, match="no ticket A077"):
        queue.call_ticket(core, supervisor, 2, "A077")
    # The counter is busy with A003 until it is served, transferred or marked not come.
    with pytest.raises(ConflictError, match="still has ticket A003"):
        queue.call_next(core, clerk, 1)


def test_the_policy_is_the_supervisors_and_checked(
    started: Started, demo: DemoSetup, clerk: Actor, supervisor: Actor, admin: Actor
) -> None:
    core = started.core
    with pytest.raises(PermissionDeniedError, match="queue's rules"):
        _policy(core, clerk, ratio_normal=3)
    with pytest.raises(ValidationError, match="between 1 and 20") as raised:
        _policy(core, supervisor, ratio_priority=0)
    assert raised.value.field == "ratio_priority"
    _policy(core, supervisor, recall_limit=0)
    _policy(core, admin, target_wait_minutes=20)
    from app.services.settings import queue_policy

    with core.reading() as session:
        assert queue_policy(session) == QueuePolicy(target_wait_minutes=20)
