"""The day close: the day's review, closing it (open tickets need ``force``), what a closed
day refuses, reopening with a reason, and a clerk refused each supervisor action by the core."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.bootstrap import Started
from app.clock import ManualClock
from app.config import Config
from app.db.models import AuditRow, OutboxRow
from app.domain.applications import Application, ApplicationForm, PaymentMethod
from app.domain.changes import Topic
from app.domain.day_close import AuditQuery
from app.domain.prints import PrintKind, PrintResult
from app.domain.queue import Ticket, TicketState
from app.domain.users import Actor
from app.errors import ConflictError, PermissionDeniedError, ValidationError
from app.intake.lifecycle import ApplicationState
from app.services import applications, corrections, day_close, print_log, queue
from app.services.day_close import OpenTicketsError
from app.services.day_lock import DayClosedError
from tests.support.submitted import PAYMENT_REFERENCE, TODAY, submit_temporary_residence

SERVICE = "temp_residence"


@pytest.fixture
def backend_config(config: Config) -> Config:
    """SQLite only here: the PostgreSQL run of the same queries is in test_corrections."""
    return config


def _day_with_work(
    started: Started, clerk: Actor
) -> tuple[Application, tuple[Application, Ticket]]:
    core = started.core
    application = submit_temporary_residence(core, clerk)
    print_log.record_print(
        core,
        clerk,
        kind=PrintKind.RECEIPT,
        record_id=application.id,
        number=application.number or "",
        printer="Front",
        copies=1,
        result=PrintResult.SENT,
    )
    draft = applications.save_draft(core, clerk, ApplicationForm(service_code=SERVICE)).value
    ticket = queue.issue_ticket(core, clerk, SERVICE).value
    return application, (draft, ticket)


def test_the_review_shows_the_day(started: Started, clerk: Actor, supervisor: Actor) -> None:
    application, (draft, ticket) = _day_with_work(started, clerk)

    review = day_close.day_review(started.core, supervisor, TODAY)

    assert not review.closed and review.status is None
    assert review.state_total(ApplicationState.SUBMITTED) == 1
    assert review.state_total(ApplicationState.DRAFT) == 1
    [fee] = review.fees
    assert (fee.number, fee.reference, fee.method, fee.clerk) == (
        application.number,
        PAYMENT_REFERENCE,
        PaymentMethod.ASANPAY,
        "clerk",
    )
    assert fee.amount == review.fees_total > Decimal(0) and not fee.receipt_void
    [by_method] = review.payments
    assert (by_method.method, by_method.applications) == (PaymentMethod.ASANPAY, 1)
    [receipt] = review.receipts
    assert receipt.number == application.number and not receipt.duplicate
    assert [d.application_id for d in review.open_drafts] == [draft.id]
    assert [(t.number, t.state) for t in review.open_tickets] == [
        (ticket.number, TicketState.WAITING)
    ]
    # Another day is empty.
    assert day_close.day_review(started.core, supervisor, TODAY - timedelta(days=1)).fees == ()


def test_close_refuses_open_tickets_unless_forced_and_is_audited(
    started: Started, clerk: Actor, supervisor: Actor
) -> None:
    core = started.core
    _day_with_work(started, clerk)

    with pytest.raises(OpenTicketsError, match="1 ticket of the day is still waiting"):
        day_close.close_day(core, supervisor, TODAY)
    outcome = day_close.close_day(core, supervisor, TODAY, force=True)

    review = outcome.value
    assert review.closed and review.status is not None
    assert review.status.closed_by == "supervisor"
    assert outcome.changes.touches(Topic.DAYS, Topic.AUDIT)
    with core.reading() as session:
        row = session.execute(select(AuditRow).where(AuditRow.action == "day.close")).scalar_one()
        queued = session.execute(
            select(OutboxRow).where(OutboxRow.entity == "day_close")
        ).scalar_one()
    assert row.entity_id == TODAY.isoformat() and row.before is None
    assert row.after is not None and row.after["totals"]["submitted"] == 1
    assert row.after["totals"]["open_drafts"] == 1 and len(row.after["totals"]["open_tickets"]) == 1
    # The close goes to the centre too, with the day's totals.
    assert queued.entity_id == TODAY.isoformat() and queued.payload["closed_by"] == "supervisor"
    with pytest.raises(ConflictError, match="closed already, by supervisor"):
        day_close.close_day(core, supervisor, TODAY, force=True)
    with pytest.raises(ValidationError, match="has not come yet"):
        day_close.close_day(core, supervisor, TODAY + timedelta(days=1))


def test_a_closed_day_refuses_changes_until_reopened(
    started: Started, clerk: Actor, supervisor: Actor, clock: ManualClock
) -> None:
    core = started.core
    application, (_draft, ticket) = _day_with_work(started, clerk)
    app_id = application.id
    day_close.close_day(core, supervisor, TODAY, force=True)

    refused: list[Callable[[], object]] = [
        lambda: applications.record_payment(core, clerk, app_id, PaymentMethod.BANK, "BANK-123456"),
        lambda: applications.change_state(core, clerk, app_id, ApplicationState.SENT),
        lambda: applications.save_draft(core, clerk, ApplicationForm(service_code=SERVICE)),
        lambda: queue.issue_ticket(core, clerk, SERVICE),
        lambda: queue.transfer(core, clerk, ticket.id, to_counter=2),
        lambda: corrections.void_receipt(core, supervisor, app_id, "wrong fee"),
    ]
    for change in refused:
        with pytest.raises(DayClosedError) as error:
            change()
        assert "24.11.2026 is closed" in str(error.value)
        assert "supervisor must reopen" in str(error.value)

    # The next morning the work goes on, but the closed day's fee is not rewritten.
    clock.set(datetime(2026, 11, 25, 6, 0, tzinfo=UTC))
    sent = applications.change_state(core, clerk, app_id, ApplicationState.SENT).value
    assert sent.state is ApplicationState.SENT
    with pytest.raises(DayClosedError, match=r"24\.11\.2026"):
        applications.record_payment(core, clerk, app_id, PaymentMethod.BANK, "BANK-123456")
    with pytest.raises(DayClosedError, match=r"24\.11\.2026"):
        corrections.void_receipt(core, supervisor, app_id, "wrong fee")

    with pytest.raises(ValidationError, match="Say why"):
        day_close.reopen_day(core, supervisor, TODAY, "   ")
    reopened = day_close.reopen_day(core, supervisor, TODAY, "payment reference mistyped").value
    assert not reopened.closed and reopened.status is not None
    assert reopened.status.reopen_reason == "payment reference mistyped"
    paid = applications.record_payment(core, clerk, app_id, PaymentMethod.BANK, "BANK-123456")
    assert paid.value.payment_reference == "BANK-123456"
    with pytest.raises(ConflictError, match="not closed"):
        day_close.reopen_day(core, supervisor, TODAY, "again")
    entries = corrections.audit_entries(core, supervisor, AuditQuery(text="day.reopen"))
    assert [entry.actor_name for entry in entries] == ["supervisor"]
    assert entries[0].after is not None
    assert entries[0].after["reopen_reason"] == "payment reference mistyped"
    # Closed again after the correction: the new figures are kept.
    again = day_close.close_day(core, supervisor, TODAY, force=True).value
    assert again.closed and again.fees[0].reference == "BANK-123456"


def test_a_clerk_is_refused_each_supervisor_action_by_the_core(
    started: Started, clerk: Actor, supervisor: Actor
) -> None:
    core = started.core
    application = submit_temporary_residence(core, clerk)
    print_log.record_print(
        core,
        clerk,
        kind=PrintKind.RECEIPT,
        record_id=application.id,
        number=application.number or "",
        printer="Front",
        copies=1,
        result=PrintResult.SENT,
    )
    actions: list[Callable[[], object]] = [
        lambda: day_close.day_review(core, clerk, TODAY),
        lambda: day_close.close_day(core, clerk, TODAY, force=True),
        lambda: day_close.reopen_day(core, clerk, TODAY, "because"),
        lambda: corrections.void_receipt(core, clerk, application.id, "wrong"),
        lambda: corrections.void_card(core, clerk, "TRP0000001", "wrong"),
        lambda: corrections.audit_entries(core, clerk, AuditQuery()),
        lambda: print_log.record_print(
            core,
            clerk,
            kind=PrintKind.RECEIPT,
            record_id=application.id,
            number=application.number or "",
            printer="Front",
            copies=1,
            result=PrintResult.SENT,
        ),
    ]
    for action in actions:
        with pytest.raises(PermissionDeniedError):
            action()
    # The supervisor may do each: the day closes.
    assert day_close.close_day(core, supervisor, TODAY).value.closed
