"""The person registry: create, edit, add documents, find probable duplicates, merge.

Every change runs in :meth:`Core.changing`, writes its audit and outbox rows (entity
"person", the whole person with its documents as a plain JSON snapshot) and keeps the search
keys (`person_search_keys`) in step with the names, documents and FIN in the same transaction.
"""

from __future__ import annotations

import functools
import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Final

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from app.db.models import Base, PersonDocumentRow, PersonRow, PersonSearchKeyRow
from app.domain.changes import Outcome, Topic
from app.domain.persons import (
    Contacts,
    DocumentKind,
    IdentityDocument,
    MatchKind,
    NewDocument,
    Person,
    PersonData,
    PersonSummary,
    Sex,
)
from app.domain.users import Actor, Permission
from app.errors import ConflictError, NotFoundError, ValidationError
from app.i18n import _
from app.ids import new_id
from app.search import fold, phonetic_key, search_keys, similarity, strip_gender_ending
from app.services.core import Core, Transaction

ENTITY = "person"
KEY_NAME = "name"
KEY_DOCUMENT = "document"
KEY_FIN = "fin"
EARLIEST_BIRTH_DATE = date(1880, 1, 1)
CLOSE_NAME_SIMILARITY = 0.85
_DUPLICATE_ROWS_LIMIT = 500

_NATIONALITY = re.compile("[A-Z]{3}")
_FIN = re.compile("[0-9A-Z]{7}")
_DOCUMENT_NUMBER = re.compile("[0-9A-Z]{1,20}")
_CODE_SEPARATORS = re.compile(r"[\s\-‐‑–—/.]+")
_PHONE = re.compile(r"\+?[0-9 ()\-]{5,30}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


# --- Tables that name a person ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PersonReference:
    """A column that holds a person's id: a merge points it at the person kept."""

    table: type[Base]
    column: str


# Applications, tickets and permits add their columns here when they arrive, with
# register_person_reference, so that a merge moves them along with the documents.
PERSON_REFERENCES: list[PersonReference] = [PersonReference(PersonDocumentRow, "person_id")]


def register_person_reference(table: type[Base], column: str) -> None:
    reference = PersonReference(table, column)
    if reference not in PERSON_REFERENCES:
        PERSON_REFERENCES.append(reference)


# --- Errors ------------------------------------------------------------------------------------


class DuplicateCandidatesError(ConflictError):
    """The new person is probably someone the desk knows already; ``candidates`` says who.

    The screen shows them; the clerk picks one, or creates the person anyway with
    ``force=True``.
    """

    def __init__(self, candidates: Sequence[PersonSummary]) -> None:
        super().__init__(
            _(
                "This person may be registered already ({count} similar records). Check "
                "them, and create a new record only if none is the same person."
            ).format(count=len(candidates))
        )
        self.candidates = tuple(candidates)


# --- Validation --------------------------------------------------------------------------------


def _collapse(text: str | None) -> str:
    return " ".join((text or "").split())


def normalize_code(text: str) -> str:
    """A document number or FIN as stored and searched: upper case, no spaces or dashes."""
    return _CODE_SEPARATORS.sub("", text).upper()


def _valid_nationality(value: str, field: str) -> str:
    code = value.strip().upper()
    if not _NATIONALITY.fullmatch(code):
        raise ValidationError(
            _(
                "Nationality is a three-letter code (ICAO), e.g. AZE, RUS, XXA for a "
                "stateless person."
            ),
            field=field,
        )
    return code


def validate_person(data: PersonData, today: date) -> PersonData:
    """The data cleaned up (spaces, case of codes), or a ValidationError naming the field."""
    surname = _collapse(data.surname)
    if not surname:
        raise ValidationError(_("Enter the surname."), field="surname")
    given_names = _collapse(data.given_names)
    for field, value in (("surname", surname), ("given_names", given_names)):
        if len(value) > 200:
            raise ValidationError(_("A name has at most 200 characters."), field=field)
    if data.birth_date is not None:
        if data.birth_date > today:
            raise ValidationError(
                _("The date of birth cannot be in the future."), field="birth_date"
            )
        if data.birth_date < EARLIEST_BIRTH_DATE:
            raise ValidationError(
                _("The date of birth is before {year}: check it.").format(
                    year=EARLIEST_BIRTH_DATE.year
                ),
                field="birth_date",
            )
    try:
        sex = Sex(data.sex)
    except ValueError:
        raise ValidationError(_("Sex is M, F or X."), field="sex") from None
    nationality = _valid_nationality(data.nationality, "nationality")
    fin: str | None = None
    if data.fin and data.fin.strip():
        fin = normalize_code(data.fin)
        if not _FIN.fullmatch(fin):
            raise ValidationError(
                _("The FIN has 7 characters: Latin capital letters and digits."), field="fin"
            )
    spellings: dict[str, str] = {}
    main = fold(f"{surname} {given_names}")
    for spelling in data.other_spellings:
        cleaned = _collapse(spelling)
        if not cleaned or len(cleaned) > 200:
            continue
        folded = fold(cleaned)
        if folded != main and folded not in spellings:
            spellings[folded] = cleaned
    phone = _collapse(data.contacts.phone) or None
    if phone is not None and not _PHONE.fullmatch(phone):
        raise ValidationError(
            _("A phone number has digits, spaces, dashes and brackets, and may start with +."),
            field="phone",
        )
    email = (data.contacts.email or "").strip() or None
    if email is not None and not _EMAIL.fullmatch(email):
        raise ValidationError(_("The e-mail address is not valid."), field="email")
    return PersonData(
        surname=surname,
        given_names=given_names,
        birth_date=data.birth_date,
        sex=sex,
        nationality=nationality,
        other_spellings=tuple(spellings.values()),
        fin=fin,
        contacts=Contacts(phone=phone, email=email),
        address=(data.address or "").strip() or None,
    )


def validate_document(document: NewDocument) -> NewDocument:
    try:
        kind = DocumentKind(document.kind)
    except ValueError:
        raise ValidationError(_("Choose the kind of document."), field="document_kind") from None
    number = normalize_code(document.number)
    if not _DOCUMENT_NUMBER.fullmatch(number):
        raise ValidationError(
            _("A document number has 1 to 20 Latin letters and digits."),
            field="document_number",
        )
    issuing_state = _valid_nationality(document.issuing_state, "issuing_state")
    if (
        document.issued_date is not None
        and document.expiry_date is not None
        and document.issued_date > document.expiry_date
    ):
        raise ValidationError(
            _("The document expires before it was issued: check the dates."),
            field="expiry_date",
        )
    return replace(document, kind=kind, number=number, issuing_state=issuing_state)


# --- Rows and snapshots ------------------------------------------------------------------------


def to_person(row: PersonRow) -> Person:
    return Person(
        id=row.id,
        surname=row.surname,
        given_names=row.given_names,
        other_spellings=tuple(row.other_spellings or ()),
        birth_date=row.birth_date,
        sex=Sex(row.sex),
        nationality=row.nationality,
        fin=row.fin,
        contacts=Contacts(phone=row.phone, email=row.email),
        address=row.address,
        merged_into=row.merged_into,
    )


def to_document(row: PersonDocumentRow) -> IdentityDocument:
    return IdentityDocument(
        id=row.id,
        person_id=row.person_id,
        kind=DocumentKind(row.kind),
        number=row.number,
        issuing_state=row.issuing_state,
        expiry_date=row.expiry_date,
        issued_date=row.issued_date,
    )


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def document_snapshot(row: PersonDocumentRow) -> dict[str, Any]:
    return {
        "id": str(row.id),
        "kind": row.kind,
        "number": row.number,
        "issuing_state": row.issuing_state,
        "expiry_date": _iso(row.expiry_date),
        "issued_date": _iso(row.issued_date),
    }


def snapshot(row: PersonRow, documents: Iterable[PersonDocumentRow]) -> dict[str, Any]:
    """What the audit log and the outbox keep of a person: the record and its documents."""
    return {
        "id": str(row.id),
        "surname": row.surname,
        "given_names": row.given_names,
        "other_spellings": list(row.other_spellings or ()),
        "birth_date": _iso(row.birth_date),
        "sex": row.sex,
        "nationality": row.nationality,
        "fin": row.fin,
        "phone": row.phone,
        "email": row.email,
        "address": row.address,
        "merged_into": str(row.merged_into) if row.merged_into else None,
        "documents": [document_snapshot(doc) for doc in sorted(documents, key=lambda d: d.id)],
    }


def _documents_of(session: Session, person_id: uuid.UUID) -> list[PersonDocumentRow]:
    return list(
        session.execute(
            select(PersonDocumentRow)
            .where(PersonDocumentRow.person_id == person_id)
            .order_by(PersonDocumentRow.id)
        ).scalars()
    )


def _snapshot_of(session: Session, row: PersonRow) -> dict[str, Any]:
    return snapshot(row, _documents_of(session, row.id))


def _apply(row: PersonRow, data: PersonData) -> None:
    row.surname = data.surname
    row.given_names = data.given_names
    row.other_spellings = list(data.other_spellings)
    row.birth_date = data.birth_date
    row.sex = Sex(data.sex).value
    row.nationality = data.nationality
    row.fin = data.fin
    row.phone = data.contacts.phone
    row.email = data.contacts.email
    row.address = data.address


# --- Search keys -------------------------------------------------------------------------------


def name_keys(surname: str, given_names: str, other_spellings: Iterable[str]) -> set[str]:
    """The phonetic keys a person's names are indexed by, with feminine endings made masculine
    as well (so that "Kovalevskiy" finds "Kovalevskaya").

    Besides each field's own keys, the whole name (surname, then given names) has one: a
    clerk types "Qahramanov Tofiq", and a range scan of that rare key finds the few hundred
    Tofiqs among the tens of thousands of Qahramanovs without walking through them all.
    """
    keys: set[str] = set()
    for name in (surname, given_names, *other_spellings):
        keys.update(_field_keys(name))
    if surname.strip() and given_names.strip():
        keys.update(_field_keys(f"{surname} {given_names}"))
    return keys


@functools.lru_cache(maxsize=1 << 16)
def _field_keys(name: str) -> frozenset[str]:
    # Names repeat heavily across a registry: remembering them keeps imports fast.
    keys = search_keys(name)
    return frozenset((*keys, *(strip_gender_ending(key) for key in keys)))


def person_keys(
    surname: str,
    given_names: str,
    other_spellings: Iterable[str],
    fin: str | None,
    document_numbers: Iterable[str],
) -> set[tuple[str, str]]:
    """Every (kind, key) a person is found by."""
    keys = {(KEY_NAME, key) for key in name_keys(surname, given_names, other_spellings)}
    keys.update((KEY_DOCUMENT, normalize_code(number)) for number in document_numbers)
    if fin:
        keys.add((KEY_FIN, normalize_code(fin)))
    return keys


def rebuild_keys(session: Session, person_id: uuid.UUID) -> None:
    """Make the person's search keys match the record again; none for a merged person."""
    session.execute(delete(PersonSearchKeyRow).where(PersonSearchKeyRow.person_id == person_id))
    row = session.get(PersonRow, person_id)
    if row is None or row.merged_into is not None:
        return
    numbers = session.execute(
        select(PersonDocumentRow.number).where(PersonDocumentRow.person_id == person_id)
    ).scalars()
    keys = person_keys(row.surname, row.given_names, row.other_spellings, row.fin, numbers)
    year = row.birth_date.year if row.birth_date else None
    if keys:
        session.execute(
            insert(PersonSearchKeyRow),
            [
                {"kind": kind, "key": key, "person_id": person_id, "birth_year": year}
                for kind, key in sorted(keys)
            ],
        )


# --- Summaries ---------------------------------------------------------------------------------


def best_document_numbers(
    session: Session, person_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, str]:
    """For each person, the number of the document that is valid longest (else the newest)."""
    best: dict[uuid.UUID, tuple[date, uuid.UUID, str]] = {}
    for start in range(0, len(person_ids), 500):
        rows = session.execute(
            select(
                PersonDocumentRow.person_id,
                PersonDocumentRow.expiry_date,
                PersonDocumentRow.id,
                PersonDocumentRow.number,
            ).where(PersonDocumentRow.person_id.in_(person_ids[start : start + 500]))
        )
        for person_id, expiry, doc_id, number in rows:
            rank = (expiry or date.min, doc_id, number)
            if person_id not in best or rank[:2] > best[person_id][:2]:
                best[person_id] = rank
    return {person_id: rank[2] for person_id, rank in best.items()}


def summarize(
    row: PersonRow, document_number: str | None, match: MatchKind, score: float
) -> PersonSummary:
    return PersonSummary(
        id=row.id,
        surname=row.surname,
        given_names=row.given_names,
        birth_date=row.birth_date,
        nationality=row.nationality,
        document_number=document_number,
        match=match,
        score=round(score, 4),
    )


# --- Duplicates --------------------------------------------------------------------------------


def _full_keys(surname: str, given_names: str, other_spellings: Iterable[str]) -> set[str]:
    keys = {strip_gender_ending(phonetic_key(f"{surname} {given_names}"))}
    keys.update(strip_gender_ending(phonetic_key(spelling)) for spelling in other_spellings)
    keys.discard("")
    return keys


def _part_keys(name: str) -> set[str]:
    return {strip_gender_ending(key) for key in search_keys(name)}


def _closeness(
    first: tuple[str, str, Iterable[str]], second: tuple[str, str, Iterable[str]]
) -> float:
    """How alike two persons' names are: the best of whole names compared (in every spelling)
    and of surname and given names compared each with each."""
    best = max(
        (similarity(a, b) for a in _full_keys(*first) for b in _full_keys(*second)),
        default=0.0,
    )
    surnames = max(
        (similarity(a, b) for a in _part_keys(first[0]) for b in _part_keys(second[0])),
        default=0.0,
    )
    if first[1] and second[1]:
        given = max(
            (similarity(a, b) for a in _part_keys(first[1]) for b in _part_keys(second[1])),
            default=0.0,
        )
        parts = min(surnames, given)
    else:
        parts = surnames
    return max(best, parts)


def find_duplicates_in(
    session: Session,
    candidate: PersonData,
    document_numbers: Iterable[str] = (),
    *,
    exclude: uuid.UUID | None = None,
) -> list[PersonSummary]:
    """Persons who are probably `candidate`: the same document number, the same FIN, or a
    close name with the same date of birth and nationality. Strongest reason first."""
    found: dict[uuid.UUID, tuple[MatchKind, float]] = {}
    codes = [(KEY_DOCUMENT, normalize_code(n)) for n in document_numbers if n.strip()]
    if candidate.fin and candidate.fin.strip():
        codes.append((KEY_FIN, normalize_code(candidate.fin)))
    for kind, key in codes:
        for person_id in session.execute(
            select(PersonSearchKeyRow.person_id).where(
                PersonSearchKeyRow.kind == kind, PersonSearchKeyRow.key == key
            )
        ).scalars():
            match = MatchKind.DOCUMENT if kind == KEY_DOCUMENT else MatchKind.FIN
            found.setdefault(person_id, (match, 1.0))
    rows: dict[uuid.UUID, PersonRow] = {}
    if candidate.birth_date is not None:
        same_birth = session.execute(
            select(PersonRow)
            .where(
                PersonRow.birth_date == candidate.birth_date,
                PersonRow.nationality == candidate.nationality.strip().upper(),
                PersonRow.merged_into.is_(None),
            )
            .limit(_DUPLICATE_ROWS_LIMIT)
        ).scalars()
        mine = (candidate.surname, candidate.given_names, candidate.other_spellings)
        for row in same_birth:
            rows[row.id] = row
            score = _closeness(mine, (row.surname, row.given_names, row.other_spellings))
            if score >= CLOSE_NAME_SIMILARITY and row.id not in found:
                exact = fold(f"{row.surname} {row.given_names}") == fold(
                    f"{candidate.surname} {candidate.given_names}"
                )
                found[row.id] = (MatchKind.EXACT_NAME if exact else MatchKind.NAME, score)
    if exclude is not None:
        found.pop(exclude, None)
    missing = [person_id for person_id in found if person_id not in rows]
    if missing:
        for row in session.execute(select(PersonRow).where(PersonRow.id.in_(missing))).scalars():
            rows[row.id] = row
    numbers = best_document_numbers(session, list(found))
    order = list(MatchKind)
    summaries = [
        summarize(rows[person_id], numbers.get(person_id), match, score)
        for person_id, (match, score) in found.items()
        if person_id in rows and rows[person_id].merged_into is None
    ]
    summaries.sort(key=lambda s: (order.index(s.match), -s.score, fold(s.surname)))
    return summaries


def find_duplicates(
    core: Core,
    actor: Actor,
    candidate: PersonData,
    document_numbers: Iterable[str] = (),
    *,
    exclude: uuid.UUID | None = None,
) -> list[PersonSummary]:
    """Who the desk knows already that is probably `candidate` (see `find_duplicates_in`)."""
    with core.reading(actor, Permission.WORK_AT_DESK) as session:
        return find_duplicates_in(session, candidate, document_numbers, exclude=exclude)


# --- Changes -----------------------------------------------------------------------------------


def _today(core: Core) -> date:
    from zoneinfo import ZoneInfo

    return core.clock.now().astimezone(ZoneInfo("Asia/Baku")).date()


def _live(session: Session, person_id: uuid.UUID) -> PersonRow:
    row = session.get(PersonRow, person_id)
    if row is None:
        raise NotFoundError(_("There is no such person in the registry."))
    if row.merged_into is not None:
        raise ConflictError(
            _("This record was merged into another person's record: open that one instead.")
        )
    return row


def _check_document_free(session: Session, document: NewDocument, owner: uuid.UUID | None) -> None:
    holders = session.execute(
        select(PersonDocumentRow.person_id).where(
            PersonDocumentRow.number == document.number,
            PersonDocumentRow.issuing_state == document.issuing_state,
        )
    ).scalars()
    for holder in holders:
        if holder == owner:
            raise ConflictError(
                _("This person already has the document {number}.").format(number=document.number)
            )
        raise ConflictError(
            _("The document {number} ({state}) belongs to another person in the registry.").format(
                number=document.number, state=document.issuing_state
            )
        )


def _add_document_row(
    tx: Transaction, person_id: uuid.UUID, document: NewDocument
) -> PersonDocumentRow:
    row = PersonDocumentRow(
        id=new_id(),
        person_id=person_id,
        kind=document.kind.value,
        number=document.number,
        issuing_state=document.issuing_state,
        expiry_date=document.expiry_date,
        issued_date=document.issued_date,
        created_at=tx.core.clock.now(),
    )
    tx.session.add(row)
    return row


def create_person(
    core: Core,
    actor: Actor,
    data: PersonData,
    *,
    documents: Sequence[NewDocument] = (),
    force: bool = False,
) -> Outcome[Person]:
    """Register a person with their documents.

    Raises DuplicateCandidatesError when the registry probably holds the person already,
    unless `force` says the clerk has checked the candidates and this is someone else.
    """
    clean = validate_person(data, _today(core))
    docs = [validate_document(document) for document in documents]
    with core.changing(actor, Permission.WORK_AT_DESK) as tx:
        for document in docs:
            _check_document_free(tx.session, document, None)
        if not force:
            candidates = find_duplicates_in(tx.session, clean, [d.number for d in docs])
            if candidates:
                raise DuplicateCandidatesError(candidates)
        now = core.clock.now()
        row = PersonRow(id=new_id(), created_at=now, updated_at=now)
        _apply(row, clean)
        tx.session.add(row)
        tx.session.flush()
        doc_rows = [_add_document_row(tx, row.id, document) for document in docs]
        tx.session.flush()
        rebuild_keys(tx.session, row.id)
        tx.record(
            action="person.create",
            entity=ENTITY,
            entity_id=row.id,
            before=None,
            after=snapshot(row, doc_rows),
            topics=(Topic.PERSONS,),
        )
        return Outcome(to_person(row), tx.changes)


def update_person(
    core: Core, actor: Actor, person_id: uuid.UUID, data: PersonData
) -> Outcome[Person]:
    """Replace the editable fields of a person; the audit keeps before and after."""
    clean = validate_person(data, _today(core))
    with core.changing(actor, Permission.WORK_AT_DESK) as tx:
        row = _live(tx.session, person_id)
        before = _snapshot_of(tx.session, row)
        _apply(row, clean)
        after = _snapshot_of(tx.session, row)
        if after == before:
            return Outcome(to_person(row), tx.changes)
        row.updated_at = core.clock.now()
        tx.session.flush()
        rebuild_keys(tx.session, row.id)
        tx.record(
            action="person.update",
            entity=ENTITY,
            entity_id=row.id,
            before=before,
            after=after,
            topics=(Topic.PERSONS,),
        )
        return Outcome(to_person(row), tx.changes)


# Fields of a person the centre may send back merged (see server.people); documents apart.
_CENTRE_FIELDS: Final = (
    "surname",
    "given_names",
    "other_spellings",
    "birth_date",
    "sex",
    "nationality",
    "fin",
    "phone",
    "email",
    "address",
)


def apply_centre_version_in(
    tx: Transaction, person_id: uuid.UUID, version: Mapping[str, Any]
) -> bool:
    """Take the centre's version of a person, inside sync's transaction: its fields, and any
    identity document added elsewhere; a person made at another desk of the office is added.
    Audited, not sent back up. False when nothing changes."""
    row = tx.session.get(PersonRow, person_id)
    before: dict[str, Any] | None = None
    if row is None:
        # Made at another desk of the office: it comes here whole, under its own id.
        now = tx.core.clock.now()
        row = PersonRow(id=person_id, created_at=now, updated_at=now, other_spellings=[])
        tx.session.add(row)
    else:
        before = _snapshot_of(tx.session, row)
    for field in _CENTRE_FIELDS:
        if field not in version:
            continue
        value = version[field]
        if field == "birth_date":
            value = date.fromisoformat(value) if value else None
        elif field == "other_spellings":
            value = list(value or [])
        setattr(row, field, value)
    known = {str(document.id) for document in _documents_of(tx.session, row.id)}
    for document in version.get("documents") or []:
        if str(document.get("id")) in known:
            continue
        tx.session.add(
            PersonDocumentRow(
                id=uuid.UUID(str(document["id"])),
                person_id=row.id,
                kind=document["kind"],
                number=document["number"],
                issuing_state=document["issuing_state"],
                expiry_date=_date_or_none(document.get("expiry_date")),
                issued_date=_date_or_none(document.get("issued_date")),
                created_at=tx.core.clock.now(),
            )
        )
    tx.session.flush()
    after = _snapshot_of(tx.session, row)
    if after == before:
        return False
    row.updated_at = tx.core.clock.now()
    rebuild_keys(tx.session, row.id)
    tx.record(
        action="person.merged_at_centre",
        entity=ENTITY,
        entity_id=row.id,
        before=before,
        after=after,
        topics=(Topic.PERSONS,),
        sync=False,
    )
    return True


def person_data_of(person: Person) -> PersonData:
    """A person as the form that edits it."""
    return PersonData(
        surname=person.surname,
        given_names=person.given_names,
        birth_date=person.birth_date,
        sex=person.sex,
        nationality=person.nationality,
        other_spellings=person.other_spellings,
        fin=person.fin,
        contacts=person.contacts,
        address=person.address,
    )


def with_field(data: PersonData, field: str, value: Any) -> PersonData:
    """``data`` with one field (named as in the person's snapshot) set from a JSON value."""
    if field in ("phone", "email"):
        return replace(data, contacts=replace(data.contacts, **{field: value or None}))
    if field == "birth_date":
        return replace(data, birth_date=_date_or_none(value))
    if field == "sex":
        return replace(data, sex=Sex(value))
    if field == "other_spellings":
        return replace(data, other_spellings=tuple(str(item) for item in value or ()))
    if field in ("surname", "given_names", "nationality", "fin", "address"):
        return replace(data, **{field: value})
    raise KeyError(field)


def _date_or_none(value: Any) -> date | None:
    return date.fromisoformat(str(value)) if value else None


def add_document(
    core: Core, actor: Actor, person_id: uuid.UUID, document: NewDocument
) -> Outcome[IdentityDocument]:
    clean = validate_document(document)
    with core.changing(actor, Permission.WORK_AT_DESK) as tx:
        row = _live(tx.session, person_id)
        _check_document_free(tx.session, clean, row.id)
        before = _snapshot_of(tx.session, row)
        doc = _add_document_row(tx, row.id, clean)
        row.updated_at = core.clock.now()
        tx.session.flush()
        rebuild_keys(tx.session, row.id)
        tx.record(
            action="person.add_document",
            entity=ENTITY,
            entity_id=row.id,
            before=before,
            after=_snapshot_of(tx.session, row),
            topics=(Topic.PERSONS,),
        )
        return Outcome(to_document(doc), tx.changes)


def merge_persons(
    core: Core, actor: Actor, keep_id: uuid.UUID, merge_id: uuid.UUID
) -> Outcome[Person]:
    """Fold the record `merge_id` into `keep_id`: a supervisor's correction.

    Documents (and every table in PERSON_REFERENCES) move to the person kept; the merged
    person's names become other spellings of the kept one, and fields the kept record lacks are
    taken over. The merged record stays as a tombstone (`merged_into`) without search keys.
    """
    if keep_id == merge_id:
        raise ValidationError(_("A record cannot be merged into itself."), field="merge_id")
    with core.changing(actor, Permission.CORRECT_RECORDS) as tx:
        keep = _live(tx.session, keep_id)
        gone = _live(tx.session, merge_id)
        keep_before = _snapshot_of(tx.session, keep)
        gone_before = _snapshot_of(tx.session, gone)
        for reference in PERSON_REFERENCES:
            column = getattr(reference.table, reference.column)
            tx.session.execute(
                update(reference.table).where(column == gone.id).values({column: keep.id})
            )
        spellings = [*keep.other_spellings]
        known = {fold(f"{keep.surname} {keep.given_names}"), *(fold(s) for s in spellings)}
        for spelling in (f"{gone.surname} {gone.given_names}".strip(), *gone.other_spellings):
            if fold(spelling) not in known:
                known.add(fold(spelling))
                spellings.append(spelling)
        keep.other_spellings = spellings
        keep.birth_date = keep.birth_date or gone.birth_date
        keep.fin = keep.fin or gone.fin
        keep.phone = keep.phone or gone.phone
        keep.email = keep.email or gone.email
        keep.address = keep.address or gone.address
        now = core.clock.now()
        keep.updated_at = now
        gone.merged_into = keep.id
        gone.updated_at = now
        tx.session.flush()
        tx.session.expire_all()  # the documents moved under the ORM's feet
        rebuild_keys(tx.session, merge_id)
        rebuild_keys(tx.session, keep_id)
        keep = _live(tx.session, keep_id)
        gone_row = tx.session.get(PersonRow, merge_id)
        assert gone_row is not None
        tx.record(
            action="person.merge",
            entity=ENTITY,
            entity_id=keep.id,
            before=keep_before,
            after={**_snapshot_of(tx.session, keep), "merged": str(merge_id)},
            topics=(Topic.PERSONS,),
        )
        tx.record(
            action="person.merged_into",
            entity=ENTITY,
            entity_id=merge_id,
            before=gone_before,
            after=_snapshot_of(tx.session, gone_row),
            topics=(Topic.PERSONS,),
        )
        return Outcome(to_person(keep), tx.changes)


# --- Reading -----------------------------------------------------------------------------------


def get_person(core: Core, actor: Actor, person_id: uuid.UUID) -> Person:
    """A person's record; for a merged record, the one it was merged into."""
    with core.reading(actor, Permission.WORK_AT_DESK) as session:
        row = session.get(PersonRow, person_id)
        seen: set[uuid.UUID] = set()
        while row is not None and row.merged_into is not None and row.id not in seen:
            seen.add(row.id)
            row = session.get(PersonRow, row.merged_into)
        if row is None:
            raise NotFoundError(_("There is no such person in the registry."))
        return to_person(row)


def list_documents(core: Core, actor: Actor, person_id: uuid.UUID) -> list[IdentityDocument]:
    with core.reading(actor, Permission.WORK_AT_DESK) as session:
        return [to_document(row) for row in _documents_of(session, person_id)]
