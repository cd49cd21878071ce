"""Persons who come to the desk, their identity documents, and what a search finds.

A person's name is kept as in the passport (Latin, often the machine-readable zone's
transliteration); the other ways it is written (Azerbaijani Latin, Cyrillic) are kept beside
it so that search finds the person by any of them. A person merged into another is never
deleted: its record stays as a tombstone that names the person it was merged into.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from app.i18n import N_, _


class Sex(StrEnum):
    MALE = "M"
    FEMALE = "F"
    UNSPECIFIED = "X"


class DocumentKind(StrEnum):
    PASSPORT = "passport"
    ID_CARD = "id_card"
    RESIDENCE_PERMIT = "residence_permit"
    TRAVEL_DOCUMENT = "travel_document"
    OTHER = "other"

    @property
    def label(self) -> str:
        return _(DOCUMENT_KIND_LABELS[self])


DOCUMENT_KIND_LABELS: dict[DocumentKind, str] = {
    DocumentKind.PASSPORT: N_("Passport"),
    DocumentKind.ID_CARD: N_("Identity card"),
    DocumentKind.RESIDENCE_PERMIT: N_("Residence permit"),
    DocumentKind.TRAVEL_DOCUMENT: N_("Travel document"),
    DocumentKind.OTHER: N_("Other document"),
}

# Nationality codes that name no state (ICAO 9303): stateless, refugees, unspecified.
STATELESS = "XXA"
REFUGEE_CODES = ("XXB", "XXC")
UNSPECIFIED_NATIONALITY = "XXX"


class MatchKind(StrEnum):
    """Why a search or a duplicate check found a person, strongest first."""

    DOCUMENT = "document"  # the same document number
    FIN = "fin"  # the same personal code
    EXACT_NAME = "exact_name"  # the name as typed, up to case and the forms of i
    NAME = "name"  # the phonetic key of the name
    BIRTH_DATE = "birth_date"  # only the date of birth was asked for


@dataclass(frozen=True, slots=True)
class Contacts:
    phone: str | None = None
    email: str | None = None


@dataclass(frozen=True, slots=True)
class NewDocument:
    """An identity document as the clerk enters it, before it has a record."""

    kind: DocumentKind
    number: str
    issuing_state: str
    expiry_date: date | None = None
    issued_date: date | None = None


@dataclass(frozen=True, slots=True)
class PersonData:
    """What the clerk enters about a person: a new person, or the new state of an edited one."""

    surname: str
    given_names: str
    birth_date: date | None
    sex: Sex
    nationality: str
    other_spellings: tuple[str, ...] = ()
    fin: str | None = None
    contacts: Contacts = Contacts()
    address: str | None = None


@dataclass(frozen=True, slots=True)
class Person:
    id: uuid.UUID
    surname: str
    given_names: str
    other_spellings: tuple[str, ...]
    birth_date: date | None
    sex: Sex
    nationality: str
    fin: str | None = None
    contacts: Contacts = Contacts()
    address: str | None = None
    merged_into: uuid.UUID | None = None

    @property
    def full_name(self) -> str:
        return f"{self.surname} {self.given_names}".strip()

    @property
    def is_merged(self) -> bool:
        return self.merged_into is not None

    def data(self) -> PersonData:
        """The editable part, for an edit form to start from."""
        return PersonData(
            surname=self.surname,
            given_names=self.given_names,
            birth_date=self.birth_date,
            sex=self.sex,
            nationality=self.nationality,
            other_spellings=self.other_spellings,
            fin=self.fin,
            contacts=self.contacts,
            address=self.address,
        )


@dataclass(frozen=True, slots=True)
class IdentityDocument:
    id: uuid.UUID
    person_id: uuid.UUID
    kind: DocumentKind
    number: str
    issuing_state: str
    expiry_date: date | None = None
    issued_date: date | None = None


@dataclass(frozen=True, slots=True)
class PersonSummary:
    """One line of a search result or of a list of probable duplicates."""

    id: uuid.UUID
    surname: str
    given_names: str
    birth_date: date | None
    nationality: str
    document_number: str | None
    match: MatchKind
    score: float  # 1.0 for an exact match; the similarity of name keys otherwise
