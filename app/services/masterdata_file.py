"""Master data files: the format and its validation.

A file is JSON Lines: one record a line, so that a refusal can name the line and the field.
The first line is the header with the format, the version label and a revision number that
only grows; the central server publishes newer revisions in the same format.

    {"kind": "header", "format": 1, "version": "2026.11", "revision": 1}
    {"kind": "office", "code": "AGS", "name": {"az": "...", "ru": "...", "en": "..."}, ...}

Lines starting with ``#`` are comments.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter as Tally
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter
from pydantic import ValidationError as PydanticError

from app.domain.masterdata import FieldKind, LocalizedText
from app.domain.users import Role
from app.errors import MasterDataError
from app.i18n import _

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
