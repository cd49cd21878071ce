"""Applications: drafts, submission, the lifecycle with its history, payments, e-applications.

Every change runs in :meth:`Core.changing`, writes a history row for a change of state, and
records an audit and outbox row (entity "application", the whole application as a plain JSON
snapshot). Submission checks the whole form at once and reports every problem together
(`FormProblemsError`), so the screen marks each field in one pass.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import office_zone
from app.db.models import (
    ApplicationHistoryRow,
    ApplicationRow,
    AttachmentRow,
    DeskRow,
    HolidayRow,
    OfficeRow,
    PersonRow,
    ServiceRow,
)
from app.domain.applications import (
    Application,
    ApplicationFilter,
    ApplicationForm,
    ApplicationSummary,
    Channel,
    HistoryEntry,
    PaymentMethod,
)
from app.domain.changes import Outcome, Topic
from app.domain.masterdata import Holiday, LocalizedText, Service
from app.domain.users import Actor, Permission
from app.errors import ConflictError, NotFoundError, ValidationError
from app.i18n import _, current_language, ngettext
from app.ids import new_id
from app.intake.calendar import WorkingCalendar
from app.intake.checklist import checklist_state
from app.intake.fees import FeeQuote, applicant_category, compute_fee
from app.intake.lifecycle import ApplicationState, transition
from app.intake.validation import FieldProblem, validate_form
from app.services import counters, day_lock
from app.services.core import Core, Transaction
from app.services.masterdata import to_service
from app.services.persons import register_person_reference

ENTITY = "application"
CHECKLIST_FIELD = "checklist"
PERSON_FIELD = "person"
PAYMENT_FIELD = "payment_reference"
NOTE_MAX_LENGTH = 2000
# ASANPAY and bank references are letters, digits and dashes; 6 to 40 of them.
_PAYMENT_REFERENCE = re.compile(r"[A-Z0-9][A-Z0-9\-/]{5,39}")

register_person_reference(ApplicationRow, "person_id")


class FormProblemsError(ValidationError):
    """The form cannot be submitted; ``problems`` lists each one, by field."""

    def __init__(self, problems: Sequence[FieldProblem]) -> None:
        count = len(problems)
        first = problems[0].message if problems else ""
        message = (
            first
            if count == 1
            else ngettext(
                "The form has {count} problem: {first}",
                "The form has {count} problems. The first: {first}",
                count,
            ).format(count=count, first=first)
        )
        super().__init__(message, field=problems[0].field_key if problems else "")
        self.problems = tuple(problems)


# --- Reading master data the rules need ---------------------------------------------------------


def office_today(core: Core) -> date:
    return core.clock.now().astimezone(office_zone()).date()


def _service(session: Session, code: str) -> Service:
    row = session.execute(select(ServiceRow).where(ServiceRow.code == code)).scalar_one_or_none()
    if row is None:
        raise NotFoundError(_("The service “{code}” is not in the master data.").format(code=code))
    return to_service(row)


def _calendar(session: Session) -> WorkingCalendar:
    days = session.execute(select(HolidayRow.day)).scalars()
    return WorkingCalendar.from_holidays(Holiday(day, LocalizedText("", "", "")) for day in days)


def _office(session: Session, core: Core) -> OfficeRow | None:
    if core.desk_id is None:
        return None
    desk = session.get(DeskRow, core.desk_id)
    return session.get(OfficeRow, desk.office_id) if desk is not None else None


# --- Snapshots and conversions ------------------------------------------------------------------


def _history_of(session: Session, application_id: uuid.UUID) -> list[ApplicationHistoryRow]:
    return list(
        session.execute(
            select(ApplicationHistoryRow)
            .where(ApplicationHistoryRow.application_id == application_id)
            .order_by(ApplicationHistoryRow.at, ApplicationHistoryRow.id)
        ).scalars()
    )


def _state(value: str | None) -> ApplicationState | None:
    return ApplicationState(value) if value else None


def to_application(
    row: ApplicationRow, history: Sequence[ApplicationHistoryRow] = ()
) -> Application:
    return Application(
        id=row.id,
        number=row.number,
        service_code=row.service_code,
        person_id=row.person_id,
        state=ApplicationState(row.state),
        channel=Channel(row.channel),
        values={str(key): str(value) for key, value in row.values.items()},
        received=tuple(str(key) for key in row.received),
        full_time_student=row.full_time_student,
        category=row.category,
        fee_amount=Decimal(row.fee_amount) if row.fee_amount is not None else None,
        working_days=row.working_days,
        duration_months=row.duration_months,
        payment_method=PaymentMethod(row.payment_method) if row.payment_method else None,
        payment_reference=row.payment_reference,
        submitted_at=row.submitted_at,
        decision_due=row.decision_due,
        external_ref=row.external_ref,
        note=row.note,
        created_by=row.created_by,
        created_at=row.created_at,
        updated_at=row.updated_at,
        history=tuple(
            HistoryEntry(
                h.at, h.actor_name, _state(h.from_state), ApplicationState(h.to_state), h.note
            )
            for h in history
        ),
    )


def snapshot(row: ApplicationRow) -> dict[str, Any]:
    """The application as plain JSON, for the audit log and the outbox."""
    return {
        "id": str(row.id),
        "number": row.number,
        "office_id": str(row.office_id) if row.office_id else None,
        "service_code": row.service_code,
        "person_id": str(row.person_id) if row.person_id else None,
        "state": row.state,
        "channel": row.channel,
        "values": dict(row.values),
        "received": list(row.received),
        "full_time_student": row.full_time_student,
        "category": row.category,
        "fee_amount": row.fee_amount,
        "working_days": row.working_days,
        "duration_months": row.duration_months,
        "payment_method": row.payment_method,
        "payment_reference": row.payment_reference,
        "submitted_at": row.submitted_at.isoformat() if row.submitted_at else None,
        "decision_due": row.decision_due.isoformat() if row.decision_due else None,
        "external_ref": row.external_ref,
        "note": row.note,
    }


# --- Checking a form ----------------------------------------------------------------------------


def _clean_note(note: str) -> str:
    text = note.strip()
    if len(text) > NOTE_MAX_LENGTH:
        raise ValidationError(
            _("The note is too long: at most {limit} characters.").format(limit=NOTE_MAX_LENGTH),
            field="note",
        )
    return text


def normalize_payment_reference(text: str) -> str:
    return re.sub(r"\s+", "", text).upper()


def _choice_number(values: Mapping[str, str], key: str) -> int | None:
    text = values.get(key, "").strip()
    return int(text) if text.isdigit() else None


def quote_fee(
    service: Service, form: ApplicationForm, birth_date: date | None, today: date
) -> FeeQuote:
    """The fee the form's choices lead to; ValidationError when a choice is still missing."""
    category = (
        applicant_category(birth_date, today, full_time_student=form.full_time_student).value
        if birth_date is not None
        else ("student" if form.full_time_student else "adult")
    )
    return compute_fee(
        service,
        category=category,
        duration_months=_choice_number(form.values, "duration_months"),
        working_days=_choice_number(form.values, "working_days"),
    )


def check_form(
    service: Service, form: ApplicationForm, person: PersonRow | None, today: date
) -> tuple[dict[str, str], FeeQuote | None, list[FieldProblem]]:
    """Everything submission checks: the fields, the person, the checklist, fee and payment."""
    validated = validate_form(service, form.values, today=today)
    problems = list(validated.problems)
    if person is None:
        problems.append(
            FieldProblem(
                PERSON_FIELD,
                _("Choose the applicant: read the passport's MRZ or find the person first."),
            )
        )
    checklist = checklist_state(service, form.received)
    if checklist.missing_required:
        problems.append(
            FieldProblem(
                CHECKLIST_FIELD,
                _("Documents still missing: {documents}.").format(
                    documents=", ".join(
                        item.label.in_language(current_language())
                        for item in checklist.missing_required
                    )
                ),
            )
        )
    quote: FeeQuote | None = None
    try:
        quote = quote_fee(service, form, person.birth_date if person else None, today)
    except ValidationError as error:
        problems.append(FieldProblem(error.field or "fee", error.message))
    if quote is not None and not quote.free:
        reference = normalize_payment_reference(form.payment_reference)
        if form.payment_method is None or not reference:
            problems.append(
                FieldProblem(
                    PAYMENT_FIELD,
                    _(
                        "The fee of {amount} is not paid yet: enter the payment reference "
                        "(ASANPAY or bank) from the visitor's receipt."
                    ).format(amount=quote.amount_text),
                )
            )
        elif not _PAYMENT_REFERENCE.fullmatch(reference):
            problems.append(
                FieldProblem(
                    PAYMENT_FIELD,
                    _(
                        "The payment reference “{reference}” does not look right: 6 to 40 "
                        "letters and digits, as printed on the payment receipt."
                    ).format(reference=form.payment_reference.strip()),
                )
            )
    return dict(validated.values), quote, problems


# --- Changes ------------------------------------------------------------------------------------


def _live_person(session: Session, person_id: uuid.UUID | None) -> PersonRow | None:
    """The person, followed through merges, so a draft made before a merge still submits."""
    if person_id is None:
        return None
    row = session.get(PersonRow, person_id)
    seen: set[uuid.UUID] = set()
    while row is not None and row.merged_into is not None and row.id not in seen:
        seen.add(row.id)
        row = session.get(PersonRow, row.merged_into)
    if row is None:
        raise NotFoundError(_("There is no such person in the registry."))
    return row


def _locked(session: Session, application_id: uuid.UUID) -> ApplicationRow:
    row = session.get(ApplicationRow, application_id, with_for_update=True)
    if row is None:
        raise NotFoundError(_("There is no such application."))
    return row


def _editable(session: Session, application_id: uuid.UUID) -> ApplicationRow:
    row = _locked(session, application_id)
    if row.state != ApplicationState.DRAFT:
        raise ConflictError(
            _("The application {number} is “{state}” already: it can no longer be edited.").format(
                number=row.number or "", state=ApplicationState(row.state).label
            )
        )
    return row


def _add_history(
    tx: Transaction, row: ApplicationRow, from_state: str | None, to_state: str, note: str = ""
) -> None:
    tx.session.add(
        ApplicationHistoryRow(
            id=new_id(),
            application_id=row.id,
            at=tx.core.clock.now(),
            actor_name=tx.actor.username,
            from_state=from_state,
            to_state=to_state,
            note=note,
        )
    )


def _recorded(
    tx: Transaction,
    row: ApplicationRow,
    action: str,
    before: dict[str, Any] | None,
    *,
    sync: bool = True,
) -> Outcome[Application]:
    """Audit the change (and queue it for the centre); the application as it now stands."""
    tx.record(
        action=action,
        entity=ENTITY,
        entity_id=row.id,
        before=before,
        after=snapshot(row),
        topics=(Topic.APPLICATIONS,),
        sync=sync,
    )
    return Outcome(to_application(row, _history_of(tx.session, row.id)), tx.changes)


def _new_row(tx: Transaction, form: ApplicationForm, channel: Channel) -> ApplicationRow:
    now = tx.core.clock.now()
    office = _office(tx.session, tx.core)
    row = ApplicationRow(
        id=new_id(),
        office_id=office.id if office else None,
        service_code=form.service_code,
        state=ApplicationState.DRAFT.value,
        channel=channel.value,
        values={},
        received=[],
        payment_reference="",
        note="",
        created_by=tx.actor.username,
        created_at=now,
        updated_at=now,
    )
    tx.session.add(row)
    tx.session.flush()  # the history rows that follow refer to it
    return row


def _store_form(row: ApplicationRow, form: ApplicationForm, person: PersonRow | None) -> None:
    row.service_code = form.service_code
    row.person_id = person.id if person else None
    row.values = {key: value for key, value in form.values.items() if value.strip()}
    row.received = sorted(set(form.received))
    row.full_time_student = form.full_time_student
    row.payment_method = form.payment_method.value if form.payment_method else None
    row.payment_reference = normalize_payment_reference(form.payment_reference)
    row.note = _clean_note(form.note)


def _keep_attached(session: Session, row: ApplicationRow) -> None:
    """An item with a scanned document attached stays received, whatever the form's ticks
    say: the Intake form may have been opened before the scan was attached at Scan."""
    attached = set(
        session.execute(
            select(AttachmentRow.checklist_key).where(
                AttachmentRow.application_id == row.id, AttachmentRow.checklist_key.is_not(None)
            )
        ).scalars()
    )
    if attached - set(row.received):
        row.received = sorted(set(row.received) | {key for key in attached if key})


def save_draft(
    core: Core, actor: Actor, form: ApplicationForm, *, application_id: uuid.UUID | None = None
) -> Outcome[Application]:
    """Keep an unfinished form as a draft application: nothing is checked but the service."""
    with core.changing(actor, Permission.WORK_AT_DESK) as tx:
        day_lock.ensure_open_now(tx)
        _service(tx.session, form.service_code)
        person = _live_person(tx.session, form.person_id)
        if application_id is None:
            row = _new_row(tx, form, Channel.DESK)
            before = None
            _add_history(tx, row, None, ApplicationState.DRAFT.value)
        else:
            row = _editable(tx.session, application_id)
            before = snapshot(row)
        _store_form(row, form, person)
        _keep_attached(tx.session, row)
        after = snapshot(row)
        if after == before:
            return Outcome(to_application(row, _history_of(tx.session, row.id)), tx.changes)
        row.updated_at = core.clock.now()  # not in the snapshot: `after` stays what it was
        return _recorded(tx, row, "application.save_draft", before)


def _number(tx: Transaction, office: OfficeRow | None, day: date) -> str:
    """``BAK-261124-0007``: office, office date, the day's sequence of the office."""
    code = office.code if office else "DESK"
    sequence = counters.next_value(tx.session, f"application:{code}", day)
    return f"{code}-{day:%y%m%d}-{sequence:04d}"


def submit_application(
    core: Core, actor: Actor, form: ApplicationForm, *, application_id: uuid.UUID | None = None
) -> Outcome[Application]:
    """Check the whole form and file it: number, fee, decision due date, state "submitted".

    Raises FormProblemsError listing every problem; nothing is stored then (a draft, if there
    is one, stays as it was).
    """
    today = office_today(core)
    with core.changing(actor, Permission.WORK_AT_DESK) as tx:
        day_lock.ensure_open_now(tx)
        service = _service(tx.session, form.service_code)
        if not service.active:
            raise ConflictError(
                _("The service “{name}” is no longer offered.").format(
                    name=service.name.in_language(current_language())
                )
            )
        person = _live_person(tx.session, form.person_id)
        values, quote, problems = check_form(service, form, person, today)
        if problems:
            raise FormProblemsError(problems)
        assert quote is not None and person is not None
        if application_id is None:
            row = _new_row(tx, form, Channel.DESK)
            before = None
            from_state = None
        else:
            row = _editable(tx.session, application_id)
            before = snapshot(row)
            from_state = row.state
        _store_form(row, form, person)
        _keep_attached(tx.session, row)
        row.values = values
        office = _office(tx.session, core)
        now = core.clock.now()
        row.number = row.number or _number(tx, office, today)
        row.state = ApplicationState.SUBMITTED.value
        row.category = quote.category.value
        row.fee_amount = f"{quote.amount:.2f}"
        row.working_days = quote.working_days
        row.duration_months = quote.duration_months
        row.submitted_at = now
        row.decision_due = (
            _calendar(tx.session).add_working_days(today, quote.working_days)
            if quote.working_days is not None
            else None
        )
        if quote.free:
            row.payment_method, row.payment_reference = None, ""
        row.updated_at = now
        _add_history(tx, row, from_state, row.state)
        return _recorded(tx, row, "application.submit", before)


def change_state(
    core: Core,
    actor: Actor,
    application_id: uuid.UUID,
    target: ApplicationState,
    *,
    note: str = "",
) -> Outcome[Application]:
    """Move an application along its lifecycle (see `app.intake.lifecycle`), with a history row.

    The centre's decisions arrive through sync as the system actor; at the desk a clerk sends,
    records the card printed and the hand-over, or a visitor's withdrawal (which needs a note).
    """
    clean_note = _clean_note(note)
    if target is ApplicationState.WITHDRAWN and not clean_note:
        raise ValidationError(
            _("Say why the application is withdrawn (for example, the visitor's request)."),
            field="note",
        )
    if target in (ApplicationState.APPROVED, ApplicationState.REFUSED) and not actor.is_system:
        raise ConflictError(
            _("Only the centre decides on an application; its decision comes by sync.")
        )
    with core.changing(actor, Permission.WORK_AT_DESK) as tx:
        day_lock.ensure_open_now(tx)
        row = _locked(tx.session, application_id)
        before = snapshot(row)
        current = ApplicationState(row.state)
        if target is ApplicationState.SUBMITTED:
            raise ConflictError(_("Submit the form itself: it is checked as a whole."))
        row.state = transition(current, target).value
        row.updated_at = core.clock.now()
        _add_history(tx, row, current.value, row.state, clean_note)
        return _recorded(tx, row, f"application.{target.value}", before)


def card_not_printed(core: Core, actor: Actor, application_id: uuid.UUID) -> Outcome[bool]:
    """The application's card did not come out after all: the print service failed its only
    print job. "Card printed" goes back to "approved", with a history row, so the state says
    what is true and the card is printed again. True when the state moved."""
    with core.changing(actor, Permission.WORK_AT_DESK) as tx:
        # Not every card belongs to an application of this desk (a permit from elsewhere).
        row = tx.session.get(ApplicationRow, application_id, with_for_update=True)
        if row is None or row.state != ApplicationState.CARD_PRINTED:
            return Outcome(False, tx.changes)
        before = snapshot(row)
        row.state = transition(ApplicationState.CARD_PRINTED, ApplicationState.APPROVED).value
        row.updated_at = core.clock.now()
        note = _("The card did not come out of the printer: print it again.")
        _add_history(tx, row, ApplicationState.CARD_PRINTED.value, row.state, note)
        _recorded(tx, row, "application.card_not_printed", before)
        return Outcome(True, tx.changes)


def record_decision_in(
    tx: Transaction, application_id: uuid.UUID, decision: ApplicationState, note: str = ""
) -> Application | None:
    """The centre's decision, as sync brings it, inside the sync's own transaction.

    An application still "submitted" here reached the centre all the same (it decided on it),
    so it passes through "sent" first, each step with its history row. The same decision again
    changes nothing; None when the application is not on this desk.
    """
    if decision not in (ApplicationState.APPROVED, ApplicationState.REFUSED):
        raise ValueError(f"not a decision: {decision}")
    row = tx.session.get(ApplicationRow, application_id, with_for_update=True)
    if row is None:
        return None
    current = ApplicationState(row.state)
    if current is decision or current.is_final or current is ApplicationState.CARD_PRINTED:
        return to_application(row, _history_of(tx.session, row.id))
    before = snapshot(row)
    steps = [decision] if current is ApplicationState.SENT else [ApplicationState.SENT, decision]
    for step in steps:
        moving_from = ApplicationState(row.state)
        row.state = transition(moving_from, step).value
        _add_history(tx, row, moving_from.value, row.state, note)
    row.updated_at = tx.core.clock.now()
    # Audited here, but not sent back up: the decision came from the centre.
    return _recorded(tx, row, f"application.{decision.value}", before, sync=False).value


def record_payment(
    core: Core, actor: Actor, application_id: uuid.UUID, method: PaymentMethod, reference: str
) -> Outcome[Application]:
    """Record (or correct) the payment reference of an application not yet decided."""
    clean = normalize_payment_reference(reference)
    if not _PAYMENT_REFERENCE.fullmatch(clean):
        raise ValidationError(
            _(
                "The payment reference “{reference}” does not look right: 6 to 40 letters and "
                "digits, as printed on the payment receipt."
            ).format(reference=reference.strip()),
            field=PAYMENT_FIELD,
        )
    with core.changing(actor, Permission.WORK_AT_DESK) as tx:
        row = _locked(tx.session, application_id)
        # The fee and its reference belong to the day of submission, reviewed at its close.
        day_lock.ensure_record_open(tx, row.submitted_at)
        if ApplicationState(row.state) not in (
            ApplicationState.DRAFT,
            ApplicationState.SUBMITTED,
            ApplicationState.SENT,
        ):
            raise ConflictError(
                _("The application is “{state}”: its payment can no longer be changed.").format(
                    state=ApplicationState(row.state).label
                )
            )
        before = snapshot(row)
        row.payment_method, row.payment_reference = method.value, clean
        row.updated_at = core.clock.now()
        return _recorded(tx, row, "application.payment", before)


def receive_electronic(
    core: Core,
    actor: Actor,
    *,
    external_ref: str,
    form: ApplicationForm,
) -> Outcome[Application]:
    """An application made on the e-government portal, to be completed at the desk.

    It waits as a draft from the channel "e_gov" until a clerk completes and submits it. The
    same portal reference again changes nothing (sync may bring it twice).
    """
    reference = external_ref.strip()
    if not reference:
        raise ValidationError(_("An electronic application needs its portal reference."))
    with core.changing(actor, Permission.WORK_AT_DESK) as tx:
        return Outcome(receive_electronic_in(tx, reference, form), tx.changes)


def receive_electronic_in(tx: Transaction, reference: str, form: ApplicationForm) -> Application:
    """`receive_electronic` inside the caller's transaction (sync's, with its feed cursor)."""
    existing = tx.session.execute(
        select(ApplicationRow).where(ApplicationRow.external_ref == reference)
    ).scalar_one_or_none()
    if existing is not None:
        return to_application(existing, _history_of(tx.session, existing.id))
    _service(tx.session, form.service_code)
    person = _live_person(tx.session, form.person_id)
    row = _new_row(tx, form, Channel.E_GOV)
    row.external_ref = reference
    _store_form(row, form, person)
    _keep_attached(tx.session, row)
    _add_history(tx, row, None, ApplicationState.DRAFT.value, _("received from the portal"))
    # It came from the centre: only the submission goes back up.
    return _recorded(tx, row, "application.receive_electronic", None, sync=False).value


# --- Reading ------------------------------------------------------------------------------------


def get_application(core: Core, actor: Actor, application_id: uuid.UUID) -> Application:
    with core.reading(actor, Permission.WORK_AT_DESK) as session:
        row = session.get(ApplicationRow, application_id)
        if row is None:
            raise NotFoundError(_("There is no such application."))
        return to_application(row, _history_of(session, row.id))


def _office_day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=office_zone())


def list_applications(
    core: Core, actor: Actor, where: ApplicationFilter
) -> list[ApplicationSummary]:
    """Applications newest first, filtered by state, service, channel, person, dates, number."""
    with core.reading(actor, Permission.WORK_AT_DESK) as session:
        query = (
            select(
                ApplicationRow,
                PersonRow.surname,
                PersonRow.given_names,
                ServiceRow.name_az,
                ServiceRow.name_ru,
                ServiceRow.name_en,
            )
            .outerjoin(PersonRow, PersonRow.id == ApplicationRow.person_id)
            .outerjoin(ServiceRow, ServiceRow.code == ApplicationRow.service_code)
        )
        if where.states:
            query = query.where(ApplicationRow.state.in_([s.value for s in where.states]))
        if where.service_code:
            query = query.where(ApplicationRow.service_code == where.service_code)
        if where.channel is not None:
            query = query.where(ApplicationRow.channel == where.channel.value)
        if where.person_id is not None:
            query = query.where(ApplicationRow.person_id == where.person_id)
        if where.date_from is not None:
            query = query.where(ApplicationRow.updated_at >= _office_day_start(where.date_from))
        if where.date_to is not None:
            query = query.where(
                ApplicationRow.updated_at < _office_day_start(where.date_to + timedelta(days=1))
            )
        text = where.text.strip().upper()
        if text:
            query = query.where(ApplicationRow.number.contains(text, autoescape=True))
        query = query.order_by(ApplicationRow.updated_at.desc()).limit(where.limit)
        return [
            ApplicationSummary(
                id=row.id,
                number=row.number,
                service_code=row.service_code,
                service_name=LocalizedText(
                    az or row.service_code, ru or row.service_code, en or row.service_code
                ),
                person_id=row.person_id,
                person_name=f"{surname or ''} {given or ''}".strip(),
                state=ApplicationState(row.state),
                channel=Channel(row.channel),
                fee_amount=Decimal(row.fee_amount) if row.fee_amount is not None else None,
                submitted_at=row.submitted_at,
                decision_due=row.decision_due,
                updated_at=row.updated_at,
            )
            for row, surname, given, az, ru, en in session.execute(query)
        ]


def electronic_waiting(core: Core, actor: Actor) -> list[ApplicationSummary]:
    """E-applications from the portal still to be completed at the desk."""
    return list_applications(
        core, actor, ApplicationFilter(states=(ApplicationState.DRAFT,), channel=Channel.E_GOV)
    )


def services(core: Core, actor: Actor) -> list[Service]:
    """The services offered, in the master data's order, for the intake form's choice."""
    with core.reading(actor, Permission.WORK_AT_DESK) as session:
        rows = session.execute(
            select(ServiceRow).where(ServiceRow.active).order_by(ServiceRow.sort_order)
        ).scalars()
        return [to_service(row) for row in rows]


def working_calendar(core: Core) -> WorkingCalendar:
    with core.reading() as session:
        return _calendar(session)
