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
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
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
    # The office's supervisor chose the services here: master data imports leave them be.
    set_at_desk: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


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
    at: Mapped[datetime] = mapped_column(index=True)  # reports count the history by time
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


class QueueTicketRow(Base):
    """One leg of a visitor's way through the queue: from joining a service's queue to leaving
    it (served, not come, or transferred on).

    A transfer closes the leg and opens the next one with the same number, issue time and
    category, so each counter's service is measured apart while the visitor keeps their place.
    """

    __tablename__ = "queue_tickets"
    __table_args__ = (
        UniqueConstraint("office_id", "day", "number", "leg", name="uq_queue_tickets_number"),
        # Each queue's first waiting ticket, in order of issue, is one step into this index.
        Index(
            "ix_queue_tickets_office_id_day_state_issued_at",
            "office_id",
            "day",
            "state",
            "issued_at",
            "id",
        ),
        # Appointments in order of their booked time (NULL for every other ticket).
        Index(
            "ix_queue_tickets_office_id_day_state_appointment_at",
            "office_id",
            "day",
            "state",
            "appointment_at",
        ),
        Index("ix_queue_tickets_service_code_ended_at", "service_code", "ended_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    office_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("offices.id"))
    day: Mapped[date] = mapped_column(Date)  # the office day of the first issue
    number: Mapped[str] = mapped_column(String(8))
    leg: Mapped[int] = mapped_column(Integer, default=0)
    parent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("queue_tickets.id"))
    service_code: Mapped[str] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(16))
    priority: Mapped[str | None] = mapped_column(String(16))
    appointment_at: Mapped[datetime | None]
    booking_reference: Mapped[str | None] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(16))
    issued_at: Mapped[
        datetime
    ]  # the first issue: the place in the queue and the wait count from it
    queued_at: Mapped[datetime]  # when this leg joined its queue
    people_ahead: Mapped[int] = mapped_column(Integer, default=0)
    estimated_wait_minutes: Mapped[int] = mapped_column(Integer, default=0)
    target_counter: Mapped[int | None] = mapped_column(Integer)  # transferred to one counter
    counter_number: Mapped[int | None] = mapped_column(Integer)
    clerk_id: Mapped[uuid.UUID | None]
    clerk_name: Mapped[str | None] = mapped_column(String(100))
    first_called_at: Mapped[datetime | None]
    called_at: Mapped[datetime | None]  # the last call
    recalls: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]  # served, not come or transferred on
    application_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("applications.id"))
    issued_by: Mapped[str] = mapped_column(String(100))
    note: Mapped[str] = mapped_column(Text, default="")


class QueueCounterStateRow(Base):
    """What a counter is doing now: closed, open with a clerk, or paused with a reason."""

    __tablename__ = "queue_counter_states"

    office_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("offices.id"), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    clerk_id: Mapped[uuid.UUID | None]
    clerk_name: Mapped[str | None] = mapped_column(String(100))
    pause_reason: Mapped[str | None] = mapped_column(String(16))
    pause_note: Mapped[str] = mapped_column(String(200), default="")
    since: Mapped[datetime]
    # Where the counter stands in the normal:priority cycle (0 .. normal + priority - 1).
    ratio_step: Mapped[int] = mapped_column(Integer, default=0)


class QueuePauseRow(Base):
    """A clerk's pause at a counter, kept so idle time leaves pauses out."""

    __tablename__ = "queue_pauses"
    __table_args__ = (Index("ix_queue_pauses_office_id_day", "office_id", "day"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    office_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("offices.id"))
    day: Mapped[date] = mapped_column(Date)
    counter_number: Mapped[int] = mapped_column(Integer)
    clerk_id: Mapped[uuid.UUID | None]
    clerk_name: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(String(200), default="")
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]


class QueueVersionRow(Base):
    """A number that grows with every change of an office's queue.

    Desks on SQLite watch it by reading this one row; on PostgreSQL a NOTIFY says the same.
    """

    __tablename__ = "queue_versions"

    office_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("offices.id"), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0)
    changed_at: Mapped[datetime]


class PrintJobRow(Base):
    """The print log: one row for each time a document was sent to a printer, or failed to be.

    A reprint is counted per document (kind and record); its copy is marked as a duplicate.
    """

    __tablename__ = "print_jobs"
    __table_args__ = (Index("ix_print_jobs_kind_record_id", "kind", "record_id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(16))  # "receipt", "card", "ticket"
    record_id: Mapped[uuid.UUID]
    number: Mapped[str] = mapped_column(String(40))
    reprint: Mapped[int] = mapped_column(Integer)  # 0: the first copy printed
    printer: Mapped[str] = mapped_column(String(200))
    copies: Mapped[int] = mapped_column(Integer)
    result: Mapped[str] = mapped_column(String(8))  # "sent" or "failed"
    reason: Mapped[str] = mapped_column(Text, default="")
    job_id: Mapped[str] = mapped_column(String(64), default="")
    printed_at: Mapped[datetime] = mapped_column(index=True)
    actor_id: Mapped[uuid.UUID | None]
    actor_name: Mapped[str] = mapped_column(String(100))
    desk_id: Mapped[uuid.UUID | None]


class AttachmentRow(Base):
    """A stored document file (a scan's PDF, an imported picture), named by its SHA-256.

    The file lives in the data folder's ``scans/`` under its hash; this row says what it is,
    who stored it, and which application's checklist item it stands for, once attached.
    """

    __tablename__ = "attachments"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(BigInteger)
    media_type: Mapped[str] = mapped_column(String(64))
    pages: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(100))
    application_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("applications.id"), index=True
    )
    checklist_key: Mapped[str | None] = mapped_column(String(64))
    # When the file reached the centre (checked by its SHA-256 there); None: still to upload.
    uploaded_at: Mapped[datetime | None]
    # The upload's address at the centre while it is under way: a cut upload resumes there.
    upload_url: Mapped[str | None] = mapped_column(String(300))


class SyncStateRow(Base):
    """This desk's enrolment with the central server and where it is in the change feed."""

    __tablename__ = "sync_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # always 1: one enrolment
    server_url: Mapped[str] = mapped_column(String(300))
    remote_desk_id: Mapped[uuid.UUID]
    office_code: Mapped[str] = mapped_column(String(16))
    enrolled_at: Mapped[datetime]
    feed_cursor: Mapped[int] = mapped_column(BigInteger, default=0)
    last_push_at: Mapped[datetime | None]
    last_pull_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    clock_offset_seconds: Mapped[float] = mapped_column(Float, default=0.0)


class PermitRow(Base):
    """A permit the centre signed for an application of this office, ready for the card."""

    __tablename__ = "permits"

    number: Mapped[str] = mapped_column(String(32), primary_key=True)
    application_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    person_id: Mapped[uuid.UUID | None]
    payload: Mapped[dict[str, Any]] = mapped_column()
    received_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class PersonClashRow(Base):
    """A field of a person two offices changed differently: the centre kept its value and
    asks a supervisor to settle it (see `app.services.clashes`)."""

    __tablename__ = "person_clashes"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    person_id: Mapped[uuid.UUID] = mapped_column(index=True)
    field: Mapped[str] = mapped_column(String(64))
    centre_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    desk_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    desk_office: Mapped[str] = mapped_column(String(16))
    received_at: Mapped[datetime]
    settled_at: Mapped[datetime | None]
    settled_by: Mapped[str | None] = mapped_column(String(100))


class DayCloseRow(Base):
    """An office day a supervisor approved: its records are frozen until it is reopened.

    One row per day, kept when the day is reopened (``closed`` false, the reopening's who, when
    and why filled), so a day closed, reopened and closed again reads as its last state; the
    audit log holds every step. ``totals`` is what the supervisor saw when approving.
    """

    __tablename__ = "day_closes"

    day: Mapped[date] = mapped_column(Date, primary_key=True)  # the office day, in its zone
    office_id: Mapped[uuid.UUID | None]
    closed: Mapped[bool] = mapped_column(Boolean, default=True)
    closed_at: Mapped[datetime]
    closed_by: Mapped[str] = mapped_column(String(100))
    reopened_at: Mapped[datetime | None]
    reopened_by: Mapped[str | None] = mapped_column(String(100))
    reopen_reason: Mapped[str | None] = mapped_column(Text)
    totals: Mapped[dict[str, Any]] = mapped_column(default=dict)


class VoidRow(Base):
    """A receipt or a permit card declared void by a supervisor, with the reason.

    A document is voided once and for good: it is not printed again (unique by kind and number).
    """

    __tablename__ = "voids"
    __table_args__ = (UniqueConstraint("kind", "number", name="uq_voids_kind_number"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(16))  # "receipt" or "card"
    record_id: Mapped[uuid.UUID | None] = mapped_column(index=True)  # the application
    number: Mapped[str] = mapped_column(String(40))  # application or permit number
    reason: Mapped[str] = mapped_column(Text)
    voided_at: Mapped[datetime]
    actor_id: Mapped[uuid.UUID | None]
    voided_by: Mapped[str] = mapped_column(String(100))
    desk_id: Mapped[uuid.UUID | None]
