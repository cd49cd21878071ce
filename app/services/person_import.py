"""Importing persons in bulk from a JSON Lines file, one person a line:

    {"surname": "ALIYEV", "given_names": "ELCHIN", "birth_date": "1985-03-12", "sex": "M",
     "nationality": "AZE", "document_number": "C01234567", "fin": "5ZX9K2L",
     "other_spellings": ["Əliyev Elçin", "Алиев Эльчин"]}

The whole file is checked first and refused at its first bad line, naming the line and the
field; nothing is written then. A good file is written in batches of `BATCH_SIZE` persons,
one transaction each, with their documents and search keys.

Audit: one audit row per batch (action "person.import_batch": the source, the lines and the
counts), not one per person. Creating persons one by one through `persons.create_person`
(duplicate check, audit-head update, hash, audit and outbox rows, a transaction each) was
measured at about 120 persons a second on SQLite: over two hours for 1,000,000 persons. The
batch row names the lines and the first and last person ids it holds (ids are time-ordered),
so every imported person can be traced to it. The
batch is not queued for the centre: an import loads records the centre already holds (a
registry extract), which the desk must not send back as its own.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic import ValidationError as PydanticError
from sqlalchemy import Table, insert, select

from app.db.models import Base, PersonDocumentRow, PersonRow, PersonSearchKeyRow
from app.domain.changes import Changes, Outcome, Topic
from app.domain.persons import DocumentKind, NewDocument, PersonData, Sex
from app.domain.users import Actor, Permission
from app.errors import ValidationError
from app.i18n import _
from app.ids import new_id
from app.services.core import Core
from app.services.persons import (
    KEY_DOCUMENT,
    KEY_FIN,
    person_keys,
    validate_document,
    validate_person,
)

BATCH_SIZE = 1000
_LOOKUP_CHUNK = 500


def _table(model: type[Base]) -> Table:
    return Base.metadata.tables[model.__tablename__]


class PersonImportError(ValidationError):
    """A person file that cannot be imported; the message names the line and the field."""

    def __init__(self, message: str, *, line: int, field: str = "") -> None:
        super().__init__(message, field=field)
        self.line = line


class _Line(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    surname: str = Field(min_length=1, max_length=200)
    given_names: str = Field(default="", max_length=200)
    birth_date: date | None = None
    sex: Literal["M", "F", "X"]
    nationality: str
    document_number: str | None = None
    document_kind: DocumentKind = DocumentKind.PASSPORT
    issuing_state: str | None = None
    expiry_date: date | None = None
    fin: str | None = None
    other_spellings: list[str] = []


@dataclass(frozen=True, slots=True)
class ImportedPerson:
    line: int
    data: PersonData
    document: NewDocument | None


@dataclass(frozen=True, slots=True)
class ImportReport:
    persons: int
    documents: int
    batches: int
    seconds: float


def parse_person_lines(
    lines: Iterator[str] | Sequence[str], *, source: str, today: date
) -> list[ImportedPerson]:
    """Every line checked, or a PersonImportError for the first bad one. Blank lines and lines
    starting with # are skipped."""
    parsed: list[ImportedPerson] = []
    seen_documents: dict[str, int] = {}
    seen_fins: dict[str, int] = {}
    for number, text in enumerate(lines, start=1):
        stripped = text.strip()
        if not stripped or stripped.startswith("#"):
            continue
        try:
            record = _Line.model_validate_json(stripped)
        except PydanticError as error:
            first = error.errors()[0]
            field = ".".join(str(part) for part in first["loc"])
            if first["type"] == "json_invalid":
                message = _("{source}, line {line}: not valid JSON.").format(
                    source=source, line=number
                )
            else:
                message = _("{source}, line {line}, field '{field}': {problem}").format(
                    source=source, line=number, field=field, problem=first["msg"]
                )
            raise PersonImportError(message, line=number, field=field) from None
        try:
            data = validate_person(
                PersonData(
                    surname=record.surname,
                    given_names=record.given_names,
                    birth_date=record.birth_date,
                    sex=Sex(record.sex),
                    nationality=record.nationality,
                    other_spellings=tuple(record.other_spellings),
                    fin=record.fin,
                ),
                today,
            )
            document = None
            if record.document_number:
                document = validate_document(
                    NewDocument(
                        kind=record.document_kind,
                        number=record.document_number,
                        issuing_state=record.issuing_state or record.nationality,
                        expiry_date=record.expiry_date,
                    )
                )
        except ValidationError as error:
            raise PersonImportError(
                _("{source}, line {line}, field '{field}': {problem}").format(
                    source=source, line=number, field=error.field, problem=error.message
                ),
                line=number,
                field=error.field,
            ) from None
        for value, seen, field in (
            (document.number if document else None, seen_documents, "document_number"),
            (data.fin, seen_fins, "fin"),
        ):
            if value is None:
                continue
            if value in seen:
                raise PersonImportError(
                    _(
                        "{source}, line {line}, field '{field}': {value} is on line {other} too."
                    ).format(
                        source=source, line=number, field=field, value=value, other=seen[value]
                    ),
                    line=number,
                    field=field,
                )
            seen[value] = number
        parsed.append(ImportedPerson(number, data, document))
    return parsed


def _check_not_registered(core: Core, people: Sequence[ImportedPerson], source: str) -> None:
    """Refuse the file if a document number or FIN in it belongs to a registered person."""
    wanted: dict[tuple[str, str], int] = {}
    for person in people:
        if person.document is not None:
            wanted[(KEY_DOCUMENT, person.document.number)] = person.line
        if person.data.fin:
            wanted[(KEY_FIN, person.data.fin)] = person.line
    by_kind: dict[str, list[str]] = {KEY_DOCUMENT: [], KEY_FIN: []}
    for kind, key in wanted:
        by_kind[kind].append(key)
    with core.reading() as session:
        for kind, keys in by_kind.items():
            for start in range(0, len(keys), _LOOKUP_CHUNK):
                taken = session.execute(
                    select(PersonSearchKeyRow.key)
                    .where(
                        PersonSearchKeyRow.kind == kind,
                        PersonSearchKeyRow.key.in_(keys[start : start + _LOOKUP_CHUNK]),
                    )
                    .limit(1)
                ).scalar()
                if taken is not None:
                    line = wanted[(kind, taken)]
                    field = "document_number" if kind == KEY_DOCUMENT else "fin"
                    raise PersonImportError(
                        _(
                            "{source}, line {line}, field '{field}': {value} belongs to a "
                            "person registered already."
                        ).format(source=source, line=line, field=field, value=taken),
                        line=line,
                        field=field,
                    )


def bulk_load(
    core: Core,
    actor: Actor,
    people: Sequence[ImportedPerson],
    *,
    source: str,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int, int], None] | None = None,
) -> Outcome[ImportReport]:
    """Write checked persons in batches, one audit row per batch (see the module's note).

    Used by the import command and by the benchmark; the desk's screens create persons one by
    one through `persons.create_person`, which checks for duplicates and audits each.
    """
    started = time.perf_counter()
    _check_not_registered(core, people, source)
    changes = Changes()
    documents = 0
    batches = 0
    for start in range(0, len(people), batch_size):
        batch = people[start : start + batch_size]
        with core.changing(actor, Permission.WORK_AT_DESK) as tx:
            now = core.clock.now()
            person_rows: list[dict[str, Any]] = []
            document_rows: list[dict[str, Any]] = []
            key_rows: list[dict[str, Any]] = []
            for person in batch:
                data = person.data
                person_id = new_id()
                person_rows.append(
                    {
                        "id": person_id,
                        "surname": data.surname,
                        "given_names": data.given_names,
                        "other_spellings": list(data.other_spellings),
                        "birth_date": data.birth_date,
                        "sex": data.sex.value,
                        "nationality": data.nationality,
                        "fin": data.fin,
                        "phone": data.contacts.phone,
                        "email": data.contacts.email,
                        "address": data.address,
                        "merged_into": None,
                        "created_at": now,
                        "updated_at": now,
                    }
                )
                numbers: list[str] = []
                if person.document is not None:
                    doc = person.document
                    numbers.append(doc.number)
                    document_rows.append(
                        {
                            "id": new_id(),
                            "person_id": person_id,
                            "kind": doc.kind.value,
                            "number": doc.number,
                            "issuing_state": doc.issuing_state,
                            "expiry_date": doc.expiry_date,
                            "issued_date": doc.issued_date,
                            "created_at": now,
                        }
                    )
                year = data.birth_date.year if data.birth_date else None
                for kind, key in person_keys(
                    data.surname, data.given_names, data.other_spellings, data.fin, numbers
                ):
                    key_rows.append(
                        {"kind": kind, "key": key, "person_id": person_id, "birth_year": year}
                    )
            # Core inserts on the transaction's connection: one executemany per table,
            # without the ORM's unit of work.
            connection = tx.session.connection()
            connection.execute(insert(_table(PersonRow)), person_rows)
            if document_rows:
                connection.execute(insert(_table(PersonDocumentRow)), document_rows)
            if key_rows:
                connection.execute(insert(_table(PersonSearchKeyRow)), key_rows)
            batch_id = new_id()
            tx.record(
                action="person.import_batch",
                entity="person_import",
                entity_id=batch_id,
                before=None,
                after={
                    "source": source,
                    "first_line": batch[0].line,
                    "last_line": batch[-1].line,
                    "persons": len(person_rows),
                    "documents": len(document_rows),
                    "first_person": str(person_rows[0]["id"]),
                    "last_person": str(person_rows[-1]["id"]),
                },
                topics=(Topic.PERSONS,),
                sync=False,
            )
            changes = changes | tx.changes
        documents += len(document_rows)
        batches += 1
        if progress is not None:
            progress(start + len(batch), len(people))
    report = ImportReport(
        persons=len(people),
        documents=documents,
        batches=batches,
        seconds=time.perf_counter() - started,
    )
    return Outcome(report, changes)


def import_person_file(
    core: Core, actor: Actor, lines: Iterator[str] | Sequence[str], *, source: str
) -> Outcome[ImportReport]:
    """Check the whole file, then load it; nothing is written if any line is bad."""
    from zoneinfo import ZoneInfo

    today = core.clock.now().astimezone(ZoneInfo("Asia/Baku")).date()
    people = parse_person_lines(lines, source=source, today=today)
    if not people:
        raise PersonImportError(_("{source}: no person in the file.").format(source=source), line=1)
    return bulk_load(core, actor, people, source=source)


def to_json_line(person: ImportedPerson) -> str:
    """The line that `parse_person_lines` reads back as `person` (for exports and tests)."""
    data = person.data
    record: dict[str, Any] = {
        "surname": data.surname,
        "given_names": data.given_names,
        "birth_date": data.birth_date.isoformat() if data.birth_date else None,
        "sex": data.sex.value,
        "nationality": data.nationality,
        "other_spellings": list(data.other_spellings),
    }
    if data.fin:
        record["fin"] = data.fin
    if person.document is not None:
        record["document_number"] = person.document.number
    return json.dumps(record, ensure_ascii=False)
