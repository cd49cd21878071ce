"""Master data: offices, counters, services with their forms, checklists and fees, holidays.

The central service owns it and sends new versions; the desk only reads it. Figures such as
fees and deadlines live here as data, never as constants in code.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class LocalizedText:
    az: str
    ru: str
    en: str

    def in_language(self, language: str) -> str:
        return {"az": self.az, "ru": self.ru, "en": self.en}.get(language) or self.en


@dataclass(frozen=True, slots=True)
class Office:
    id: uuid.UUID
    code: str
    name: LocalizedText
    districts: tuple[LocalizedText, ...]
    timezone: str


@dataclass(frozen=True, slots=True)
class Counter:
    id: uuid.UUID
    office_id: uuid.UUID
    number: int
    service_codes: tuple[str, ...]


class FieldKind(StrEnum):
    TEXT = "text"
    DATE = "date"
    NUMBER = "number"
    CHOICE = "choice"
    PHONE = "phone"
    TAX_ID = "tax_id"  # VÖEN: 10 digits
    PERSONAL_CODE = "personal_code"  # FIN: 7 characters
    ADDRESS = "address"
    BOOLEAN = "boolean"


@dataclass(frozen=True, slots=True)
class FormField:
    key: str
    label: LocalizedText
    kind: FieldKind
    required: bool
    choices: tuple[str, ...] = ()
    pattern: str | None = None
    default: str | None = None  # see app.intake.defaults


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    key: str
    label: LocalizedText
    required: bool


@dataclass(frozen=True, slots=True)
class FeeTier:
    """One line of a tariff: the fee for a duration and a decision speed, for a category."""

    category: str  # "adult", "minor", "student", "any"
    duration_months: int | None
    working_days: int
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Service:
    id: uuid.UUID
    code: str
    name: LocalizedText
    queue_prefix: str
    applicant_kind: str  # "person", "employer", "school"
    fields: tuple[FormField, ...]
    checklist: tuple[ChecklistItem, ...]
    fees: tuple[FeeTier, ...]
    decision_working_days: tuple[int, ...]
    active: bool


@dataclass(frozen=True, slots=True)
class Holiday:
    day: date
    name: LocalizedText


@dataclass(frozen=True, slots=True)
class MasterDataVersion:
    version: str
    sha256: str
    counts: tuple[tuple[str, int], ...]
