"""Every change writes its business rows, an audit row and an outbox row together; the audit
log is a hash chain whose first broken link is found."""

from __future__ import annotations

import multiprocessing
from dataclasses import replace

import pytest
from sqlalchemy import delete, func, select, update

from app.bootstrap import Started, start_core
from app.config import Config
from app.db.models import AuditRow, OutboxRow, UserRow
from app.domain.changes import Topic
from app.domain.users import Actor, Role
from app.errors import ConflictError
from app.services import audit, users
from app.services.setup import DemoSetup


def _counts(started: Started) -> tuple[int, int, int]:
    with started.core.reading() as session:
        return tuple(  # type: ignore[return-value]
            session.execute(select(func.count()).select_from(table)).scalar_one()
            for table in (UserRow, AuditRow, OutboxRow)
        )


def test_change_writes_business_audit_and_outbox_rows(started: Started, demo: DemoSetup) -> None:
    before = _counts(started)
    outcome = users.create_user(
        started.core,
        Actor.system(),
        office_id=demo.identity.office.id,
        username="nigar",
        full_name="Nigar Quliyeva",
        role=Role.CLERK,
        password="correct horse",
    )
    assert outcome.changes.touches(Topic.USERS, Topic.OUTBOX, Topic.AUDIT)
    assert _counts(started) == (before[0] + 1, before[1] + 1, before[2] + 1)
    with started.core.reading() as session:
        row = session.execute(select(AuditRow).order_by(AuditRow.seq.desc()).limit(1)).scalar_one()
        box = session.execute(select(OutboxRow).where(OutboxRow.seq == row.seq)).scalar_one()
    assert row.action == "user.create" and row.after is not None
    assert row.after["username"] == "nigar"
    assert "password_hash" not in row.after and "password_hash" not in box.payload
    assert box.entity_id == str(outcome.value.id) and box.status == "pending"


def test_failed_change_leaves_nothing(started: Started, demo: DemoSetup) -> None:
    before = _counts(started)
    with pytest.raises(ConflictError, match="is taken"):
        users.create_user(
            started.core,
            Actor.system(),
            office_id=demo.identity.office.id,
            username="clerk",
            full_name="Someone Else",
            role=Role.CLERK,
            password="correct horse",
        )
    assert _counts(started) == before


def test_chain_is_intact_then_tampering_is_found(started: Started, demo: DemoSetup) -> None:
    with started.core.reading() as session:
        report = audit.verify_chain(session)
    assert report.intact and report.rows_checked == 5

    with started.core.database.writing() as session:
        session.execute(
            update(AuditRow).where(AuditRow.seq == 3).values(actor_name="somebody else")
        )
    with started.core.reading() as session:
        report = audit.verify_chain(session)
    assert (report.intact, report.first_broken_seq) == (False, 3)
    assert "changed" in (report.problem or "")


def test_removed_row_is_found(started: Started, demo: DemoSetup) -> None:
    with started.core.database.writing() as session:
        session.execute(delete(OutboxRow).where(OutboxRow.seq == 2))
        session.execute(delete(AuditRow).where(AuditRow.seq == 2))
    with started.core.reading() as session:
        report = audit.verify_chain(session)
    assert report.first_broken_seq == 2
    assert "missing" in (report.problem or "")


def test_removed_last_row_is_found(started: Started, demo: DemoSetup) -> None:
    with started.core.database.writing() as session:
        last = session.execute(select(func.max(AuditRow.seq))).scalar_one()
        session.execute(delete(OutboxRow).where(OutboxRow.seq == last))
        session.execute(delete(AuditRow).where(AuditRow.seq == last))
    with started.core.reading() as session:
        report = audit.verify_chain(session)
    assert not report.intact


def _create_users(config: Config, worker: int, count: int) -> None:
    started = start_core(config)
    office = started.identity.office.id if started.identity else None
    assert office is not None
    for number in range(count):
        users.create_user(
            started.core,
            Actor.system(f"worker{worker}"),
            office_id=office,
            username=f"w{worker}u{number}",
            full_name=f"Worker {worker}",
            role=Role.CLERK,
            password="correct horse",
        )
    started.core.database.dispose()


def test_concurrent_desks_extend_one_chain(
    started: Started, demo: DemoSetup, backend_config: Config
) -> None:
    """Several processes change the same database at once: one unbroken chain, no lost row."""
    context = multiprocessing.get_context("spawn")
    workers = [
        context.Process(target=_create_users, args=(replace(backend_config), n, 15))
        for n in range(4)
    ]
    for process in workers:
        process.start()
    for process in workers:
        process.join(120)
        assert process.exitcode == 0
    with started.core.reading() as session:
        report = audit.verify_chain(session)
        user_count = session.execute(select(func.count()).select_from(UserRow)).scalar_one()
        outbox_seqs = list(session.execute(select(OutboxRow.seq)).scalars())
    assert report.intact, report
    assert report.rows_checked == 5 + 60
    assert user_count == 3 + 60
    assert len(outbox_seqs) == len(set(outbox_seqs)) == 3 + 1 + 60
