"""Corrections a supervisor makes: a receipt or a permit card declared void, with the reason,
and the audit log searched to see who changed what, when, before and after.

A void is a row of ``voids``, audited (and a receipt's sent to the centre) in the same
transaction. A voided
document is not printed again: its preview and its printing are refused with the reason, so a
void document never leaves the desk looking valid (reprints of valid documents are marked as
duplicates by the print log). A void rewrites what its day recorded, so the day the receipt
was given (or the card printed) must be open, as must today.
"""

from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta
from typing import Any, Final

from sqlalchemy import String, cast, func, or_, select
from sqlalchemy.orm import Session

from app.clock import office_zone
from app.db.models import ApplicationRow, AuditRow, PermitRow, PrintJobRow, VoidRow
from app.domain.changes import Outcome, Topic
from app.domain.day_close import AuditQuery, Void, VoidKind
from app.domain.prints import PrintKind, PrintResult
from app.domain.users import Actor, Permission
from app.errors import ConflictError, NotFoundError, ValidationError
from app.i18n import _
from app.ids import new_id
from app.intake.lifecycle import ApplicationState
from app.services import day_lock
from app.services.audit import AuditEntry
from app.services.core import Core, Transaction

REASON_MAX_LENGTH: Final = 1000
MAX_PAGE: Final = 500


def to_void(row: VoidRow) -> Void:
    return Void(
        id=row.id,
        kind=VoidKind(row.kind),
        record_id=row.record_id,
        number=row.number,
        reason=row.reason,
        voided_at=row.voided_at,
        voided_by=row.voided_by,
    )


def _document(kind: VoidKind, number: str, record_id: uuid.UUID | None) -> dict[str, Any]:
    return {
        "kind": kind.value,
        "number": number,
        "application_id": str(record_id) if record_id else None,
        "void": False,
    }


def _clean_reason(reason: str) -> str:
    text = reason.strip()
    if not text:
        raise ValidationError(
            _("Say why the document is voided: the reason is kept in the audit log."),
            field="reason",
        )
    if len(text) > REASON_MAX_LENGTH:
        raise ValidationError(
            _("The reason is too long: at most {limit} characters.").format(
                limit=REASON_MAX_LENGTH
            ),
            field="reason",
        )
    return text


def find_void(session: Session, kind: VoidKind, number: str) -> Void | None:
    row = session.execute(
        select(VoidRow).where(VoidRow.kind == kind.value, VoidRow.number == number)
    ).scalar_one_or_none()
    return to_void(row) if row is not None else None


def _voided_message(void: Void) -> str:
    template = (
        _("The receipt {number} was voided on {day} by {name} ({reason}).")
        if void.kind is VoidKind.RECEIPT
        else _("The card of permit {number} was voided on {day} by {name} ({reason}).")
    )
    return template.format(
        number=void.number,
        day=void.voided_at.astimezone(office_zone()).strftime("%d.%m.%Y"),
        name=void.voided_by,
        reason=void.reason,
    )


def ensure_not_void(session: Session, kind: VoidKind, number: str) -> None:
    """Refuse to preview or print a voided document (ConflictError with who voided it, why)."""
    void = find_void(session, kind, number)
    if void is not None:
        raise ConflictError(
            _voided_message(void) + " " + _("A void document is not printed again.")
        )


def _void(
    tx: Transaction, kind: VoidKind, number: str, record_id: uuid.UUID | None, reason: str
) -> Outcome[Void]:
    existing = find_void(tx.session, kind, number)
    if existing is not None:
        raise ConflictError(_voided_message(existing))
    row = VoidRow(
        id=new_id(),
        kind=kind.value,
        record_id=record_id,
        number=number,
        reason=reason,
        voided_at=tx.core.clock.now(),
        actor_id=tx.actor.user_id,
        voided_by=tx.actor.username,
        desk_id=tx.core.desk_id,
    )
    tx.session.add(row)
    before = _document(kind, number, record_id)
    tx.record(
        action=f"{kind.value}.void",
        entity=kind.value,
        entity_id=number,
        before=before,
        after={
            **before,
            "void": True,
            "reason": reason,
            "voided_at": row.voided_at.isoformat(),
            "voided_by": row.voided_by,
        },
        topics=(Topic.PRINTS, Topic.APPLICATIONS, Topic.DAYS),
    )
    return Outcome(to_void(row), tx.changes)


def void_receipt(core: Core, actor: Actor, application_id: uuid.UUID, reason: str) -> Outcome[Void]:
    """Declare the receipt of a submitted application void (supervisors only)."""
    text = _clean_reason(reason)
    with core.changing(actor, Permission.CORRECT_RECORDS) as tx:
        row = tx.session.get(ApplicationRow, application_id, with_for_update=True)
        if row is None:
            raise NotFoundError(_("There is no such application."))
        if row.number is None or row.state == ApplicationState.DRAFT.value:
            raise ConflictError(_("The application is still a draft: it has no receipt to void."))
        day_lock.ensure_record_open(tx, row.submitted_at)
        return _void(tx, VoidKind.RECEIPT, row.number, row.id, text)


def void_card(core: Core, actor: Actor, permit_number: str, reason: str) -> Outcome[Void]:
    """Declare the printed card of a permit void (supervisors only); it is not printed again."""
    text = _clean_reason(reason)
    number = permit_number.strip().upper()
    with core.changing(actor, Permission.CORRECT_RECORDS) as tx:
        permit = tx.session.get(PermitRow, number)
        if permit is None:
            raise NotFoundError(
                _("No permit {number} has come from the centre.").format(number=number)
            )
        printed_at = tx.session.execute(
            select(func.max(PrintJobRow.printed_at)).where(
                PrintJobRow.kind == PrintKind.CARD.value,
                PrintJobRow.number == permit.number,
                PrintJobRow.result == PrintResult.SENT.value,
            )
        ).scalar_one_or_none()
        if printed_at is None:
            raise ConflictError(
                _(
                    "The card of permit {number} was never printed: there is nothing to void."
                ).format(number=permit.number)
            )
        day_lock.ensure_record_open(tx, printed_at)
        return _void(tx, VoidKind.CARD, permit.number, permit.application_id, text)


def voids_of(core: Core, actor: Actor, record_id: uuid.UUID) -> list[Void]:
    """The voids of an application's documents, for the screens that show it."""
    with core.reading(actor, Permission.WORK_AT_DESK) as session:
        rows = session.execute(
            select(VoidRow).where(VoidRow.record_id == record_id).order_by(VoidRow.voided_at)
        ).scalars()
        return [to_void(row) for row in rows]


# --- The audit log, searched --------------------------------------------------------------------


def _office_midnight(day: Any) -> datetime:
    return datetime.combine(day, time.min, tzinfo=office_zone())


def audit_entries(core: Core, actor: Actor, query: AuditQuery) -> list[AuditEntry]:
    """A page of the audit log, newest first (VIEW_AUDIT).

    Each word of ``query.text`` must appear, whatever its case, in the user's name, the action,
    the kind of record, its id, or its contents before or after (a number, a reason).
    """
    if not 1 <= query.limit <= MAX_PAGE or query.offset < 0:
        raise ValueError(f"a page is 1 to {MAX_PAGE} entries from offset >= 0")
    with core.reading(actor, Permission.VIEW_AUDIT) as session:
        statement = select(AuditRow)
        for word in query.text.lower().split():
            statement = statement.where(
                or_(
                    *(
                        func.lower(column).contains(word, autoescape=True)
                        for column in (
                            AuditRow.actor_name,
                            AuditRow.action,
                            AuditRow.entity,
                            AuditRow.entity_id,
                            cast(AuditRow.before, String),
                            cast(AuditRow.after, String),
                        )
                    )
                )
            )
        if query.date_from is not None:
            statement = statement.where(AuditRow.at >= _office_midnight(query.date_from))
        if query.date_to is not None:
            statement = statement.where(
                AuditRow.at < _office_midnight(query.date_to + timedelta(days=1))
            )
        statement = statement.order_by(AuditRow.seq.desc()).offset(query.offset).limit(query.limit)
        return [
            AuditEntry(
                r.seq, r.at, r.actor_name, r.action, r.entity, r.entity_id, r.before, r.after
            )
            for r in session.execute(statement).scalars()
        ]
