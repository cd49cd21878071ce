"""Person search across scripts: the same person by every spelling, exact before approximate,
birth year and date filters, document numbers and FIN."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import delete, select

from app.bootstrap import Started
from app.db import migrations
from app.db.lifecycle import current_revision, upgrade_schema
from app.db.models import PersonSearchKeyRow
from app.db.schema import HEAD_REVISION
from app.domain.persons import DocumentKind, MatchKind, NewDocument, PersonData, Sex
from app.domain.users import Actor
from app.services import persons
from app.services.person_search import prefix_upper_bound, query_keys, search_persons

PEOPLE: list[tuple[str, str, str, str, list[str], str | None, str | None]] = [
    # surname, given names, birth date, nationality, other spellings, passport, FIN
    (
        "ALIYEV",
        "ELCHIN",
        "1985-03-12",
        "AZE",
        ["Əliyev Elçin", "Алиев Эльчин"],
        "C01234567",
        "5ZX9K2L",
    ),
    ("ALIYEVA", "AYSEL", "1990-07-01", "AZE", ["Əliyeva Aysel"], "C07654321", None),
    ("ALIEV", "RUSLAN", "1979-01-20", "RUS", ["Алиев Руслан"], "751234567", None),
    (
        "HUSEYNOV",
        "RAUF",
        "1985-05-05",
        "AZE",
        ["Hüseynov Rauf", "Гусейнов Рауф"],
        "C02222222",
        None,
    ),
    ("MAMMADOV", "ANAR", "1985-11-30", "AZE", ["Məmmədov Anar", "Мамедов Анар"], "C03333333", None),
    ("MAMEDOV", "SERGEY", "1972-02-14", "RUS", ["Мамедов Сергей"], "720000001", None),
    ("MAMMADOV", "TURAL", "1991-04-04", "AZE", ["Məmmədov Tural"], "C04444444", None),
    ("ISMAYILOV", "ILHAM", "1988-08-08", "AZE", ["İsmayılov İlham"], "C05555555", None),
    ("SMITH", "JOHN", "1980-06-06", "GBR", [], "123456789", None),
]


@pytest.fixture
def registry(started: Started, clerk: Actor) -> dict[str, uuid.UUID]:
    ids: dict[str, uuid.UUID] = {}
    for surname, given, born, nationality, spellings, number, fin in PEOPLE:
        created = persons.create_person(
            started.core,
            clerk,
            PersonData(
                surname=surname,
                given_names=given,
                birth_date=date.fromisoformat(born),
                sex=Sex.FEMALE if surname.endswith("A") else Sex.MALE,
                nationality=nationality,
                other_spellings=tuple(spellings),
                fin=fin,
            ),
            documents=[NewDocument(DocumentKind.PASSPORT, number, nationality)] if number else [],
        )
        ids[f"{surname} {given}"] = created.value.id
    return ids


def _names(started: Started, clerk: Actor, query: str) -> list[str]:
    return [f"{s.surname} {s.given_names}" for s in search_persons(started.core, clerk, query)]


def test_the_same_person_in_every_script(
    started: Started, clerk: Actor, registry: dict[str, uuid.UUID]
) -> None:
    for query in ("Aliyev Elchin", "Əliyev Elçin", "Aliev Elchin", "Алиев Эльчин", "ƏLİYEV elçin"):
        assert _names(started, clerk, query) == ["ALIYEV ELCHIN"], query
    for query in ("Hüseynov", "Huseynov", "Гусейнов", "HUSEYNOV", "huseinov"):
        assert _names(started, clerk, query) == ["HUSEYNOV RAUF"], query
    for query in ("Məmmədov", "Mammadov", "Mamedov", "Мамедов"):
        assert set(_names(started, clerk, query)) == {
            "MAMMADOV ANAR",
            "MAMEDOV SERGEY",
            "MAMMADOV TURAL",
        }, query
    # İ/i and I/ı are one letter to search.
    for query in ("İsmayılov", "Ismayilov", "ISMAYILOV", "ismayılov", "Исмаилов"):
        assert _names(started, clerk, query) == ["ISMAYILOV ILHAM"], query


def test_exact_before_approximate_and_prefixes(
    started: Started, clerk: Actor, registry: dict[str, uuid.UUID]
) -> None:
    found = search_persons(started.core, clerk, "Aliyev")
    assert [f"{s.surname} {s.given_names}" for s in found][:1] == ["ALIYEV ELCHIN"]
    assert found[0].match is MatchKind.EXACT_NAME and found[0].score == 1.0
    # The family: the feminine form and the Russian spelling, after the exact match.
    assert set(_names(started, clerk, "Aliyev")) == {
        "ALIYEV ELCHIN",
        "ALIYEVA AYSEL",
        "ALIEV RUSLAN",
    }
    assert _names(started, clerk, "Aliyeva")[0] == "ALIYEVA AYSEL"
    assert _names(started, clerk, "Aliev")[0] == "ALIEV RUSLAN"
    assert all(s.match is not MatchKind.EXACT_NAME for s in found[1:])
    # Typed as you go.
    assert "HUSEYNOV RAUF" in _names(started, clerk, "Hüs")
    assert _names(started, clerk, "Mamm Tur") == ["MAMMADOV TURAL"]
    assert _names(started, clerk, "Nobody") == []
    assert search_persons(started.core, clerk, "   ") == []


def test_birth_year_and_date_filter(
    started: Started, clerk: Actor, registry: dict[str, uuid.UUID]
) -> None:
    assert _names(started, clerk, "mammadov 1985") == ["MAMMADOV ANAR"]
    assert _names(started, clerk, "Mamedov 1972") == ["MAMEDOV SERGEY"]
    assert _names(started, clerk, "Алиев 12.03.1985") == ["ALIYEV ELCHIN"]
    assert _names(started, clerk, "Aliyev 1985-03-13") == []
    assert _names(started, clerk, "12.03.1985") == ["ALIYEV ELCHIN"]


def test_document_number_and_fin(
    started: Started, clerk: Actor, registry: dict[str, uuid.UUID]
) -> None:
    found = search_persons(started.core, clerk, "C0 3333333")
    assert [(s.surname, s.match) for s in found] == [("MAMMADOV", MatchKind.DOCUMENT)]
    assert found[0].document_number == "C03333333" and found[0].birth_date == date(1985, 11, 30)
    fin = search_persons(started.core, clerk, "5zx9k2l")
    assert [(s.given_names, s.match) for s in fin] == [("ELCHIN", MatchKind.FIN)]
    # A number being typed finds by prefix, below exact matches.
    assert set(_names(started, clerk, "C0555")) == {"ISMAYILOV ILHAM"}
    # A code first, then names: "Mammadov C04444444" puts the document's holder first.
    mixed = _names(started, clerk, "Mammadov C04444444")
    assert mixed[0] == "MAMMADOV TURAL" and "MAMMADOV ANAR" in mixed


def test_keys_and_bounds() -> None:
    assert prefix_upper_bound("aliav") == "aliaw"
    assert prefix_upper_bound("aliz") == "alj"
    assert prefix_upper_bound("zz") is None
    assert prefix_upper_bound("AB9") == "ABA"
    assert prefix_upper_bound("AZ") == "B"
    assert query_keys("Aliyeva") == ["aliav"]  # covers "aliava" as a prefix


def _person(started: Started, clerk: Actor, surname: str, given: str, born: int) -> uuid.UUID:
    data = PersonData(
        surname=surname,
        given_names=given,
        birth_date=date(born, 1, 1),
        sex=Sex.MALE,
        nationality="AZE",
    )
    return persons.create_person(started.core, clerk, data, documents=[]).value.id


def test_the_whole_name_as_typed_ranks_before_its_words_apart(
    started: Started, clerk: Actor
) -> None:
    apart = _person(started, clerk, "QAHRAMANOV", "ELDAR TOFIQ", 1970)
    whole = _person(started, clerk, "QAHRAMANOV", "TOFIQ", 1980)
    _person(started, clerk, "QAHRAMANOV", "ELDAR", 1990)
    found = [s.id for s in search_persons(started.core, clerk, "Qahramanov Tofiq")]
    # "ELDAR TOFIQ" sorts first by name; the name as typed comes first all the same.
    assert found == [whole, apart]
    assert [s.id for s in search_persons(started.core, clerk, "Tofiq Qahramanov")] == found
    # The words apart are still found when no whole name matches.
    assert [s.id for s in search_persons(started.core, clerk, "Qahramanov Eldar Tofiq")] == [apart]


def test_a_registry_from_before_whole_name_keys_gets_them_on_upgrade(
    started: Started, clerk: Actor
) -> None:
    whole = _person(started, clerk, "QAHRAMANOV", "TOFIQ", 1980)
    field_keys = persons.name_keys("QAHRAMANOV", "", ()) | persons.name_keys("", "TOFIQ", ())
    added = persons.name_keys("QAHRAMANOV", "TOFIQ", ()) - field_keys
    assert "hahramanovtofih" in added
    database = started.core.database
    with database.engine.begin() as connection:
        # The schema and the keys as the version before made them: no whole-name keys.
        alembic_config = AlembicConfig()
        alembic_config.set_main_option("script_location", migrations.__path__[0])
        alembic_config.attributes["connection"] = connection
        command.downgrade(alembic_config, "0011")
        connection.execute(
            delete(PersonSearchKeyRow).where(
                PersonSearchKeyRow.person_id == whole, PersonSearchKeyRow.key.in_(added)
            )
        )
    assert current_revision(database) == "0011"
    upgrade_schema(database)
    with database.engine.connect() as connection:
        keys = set(
            connection.execute(
                select(PersonSearchKeyRow.key).where(PersonSearchKeyRow.person_id == whole)
            ).scalars()
        )
    assert added <= keys
    assert current_revision(database) == HEAD_REVISION
    assert [s.id for s in search_persons(started.core, clerk, "Qahramanov Tofiq")] == [whole]
