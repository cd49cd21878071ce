"""The desk's tables, as typed SQLAlchemy 2.0 models.

Records carry UUIDv7 primary keys so that rows made on different desks never collide.
Alembic migrations under ``migrations/`` create exactly these tables; a test compares them.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from app.db.types import UtcDateTime
from app.ids import new_id

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UtcDateTime(),
        dict[str, Any]: JSON(),
        list[Any]: JSON(),
    }


class OfficeRow(Base):
    __tablename__ = "offices"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name_az: Mapped[str] = mapped_column(String(200))
    name_ru: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Baku")
    districts: Mapped[list[Any]] = mapped_column(default=list)


class DeskRow(Base):
    """A desk of an office: this computer, or another desk sharing the office's database."""

    __tablename__ = "desks"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    office_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("offices.id"))
    name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime]


class CounterRow(Base):
    __tablename__ = "counters"
    __table_args__ = (UniqueConstraint("office_id", "number", name="uq_counters_office_number"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    office_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("offices.id"))
    number: Mapped[int] = mapped_column(Integer)
    service_codes: Mapped[list[Any]] = mapped_column(default=list)


class ServiceRow(Base):
    __tablename__ = "services"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name_az: Mapped[str] = mapped_column(String(200))
    name_ru: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    queue_prefix: Mapped[str] = mapped_column(String(2))
    applicant_kind: Mapped[str] = mapped_column(String(16))
    fields: Mapped[list[Any]] = mapped_column(default=list)
    checklist: Mapped[list[Any]] = mapped_column(default=list)
    fees: Mapped[list[Any]] = mapped_column(default=list)
    decision_working_days: Mapped[list[Any]] = mapped_column(default=list)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class HolidayRow(Base):
    __tablename__ = "holidays"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    name_az: Mapped[str] = mapped_column(String(200))
    name_ru: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))


class MasterDataVersionRow(Base):
    __tablename__ = "masterdata_versions"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    version: Mapped[str] = mapped_column(String(32))
    revision: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    counts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    imported_at: Mapped[datetime]
    imported_by: Mapped[str] = mapped_column(String(100))


class UserRow(Base):
    __tablename__ = "users"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    office_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("offices.id"))
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None]
    language: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime]
    password_changed_at: Mapped[datetime]


class SettingRow(Base):
    """Office settings that an administrator changes at the desk (lockout policy, ...)."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[dict[str, Any]] = mapped_column()


class AuditHeadRow(Base):
    """The one row that holds the end of the audit chain.

    Every change locks it first, which puts concurrent desks' audit rows in one order.
    """

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    last_hash: Mapped[str] = mapped_column(String(64))


class AuditRow(Base):
    __tablename__ = "audit_log"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    seq: Mapped[int] = mapped_column(BigInteger, unique=True)
    at: Mapped[datetime]
    actor_id: Mapped[uuid.UUID | None]
    actor_name: Mapped[str] = mapped_column(String(100))
    desk_id: Mapped[uuid.UUID | None]
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[str] = mapped_column(String(64), index=True)
    before: Mapped[dict[str, Any] | None]
    after: Mapped[dict[str, Any] | None]
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class OutboxRow(Base):
    """What sync will push to the centre, written in the same transaction as the change."""

    __tablename__ = "outbox"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    seq: Mapped[int] = mapped_column(BigInteger, unique=True)  # the audit row's sequence
    created_at: Mapped[datetime]
    desk_id: Mapped[uuid.UUID | None]
    entity: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[str] = mapped_column(String(64))
    operation: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]] = mapped_column()
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(Text)


class PersonRow(Base):
    """A person known to the desk. A merged person stays as a tombstone naming the one kept."""

    __tablename__ = "persons"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    surname: Mapped[str] = mapped_column(String(200))
    given_names: Mapped[str] = mapped_column(String(200))
    other_spellings: Mapped[list[Any]] = mapped_column(default=list)
    birth_date: Mapped[date | None] = mapped_column(Date, index=True)
    sex: Mapped[str] = mapped_column(String(1))
    nationality: Mapped[str] = mapped_column(String(3))
    fin: Mapped[str | None] = mapped_column(String(7))
    phone: Mapped[str | None] = mapped_column(String(50))
    email: Mapped[str | None] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(Text)
    merged_into: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("persons.id"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class PersonDocumentRow(Base):
    __tablename__ = "person_documents"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    number: Mapped[str] = mapped_column(String(40))
    issuing_state: Mapped[str] = mapped_column(String(3))
    expiry_date: Mapped[date | None] = mapped_column(Date)
    issued_date: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime]


class PersonSearchKeyRow(Base):
    """The keys a person is found by: phonetic name keys, document numbers and the FIN.

    The primary key starts with (kind, key), so a search is a range scan of one B-tree
    (``key >= q AND key < successor(q)``), the same on SQLite and PostgreSQL whatever the
    collation, as keys hold only ASCII letters and digits. On SQLite the table has no rowid:
    the rows live in that B-tree, and the index by person holds the whole key as well.
    """

    __tablename__ = "person_search_keys"
    __table_args__ = (
        Index("ix_person_search_keys_person_id", "person_id"),
        Index("ix_person_search_keys_kind_birth_year_key", "kind", "birth_year", "key"),
        {"sqlite_with_rowid": False},
    )

    kind: Mapped[str] = mapped_column(String(10), primary_key=True)
    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"), primary_key=True)
    # The person's year of birth, copied here so that "mammadov 1985" is one range scan of
    # (kind, birth_year, key) instead of a walk through every Mammadov.
    birth_year: Mapped[int | None] = mapped_column(Integer)


class DailyCounterRow(Base):
    """A number that runs through one office day: application numbers, queue tickets.

    One row per scope and day, incremented in place: concurrent desks on the office's shared
    database take the row's lock in turn, so no number is handed out twice, and yesterday's
    rows stay as history.
    """

    __tablename__ = "daily_counters"

    scope: Mapped[str] = mapped_column(String(64), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


class ApplicationRow(Base):
    __tablename__ = "applications"
    __table_args__ = (
        Index("ix_applications_state_updated_at", "state", "updated_at"),
        Index("ix_applications_person_id", "person_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    number: Mapped[str | None] = mapped_column(String(32), unique=True)
    office_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("offices.id"))
    service_code: Mapped[str] = mapped_column(String(32))
    person_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("persons.id"))
    state: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(8), default="desk")
    values: Mapped[dict[str, Any]] = mapped_column(default=dict)
    received: Mapped[list[Any]] = mapped_column(default=list)
    full_time_student: Mapped[bool] = mapped_column(Boolean, default=False)
    category: Mapped[str | None] = mapped_column(String(16))
    # Money as its decimal text ("160.00"): exact on every database.
    fee_amount: Mapped[str | None] = mapped_column(String(16))
    working_days: Mapped[int | None] = mapped_column(Integer)
    duration_months: Mapped[int | None] = mapped_column(Integer)
    payment_method: Mapped[str | None] = mapped_column(String(16))
    payment_reference: Mapped[str] = mapped_column(String(64), default="")
    submitted_at: Mapped[datetime | None]
    decision_due: Mapped[date | None] = mapped_column(Date)
    external_ref: Mapped[str | None] = mapped_column(String(64), unique=True)
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ApplicationHistoryRow(Base):
    __tablename__ = "application_history"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    application_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("applications.id"), index=True)
    at: Mapped[datetime]
    actor_name: Mapped[str] = mapped_column(String(100))
    from_state: Mapped[str | None] = mapped_column(String(16))
    to_state: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")


class FormDraftRow(Base):
    """The intake form a user is typing, saved as they type so a crash loses nothing.

    A scratchpad of this desk, one row per user: not a record of the service, so it is neither
    audited nor synced. What the clerk saves or submits becomes an application, which is.
    """

    __tablename__ = "form_drafts"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), primary_key=True)
    application_id: Mapped[uuid.UUID | None]
    form: Mapped[dict[str, Any]] = mapped_column()
    saved_at: Mapped[datetime]


class TrustedKeyRow(Base):
    """A public key whose signatures on QR codes this desk accepts.

    Most come with the master data; one is this desk's own receipt key (origin "desk"), trusted
    here from its first receipt on and sent to the centre when the desk enrols.
    """

    __tablename__ = "trusted_keys"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    kid: Mapped[str] = mapped_column(String(16), unique=True)  # base64, as the DCC writes it
    public_key: Mapped[str] = mapped_column(Text)  # PEM: a certificate or a bare public key
    kinds: Mapped[list[Any]] = mapped_column(default=list)  # "permit", "receipt"
    valid_from: Mapped[datetime | None]
    valid_until: Mapped[datetime | None]
    office_code: Mapped[str | None] = mapped_column(String(16))  # set for desk keys
    label: Mapped[str] = mapped_column(String(200), default="")
    origin: Mapped[str] = mapped_column(String(16))  # "masterdata" or "desk"
    updated_at: Mapped[datetime]


class RevocationRow(Base):
    """A permit or receipt withdrawn before its expiry, by its number (upper case)."""

    __tablename__ = "revocations"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    revoked_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text, default="")
