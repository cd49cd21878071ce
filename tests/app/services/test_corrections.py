"""Corrections: a receipt or a permit card voided with a reason, audited and sent to the
centre, never printed again; the audit log searched by words, dates and pages. On SQLite and
on PostgreSQL, where the search reads the JSON snapshots as text."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.bootstrap import Started
from app.clock import ManualClock
from app.config import Config
from app.db.models import OutboxRow, PermitRow
from app.domain.changes import Topic
from app.domain.day_close import AuditQuery, VoidKind
from app.domain.prints import PrintKind, PrintResult
from app.domain.users import Actor
from app.errors import ConflictError, ValidationError
from app.services import corrections, day_close, permits, print_log, receipts
from tests.support.submitted import TODAY, submit_temporary_residence

PERMIT = "TRP0001234"


def test_a_voided_receipt_is_audited_shown_and_never_printed_again(
    started: Started, backend_config: Config, clerk: Actor, supervisor: Actor
) -> None:
    core = started.core
    application = submit_temporary_residence(core, clerk)
    assert application.number is not None
    office = replace(backend_config, language="en")
    receipts.receipt_for(core, clerk, office, application.id)  # printable before the void

    with pytest.raises(ValidationError, match="Say why"):
        corrections.void_receipt(core, supervisor, application.id, "  ")
    outcome = corrections.void_receipt(core, supervisor, application.id, "Fee paid twice")

    void = outcome.value
    assert (void.kind, void.number, void.reason, void.voided_by) == (
        VoidKind.RECEIPT,
        application.number,
        "Fee paid twice",
        "supervisor",
    )
    assert outcome.changes.touches(Topic.PRINTS, Topic.AUDIT, Topic.OUTBOX)
    with pytest.raises(ConflictError, match=r"was voided on 24\.11\.2026 by supervisor"):
        corrections.void_receipt(core, supervisor, application.id, "again")
    with pytest.raises(ConflictError, match="not printed again"):
        receipts.receipt_printable(core, clerk, office, application.id)
    assert [v.number for v in corrections.voids_of(core, clerk, application.id)] == [
        application.number
    ]
    assert day_close.day_review(core, supervisor, TODAY).fees[0].receipt_void
    with core.reading() as session:
        sent = session.execute(select(OutboxRow).where(OutboxRow.entity == "receipt")).scalar_one()
    assert sent.entity_id == application.number and sent.payload["reason"] == "Fee paid twice"

    # The audit view finds it by the number, by the reason's words, by who did it; every word
    # must match (the number alone finds the application's own changes as well).
    assert len(corrections.audit_entries(core, supervisor, AuditQuery(application.number))) > 1
    for text in (f"{application.number.lower()} VOID", "paid twice", "supervisor receipt.void"):
        [entry] = corrections.audit_entries(core, supervisor, AuditQuery(text=text))
        assert (entry.action, entry.actor_name, entry.entity_id) == (
            "receipt.void",
            "supervisor",
            application.number,
        )
        assert entry.before is not None and entry.before["void"] is False
        assert entry.after is not None and entry.after["void"] is True
        assert entry.after["reason"] == "Fee paid twice"


def test_a_printed_card_is_voided_and_not_printed_again(
    started: Started, backend_config: Config, clerk: Actor, supervisor: Actor
) -> None:
    core = started.core
    application = submit_temporary_residence(core, clerk)
    with core.database.writing() as session:
        session.add(
            PermitRow(
                number=PERMIT,
                application_id=application.id,
                person_id=application.person_id,
                payload={},
                received_at=core.clock.now(),
            )
        )
    with pytest.raises(ConflictError, match="never printed"):
        corrections.void_card(core, supervisor, PERMIT, "misprinted")
    print_log.record_print(
        core,
        clerk,
        kind=PrintKind.CARD,
        record_id=application.id,
        number=PERMIT,
        printer="Cards",
        copies=1,
        result=PrintResult.SENT,
    )

    void = corrections.void_card(core, supervisor, PERMIT.lower(), "photo of another person")

    assert (void.value.kind, void.value.number) == (VoidKind.CARD, PERMIT)
    with pytest.raises(ConflictError, match=f"card of permit {PERMIT} was voided"):
        permits.card_data(core, clerk, backend_config, PERMIT)
    [entry] = corrections.audit_entries(core, supervisor, AuditQuery(text="card.void"))
    assert entry.entity == "card" and entry.entity_id == PERMIT


def test_the_audit_search_by_dates_and_pages(
    started: Started, clerk: Actor, supervisor: Actor, clock: ManualClock
) -> None:
    core = started.core
    submit_temporary_residence(core, clerk, surname="ONE", document="C00000001")
    clock.set(datetime(2026, 11, 25, 8, 0, tzinfo=UTC))
    submit_temporary_residence(core, clerk, surname="TWO", document="C00000002")

    everything = corrections.audit_entries(core, supervisor, AuditQuery(limit=500))
    newest_first = [entry.seq for entry in everything]
    assert newest_first == sorted(newest_first, reverse=True)
    submits = AuditQuery(text="application.submit")
    assert len(corrections.audit_entries(core, supervisor, submits)) == 2
    on_the_24th = replace(submits, date_from=TODAY, date_to=TODAY)
    [first] = corrections.audit_entries(core, supervisor, on_the_24th)
    assert first.after is not None and first.after["number"].endswith("261124-0001")
    later = replace(submits, date_from=TODAY + timedelta(days=1))
    [second] = corrections.audit_entries(core, supervisor, later)
    assert second.seq > first.seq
    page = corrections.audit_entries(core, supervisor, AuditQuery(offset=1, limit=2))
    assert [entry.seq for entry in page] == newest_first[1:3]
    assert corrections.audit_entries(core, supervisor, AuditQuery(text="no such thing")) == []
