"""The day close: a supervisor reviews an office day and approves it, which closes it.

The review reuses the daily summary's queries (`app.services.reports`) for the applications
by state and the fees by method, and adds what a supervisor checks before approving: each
submission with its payment reference, the receipts printed (duplicates marked), the voids,
the drafts still open and the tickets never closed.

Rules of closing, enforced here whatever the screens offer:

- Only a supervisor or an administrator closes or reopens a day (``CLOSE_DAY``).
- A day to come cannot be closed; today can (the office's work is over for the day).
- A day with tickets still waiting, called or at a counter is refused with `OpenTicketsError`
  unless ``force`` is given: the supervisor has seen them and approves the day as it is
  (those tickets then stay as they were, in the review, for good).
- Open drafts do not stop a close: a draft has no number, fee or receipt yet, and it carries
  over to the day it is submitted on.
- A closed day is closed once: closing it again is a `ConflictError`. Reopening needs a
  reason; both steps are audited (not yet sent: the centre does not take day closes).

What a closed day locks is `app.services.day_lock`'s to say: nothing is recorded on that day
(applications, documents attached, queue tickets), and what it recorded is not rewritten (a
submission's payment reference, its receipt, a card printed that day).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, Final
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import (
    ApplicationHistoryRow,
    ApplicationRow,
    DayCloseRow,
    PrintJobRow,
    QueueTicketRow,
    VoidRow,
)
from app.domain.applications import Channel, PaymentMethod
from app.domain.changes import Outcome, Topic
from app.domain.day_close import (
    DayCloseState,
    DayReview,
    FeeLine,
    OpenDraft,
    OpenTicket,
    ReceiptPrint,
    Void,
    VoidKind,
)
from app.domain.prints import PrintKind, PrintResult
from app.domain.queue import TicketState
from app.domain.users import Actor, Permission
from app.errors import ConflictError, ValidationError
from app.i18n import _, ngettext
from app.intake.lifecycle import ApplicationState
from app.services import reports
from app.services.core import Core, Transaction
from app.services.day_lock import is_closed, office_day
from app.services.queue_store import office_of

__all__ = ["OpenTicketsError", "close_day", "day_review", "is_closed", "reopen_day"]

ENTITY: Final = "day_close"
REASON_MAX_LENGTH: Final = 1000
_OPEN_TICKET_STATES: Final = (TicketState.WAITING, TicketState.CALLED, TicketState.SERVING)
_ZERO: Final = Decimal("0.00")


class OpenTicketsError(ConflictError):
    """Tickets of the day were never closed; ``count`` of them. Close with ``force`` to approve
    the day as it is."""

    def __init__(self, count: int) -> None:
        super().__init__(
            ngettext(
                "{count} ticket of the day is still waiting or at a counter. Close it first, or "
                "close the day anyway: it stays open in the day's record.",
                "{count} tickets of the day are still waiting or at a counter. Close them first, "
                "or close the day anyway: they stay open in the day's record.",
                count,
            ).format(count=count)
        )
        self.count = count


# --- Reading ----------------------------------------------------------------------------------


def day_review(core: Core, actor: Actor, day: date) -> DayReview:
    """Everything a supervisor checks before approving ``day`` (PermissionDeniedError for a
    clerk)."""
    with core.reading(actor, Permission.CLOSE_DAY) as session:
        return _review(session, core, day)


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone)


def _review(session: Session, core: Core, day: date) -> DayReview:
    office = office_of(session, core.desk_id)
    start, end = _midnight(day, office.zone), _midnight(day + timedelta(days=1), office.zone)
    services = reports._services(session)
    changes = reports._application_changes(session, office.id, office.zone, [day])
    voided = {
        (kind, number): Void(row_id, VoidKind(kind), record, number, reason, at, by)
        for row_id, kind, record, number, reason, at, by in session.execute(
            select(
                VoidRow.id,
                VoidRow.kind,
                VoidRow.record_id,
                VoidRow.number,
                VoidRow.reason,
                VoidRow.voided_at,
                VoidRow.voided_by,
            )
        )
    }
    return DayReview(
        day=day,
        currency=reports.CURRENCY,
        status=_status(session, day),
        applications=reports._application_lines(changes, services),
        payments=reports._payment_lines(changes),
        fees=_fees(session, office.id, start=start, end=end, services=services, voided=voided),
        receipts=_receipts(session, start, end),
        open_drafts=_open_drafts(session, office.id, end),
        open_tickets=_open_tickets(session, office.id, day),
        voids=tuple(
            sorted(
                (void for void in voided.values() if start <= void.voided_at < end),
                key=lambda void: void.voided_at,
            )
        ),
    )


def _status(session: Session, day: date) -> DayCloseState | None:
    row = session.get(DayCloseRow, day)
    if row is None:
        return None
    return DayCloseState(
        closed=row.closed,
        closed_at=row.closed_at,
        closed_by=row.closed_by,
        reopened_at=row.reopened_at,
        reopened_by=row.reopened_by,
        reopen_reason=row.reopen_reason,
    )


def _fees(
    session: Session,
    office_id: Any,
    *,
    start: datetime,
    end: datetime,
    services: dict[str, Any],
    voided: dict[tuple[str, str], Void],
) -> tuple[FeeLine, ...]:
    h, a = ApplicationHistoryRow, ApplicationRow
    rows = session.execute(
        select(
            a.id,
            a.number,
            a.service_code,
            a.fee_amount,
            a.payment_method,
            a.payment_reference,
            h.actor_name,
        )
        .join(a, a.id == h.application_id)
        .where(
            h.to_state == ApplicationState.SUBMITTED.value,
            h.at >= start,
            h.at < end,
            a.office_id == office_id,
        )
        .order_by(h.at, a.number)
    )
    return tuple(
        FeeLine(
            application_id=app_id,
            number=number or "",
            service_code=code,
            service_name=reports._service_name(services, code),
            amount=Decimal(fee) if fee else _ZERO,
            method=PaymentMethod(method) if method else None,
            reference=reference or "",
            clerk=clerk,
            receipt_void=(VoidKind.RECEIPT.value, number or "") in voided,
        )
        for app_id, number, code, fee, method, reference, clerk in rows
    )


def _receipts(session: Session, start: datetime, end: datetime) -> tuple[ReceiptPrint, ...]:
    rows = session.execute(
        select(PrintJobRow)
        .where(
            PrintJobRow.kind == PrintKind.RECEIPT.value,
            PrintJobRow.result == PrintResult.SENT.value,
            PrintJobRow.printed_at >= start,
            PrintJobRow.printed_at < end,
        )
        .order_by(PrintJobRow.printed_at, PrintJobRow.id)
    ).scalars()
    return tuple(
        ReceiptPrint(row.record_id, row.number, row.printed_at, row.actor_name, row.reprint > 0)
        for row in rows
    )


def _open_drafts(session: Session, office_id: Any, end: datetime) -> tuple[OpenDraft, ...]:
    rows = session.execute(
        select(ApplicationRow)
        .where(
            ApplicationRow.state == ApplicationState.DRAFT.value,
            ApplicationRow.created_at < end,
            ApplicationRow.office_id == office_id,
        )
        .order_by(ApplicationRow.created_at)
    ).scalars()
    return tuple(
        OpenDraft(row.id, row.service_code, Channel(row.channel), row.created_by, row.created_at)
        for row in rows
    )


def _open_tickets(session: Session, office_id: Any, day: date) -> tuple[OpenTicket, ...]:
    rows = session.execute(
        select(QueueTicketRow)
        .where(
            QueueTicketRow.office_id == office_id,
            QueueTicketRow.day == day,
            QueueTicketRow.state.in_([state.value for state in _OPEN_TICKET_STATES]),
        )
        .order_by(QueueTicketRow.issued_at, QueueTicketRow.leg)
    ).scalars()
    return tuple(
        OpenTicket(
            row.id,
            row.number,
            row.service_code,
            TicketState(row.state),
            row.counter_number,
            row.clerk_name,
        )
        for row in rows
    )


def totals(review: DayReview) -> dict[str, Any]:
    """The figures the supervisor approved, kept with the close as plain JSON."""

    def money(amount: Decimal) -> str:
        return f"{amount:.2f}"

    return {
        "currency": review.currency,
        "submitted": review.submitted,
        "fees_total": money(review.fees_total),
        "by_state": {
            state.value: review.state_total(state)
            for state in ApplicationState
            if review.state_total(state)
        },
        "by_method": {
            (line.method.value if line.method else "none"): {
                "applications": line.applications,
                "amount": money(line.amount),
            }
            for line in review.payments
        },
        "receipts_printed": len(review.receipts),
        "duplicates": review.duplicates,
        "voids": len(review.voids),
        "open_drafts": len(review.open_drafts),
        "open_tickets": [ticket.number for ticket in review.open_tickets],
    }


# --- Changing ---------------------------------------------------------------------------------


def _snapshot(row: DayCloseRow) -> dict[str, Any]:
    return {
        "day": row.day.isoformat(),
        "office_id": str(row.office_id) if row.office_id else None,
        "closed": row.closed,
        "closed_at": row.closed_at.isoformat(),
        "closed_by": row.closed_by,
        "reopened_at": row.reopened_at.isoformat() if row.reopened_at else None,
        "reopened_by": row.reopened_by,
        "reopen_reason": row.reopen_reason,
        "totals": row.totals,
    }


def _recorded(
    tx: Transaction, row: DayCloseRow, action: str, before: dict[str, Any] | None
) -> Outcome[DayReview]:
    tx.record(
        action=action,
        entity=ENTITY,
        entity_id=row.day.isoformat(),
        before=before,
        after=_snapshot(row),
        topics=(Topic.DAYS,),
    )
    return Outcome(_review(tx.session, tx.core, row.day), tx.changes)


def _day_text(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def close_day(core: Core, actor: Actor, day: date, *, force: bool = False) -> Outcome[DayReview]:
    """Approve ``day``: from now on its records are frozen until a supervisor reopens it."""
    with core.changing(actor, Permission.CLOSE_DAY) as tx:
        now = core.clock.now()
        if day > office_day(now):
            raise ValidationError(
                _("The day {day} has not come yet: only a past day or today can be closed.").format(
                    day=_day_text(day)
                ),
                field="day",
            )
        review = _review(tx.session, core, day)
        status = review.status
        if status is not None and status.closed:
            raise ConflictError(
                _("The day {day} was closed already, by {name}.").format(
                    day=_day_text(day), name=status.closed_by
                )
            )
        if review.open_tickets and not force:
            raise OpenTicketsError(len(review.open_tickets))
        row = tx.session.get(DayCloseRow, day, with_for_update=True)
        before = _snapshot(row) if row is not None else None
        if row is None:
            row = DayCloseRow(day=day)
            tx.session.add(row)
        row.office_id = office_of(tx.session, core.desk_id).id
        row.closed = True
        row.closed_at = now
        row.closed_by = actor.username
        row.totals = totals(review)
        return _recorded(tx, row, "day.close", before)


def reopen_day(core: Core, actor: Actor, day: date, reason: str) -> Outcome[DayReview]:
    """Reopen a closed day so its records can be corrected; the reason is kept and audited."""
    text = reason.strip()
    if not text:
        raise ValidationError(
            _("Say why the day is reopened: the reason is kept in the audit log."),
            field="reason",
        )
    if len(text) > REASON_MAX_LENGTH:
        raise ValidationError(
            _("The reason is too long: at most {limit} characters.").format(
                limit=REASON_MAX_LENGTH
            ),
            field="reason",
        )
    with core.changing(actor, Permission.CLOSE_DAY) as tx:
        row = tx.session.get(DayCloseRow, day, with_for_update=True)
        if row is None or not row.closed:
            raise ConflictError(
                _("The day {day} is not closed: there is nothing to reopen.").format(
                    day=_day_text(day)
                )
            )
        before = _snapshot(row)
        row.closed = False
        row.reopened_at = core.clock.now()
        row.reopened_by = actor.username
        row.reopen_reason = text
        return _recorded(tx, row, "day.reopen", before)
