"""Master data files: the bundled one loads; a bad one is refused naming its line and field."""

from __future__ import annotations

import json

import pytest

from app.bootstrap import Started
from app.domain.users import Actor, Role
from app.errors import ConflictError, MasterDataError, PermissionDeniedError
from app.services import auth, masterdata, queue_counters
from app.services.masterdata_file import parse_masterdata
from app.services.setup import DemoSetup

BUNDLED = masterdata.bundled_masterdata().read_bytes()


def _lines(*records: dict[str, object]) -> bytes:
    header = {"kind": "header", "format": 1, "version": "t", "revision": 5}
    return (
        "\n".join(json.dumps(r, ensure_ascii=False) for r in (header, *records)) + "\n"
    ).encode()


NAMES = {"az": "Ad", "ru": "Имя", "en": "Name"}
OFFICE = {"kind": "office", "code": "TST", "name": NAMES}
SERVICE = {"kind": "service", "code": "svc", "name": NAMES, "queue_prefix": "Z"}


def test_bundled_file_has_every_service_and_office() -> None:
    parsed = parse_masterdata(BUNDLED, source="masterdata.jsonl")
    assert {s.code for s in parsed.services} == {
        "registration_stay",
        "stay_extension",
        "temp_residence",
        "perm_residence",
        "work_permit",
        "citizenship",
        "refugee_status",
        "foreign_pupils",
        "fines",
    }
    assert {o.code for o in parsed.offices} == {
        "BAK",
        "SHR",
        "LNK",
        "GNC",
        "YVL",
        "SHK",
        "AGS",
        "XCM",
    }
    aghsu = next(o for o in parsed.offices if o.code == "AGS")
    assert "İsmayıllı" in [d.az for d in aghsu.districts]
    work = next(s for s in parsed.services if s.code == "work_permit")
    fee = next(f for f in work.fees if f.duration_months == 12 and f.working_days == 10)
    assert str(fee.amount) == "1400.00"


@pytest.mark.parametrize(
    ("content", "line", "field", "words"),
    [
        (
            b'{"kind": "header", "format": 1, "version": "t", "revision": 1}\n{"kind": "office",',
            2,
            "",
            "not valid JSON",
        ),
        (_lines(OFFICE, {**SERVICE, "queue_prefix": "zz"}), 3, "queue_prefix", "line 3"),
        (_lines({**OFFICE, "name": {"az": "A", "ru": "Б"}}), 2, "name.en", "Field required"),
        (
            _lines(OFFICE, {"kind": "counter", "office": "TST", "number": 1, "services": ["nope"]}),
            3,
            "services",
            "'nope' is not defined",
        ),
        (_lines(OFFICE, OFFICE), 3, "code", "appears twice"),
        (_lines(OFFICE, {"kind": "holiday", "date": "2026-02-30", "name": NAMES}), 3, "date", ""),
        (_lines({"kind": "spaceship"}), 2, "kind", ""),
        (
            _lines(OFFICE, {**SERVICE, "fees": [{"working_days": 20, "amount": "-5"}]}),
            3,
            "fees.0.amount",
            "greater than or equal to 0",
        ),
        (
            b'{"kind": "office", "code": "TST", "name": {"az": "a", "ru": "b", "en": "c"}}\n',
            1,
            "kind",
            "must start with its header",
        ),
    ],
)
def test_bad_files_name_line_and_field(content: bytes, line: int, field: str, words: str) -> None:
    with pytest.raises(MasterDataError) as caught:
        parse_masterdata(content, source="bad.jsonl")
    error = caught.value
    assert error.line == line
    assert error.field == field
    assert f"line {line}" in str(error)
    assert "bad.jsonl" in str(error)
    assert words in str(error)


def test_import_loads_and_refuses_older(started: Started, demo: DemoSetup) -> None:
    newer = BUNDLED.replace(b'"revision": 2}', b'"revision": 3}', 1)
    newer = newer.replace(
        "Ağsu Regional Miqrasiya İdarəsi".encode(),
        "Ağsu Regional Miqrasiya İdarəsi (yeni bina)".encode(),
    )
    report = masterdata.import_masterdata(started.core, Actor.system(), newer).value
    assert (report.revision, report.already_loaded) == (3, False)
    with started.core.reading() as session:
        offices = {o.code: o for o in masterdata.list_offices(session)}
    assert offices["AGS"].name.az.endswith("(yeni bina)")
    again = masterdata.import_masterdata(started.core, Actor.system(), newer).value
    assert again.already_loaded
    with pytest.raises(ConflictError, match="Only newer master data"):
        masterdata.import_masterdata(
            started.core,
            Actor.system(),
            BUNDLED.replace(b'"version": "2026.11"', b'"version": "x"'),
        )


def test_clerk_cannot_import(started: Started, demo: DemoSetup) -> None:
    password = next(p for name, _r, p in demo.passwords if name == "clerk")
    clerk = Actor.of(auth.login(started.core, "clerk", password).value.user)
    assert clerk.role is Role.CLERK
    with pytest.raises(PermissionDeniedError):
        masterdata.import_masterdata(started.core, clerk, BUNDLED)


def test_services_read_back_as_domain_values(started: Started, demo: DemoSetup) -> None:
    with started.core.reading() as session:
        services = masterdata.list_services(session)
    temp = next(s for s in services if s.code == "temp_residence")
    assert temp.queue_prefix == "C"
    assert any(item.key == "medical_certificate" for item in temp.checklist)
    assert temp.name.in_language("ru") == "Разрешение на временное проживание"


def test_counters_a_supervisor_set_keep_their_services_through_imports(
    started: Started, supervisor: Actor
) -> None:
    queue_counters.set_counter_services(started.core, supervisor, 1, ["citizenship"])
    counter_line = '{"kind": "counter", "office": "AGS", "number": %d, "services": %s}'
    newer = BUNDLED.replace(b'"revision": 2}', b'"revision": 3}', 1)
    for number, old, new in (
        (1, '["registration_stay", "stay_extension", "fines"]', '["fines"]'),
        (3, '["work_permit", "citizenship", "refugee_status"]', '["work_permit"]'),
    ):
        newer = newer.replace(
            (counter_line % (number, old)).encode(), (counter_line % (number, new)).encode()
        )
    assert newer.count(b'"services": ["fines"]') == 1
    masterdata.import_masterdata(started.core, Actor.system(), newer)

    services = {
        c.number: list(c.service_codes)
        for c in queue_counters.list_counters(started.core, supervisor)
    }
    assert services[1] == ["citizenship"]  # the supervisor's choice stands
    assert services[3] == ["work_permit"]  # the centre's change arrives where no one chose
