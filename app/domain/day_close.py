"""The day close: what a supervisor reviews at the end of an office day before approving it,
the approval itself, and the corrections (voids) a supervisor makes.

Money is exact (`Decimal`) in the fees' currency; times are aware (UTC) moments.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from app.domain.applications import Channel, PaymentMethod
from app.domain.masterdata import LocalizedText
from app.domain.queue import TicketState
from app.domain.reports import ApplicationLine, PaymentLine
from app.i18n import N_, _
from app.intake.lifecycle import ApplicationState


class VoidKind(StrEnum):
    RECEIPT = "receipt"
    CARD = "card"

    @property
    def label(self) -> str:
        return _(_VOID_LABELS[self])


_VOID_LABELS: dict[VoidKind, str] = {
    VoidKind.RECEIPT: N_("Receipt"),
    VoidKind.CARD: N_("Permit card"),
}


@dataclass(frozen=True, slots=True)
class Void:
    """A receipt or a card declared void: it is not printed again."""

    id: uuid.UUID
    kind: VoidKind
    record_id: uuid.UUID | None  # the application
    number: str  # the application's number (receipt) or the permit's (card)
    reason: str
    voided_at: datetime
    voided_by: str


@dataclass(frozen=True, slots=True)
class FeeLine:
    """One application submitted on the day: its fee and the payer's reference."""

    application_id: uuid.UUID
    number: str
    service_code: str
    service_name: LocalizedText
    amount: Decimal
    method: PaymentMethod | None  # None: no fee was due
    reference: str
    clerk: str
    receipt_void: bool


@dataclass(frozen=True, slots=True)
class ReceiptPrint:
    """A receipt sent to a printer on the day; a duplicate is a reprint."""

    application_id: uuid.UUID
    number: str
    printed_at: datetime
    actor_name: str
    duplicate: bool


@dataclass(frozen=True, slots=True)
class OpenDraft:
    """An application still a draft at the day's end: it carries over to the next day."""

    application_id: uuid.UUID
    service_code: str
    channel: Channel
    created_by: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class OpenTicket:
    """A ticket of the day never closed: still waiting, called or at a counter."""

    ticket_id: uuid.UUID
    number: str
    service_code: str
    state: TicketState
    counter_number: int | None
    clerk_name: str | None


@dataclass(frozen=True, slots=True)
class DayCloseState:
    """Whether the day is closed, and its last approval and reopening."""

    closed: bool
    closed_at: datetime
    closed_by: str
    reopened_at: datetime | None
    reopened_by: str | None
    reopen_reason: str | None


@dataclass(frozen=True, slots=True)
class DayReview:
    day: date
    currency: str
    status: DayCloseState | None  # None: never closed
    applications: tuple[ApplicationLine, ...]  # states reached on the day, by service
    payments: tuple[PaymentLine, ...]  # fees of the day's submissions, by method
    fees: tuple[FeeLine, ...]  # each submission with its payment reference
    receipts: tuple[ReceiptPrint, ...]
    open_drafts: tuple[OpenDraft, ...]
    open_tickets: tuple[OpenTicket, ...]
    voids: tuple[Void, ...]  # voided on the day

    @property
    def closed(self) -> bool:
        return self.status is not None and self.status.closed

    @property
    def fees_total(self) -> Decimal:
        return sum((line.amount for line in self.fees), Decimal("0.00"))

    @property
    def submitted(self) -> int:
        return len(self.fees)

    @property
    def duplicates(self) -> int:
        return sum(1 for receipt in self.receipts if receipt.duplicate)

    def state_total(self, state: ApplicationState) -> int:
        return sum(line.count(state) for line in self.applications)


@dataclass(frozen=True, slots=True)
class AuditQuery:
    """A search of the audit log: words matched against who, what, which record and its
    contents; office days from and to (inclusive); a page of it, newest first."""

    text: str = ""
    date_from: date | None = None
    date_to: date | None = None
    offset: int = 0
    limit: int = 100
