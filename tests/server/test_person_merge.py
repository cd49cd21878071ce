"""A person edited at two desks of an office, each on its own database: merged field by field
at the centre, both versions kept, a true clash listed for the supervisors."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.bootstrap import start_core
from app.config import Config
from app.datafolder import prepare
from app.db.engine import Database
from app.domain.persons import Contacts, DocumentKind, NewDocument, PersonData, Sex
from app.domain.users import Actor
from app.errors import PermissionDeniedError
from app.services import clashes, persons, setup
from app.sync.enrolment import enrol
from app.sync.run import sync_once
from server.models import DeskRecordRow
from tests.server.conftest import BOTH_DATABASES, Desk
from tests.support.actors import demo_actor
from tests.support.central import CentralServer


@pytest.fixture
def second(tmp_path: Path, central: CentralServer, enrolled: Desk) -> Iterator[Desk]:
    config = Config(data_dir=tmp_path / "second")
    prepare(config, log_name="test")
    started = start_core(config, clock=enrolled.core.clock)  # type: ignore[arg-type]
    setup.initialize_demo(started.core)
    code = central.enrol_code()
    enrol(started.core, config, Actor.system("test"), server_url=central.url, code=code)
    core = started.core
    yield Desk(started, config, demo_actor(core, "clerk"), demo_actor(core, "supervisor"))
    core.database.dispose()


def _data(desk: Desk, person_id: object) -> PersonData:
    return persons.person_data_of(persons.get_person(desk.core, desk.clerk, person_id))  # type: ignore[arg-type]


@BOTH_DATABASES
def test_edits_of_two_desks_are_merged_and_a_clash_goes_to_the_supervisors(
    enrolled: Desk, second: Desk, central: CentralServer
) -> None:
    first = enrolled
    person = persons.create_person(
        first.core,
        first.clerk,
        PersonData("QULIYEV", "ANAR", date(1980, 5, 1), Sex.MALE, "UKR"),
        documents=[NewDocument(DocumentKind.PASSPORT, "FA1234567", "UKR")],
        force=True,
    ).value
    sync_once(first.core, first.config)
    sync_once(second.core, second.config)
    assert persons.get_person(second.core, second.clerk, person.id).surname == "QULIYEV"

    # Different fields at each desk: both kept.
    persons.update_person(
        first.core,
        first.clerk,
        person.id,
        replace(_data(first, person.id), contacts=Contacts(phone="+994501112233")),
    )
    persons.update_person(
        second.core,
        second.clerk,
        person.id,
        replace(_data(second, person.id), address="Ağsu, Nizami küç. 5"),
    )
    for desk in (first, second, first):
        sync_once(desk.core, desk.config)
    for desk in (first, second):
        merged = persons.get_person(desk.core, desk.clerk, person.id)
        assert merged.contacts.phone == "+994501112233"
        assert merged.address == "Ağsu, Nizami küç. 5"
    assert not clashes.open_clashes(first.core, first.supervisor)

    # The same field, differently: the centre keeps the first and asks a supervisor.
    persons.update_person(
        first.core, first.clerk, person.id, replace(_data(first, person.id), surname="GULIYEV")
    )
    persons.update_person(
        second.core, second.clerk, person.id, replace(_data(second, person.id), surname="KULIYEV")
    )
    for desk in (first, second, first):
        sync_once(desk.core, desk.config)
    for desk in (first, second):
        assert persons.get_person(desk.core, desk.clerk, person.id).surname == "GULIYEV"
        (clash,) = clashes.open_clashes(desk.core, desk.supervisor)
        assert (clash.field, clash.centre_value, clash.desk_value) == (
            "surname",
            "GULIYEV",
            "KULIYEV",
        )
    with pytest.raises(PermissionDeniedError):
        clashes.open_clashes(second.core, second.clerk)

    # Both versions are kept at the centre, each under the desk that made it.
    database = Database(central.db_url)
    try:
        with database.reading() as session:
            desks = session.execute(
                select(func.count(func.distinct(DeskRecordRow.desk_id))).where(
                    DeskRecordRow.entity == "person",
                    DeskRecordRow.entity_id == str(person.id),
                )
            ).scalar_one()
        assert desks == 2
    finally:
        database.dispose()

    # The supervisor settles it at the second desk: the choice goes everywhere.
    (clash,) = clashes.open_clashes(second.core, second.supervisor)
    clashes.settle(second.core, second.supervisor, clash.id, "KULIYEV")
    assert not clashes.open_clashes(second.core, second.supervisor)
    for desk in (second, first):
        sync_once(desk.core, desk.config)
    assert persons.get_person(first.core, first.clerk, person.id).surname == "KULIYEV"
