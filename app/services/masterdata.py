"""Master data in the database: loading a validated file, reading offices and services.

The file format and its validation are in :mod:`app.services.masterdata_file`, imported only
when a file is loaded, so that starting the desk does not need pydantic.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import (
    CounterRow,
    HolidayRow,
    MasterDataVersionRow,
    OfficeRow,
    RevocationRow,
    ServiceRow,
    TrustedKeyRow,
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
from app.domain.users import Actor, Permission
from app.errors import ConflictError
from app.i18n import _
from app.resources import resources_dir
from app.services.core import Core, Transaction

if TYPE_CHECKING:
    from app.services.masterdata_file import MasterDataFile


def bundled_masterdata() -> Path:
    return resources_dir() / "masterdata" / "masterdata.jsonl"


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
    from app.services.masterdata_file import parse_masterdata

    parsed = parse_masterdata(data, source=source)
    with core.changing(actor, Permission.IMPORT_MASTER_DATA) as tx:
        report = import_parsed_in(tx, parsed, allow_older=allow_older)
        return Outcome(report, tx.changes)


def import_parsed_in(
    tx: Transaction, parsed: MasterDataFile, *, allow_older: bool = False
) -> ImportReport:
    """Load a checked master data file inside the caller's transaction (sync saves its feed
    cursor in the same one). The file already loaded changes nothing."""
    header = parsed.header
    loaded = current_version(tx.session)
    if loaded is not None and loaded.sha256 == parsed.sha256:
        return ImportReport(header.version, header.revision, parsed.counts(), True)
    if loaded is not None and header.revision <= loaded.revision and not allow_older:
        raise ConflictError(
            _(
                "This file has revision {new}, but revision {old} is loaded already. "
                "Only newer master data can be imported."
            ).format(new=header.revision, old=loaded.revision)
        )
    now = tx.core.clock.now()
    _apply(tx.session, parsed, now=now)
    tx.session.add(
        MasterDataVersionRow(
            version=header.version,
            revision=header.revision,
            sha256=parsed.sha256,
            counts=parsed.counts(),
            imported_at=now,
            imported_by=tx.actor.username,
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
    return ImportReport(header.version, header.revision, parsed.counts(), False)


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
        # The office knows best who serves what today: a supervisor's choice at the desk
        # stands until the supervisor changes it again.
        if not crow.set_at_desk:
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
    _apply_trust(session, parsed, now=now)
    session.flush()


def _apply_trust(session: Session, parsed: MasterDataFile, *, now: datetime) -> None:
    """Trusted keys by kid, revocations by number. A key is withdrawn by publishing it with a
    past ``valid_until``, never by leaving it out: a file that lost a line changes no trust."""
    keys = {row.kid: row for row in session.execute(select(TrustedKeyRow)).scalars()}
    for key in parsed.trusted_keys:
        krow = keys.get(key.kid) or TrustedKeyRow(kid=key.kid)
        krow.public_key = key.key
        krow.kinds = sorted(set(key.kinds))
        krow.valid_from, krow.valid_until = key.valid_from, key.valid_until
        krow.office_code, krow.label = key.office, key.label
        krow.origin, krow.updated_at = "masterdata", now
        session.add(krow)
    revoked = {row.number: row for row in session.execute(select(RevocationRow)).scalars()}
    for revocation in parsed.revoked:
        number = revocation.normalized_number
        rrow = revoked.get(number) or RevocationRow(number=number)
        rrow.revoked_on, rrow.reason = revocation.revoked_on, revocation.reason
        session.add(rrow)
        revoked[number] = rrow


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
                f.get("default"),
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
