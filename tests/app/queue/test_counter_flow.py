"""At the counter: recalls up to the limit, no-shows and their reactivation, pauses, linking the
application, and every step in the audit log."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.bootstrap import Started
from app.clock import ManualClock
from app.db.models import AuditRow
from app.domain.applications import ApplicationForm
from app.domain.changes import Topic
from app.domain.queue import CounterState, PauseReason, QueuePolicy, TicketState
from app.domain.users import Actor
from app.errors import ConflictError, NotFoundError, ValidationError
from app.services import applications, audit, queue
from app.services.settings import set_queue_policy
from app.services.setup import DemoSetup
from tests.app.queue.helpers import A, issue, serve_next


def test_recalls_up_to_the_limit_then_no_show(
    started: Started, demo: DemoSetup, clerk: Actor, supervisor: Actor, clock: ManualClock
) -> None:
    core = started.core
    set_queue_policy(core, supervisor, replace(QueuePolicy(), recall_limit=2))
    issue(core, clock=clock)
    issue(core, clock=clock)
    called = queue.call_next(core, clerk, 1).value
    assert called is not None and called.recalls == 0
    first_call = called.called_at
    clock.advance(timedelta(minutes=1))
    again = queue.recall(core, clerk, called.id).value
    assert (again.state, again.recalls) == (TicketState.CALLED, 1)
    assert again.called_at == first_call + timedelta(minutes=1)  # the wait ends at the last call
    assert again.first_called_at == first_call
    assert queue.recall(core, clerk, called.id).value.recalls == 2
    gone = queue.recall(core, clerk, called.id).value
    assert gone.state is TicketState.NO_SHOW and gone.closed_at is not None
    with pytest.raises(ConflictError, match="Only a called ticket"):
        queue.recall(core, clerk, called.id)
    # The counter is free again.
    assert serve_next(core, clerk, 1) == "A002"


def test_a_no_show_comes_back_in_its_place(
    started: Started, demo: DemoSetup, clerk: Actor, clock: ManualClock
) -> None:
    core = started.core
    for _ in range(3):
        issue(core, clock=clock)
    called = queue.call_next(core, clerk, 1).value
    assert called is not None
    assert queue.mark_no_show(core, clerk, called.id).value.state is TicketState.NO_SHOW
    assert serve_next(core, clerk, 1) == "A002"
    back = queue.reactivate(core, clerk, called.id).value
    assert back.state is TicketState.WAITING and back.counter_number is None
    with pytest.raises(ConflictError, match="Only a ticket marked as not come"):
        queue.reactivate(core, clerk, called.id)
    assert serve_next(core, clerk, 1) == "A001"  # issued first, so ahead of A003
    with pytest.raises(ConflictError, match="not come"):
        queue.mark_no_show(core, clerk, called.id)


def test_yesterdays_no_show_is_not_reactivated(
    started: Started, demo: DemoSetup, clerk: Actor, clock: ManualClock
) -> None:
    core = started.core
    issue(core, clock=clock)
    called = queue.call_next(core, clerk, 1).value
    assert called is not None
    queue.mark_no_show(core, clerk, called.id)
    clock.advance(timedelta(days=1))
    with pytest.raises(ConflictError, match="issue a new ticket"):
        queue.reactivate(core, clerk, called.id)


def test_the_order_of_service_steps_is_kept(
    started: Started, demo: DemoSetup, clerk: Actor, clock: ManualClock
) -> None:
    core = started.core
    ticket = issue(core, clock=clock)
    with pytest.raises(ConflictError, match="Only a called ticket can be served"):
        queue.start_service(core, clerk, ticket.id)
    called = queue.call_next(core, clerk, 1).value
    assert called is not None
    with pytest.raises(ConflictError, match="start the service"):
        queue.end_service(core, clerk, called.id)
    queue.start_service(core, clerk, called.id)
    done = queue.end_service(core, clerk, called.id)
    assert done.value.state is TicketState.DONE
    assert done.changes.touches(Topic.QUEUE)
    with pytest.raises(ConflictError, match="cannot be transferred"):
        queue.transfer(core, clerk, called.id, to_counter=2)
    with pytest.raises(NotFoundError, match="ticket is not found"):
        queue.get_ticket(core, clerk, uuid.uuid4())


def test_a_paused_counter_calls_no_one_until_resumed(
    started: Started, demo: DemoSetup, clerk: Actor, clock: ManualClock
) -> None:
    core = started.core
    issue(core, clock=clock)
    status = queue.pause(core, clerk, 1, PauseReason.LUNCH).value
    assert status.state is CounterState.PAUSED and status.pause_reason is PauseReason.LUNCH
    with pytest.raises(ConflictError, match="paused: resume it first"):
        queue.call_next(core, clerk, 1)
    with pytest.raises(ConflictError, match="paused"):
        queue.pause(core, clerk, 1, PauseReason.BREAK)
    resumed = queue.resume(core, clerk, 1).value
    assert resumed.state is CounterState.OPEN and resumed.clerk_name == "clerk"
    with pytest.raises(ConflictError, match="not paused"):
        queue.resume(core, clerk, 1)
    called = queue.call_next(core, clerk, 1).value
    assert called is not None
    with pytest.raises(ConflictError, match="still has ticket A001"):
        queue.pause(core, clerk, 1, PauseReason.BREAK)
    with pytest.raises(ValidationError, match="Say why"):
        queue.pause(core, clerk, 2, PauseReason.OTHER)
    current = queue.counter_status(core, clerk, 1)
    assert current.current is not None and current.current.number == "A001"
    with pytest.raises(ConflictError, match="still has ticket"):
        queue.close_counter(core, clerk, 1)
    queue.mark_no_show(core, clerk, called.id)
    assert queue.close_counter(core, clerk, 1).value.state is CounterState.CLOSED


@pytest.mark.parametrize("backend_config", ["sqlite"], indirect=True)
def test_the_application_made_during_the_visit_is_linked(
    started: Started, demo: DemoSetup, clerk: Actor, clock: ManualClock
) -> None:
    core = started.core
    ticket = issue(core, clock=clock)
    with pytest.raises(ConflictError, match="only a ticket called"):
        queue.link_application(core, clerk, ticket.id, ticket.id)
    called = queue.call_next(core, clerk, 1).value
    assert called is not None
    with pytest.raises(NotFoundError, match="application is not found"):
        queue.link_application(core, clerk, called.id, ticket.id)
    draft = applications.save_draft(core, clerk, ApplicationForm("registration_stay")).value
    linked = queue.link_application(core, clerk, called.id, draft.id).value
    assert linked.application_id == draft.id


def test_every_step_is_audited_and_the_chain_holds(
    started: Started, demo: DemoSetup, clerk: Actor, clock: ManualClock
) -> None:
    core = started.core
    ticket = issue(core, clock=clock)
    serve_next(core, clerk, 1)
    with core.reading() as session:
        actions = list(
            session.execute(
                select(AuditRow.action, AuditRow.actor_name)
                .where(AuditRow.entity_id == str(ticket.id))
                .order_by(AuditRow.seq)
            )
        )
        assert audit.verify_chain(session).intact
    assert actions == [
        ("queue.issue", "kiosk"),
        ("queue.call", "clerk"),
        ("queue.start", "clerk"),
        ("queue.end", "clerk"),
    ]


def test_the_waiting_list_a_counter_may_call(
    started: Started, demo: DemoSetup, clerk: Actor, clock: ManualClock
) -> None:
    core = started.core
    for code in (A, "work_permit", A, "stay_extension"):
        issue(core, code, clock=clock)
    assert [t.number for t in queue.waiting_list(core, clerk)] == ["A001", "E001", "A002", "B001"]
    # Counter 1 serves registrations and extensions; counter 3 work permits.
    assert [t.number for t in queue.waiting_list(core, clerk, counter_number=1)] == [
        "A001",
        "A002",
        "B001",
    ]
    assert [t.number for t in queue.waiting_list(core, clerk, counter_number=3)] == ["E001"]
    assert [t.number for t in queue.waiting_list(core, clerk, service_code=A)] == [
        "A001",
        "A002",
    ]
    opened = queue.open_counter(core, clerk, 3).value
    assert opened.state is CounterState.OPEN and opened.clerk_name == "clerk"
