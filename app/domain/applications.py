"""Applications: what a visitor asks the service for, as the desk records it."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from app.domain.masterdata import LocalizedText
from app.i18n import N_, _, translate_to
from app.intake.lifecycle import ApplicationState


class PaymentMethod(StrEnum):
    """How the state fee was paid: the desk only records the payer's reference."""

    ASANPAY = "asanpay"
    BANK = "bank"

    @property
    def label(self) -> str:
        return _(_PAYMENT_LABELS[self])

    def label_in(self, language: str) -> str:
        """The label in a printout's language, whatever the screen's."""
        return translate_to(language, _PAYMENT_LABELS[self])


_PAYMENT_LABELS: dict[PaymentMethod, str] = {
    PaymentMethod.ASANPAY: N_("ASANPAY"),
    PaymentMethod.BANK: N_("bank transfer"),
}


class Channel(StrEnum):
    """Where an application started: at this desk, or on the e-government portal."""

    DESK = "desk"
    E_GOV = "e_gov"

    @property
    def label(self) -> str:
        return _(_CHANNEL_LABELS[self])


_CHANNEL_LABELS: dict[Channel, str] = {
    Channel.DESK: N_("at the desk"),
    Channel.E_GOV: N_("e-government portal"),
}


@dataclass(frozen=True, slots=True)
class ApplicationForm:
    """What the clerk has put into an intake form, complete or not.

    ``values`` are the service's own fields by key, as typed; ``received`` the keys of the
    checklist items the visitor has handed in.
    """

    service_code: str
    person_id: uuid.UUID | None = None
    values: Mapping[str, str] = field(default_factory=dict)
    received: tuple[str, ...] = ()
    full_time_student: bool = False
    payment_method: PaymentMethod | None = None
    payment_reference: str = ""
    note: str = ""


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    at: datetime
    actor_name: str
    from_state: ApplicationState | None
    to_state: ApplicationState
    note: str


@dataclass(frozen=True, slots=True)
class Application:
    id: uuid.UUID
    number: str | None  # given on submission; a draft has none yet
    service_code: str
    person_id: uuid.UUID | None
    state: ApplicationState
    channel: Channel
    values: Mapping[str, str]
    received: tuple[str, ...]
    full_time_student: bool
    category: str | None
    fee_amount: Decimal | None
    working_days: int | None
    duration_months: int | None
    payment_method: PaymentMethod | None
    payment_reference: str
    submitted_at: datetime | None
    decision_due: date | None
    external_ref: str | None
    note: str
    created_by: str
    created_at: datetime
    updated_at: datetime
    history: tuple[HistoryEntry, ...] = ()

    def as_form(self) -> ApplicationForm:
        """The form to continue editing a draft (or an e-application) with."""
        return ApplicationForm(
            service_code=self.service_code,
            person_id=self.person_id,
            values=self.values,
            received=self.received,
            full_time_student=self.full_time_student,
            payment_method=self.payment_method,
            payment_reference=self.payment_reference,
            note=self.note,
        )


@dataclass(frozen=True, slots=True)
class ApplicationSummary:
    """One line of the Applications list."""

    id: uuid.UUID
    number: str | None
    service_code: str
    service_name: LocalizedText
    person_id: uuid.UUID | None
    person_name: str
    state: ApplicationState
    channel: Channel
    fee_amount: Decimal | None
    submitted_at: datetime | None
    decision_due: date | None
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class ApplicationFilter:
    states: tuple[ApplicationState, ...] = ()
    service_code: str | None = None
    channel: Channel | None = None
    person_id: uuid.UUID | None = None
    # Office dates, inclusive, of the last change (submission for submitted applications).
    date_from: date | None = None
    date_to: date | None = None
    text: str = ""  # an application number or a part of it
    limit: int = 500


@dataclass(frozen=True, slots=True)
class FormDraft:
    """A form as it stood when the clerk last typed: the desk's scratchpad against crashes."""

    user_id: uuid.UUID
    form: ApplicationForm
    application_id: uuid.UUID | None
    saved_at: datetime
