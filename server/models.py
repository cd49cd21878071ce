"""The central server's tables.

The server keeps no state outside these tables, so any number of server processes can share
one PostgreSQL database behind a load balancer. Tables are created by `reception-server init`.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, BigInteger, Index, Integer, LargeBinary, MetaData, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from app.db.models import NAMING
from app.db.types import UtcDateTime


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UtcDateTime(),
        dict[str, Any]: JSON(),
    }


class OfficeRow(Base):
    __tablename__ = "offices"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    names: Mapped[dict[str, Any]] = mapped_column()  # {"az": …, "ru": …, "en": …}
    timezone: Mapped[str] = mapped_column(String(64))


class DeskRow(Base):
    __tablename__ = "desks"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    office_code: Mapped[str] = mapped_column(String(16), index=True)
    name: Mapped[str] = mapped_column(String(100))
    public_key_pem: Mapped[str] = mapped_column(Text)
    kid: Mapped[str] = mapped_column(String(32), unique=True)
    database_id: Mapped[uuid.UUID | None]  # desks of one office database share it
    enrolled_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    last_seen_at: Mapped[datetime | None]


class EnrolCodeRow(Base):
    """A one-time enrolment code, kept only as its hash: a database dump reveals no code."""

    __tablename__ = "enrol_codes"

    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    office_code: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    desk_id: Mapped[uuid.UUID | None]


class NonceRow(Base):
    """Nonces of signed requests seen within the signature window: a replay hits the key."""

    __tablename__ = "request_nonces"

    desk_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    nonce: Mapped[str] = mapped_column(String(64), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(index=True)


class PushBatchRow(Base):
    """A push batch by its idempotency key, with the answer it got: a retry gets it again."""

    __tablename__ = "push_batches"

    desk_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    batch_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    request_sha256: Mapped[str] = mapped_column(String(64))
    answer: Mapped[dict[str, Any]] = mapped_column()
    received_at: Mapped[datetime]


class DeskRecordRow(Base):
    """Each record a desk pushed, under (desk, record id), never overwritten."""

    __tablename__ = "desk_records"

    desk_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    record_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    office_code: Mapped[str] = mapped_column(String(16))
    seq: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime]
    entity: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[str] = mapped_column(String(64))
    operation: Mapped[str] = mapped_column(String(64))
    # The payload's JSON as received: stored as text, so that a batch of thousands is encoded
    # once (for its hash and its row) instead of once per use.
    payload_json: Mapped[str] = mapped_column(Text)
    payload_sha256: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime]

    __table_args__ = (Index("ix_desk_records_entity", "entity", "entity_id"),)


class EntityRow(Base):
    """The latest state of each record the offices made, as the centre knows it."""

    __tablename__ = "entities"

    entity: Mapped[str] = mapped_column(String(64), primary_key=True)
    entity_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    office_code: Mapped[str] = mapped_column(String(16), index=True)
    desk_id: Mapped[uuid.UUID]
    seq: Mapped[int] = mapped_column(BigInteger)  # the desk's sequence of the latest change
    ref: Mapped[str | None] = mapped_column(String(64), index=True)  # e.g. an application's number
    payload_json: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime]

    @property
    def payload(self) -> dict[str, Any]:
        value = json.loads(self.payload_json)
        return value if isinstance(value, dict) else {}

    @payload.setter
    def payload(self, value: dict[str, Any]) -> None:
        self.payload_json = json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class FeedRow(Base):
    """The change feed. ``seq`` is assigned here, in commit order (see `server.store.publish`);
    office clocks never order anything."""

    __tablename__ = "feed"

    seq: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    office_code: Mapped[str | None] = mapped_column(String(16))  # None: for every office
    kind: Mapped[str] = mapped_column(String(32))
    key: Mapped[str] = mapped_column(String(128))
    operation: Mapped[str] = mapped_column(String(16))
    payload: Mapped[dict[str, Any]] = mapped_column()
    created_at: Mapped[datetime]

    __table_args__ = (Index("ix_feed_office_seq", "office_code", "seq"),)


class PermitRow(Base):
    __tablename__ = "permits"

    number: Mapped[str] = mapped_column(String(32), primary_key=True)
    application_id: Mapped[str] = mapped_column(String(64), unique=True)
    office_code: Mapped[str] = mapped_column(String(16))
    payload: Mapped[dict[str, Any]] = mapped_column()
    issued_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class UploadRow(Base):
    """A tus upload under way or finished (see `server.uploads`)."""

    __tablename__ = "uploads"

    uid: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)  # bytes received: the tus offset
    info: Mapped[dict[str, Any]] = mapped_column()  # tuspyserver's sidecar: length, metadata
    created_at: Mapped[datetime]
    sha256: Mapped[str | None] = mapped_column(String(64))  # set once checked whole


class UploadChunkRow(Base):
    __tablename__ = "upload_chunks"

    uid: Mapped[str] = mapped_column(String(64), primary_key=True)
    offset: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class StoredFileRow(Base):
    """A scan that arrived whole, under its SHA-256: what the desks ask about."""

    __tablename__ = "stored_files"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    upload_uid: Mapped[str] = mapped_column(String(64))
    stored_at: Mapped[datetime]
