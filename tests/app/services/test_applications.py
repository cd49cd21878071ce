"""Applications: submission of every service, numbers, fees, due dates, lifecycle, drafts."""

from __future__ import annotations

import threading
import uuid
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from app.bootstrap import Started
from app.db.models import ApplicationRow, AuditRow, FormDraftRow, OutboxRow
from app.domain.applications import (
    ApplicationFilter,
    ApplicationForm,
    Channel,
    PaymentMethod,
)
from app.domain.changes import Topic
from app.domain.persons import DocumentKind, NewDocument, PersonData, Sex
from app.domain.users import Actor
from app.errors import ConflictError, PermissionDeniedError, ValidationError
from app.filestore import FileStore
from app.intake.lifecycle import ApplicationState
from app.services import applications, attachments, audit, counters, form_drafts, persons
from app.services.applications import FormProblemsError
from tests.support.intake import all_documents, valid_values

TODAY = date(2026, 11, 24)  # the clock fixture's day in Baku: a Tuesday


def _person(
    started: Started, clerk: Actor, *, birth: date = date(1985, 3, 12), name: str = "ALIYEV"
) -> uuid.UUID:
    data = PersonData(
        surname=name,
        given_names="ELCHIN",
        birth_date=birth,
        sex=Sex.MALE,
        nationality="TUR",
    )
    number = f"U{uuid.uuid4().int % 10**8:08d}"
    document = NewDocument(DocumentKind.PASSPORT, number, "TUR", expiry_date=date(2030, 1, 1))
    return persons.create_person(
        started.core, clerk, data, documents=[document], force=True
    ).value.id


def _form(started: Started, clerk: Actor, code: str, person_id: uuid.UUID) -> ApplicationForm:
    service = next(s for s in applications.services(started.core, clerk) if s.code == code)
    return ApplicationForm(
        service_code=code,
        person_id=person_id,
        values=valid_values(service, TODAY),
        received=all_documents(service),
        payment_method=PaymentMethod.ASANPAY,
        payment_reference="ASP-2026-11-000123",
    )


SERVICES = (
    "registration_stay",
    "stay_extension",
    "temp_residence",
    "perm_residence",
    "work_permit",
    "citizenship",
    "refugee_status",
    "foreign_pupils",
    "fines",
)


@pytest.mark.parametrize("code", SERVICES)
def test_every_service_can_be_submitted(started: Started, clerk: Actor, code: str) -> None:
    birth = date(2014, 5, 1) if code == "foreign_pupils" else date(1985, 3, 12)
    person_id = _person(started, clerk, birth=birth)
    outcome = applications.submit_application(
        started.core, clerk, _form(started, clerk, code, person_id)
    )
    application = outcome.value
    assert outcome.changes.touches(Topic.APPLICATIONS, Topic.AUDIT, Topic.OUTBOX)
    assert application.state is ApplicationState.SUBMITTED
    assert application.number == "AGS-261124-0001"
    assert application.person_id == person_id
    assert application.fee_amount is not None
    assert [(h.from_state, h.to_state) for h in application.history] == [
        (None, ApplicationState.SUBMITTED)
    ]
    assert applications.get_application(started.core, clerk, application.id) == application


@pytest.mark.parametrize("backend_config", ["sqlite"], indirect=True)
def test_fee_due_date_and_payment_follow_the_master_data(started: Started, clerk: Actor) -> None:
    person_id = _person(started, clerk)
    form = _form(started, clerk, "temp_residence", person_id)
    form = replace(form, values={**form.values, "duration_months": "12", "working_days": "15"})
    application = applications.submit_application(started.core, clerk, form).value
    assert application.fee_amount == Decimal("160.00")
    assert (application.duration_months, application.working_days) == (12, 15)
    assert application.category == "adult"
    # 15 working days after Tuesday 24 November 2026: 15 December (no holiday between).
    assert application.decision_due == date(2026, 12, 15)
    assert (application.payment_method, application.payment_reference) == (
        PaymentMethod.ASANPAY,
        "ASP-2026-11-000123",
    )

    free = applications.submit_application(
        started.core, clerk, _form(started, clerk, "registration_stay", person_id)
    ).value
    assert free.fee_amount == Decimal("0.00") and free.payment_reference == ""
    assert free.number == "AGS-261124-0002"
    assert free.decision_due == date(2026, 11, 25)


@pytest.mark.parametrize("backend_config", ["sqlite"], indirect=True)
def test_numbers_start_again_on_the_next_office_day(
    started: Started, clerk: Actor, clock: object
) -> None:
    from datetime import timedelta

    from app.clock import ManualClock

    assert isinstance(clock, ManualClock)
    person_id = _person(started, clerk)
    form = _form(started, clerk, "registration_stay", person_id)
    first = applications.submit_application(started.core, clerk, form).value
    # 20:30 UTC is already 00:30 the next day in Baku.
    clock.advance(timedelta(hours=11, minutes=30))
    second = applications.submit_application(started.core, clerk, form).value
    assert (first.number, second.number) == ("AGS-261124-0001", "AGS-261125-0001")


def test_every_problem_of_a_form_is_reported_at_once(started: Started, clerk: Actor) -> None:
    person_id = _person(started, clerk)
    form = _form(started, clerk, "temp_residence", person_id)
    bad = replace(
        form,
        values={**form.values, "address": "", "phone": "12"},
        received=("application_form",),
        payment_reference="",
    )
    with pytest.raises(FormProblemsError) as caught:
        applications.submit_application(started.core, clerk, bad)
    fields = {problem.field_key for problem in caught.value.problems}
    assert fields == {"address", "phone", "checklist", "payment_reference"}
    checklist = next(p for p in caught.value.problems if p.field_key == "checklist")
    assert "Medical certificate" in checklist.message
    assert "The form has 4 problems" in str(caught.value)

    without_person = replace(form, person_id=None)
    with pytest.raises(FormProblemsError) as caught:
        applications.submit_application(started.core, clerk, without_person)
    assert [p.field_key for p in caught.value.problems] == ["person"]
    with started.core.reading() as session:
        assert session.execute(select(ApplicationRow)).first() is None


@pytest.mark.parametrize("backend_config", ["sqlite"], indirect=True)
def test_a_draft_is_saved_edited_and_then_submitted(started: Started, clerk: Actor) -> None:
    person_id = _person(started, clerk)
    partial = ApplicationForm("stay_extension", person_id, values={"reason": "Müalicə"})
    draft = applications.save_draft(started.core, clerk, partial).value
    assert draft.state is ApplicationState.DRAFT and draft.number is None
    assert draft.values == {"reason": "Müalicə"}

    again = applications.save_draft(started.core, clerk, partial, application_id=draft.id)
    assert not again.changes.touches(Topic.AUDIT)  # nothing changed, nothing recorded

    complete = _form(started, clerk, "stay_extension", person_id)
    submitted = applications.submit_application(
        started.core, clerk, complete, application_id=draft.id
    ).value
    assert submitted.id == draft.id and submitted.state is ApplicationState.SUBMITTED
    assert [(h.from_state, h.to_state) for h in submitted.history] == [
        (None, ApplicationState.DRAFT),
        (ApplicationState.DRAFT, ApplicationState.SUBMITTED),
    ]
    with pytest.raises(ConflictError, match="can no longer be edited"):
        applications.save_draft(started.core, clerk, complete, application_id=draft.id)
    with started.core.reading() as session:
        actions = session.execute(
            select(AuditRow.action)
            .where(AuditRow.entity_id == str(draft.id))
            .order_by(AuditRow.seq)
        ).scalars()
        assert list(actions) == ["application.save_draft", "application.submit"]
        assert audit.verify_chain(session).intact


@pytest.mark.parametrize("backend_config", ["sqlite"], indirect=True)
def test_an_item_scanned_meanwhile_stays_received_when_the_form_is_saved(
    started: Started, clerk: Actor, tmp_path: Path
) -> None:
    """The Intake form was opened before the passport copy was scanned at the Scan screen:
    saving the form's older ticks must not take the scanned item back."""
    person_id = _person(started, clerk)
    form = ApplicationForm("stay_extension", person_id, values={"reason": "Müalicə"})
    draft = applications.save_draft(started.core, clerk, form).value
    attachments.store(
        started.core,
        clerk,
        FileStore(tmp_path / "scans"),
        b"%PDF-1.4 scan",
        media_type="application/pdf",
        pages=1,
        application_id=draft.id,
        checklist_key="passport_copy",
    )
    saved = applications.save_draft(
        started.core, clerk, replace(form, note="telefonla zəng etdi"), application_id=draft.id
    ).value
    assert "passport_copy" in saved.received


@pytest.mark.parametrize("backend_config", ["sqlite"], indirect=True)
def test_lifecycle_moves_with_history_and_refuses_wrong_moves(
    started: Started, clerk: Actor
) -> None:
    person_id = _person(started, clerk)
    application = applications.submit_application(
        started.core, clerk, _form(started, clerk, "temp_residence", person_id)
    ).value
    core = started.core
    with pytest.raises(ConflictError, match="Only the centre decides"):
        applications.change_state(core, clerk, application.id, ApplicationState.APPROVED)
    applications.change_state(core, clerk, application.id, ApplicationState.SENT)
    centre = Actor.system("sync")
    applications.change_state(core, centre, application.id, ApplicationState.APPROVED)
    with pytest.raises(ConflictError, match="cannot become “withdrawn”"):
        applications.change_state(
            core, clerk, application.id, ApplicationState.WITHDRAWN, note="visitor left"
        )
    applications.change_state(core, clerk, application.id, ApplicationState.CARD_PRINTED)
    done = applications.change_state(
        core, clerk, application.id, ApplicationState.HANDED_OVER
    ).value
    assert [h.to_state for h in done.history] == [
        ApplicationState.SUBMITTED,
        ApplicationState.SENT,
        ApplicationState.APPROVED,
        ApplicationState.CARD_PRINTED,
        ApplicationState.HANDED_OVER,
    ]
    assert [h.actor_name for h in done.history][2] == "sync"

    other = applications.submit_application(
        core, clerk, _form(started, clerk, "registration_stay", person_id)
    ).value
    with pytest.raises(ValidationError, match="Say why"):
        applications.change_state(core, clerk, other.id, ApplicationState.WITHDRAWN)
    withdrawn = applications.change_state(
        core, clerk, other.id, ApplicationState.WITHDRAWN, note="visitor's request"
    ).value
    assert withdrawn.history[-1].note == "visitor's request"


@pytest.mark.parametrize("backend_config", ["sqlite"], indirect=True)
def test_payment_reference_is_checked_and_recorded(started: Started, clerk: Actor) -> None:
    person_id = _person(started, clerk)
    draft = applications.save_draft(
        started.core, clerk, ApplicationForm("work_permit", person_id)
    ).value
    with pytest.raises(ValidationError, match="does not look right"):
        applications.record_payment(started.core, clerk, draft.id, PaymentMethod.BANK, "12")
    paid = applications.record_payment(
        started.core, clerk, draft.id, PaymentMethod.BANK, " bn 2026 998877 "
    ).value
    assert (paid.payment_method, paid.payment_reference) == (PaymentMethod.BANK, "BN2026998877")


@pytest.mark.parametrize("backend_config", ["sqlite"], indirect=True)
def test_electronic_applications_wait_to_be_completed(started: Started, clerk: Actor) -> None:
    person_id = _person(started, clerk)
    system = Actor.system("sync")
    form = ApplicationForm("temp_residence", person_id, values={"request": "issue"})
    received = applications.receive_electronic(
        started.core, system, external_ref="EGOV-77001", form=form
    ).value
    again = applications.receive_electronic(
        started.core, system, external_ref="EGOV-77001", form=form
    ).value
    assert again.id == received.id
    waiting = applications.electronic_waiting(started.core, clerk)
    assert [(a.id, a.channel, a.person_name) for a in waiting] == [
        (received.id, Channel.E_GOV, "ALIYEV ELCHIN")
    ]
    completed = applications.submit_application(
        started.core,
        clerk,
        _form(started, clerk, "temp_residence", person_id),
        application_id=received.id,
    ).value
    assert completed.channel is Channel.E_GOV and completed.external_ref == "EGOV-77001"
    assert applications.electronic_waiting(started.core, clerk) == []
    with started.core.reading() as session:
        operations = session.execute(
            select(OutboxRow.operation).where(OutboxRow.entity_id == str(received.id))
        ).scalars()
        assert list(operations) == ["application.submit"]  # the centre sent it; only ours goes up


@pytest.mark.parametrize("backend_config", ["sqlite"], indirect=True)
def test_list_filters_by_state_service_person_and_number(started: Started, clerk: Actor) -> None:
    first = _person(started, clerk)
    second = _person(started, clerk, name="HUSEYNOV")
    a = applications.submit_application(
        started.core, clerk, _form(started, clerk, "registration_stay", first)
    ).value
    b = applications.save_draft(started.core, clerk, ApplicationForm("work_permit", second)).value
    core = started.core

    def ids(**where: object) -> list[uuid.UUID]:
        found = applications.list_applications(core, clerk, ApplicationFilter(**where))  # type: ignore[arg-type]
        return [item.id for item in found]

    assert set(ids()) == {a.id, b.id}
    assert ids(states=(ApplicationState.DRAFT,)) == [b.id]
    assert ids(service_code="registration_stay") == [a.id]
    assert ids(person_id=second) == [b.id]
    assert ids(text="261124-0001") == [a.id]
    assert ids(date_from=TODAY, date_to=TODAY) != []
    assert ids(date_from=date(2026, 11, 25)) == []


@pytest.mark.parametrize("backend_config", ["sqlite"], indirect=True)
def test_merging_persons_moves_their_applications(
    started: Started, clerk: Actor, supervisor: Actor
) -> None:
    keep = _person(started, clerk)
    gone = _person(started, clerk)
    application = applications.save_draft(
        started.core, clerk, ApplicationForm("registration_stay", gone)
    ).value
    persons.merge_persons(started.core, supervisor, keep, gone)
    assert applications.get_application(started.core, clerk, application.id).person_id == keep


def test_numbers_never_repeat_under_concurrent_desks(started: Started) -> None:
    """Four desks taking numbers at once from the same office database."""
    taken: list[int] = []
    errors: list[BaseException] = []

    def desk() -> None:
        try:
            for _ in range(15):
                with started.core.database.writing() as session:
                    taken.append(counters.next_value(session, "application:AGS", TODAY))
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=desk) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(taken) == list(range(1, 61))


@pytest.mark.parametrize("backend_config", ["sqlite"], indirect=True)
def test_form_scratchpad_is_private_and_not_audited(
    started: Started, clerk: Actor, supervisor: Actor
) -> None:
    form = ApplicationForm("registration_stay", None, values={"address": "Gəncə, Atatürk pr. 5"})
    form_drafts.keep(started.core, clerk, form)
    recovered = form_drafts.recover(started.core, clerk)
    assert recovered is not None and recovered.form == form
    assert form_drafts.recover(started.core, supervisor) is None
    with started.core.reading() as session:
        assert session.execute(select(AuditRow).where(AuditRow.entity == "form")).first() is None
        assert session.execute(select(FormDraftRow)).scalar_one().user_id == clerk.user_id
    form_drafts.discard(started.core, clerk)
    assert form_drafts.recover(started.core, clerk) is None


@pytest.mark.parametrize("backend_config", ["sqlite"], indirect=True)
def test_a_role_without_desk_work_is_refused(started: Started, clerk: Actor) -> None:
    outsider = replace(clerk, role=None)
    with pytest.raises(PermissionDeniedError):
        applications.save_draft(started.core, outsider, ApplicationForm("registration_stay", None))
    with pytest.raises(PermissionDeniedError):
        form_drafts.keep(started.core, outsider, ApplicationForm("registration_stay", None))
