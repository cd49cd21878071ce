"""The desk and the real central server on a loopback port: enrolment, push, pull, decisions."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import select, update

from app.db.models import OutboxRow, PermitRow
from app.domain.users import Actor
from app.errors import ConflictError, PermissionDeniedError
from app.intake.lifecycle import ApplicationState
from app.security.desk_key import load_or_create
from app.security.qr_codec import VerdictStatus
from app.services import applications, permits, trust
from app.services.printouts import RenderRequest
from app.sync.client import RefusedError, SyncClient
from app.sync.enrolment import enrol
from app.sync.protocol import OutboxRecord, PushBatch, RecordStatus
from app.sync.run import sync_once
from app.sync.state import QUARANTINED, SENT, quarantined, sync_status
from printing.spool import PaperKind
from tests.server.conftest import BOTH_DATABASES, Desk
from tests.support.central import CentralServer
from tests.support.submitted import submit_temporary_residence


def _stats(central: CentralServer) -> dict[str, int]:
    return dict(json.loads(central.command("stats", "--json")))


def test_a_desk_enrols_once_with_its_code(desk: Desk, central: CentralServer) -> None:
    code = central.enrol_code()
    enrolment = enrol(
        desk.core, desk.config, Actor.system("test"), server_url=central.url, code=code
    ).value
    assert enrolment.office_code == "AGS"
    status = sync_status(desk.core)
    assert status.enrolment is not None
    assert status.enrolment.remote_desk_id == enrolment.remote_desk_id
    offices = json.loads(central.command("offices", "--json"))
    assert next(o for o in offices if o["code"] == "AGS")["desks"] == 1
    with pytest.raises(ConflictError):
        enrol(desk.core, desk.config, Actor.system("test"), server_url=central.url, code=code)


def test_a_used_or_wrong_code_is_refused_in_words(desk: Desk, central: CentralServer) -> None:
    with pytest.raises(RefusedError) as refused:
        enrol(
            desk.core,
            desk.config,
            Actor.system("test"),
            server_url=central.url,
            code="aaaa-bbbb-cccc-dddd",
        )
    assert refused.value.code == "bad_enrol_code"
    assert "Ask the centre for a new code" in str(refused.value)
    assert sync_status(desk.core).enrolment is None


def test_a_clerk_cannot_enrol_the_desk(desk: Desk, central: CentralServer) -> None:
    with pytest.raises(PermissionDeniedError):
        enrol(desk.core, desk.config, desk.clerk, server_url=central.url, code="x" * 19)


def test_records_go_up_once_and_are_marked_sent_after_the_answer(
    enrolled: Desk, central: CentralServer
) -> None:
    submit_temporary_residence(enrolled.core, enrolled.clerk)
    pending = sync_status(enrolled.core).pending
    assert pending > 0
    report = sync_once(enrolled.core, enrolled.config)
    assert report.push.sent == pending
    assert report.push.quarantined == 0
    status = sync_status(enrolled.core)
    assert status.pending == 0
    assert status.last_push_at is not None
    assert _stats(central)["records"] == pending
    again = sync_once(enrolled.core, enrolled.config)
    assert again.push.sent == 0
    assert _stats(central)["records"] == pending


def _client(desk: Desk) -> SyncClient:
    status = sync_status(desk.core)
    assert status.enrolment is not None
    return SyncClient(
        status.enrolment.server_url,
        desk_id=status.enrolment.remote_desk_id,
        key=load_or_create(desk.config).signing_key,
    )


def _records(desk: Desk) -> list[OutboxRecord]:
    with desk.core.reading() as session:
        rows = session.execute(select(OutboxRow).order_by(OutboxRow.seq)).scalars().all()
        return [
            OutboxRecord(
                id=row.id,
                seq=row.seq,
                created_at=row.created_at,
                entity=row.entity,
                entity_id=row.entity_id,
                operation=row.operation,
                payload=row.payload,
            )
            for row in rows
        ]


@BOTH_DATABASES
def test_a_batch_delivered_twice_gets_the_same_answer(
    enrolled: Desk, central: CentralServer
) -> None:
    submit_temporary_residence(enrolled.core, enrolled.clerk)
    batch = PushBatch(batch_id=uuid.uuid4(), records=_records(enrolled))
    with _client(enrolled) as client:
        first = client.push(batch)
        second = client.push(batch)
        assert second == first
        assert {result.status for result in first.results} == {RecordStatus.ACCEPTED}
        # The same records in a new batch: each one replayed, none stored twice.
        third = client.push(PushBatch(batch_id=uuid.uuid4(), records=batch.records))
        assert {result.status for result in third.results} == {RecordStatus.REPLAYED}
        # The batch id again with other records is refused outright.
        with pytest.raises(RefusedError) as refused:
            client.push(PushBatch(batch_id=batch.batch_id, records=batch.records[:1]))
        assert refused.value.status == 409
    assert _stats(central)["records"] == len(batch.records)


def test_a_changed_record_under_a_known_id_is_a_conflict_quarantined_not_lost(
    enrolled: Desk, central: CentralServer
) -> None:
    submit_temporary_residence(enrolled.core, enrolled.clerk)
    sync_once(enrolled.core, enrolled.config)
    with enrolled.core.database.writing() as session:
        row = session.execute(select(OutboxRow).order_by(OutboxRow.seq).limit(1)).scalar_one()
        changed_id = row.id
        row.payload = {**row.payload, "surname": "CHANGED"}
        row.status = "pending"
    report = sync_once(enrolled.core, enrolled.config)
    assert report.push.quarantined == 1
    listed = quarantined(enrolled.core, enrolled.supervisor)
    assert [record.id for record in listed] == [changed_id]
    assert listed[0].reason.startswith("409")
    with enrolled.core.reading() as session:
        kept = session.get(OutboxRow, changed_id)
        assert kept is not None
        assert kept.status == QUARANTINED
        assert kept.payload["surname"] == "CHANGED"
    with pytest.raises(PermissionDeniedError):
        quarantined(enrolled.core, enrolled.clerk)


def test_a_record_the_centre_does_not_take_is_quarantined_with_its_reason(
    enrolled: Desk, central: CentralServer
) -> None:
    with enrolled.core.changing(Actor.system("test")) as tx:
        tx.record(
            action="future.thing",
            entity="hologram",
            entity_id="h-1",
            before=None,
            after={"x": 1},
        )
    report = sync_once(enrolled.core, enrolled.config)
    assert report.push.quarantined == 1
    (record,) = quarantined(enrolled.core, enrolled.supervisor)
    assert record.entity == "hologram"
    assert "hologram" in record.reason
    assert sync_status(enrolled.core).pending == 0


@BOTH_DATABASES
def test_the_centres_decision_and_permit_come_down_and_verify_offline(
    enrolled: Desk, central: CentralServer
) -> None:
    application = submit_temporary_residence(enrolled.core, enrolled.clerk)
    sync_once(enrolled.core, enrolled.config)
    decision = json.loads(central.command("decide", application.number or "", "approve"))
    assert decision["approved"] is True
    permit_number = decision["permit_number"]
    report = sync_once(enrolled.core, enrolled.config)
    assert report.pull is not None
    assert report.pull.applied >= 2
    decided = applications.get_application(enrolled.core, enrolled.clerk, application.id)
    assert decided.state is ApplicationState.APPROVED
    assert [entry.to_state for entry in decided.history][-2:] == ["sent", "approved"]
    with enrolled.core.reading() as session:
        permit = session.get(PermitRow, permit_number)
        assert permit is not None
        assert permit.application_id == application.id
        qr_text = permit.payload["qr_text"]
    # The central key came down through the feed: the desk checks the permit with no link.
    central.stop()
    # Checked at the centre's time: the desk's test clock stands before the permit's first day.
    checked = trust.check_code(enrolled.core, qr_text, at=datetime.now(UTC))
    assert checked.verdict.status is VerdictStatus.VALID, checked.verdict.message
    # Deciding twice is refused at the centre.
    with pytest.raises(RuntimeError):
        central.command("decide", application.number or "", "refuse")


def test_a_revoked_permit_reaches_the_desk(enrolled: Desk, central: CentralServer) -> None:
    application = submit_temporary_residence(enrolled.core, enrolled.clerk)
    sync_once(enrolled.core, enrolled.config)
    number = json.loads(central.command("decide", str(application.id), "approve"))["permit_number"]
    sync_once(enrolled.core, enrolled.config)
    central.command("revoke", number, "--reason", "card lost")
    sync_once(enrolled.core, enrolled.config)
    with enrolled.core.reading() as session:
        permit = session.get(PermitRow, number)
        assert permit is not None and permit.revoked_at is not None
        qr_text = permit.payload["qr_text"]
    checked = trust.check_code(enrolled.core, qr_text, at=datetime.now(UTC))
    assert checked.verdict.status is VerdictStatus.REVOKED


def test_a_refusal_comes_down_as_refused(enrolled: Desk, central: CentralServer) -> None:
    application = submit_temporary_residence(enrolled.core, enrolled.clerk)
    sync_once(enrolled.core, enrolled.config)
    central.command("decide", application.number or "", "refuse")
    sync_once(enrolled.core, enrolled.config)
    refused = applications.get_application(enrolled.core, enrolled.clerk, application.id)
    assert refused.state is ApplicationState.REFUSED
    with enrolled.core.reading() as session:
        assert session.execute(select(PermitRow)).first() is None
    # Applying the same page again (a cursor rolled back) changes nothing.
    with enrolled.core.database.writing() as session:
        session.execute(update(OutboxRow).values(status=SENT))
    assert sync_status(enrolled.core).pending == 0


def test_a_card_needs_its_photo_and_a_revoked_permit_gets_none(
    enrolled: Desk, central: CentralServer
) -> None:
    application = submit_temporary_residence(enrolled.core, enrolled.clerk)
    sync_once(enrolled.core, enrolled.config)
    number = json.loads(central.command("decide", str(application.id), "approve"))["permit_number"]
    sync_once(enrolled.core, enrolled.config)
    data = permits.card_data(enrolled.core, enrolled.clerk, enrolled.config, number)
    assert data.needs_photo
    with pytest.raises(ConflictError) as no_photo:
        permits.require_photo(data)
    assert "photo" in str(no_photo.value)
    # The preview still shows the card, so the clerk sees what is missing.
    printable = permits.card_printable(enrolled.core, enrolled.clerk, enrolled.config, number)
    assert printable.render(RenderRequest(PaperKind.CARD)).startswith(b"%PDF")
    central.command("revoke", number)
    sync_once(enrolled.core, enrolled.config)
    with pytest.raises(ConflictError) as revoked:
        permits.card_data(enrolled.core, enrolled.clerk, enrolled.config, number)
    assert "revoked" in str(revoked.value)
