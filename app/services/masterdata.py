"""Master data files: validate and load offices, services, counters, holidays and users.

A file is JSON Lines: one record a line, so that a refusal can name the line and the field.
The first line is the header with the format, the version label and a revision number that
only grows; the central server publishes newer revisions in the same format.

    {"kind": "header", "format": 1, "version": "2026.11", "revision": 1}
    {"kind": "office", "code": "AGS", "name": {"az": "...", "ru": "...", "en": "..."}, ...}
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter as Tally
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter
from pydantic import ValidationError as PydanticError
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import (
    CounterRow,
    HolidayRow,
    MasterDataVersionRow,
    OfficeRow,
    ServiceRow,
    UserRow,
)
from app.domain.changes import Outcome, Topic
from app.domain.masterdata import (
    ChecklistItem,
    FeeTier,
    FieldKind,
    FormField,
    LocalizedText,
    Office,
    Service,
)
from app.domain.users import Actor, Permission, Role
from app.errors import ConflictError, MasterDataError
from app.i18n import _
from app.resources import resources_dir
from app.services.core import Core

FORMAT = 1


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Names(_Strict):
    az: str = Field(min_length=1)
    ru: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def text(self) -> LocalizedText:
        return LocalizedText(self.az, self.ru, self.en)


class HeaderRecord(_Strict):
    kind: Literal["header"]
    format: Literal[1]
    version: str = Field(min_length=1, max_length=32)
    revision: int = Field(ge=1)


class OfficeRecord(_Strict):
    kind: Literal["office"]
    code: str = Field(pattern=r"^[A-Z]{2,8}$")
    name: Names
    timezone: str = "Asia/Baku"
    districts: list[Names] = []


class FieldRecord(_Strict):
    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: Names
    kind: FieldKind
    required: bool = False
    choices: list[str] = []
    pattern: str | None = None


class ChecklistRecord(_Strict):
    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: Names
    required: bool = True


class FeeRecord(_Strict):
    category: Literal["any", "adult", "minor", "student"] = "any"
    duration_months: int | None = Field(default=None, ge=1, le=120)
    working_days: int = Field(ge=1, le=365)
    amount: Decimal = Field(ge=0, max_digits=10, decimal_places=2)


class ServiceRecord(_Strict):
    kind: Literal["service"]
    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=32)
    name: Names
    queue_prefix: str = Field(pattern=r"^[A-Z]$")
    applicant_kind: Literal["person", "employer", "school"] = "person"
    decision_working_days: list[int] = []
    fields: list[FieldRecord] = []
    checklist: list[ChecklistRecord] = []
    fees: list[FeeRecord] = []
    active: bool = True


class CounterRecord(_Strict):
    kind: Literal["counter"]
    office: str
    number: int = Field(ge=1, le=999)
    services: list[str] = Field(min_length=1)


class HolidayRecord(_Strict):
    kind: Literal["holiday"]
    date: date
    name: Names


class UserRecord(_Strict):
    kind: Literal["user"]
    office: str
    username: str = Field(pattern=r"^[a-z][a-z0-9._-]{1,31}$")
    full_name: str = Field(min_length=1)
    role: Role
    password_hash: str = Field(pattern=r"^\$argon2id\$")
    active: bool = True


Record = Annotated[
    HeaderRecord | OfficeRecord | ServiceRecord | CounterRecord | HolidayRecord | UserRecord,
    Field(discriminator="kind"),
]
_record_adapter: TypeAdapter[Any] = TypeAdapter(Record)


@dataclass(frozen=True, slots=True)
class MasterDataFile:
    header: HeaderRecord
    offices: tuple[OfficeRecord, ...]
    services: tuple[ServiceRecord, ...]
    counters: tuple[CounterRecord, ...]
    holidays: tuple[HolidayRecord, ...]
    users: tuple[UserRecord, ...]
    sha256: str

    def counts(self) -> dict[str, int]:
        return {
            "offices": len(self.offices),
            "services": len(self.services),
            "counters": len(self.counters),
            "holidays": len(self.holidays),
            "users": len(self.users),
        }


def bundled_masterdata() -> Path:
    return resources_dir() / "masterdata" / "masterdata.jsonl"


def _field_path(location: tuple[Any, ...]) -> str:
    # pydantic puts the discriminator's tag first ("office", "name", "az"): drop it.
    parts = [str(part) for part in location]
    if parts and parts[0] in {"header", "office", "service", "counter", "holiday", "user"}:
        parts = parts[1:]
    return ".".join(parts) or "kind"


def parse_masterdata(data: bytes, *, source: str = "") -> MasterDataFile:
    """Validate a whole file; the first problem raises MasterDataError naming line and field."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise MasterDataError(
            _("{source}: the file is not UTF-8 text.").format(source=source),
            line=1,
            detail=str(error),
        ) from error
    records: list[tuple[int, Any]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as error:
            raise MasterDataError(
                _("{source}, line {line}: not valid JSON ({problem}).").format(
                    source=source, line=number, problem=error.msg
                ),
                line=number,
                detail=str(error),
            ) from error
        try:
            records.append((number, _record_adapter.validate_python(raw)))
        except PydanticError as error:
            first = error.errors()[0]
            field = _field_path(tuple(first["loc"]))
            raise MasterDataError(
                _("{source}, line {line}, field '{field}': {problem}").format(
                    source=source, line=number, field=field, problem=first["msg"]
                ),
                line=number,
                field=field,
                detail=str(error),
            ) from error
    if not records or not isinstance(records[0][1], HeaderRecord):
        raise MasterDataError(
            _('{source}, line 1: the file must start with its header (kind "header").').format(
                source=source
            ),
            line=records[0][0] if records else 1,
            field="kind",
        )
    by_kind: dict[type, list[tuple[int, Any]]] = {}
    for number, record in records[1:]:
        if isinstance(record, HeaderRecord):
            raise MasterDataError(
                _("{source}, line {line}: a second header.").format(source=source, line=number),
                line=number,
                field="kind",
            )
        by_kind.setdefault(type(record), []).append((number, record))
    _check_unique(by_kind.get(OfficeRecord, []), "code", source)
    _check_unique(by_kind.get(ServiceRecord, []), "code", source)
    _check_unique(by_kind.get(HolidayRecord, []), "date", source)
    _check_unique(by_kind.get(UserRecord, []), "username", source)
    prefixes = Tally(r.queue_prefix for _n, r in by_kind.get(ServiceRecord, []))
    for number, service in by_kind.get(ServiceRecord, []):
        if prefixes[service.queue_prefix] > 1:
            raise MasterDataError(
                _(
                    "{source}, line {line}, field 'queue_prefix': the letter {value} is used by "
                    "another service."
                ).format(source=source, line=number, value=service.queue_prefix),
                line=number,
                field="queue_prefix",
            )
    office_codes = {r.code for _n, r in by_kind.get(OfficeRecord, [])}
    service_codes = {r.code for _n, r in by_kind.get(ServiceRecord, [])}
    for number, counter in by_kind.get(CounterRecord, []):
        _check_reference(counter.office, office_codes, number, "office", source)
        for code in counter.services:
            _check_reference(code, service_codes, number, "services", source)
    for number, user in by_kind.get(UserRecord, []):
        _check_reference(user.office, office_codes, number, "office", source)

    def of(kind: type) -> tuple[Any, ...]:
        return tuple(record for _n, record in by_kind.get(kind, []))

    return MasterDataFile(
        records[0][1],
        of(OfficeRecord),
        of(ServiceRecord),
        of(CounterRecord),
        of(HolidayRecord),
        of(UserRecord),
        hashlib.sha256(data).hexdigest(),
    )


def _check_unique(items: list[tuple[int, Any]], key: str, source: str) -> None:
    seen: set[Any] = set()
    for number, record in items:
        value = getattr(record, key)
        if value in seen:
            raise MasterDataError(
                _("{source}, line {line}, field '{field}': {value} appears twice.").format(
                    source=source, line=number, field=key, value=value
                ),
                line=number,
                field=key,
            )
        seen.add(value)


def _check_reference(code: str, known: set[str], number: int, field: str, source: str) -> None:
    if code not in known:
        raise MasterDataError(
            _(
                "{source}, line {line}, field '{field}': '{value}' is not defined in this file."
            ).format(source=source, line=number, field=field, value=code),
            line=number,
            field=field,
        )


@dataclass(frozen=True, slots=True)
class ImportReport:
    version: str
    revision: int
    counts: dict[str, int]
    already_loaded: bool


def current_version(session: Session) -> MasterDataVersionRow | None:
    return session.execute(
        select(MasterDataVersionRow).order_by(MasterDataVersionRow.revision.desc()).limit(1)
    ).scalar_one_or_none()


def import_masterdata(
    core: Core, actor: Actor, data: bytes, *, source: str = "", allow_older: bool = False
) -> Outcome[ImportReport]:
    parsed = parse_masterdata(data, source=source)
    header = parsed.header
    with core.changing(actor, Permission.IMPORT_MASTER_DATA) as tx:
        loaded = current_version(tx.session)
        if loaded is not None and loaded.sha256 == parsed.sha256:
            return Outcome(
                ImportReport(header.version, header.revision, parsed.counts(), True), tx.changes
            )
        if loaded is not None and header.revision <= loaded.revision and not allow_older:
            raise ConflictError(
                _(
                    "This file has revision {new}, but revision {old} is loaded already. "
                    "Only newer master data can be imported."
                ).format(new=header.revision, old=loaded.revision)
            )
        _apply(tx.session, parsed, now=core.clock.now())
        tx.session.add(
            MasterDataVersionRow(
                version=header.version,
                revision=header.revision,
                sha256=parsed.sha256,
                counts=parsed.counts(),
                imported_at=core.clock.now(),
                imported_by=actor.username,
            )
        )
        tx.record(
            action="masterdata.import",
            entity="masterdata",
            entity_id=header.version,
            before={"revision": loaded.revision} if loaded else None,
            after={"revision": header.revision, "sha256": parsed.sha256, **parsed.counts()},
            topics=(Topic.MASTER_DATA, Topic.USERS),
            sync=False,
        )
        return Outcome(
            ImportReport(header.version, header.revision, parsed.counts(), False), tx.changes
        )


def _apply(session: Session, parsed: MasterDataFile, *, now: datetime) -> None:
    """Upsert every record by its natural key; records not in the file are left as they are."""
    offices = {row.code: row for row in session.execute(select(OfficeRow)).scalars()}
    for office in parsed.offices:
        row = offices.get(office.code) or OfficeRow(code=office.code)
        row.name_az, row.name_ru, row.name_en = office.name.az, office.name.ru, office.name.en
        row.timezone = office.timezone
        row.districts = [d.model_dump() for d in office.districts]
        session.add(row)
        offices[office.code] = row
    services = {row.code: row for row in session.execute(select(ServiceRow)).scalars()}
    for order, service in enumerate(parsed.services):
        srow = services.get(service.code) or ServiceRow(code=service.code)
        srow.name_az, srow.name_ru, srow.name_en = (
            service.name.az,
            service.name.ru,
            service.name.en,
        )
        srow.queue_prefix = service.queue_prefix
        srow.applicant_kind = service.applicant_kind
        srow.decision_working_days = list(service.decision_working_days)
        srow.fields = [f.model_dump(mode="json") for f in service.fields]
        srow.checklist = [c.model_dump(mode="json") for c in service.checklist]
        srow.fees = [f.model_dump(mode="json") for f in service.fees]
        srow.sort_order = order
        srow.active = service.active
        session.add(srow)
    session.flush()
    counters = {
        (row.office_id, row.number): row for row in session.execute(select(CounterRow)).scalars()
    }
    for counter in parsed.counters:
        office_id = offices[counter.office].id
        crow = counters.get((office_id, counter.number)) or CounterRow(
            office_id=office_id, number=counter.number
        )
        crow.service_codes = list(counter.services)
        session.add(crow)
    for holiday in parsed.holidays:
        hrow = session.get(HolidayRow, holiday.date) or HolidayRow(day=holiday.date)
        hrow.name_az, hrow.name_ru, hrow.name_en = (
            holiday.name.az,
            holiday.name.ru,
            holiday.name.en,
        )
        session.add(hrow)
    users = {row.username: row for row in session.execute(select(UserRow)).scalars()}
    for user in parsed.users:
        existing = users.get(user.username)
        urow = existing or UserRow(
            username=user.username, failed_attempts=0, created_at=now, password_changed_at=now
        )
        urow.office_id = offices[user.office].id
        urow.full_name, urow.role, urow.active = user.full_name, user.role.value, user.active
        urow.password_hash = user.password_hash
        session.add(urow)
    session.flush()


def to_office(row: OfficeRow) -> Office:
    return Office(
        id=row.id,
        code=row.code,
        name=LocalizedText(row.name_az, row.name_ru, row.name_en),
        districts=tuple(LocalizedText(d["az"], d["ru"], d["en"]) for d in row.districts),
        timezone=row.timezone,
    )


def to_service(row: ServiceRow) -> Service:
    return Service(
        id=row.id,
        code=row.code,
        name=LocalizedText(row.name_az, row.name_ru, row.name_en),
        queue_prefix=row.queue_prefix,
        applicant_kind=row.applicant_kind,
        fields=tuple(
            FormField(
                f["key"],
                LocalizedText(**f["label"]),
                FieldKind(f["kind"]),
                f["required"],
                tuple(f["choices"]),
                f["pattern"],
            )
            for f in row.fields
        ),
        checklist=tuple(
            ChecklistItem(c["key"], LocalizedText(**c["label"]), c["required"])
            for c in row.checklist
        ),
        fees=tuple(
            FeeTier(
                f["category"], f["duration_months"], f["working_days"], Decimal(str(f["amount"]))
            )
            for f in row.fees
        ),
        decision_working_days=tuple(row.decision_working_days),
        active=row.active,
    )


def list_offices(session: Session) -> list[Office]:
    return [
        to_office(row)
        for row in session.execute(select(OfficeRow).order_by(OfficeRow.code)).scalars()
    ]


def list_services(session: Session) -> list[Service]:
    rows = session.execute(select(ServiceRow).order_by(ServiceRow.sort_order)).scalars()
    return [to_service(row) for row in rows]
