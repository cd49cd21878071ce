"""The person registry: create, edit and documents audited and queued; duplicates; merge."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.bootstrap import Started
from app.db.models import AuditRow, OutboxRow, PersonRow, PersonSearchKeyRow
from app.domain.changes import Topic
from app.domain.persons import (
    Contacts,
    DocumentKind,
    MatchKind,
    NewDocument,
    PersonData,
    Sex,
)
from app.domain.users import Actor
from app.errors import ConflictError, PermissionDeniedError, ValidationError
from app.services import audit, persons
from app.services.person_search import search_persons
from app.services.persons import DuplicateCandidatesError


def aliyev(**changes: object) -> PersonData:
    values: dict[str, object] = {
        "surname": "ALIYEV",
        "given_names": "ELCHIN",
        "birth_date": date(1985, 3, 12),
        "sex": Sex.MALE,
        "nationality": "aze",
        "other_spellings": ("Əliyev Elçin", "Алиев Эльчин"),
        "fin": "5zx 9k2l",
        "contacts": Contacts(phone="+994 50 123-45-67", email="elchin@example.az"),
    }
    values.update(changes)
    return PersonData(**values)  # type: ignore[arg-type]


def passport(number: str = "C01234567", state: str = "AZE") -> NewDocument:
    return NewDocument(DocumentKind.PASSPORT, number, state, expiry_date=date(2030, 1, 1))


def _audit(started: Started, entity_id: object) -> list[AuditRow]:
    with started.core.reading() as session:
        return list(
            session.execute(
                select(AuditRow).where(AuditRow.entity_id == str(entity_id)).order_by(AuditRow.seq)
            ).scalars()
        )


def _outbox(started: Started, entity_id: object) -> list[OutboxRow]:
    with started.core.reading() as session:
        return list(
            session.execute(
                select(OutboxRow)
                .where(OutboxRow.entity_id == str(entity_id))
                .order_by(OutboxRow.seq)
            ).scalars()
        )


def test_create_edit_and_documents_are_audited_and_queued(started: Started, clerk: Actor) -> None:
    created = persons.create_person(started.core, clerk, aliyev(), documents=[passport()])
    person = created.value
    assert created.changes.touches(Topic.PERSONS, Topic.AUDIT, Topic.OUTBOX)
    assert (person.nationality, person.fin, person.sex) == ("AZE", "5ZX9K2L", Sex.MALE)
    assert person.contacts.phone == "+994 50 123-45-67"

    edited = persons.update_person(
        started.core, clerk, person.id, aliyev(given_names="ELCHIN RAMIZ", address="Baku")
    ).value
    assert edited.given_names == "ELCHIN RAMIZ" and edited.address == "Baku"
    document = persons.add_document(
        started.core,
        clerk,
        person.id,
        NewDocument(DocumentKind.RESIDENCE_PERMIT, "ab-12 345", "aze"),
    ).value
    assert document.number == "AB12345" and document.kind is DocumentKind.RESIDENCE_PERMIT
    assert [d.number for d in persons.list_documents(started.core, clerk, person.id)] == [
        "C01234567",
        "AB12345",
    ]

    rows = _audit(started, person.id)
    assert [row.action for row in rows] == [
        "person.create",
        "person.update",
        "person.add_document",
    ]
    assert all(row.entity == "person" and row.actor_name == "clerk" for row in rows)
    assert rows[0].before is None and rows[0].after is not None
    assert rows[0].after["documents"][0]["number"] == "C01234567"
    assert rows[1].before is not None and rows[1].after is not None
    assert rows[1].before["given_names"] == "ELCHIN"
    assert rows[1].after["given_names"] == "ELCHIN RAMIZ"
    assert len(rows[2].after["documents"]) == 2  # type: ignore[index]
    assert [row.operation for row in _outbox(started, person.id)] == [
        "person.create",
        "person.update",
        "person.add_document",
    ]
    with started.core.reading() as session:
        assert audit.verify_chain(session).intact
        keys = {
            (kind, key)
            for kind, key in session.execute(
                select(PersonSearchKeyRow.kind, PersonSearchKeyRow.key).where(
                    PersonSearchKeyRow.person_id == person.id
                )
            )
        }
    assert {("name", "aliav"), ("name", "ramiz"), ("fin", "5ZX9K2L")} <= keys
    assert {("document", "C01234567"), ("document", "AB12345")} <= keys
    # The search keys follow the edit: the new given name finds the person.
    assert [s.id for s in search_persons(started.core, clerk, "Aliyev Ramiz")] == [person.id]


def test_validation_names_the_field(started: Started, clerk: Actor) -> None:
    future = started.core.clock.now().date() + timedelta(days=2)
    cases = [
        (aliyev(surname="  "), "surname"),
        (aliyev(birth_date=future), "birth_date"),
        (aliyev(nationality="AZ"), "nationality"),
        (aliyev(nationality="A1E"), "nationality"),
        (aliyev(fin="12345"), "fin"),
        (aliyev(fin="5ZX9K2Ş"), "fin"),
        (aliyev(sex="Q"), "sex"),
        (aliyev(contacts=Contacts(email="not an address")), "email"),
    ]
    for data, field in cases:
        with pytest.raises(ValidationError) as raised:
            persons.create_person(started.core, clerk, data)
        assert raised.value.field == field, data
    with pytest.raises(ValidationError, match="future") as raised:
        persons.create_person(started.core, clerk, aliyev(birth_date=future))
    with pytest.raises(ValidationError) as raised:
        persons.create_person(started.core, clerk, aliyev(), documents=[passport("№?")])
    assert raised.value.field == "document_number"
    stateless = persons.create_person(
        started.core, clerk, aliyev(nationality="XXA", fin=None, birth_date=None)
    ).value
    assert stateless.nationality == "XXA" and stateless.birth_date is None


def test_duplicates_are_shown_not_created_unless_forced(started: Started, clerk: Actor) -> None:
    first = persons.create_person(started.core, clerk, aliyev(), documents=[passport()]).value

    # The same document number, however typed.
    with pytest.raises(DuplicateCandidatesError) as raised:
        persons.create_person(
            started.core,
            clerk,
            aliyev(surname="Other", fin=None),
            documents=[NewDocument(DocumentKind.PASSPORT, "c0 1234567", "RUS")],
        )
    assert [(c.id, c.match) for c in raised.value.candidates] == [(first.id, MatchKind.DOCUMENT)]
    assert isinstance(raised.value, ConflictError) and "registered already" in str(raised.value)

    # The same FIN.
    with pytest.raises(DuplicateCandidatesError) as raised:
        persons.create_person(started.core, clerk, aliyev(surname="Other", other_spellings=()))
    assert raised.value.candidates[0].match is MatchKind.FIN

    # A close name in another script, the same birth date and nationality.
    cyrillic = aliyev(
        surname="Алиев", given_names="Эльчин", fin=None, other_spellings=(), contacts=Contacts()
    )
    with pytest.raises(DuplicateCandidatesError) as raised:
        persons.create_person(started.core, clerk, cyrillic)
    assert [c.id for c in raised.value.candidates] == [first.id]
    assert raised.value.candidates[0].match is MatchKind.NAME
    assert raised.value.candidates[0].document_number == "C01234567"
    assert persons.find_duplicates(started.core, clerk, cyrillic)[0].id == first.id

    # Not a duplicate: another birth date, another nationality, or a twin with another name.
    for other in (
        aliyev(fin=None, birth_date=date(1986, 3, 12)),
        aliyev(fin=None, nationality="RUS"),
        aliyev(fin=None, given_names="ANAR", other_spellings=()),
    ):
        assert persons.find_duplicates(started.core, clerk, other) == []

    forced = persons.create_person(started.core, clerk, cyrillic, force=True).value
    assert forced.id != first.id
    # A document already held by someone is a conflict even when forced.
    with pytest.raises(ConflictError, match="belongs to another person"):
        persons.add_document(started.core, clerk, forced.id, passport())
    with pytest.raises(ConflictError, match="already has"):
        persons.add_document(started.core, clerk, first.id, passport())


def test_merge_keeps_documents_and_history_and_hides_the_merged(
    started: Started, clerk: Actor, supervisor: Actor
) -> None:
    keep = persons.create_person(
        started.core, clerk, aliyev(other_spellings=()), documents=[passport()]
    ).value
    merged = persons.create_person(
        started.core,
        clerk,
        PersonData(
            surname="Алиев",
            given_names="Эльчин",
            birth_date=date(1985, 3, 12),
            sex=Sex.MALE,
            nationality="AZE",
            other_spellings=("Aliev Elchin",),
        ),
        documents=[passport("12345678", "RUS")],
        force=True,
    ).value

    with pytest.raises(PermissionDeniedError):
        persons.merge_persons(started.core, clerk, keep.id, merged.id)
    with pytest.raises(ValidationError):
        persons.merge_persons(started.core, supervisor, keep.id, keep.id)

    outcome = persons.merge_persons(started.core, supervisor, keep.id, merged.id)
    kept = outcome.value
    assert outcome.changes.touches(Topic.PERSONS)
    assert "Алиев Эльчин" in kept.other_spellings and "Aliev Elchin" in kept.other_spellings
    numbers = {d.number for d in persons.list_documents(started.core, clerk, keep.id)}
    assert numbers == {"C01234567", "12345678"}
    assert persons.list_documents(started.core, clerk, merged.id) == []

    with started.core.reading() as session:
        tombstone = session.get(PersonRow, merged.id)
        assert tombstone is not None and tombstone.merged_into == keep.id
        assert audit.verify_chain(session).intact
    assert persons.get_person(started.core, clerk, merged.id).id == keep.id
    merged_history = [row.action for row in _audit(started, merged.id)]
    assert merged_history == ["person.create", "person.merged_into"]
    assert [row.action for row in _audit(started, keep.id)][-1] == "person.merge"

    for query in ("Алиев", "Aliyev 1985", "12345678", "Aliev Elchin"):
        assert [s.id for s in search_persons(started.core, clerk, query)] == [keep.id], query
    with pytest.raises(ConflictError, match="merged"):
        persons.update_person(started.core, clerk, merged.id, aliyev())
    with pytest.raises(ConflictError, match="merged"):
        persons.merge_persons(started.core, supervisor, keep.id, merged.id)
