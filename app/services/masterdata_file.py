"""Master data files: the format and its validation.

A file is JSON Lines: one record a line, so that a refusal can name the line and the field.
The first line is the header with the format, the version label and a revision number that
only grows; the central server publishes newer revisions in the same format.

    {"kind": "header", "format": 1, "version": "2026.11", "revision": 1}
    {"kind": "office", "code": "AGS", "name": {"az": "...", "ru": "...", "en": "..."}, ...}
    {"kind": "trusted_key", "kid": "wnz28hlOREU=", "key": "-----BEGIN PUBLIC KEY-----...",
     "kinds": ["permit", "receipt"], "valid_until": "2031-01-01T00:00:00+04:00", "label": "..."}
    {"kind": "revoked", "number": "AZ2026-0012345", "revoked_on": "2026-11-20", "reason": "..."}

Lines starting with ``#`` are comments.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections import Counter as Tally
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Final, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, TypeAdapter, field_validator
from pydantic import ValidationError as PydanticError

from app.domain.masterdata import FieldKind, LocalizedText
from app.domain.users import Role
from app.errors import MasterDataError
from app.i18n import _
from app.security.keys import (
    KID_LENGTH,
    KeyFormatError,
    TrustedKey,
    normalize_document_number,
    trusted_key_from_pem,
)
from app.security.qr_codec import QrKind

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
    # A date field's suggested value: "today", or another date field's key, each optionally
    # shifted by days ("arrival_date+90"). The clerk can always type over it.
    default: str | None = Field(default=None, pattern=r"^(today|[a-z][a-z0-9_]*)([+-][0-9]{1,4})?$")


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


class TrustedKeyRecord(_Strict):
    """A public key whose signatures on QR codes desks accept.

    ``key`` is PEM: an X.509 certificate (the kid is then the DCC's, of the certificate's DER)
    or a bare public key (the kid of its SubjectPublicKeyInfo DER). ``office`` marks a desk's
    own key, which may sign receipts only.
    """

    kind: Literal["trusted_key"]
    kid: str = Field(min_length=1, max_length=24)  # base64 of the 8-byte key id
    key: str = Field(min_length=1, max_length=16384)
    kinds: list[Literal["permit", "receipt"]] = Field(min_length=1)
    valid_from: AwareDatetime | None = None
    valid_until: AwareDatetime | None = None
    office: str | None = None
    label: str = Field(default="", max_length=200)

    @field_validator("kid")
    @classmethod
    def _kid_is_base64(cls, value: str) -> str:
        try:
            raw = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise ValueError("not base64") from None
        if len(raw) != KID_LENGTH:
            raise ValueError(f"a key id has {KID_LENGTH} bytes, this one {len(raw)}")
        return value

    @field_validator("key")
    @classmethod
    def _key_is_pem(cls, value: str) -> str:
        try:
            trusted_key_from_pem(value)
        except KeyFormatError as error:
            raise ValueError(f"not a usable PEM public key or certificate ({error})") from None
        return value

    def trusted_key(self) -> TrustedKey:
        """The key as the verifier uses it."""
        kinds = {QrKind.PERMIT if name == "permit" else QrKind.RECEIPT for name in self.kinds}
        return trusted_key_from_pem(
            self.key,
            kinds=kinds,
            label=self.label,
            not_before=self.valid_from,
            not_after=self.valid_until,
        )


class RevokedRecord(_Strict):
    """A permit or receipt withdrawn before its expiry: its code no longer verifies as valid."""

    kind: Literal["revoked"]
    number: str = Field(pattern=r"^\s*[A-Za-z0-9][A-Za-z0-9/.-]{0,39}\s*$")
    revoked_on: date
    reason: str = Field(default="", max_length=500)

    @property
    def normalized_number(self) -> str:
        return normalize_document_number(self.number)


Record = Annotated[
    HeaderRecord
    | OfficeRecord
    | ServiceRecord
    | CounterRecord
    | HolidayRecord
    | UserRecord
    | TrustedKeyRecord
    | RevokedRecord,
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
    trusted_keys: tuple[TrustedKeyRecord, ...]
    revoked: tuple[RevokedRecord, ...]
    sha256: str

    def counts(self) -> dict[str, int]:
        return {
            "offices": len(self.offices),
            "services": len(self.services),
            "counters": len(self.counters),
            "holidays": len(self.holidays),
            "users": len(self.users),
            "trusted_keys": len(self.trusted_keys),
            "revoked": len(self.revoked),
        }


_RECORD_KINDS: Final = frozenset(
    {"header", "office", "service", "counter", "holiday", "user", "trusted_key", "revoked"}
)


def _field_path(location: tuple[Any, ...]) -> str:
    # pydantic puts the discriminator's tag first ("office", "name", "az"): drop it.
    parts = [str(part) for part in location]
    if parts and parts[0] in _RECORD_KINDS:
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
    _check_trusted_keys(by_kind.get(TrustedKeyRecord, []), office_codes, source)
    _check_revocations(by_kind.get(RevokedRecord, []), source)

    def of(kind: type) -> tuple[Any, ...]:
        return tuple(record for _n, record in by_kind.get(kind, []))

    return MasterDataFile(
        records[0][1],
        of(OfficeRecord),
        of(ServiceRecord),
        of(CounterRecord),
        of(HolidayRecord),
        of(UserRecord),
        of(TrustedKeyRecord),
        of(RevokedRecord),
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


def _refuse(source: str, line: int, field: str, problem: str) -> MasterDataError:
    return MasterDataError(
        _("{source}, line {line}, field '{field}': {problem}").format(
            source=source, line=line, field=field, problem=problem
        ),
        line=line,
        field=field,
    )


def _check_trusted_keys(
    items: list[tuple[int, TrustedKeyRecord]], office_codes: set[str], source: str
) -> None:
    seen: set[str] = set()
    for number, record in items:
        trusted = record.trusted_key()
        kid = base64.b64encode(trusted.kid).decode("ascii")
        if record.kid != kid:
            # A kid that does not fit its key would make codes signed by it look unknown, or
            # worse, let one key pass under another's name.
            raise _refuse(
                source,
                number,
                "kid",
                _("the key id {value} does not fit the key, whose id is {expected}.").format(
                    value=record.kid, expected=kid
                ),
            )
        if kid in seen:
            raise _refuse(source, number, "kid", _("{value} appears twice.").format(value=kid))
        seen.add(kid)
        if record.office is not None:
            _check_reference(record.office, office_codes, number, "office", source)
            if "permit" in record.kinds:
                # Permits are signed by the central service only: a copied desk key must
                # never make a permit that verifies.
                raise _refuse(source, number, "kinds", _("a desk's key may sign receipts only."))
        starts, ends = trusted.not_before, trusted.not_after
        if starts is not None and ends is not None and ends <= starts:
            raise _refuse(
                source, number, "valid_until", _("the key's validity ends before it starts.")
            )


def _check_revocations(items: list[tuple[int, RevokedRecord]], source: str) -> None:
    seen: set[str] = set()
    for number, record in items:
        value = record.normalized_number
        if value in seen:
            raise _refuse(source, number, "number", _("{value} appears twice.").format(value=value))
        seen.add(value)
