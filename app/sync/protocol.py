"""What the desk and the central server say to each other: one definition for both sides.

The server builds its OpenAPI document from these models and validates every request with
them; the desk builds its requests and reads the answers with the same classes, so the two
cannot drift apart. Version 1 lives under ``/v1``.

Ownership (written down here because both sides rely on it):

* Records made at a desk (persons, applications, tickets, receipts, scans) belong to that desk.
  They go up as outbox records; the server keeps each under (desk, record id) and never
  overwrites one: the same payload again replays the stored answer, another payload under a
  known id is a conflict for a person to look at.
* Decisions, permits, master data, users, the trust and revocation lists belong to the centre.
  They come down through the change feed and are applied at the desk through the same core
  services as local work.
* A person edited at two offices is merged field by field at the centre, both versions kept in
  the person's history; a true clash (both changed the same field differently) is listed for a
  supervisor instead of being decided by whichever arrived last.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field

API_PREFIX: Final = "/v1"
# Requests are signed with the time they were made: the server refuses a signature older or
# newer than this, so a captured request cannot be played again later.
SIGNATURE_WINDOW_SECONDS: Final = 300
# A desk whose clock is further than this from the server's is warned: tickets, deadlines and
# receipts carry the desk's time.
CLOCK_WARNING_SECONDS: Final = 120
MAX_PUSH_RECORDS: Final = 5000
MAX_FEED_PAGE: Final = 5000
MAX_BODY_BYTES: Final = 32 * 1024 * 1024

# The headers of a signed request (see app.sync.signing).
HEADER_DESK: Final = "X-Desk-Id"
HEADER_TIME: Final = "X-Desk-Time"
HEADER_NONCE: Final = "X-Desk-Nonce"
HEADER_SIGNATURE: Final = "X-Desk-Signature"


class _Message(BaseModel):
    # Unknown fields are refused: a typo in a client is an error, not silently ignored data.
    model_config = ConfigDict(extra="forbid", frozen=True)


class ServerTime(_Message):
    server_time: datetime


class EnrolRequest(_Message):
    code: str = Field(min_length=6, max_length=64, description="the one-time enrolment code")
    desk_name: str = Field(min_length=1, max_length=100)
    public_key_pem: str = Field(
        min_length=100, max_length=4000, description="the desk's P-256 public key, PEM"
    )
    database_id: uuid.UUID | None = Field(
        default=None,
        description="the desk's database (desks sharing the office's PostgreSQL share it): "
        "the centre sends persons back only to desks that do not hold them already",
    )


class EnrolAnswer(_Message):
    desk_id: uuid.UUID
    office_code: str
    server_time: datetime


class OutboxRecord(_Message):
    """One change made at the desk, as its outbox row holds it."""

    id: uuid.UUID = Field(description="the outbox row's id: the record id the server keys on")
    seq: int = Field(ge=1, description="the desk's audit sequence: the order of changes")
    created_at: datetime
    entity: str = Field(min_length=1, max_length=64)
    entity_id: str = Field(min_length=1, max_length=64)
    operation: str = Field(min_length=1, max_length=64)
    payload: dict[str, Any]
    # The record as the desk had it before this change, where the centre merges edits made at
    # two offices (persons): what the desk changed is what differs from it.
    before: dict[str, Any] | None = None


class PushBatch(_Message):
    batch_id: uuid.UUID = Field(description="the idempotency key of this batch")
    records: list[OutboxRecord] = Field(max_length=MAX_PUSH_RECORDS)


class RecordStatus(StrEnum):
    ACCEPTED = "accepted"  # stored now
    REPLAYED = "replayed"  # stored before with the same payload: the stored answer again
    CONFLICT = "conflict"  # a different payload under a known id: a person must look
    REJECTED = "rejected"  # refused as invalid: the desk quarantines it with the reason


class RecordAnswer(_Message):
    id: uuid.UUID
    status: RecordStatus
    # HTTP's words for the same outcome, for people reading logs: 200, 409 or 422.
    code: Literal[200, 409, 422]
    reason: str = ""


class PushAnswer(_Message):
    batch_id: uuid.UUID
    results: list[RecordAnswer]
    server_time: datetime


class FeedOperation(StrEnum):
    UPSERT = "upsert"
    DELETE = "delete"  # a tombstone: the desk removes or retires what the id names


class FeedKind(StrEnum):
    """What the centre sends down."""

    MASTER_DATA = "masterdata"  # a whole published master data file (its text)
    DECISION = "decision"  # approve or refuse on an application of this office
    PERMIT = "permit"  # a permit signed by the centre, ready for the card printer
    REVOCATION = "revocation"  # a revoked permit or document
    E_APPLICATION = "e_application"  # an application made on the portal for this office
    DESK = "desk"  # a desk enrolled or revoked (its key, which also signs its receipts)
    TRUSTED_KEY = "trusted_key"  # a key of the centre that desks trust for permits
    PERSON = "person"  # a person as merged at the centre from edits at two offices
    CLASH = "clash"  # two offices changed the same field differently: a supervisor settles it


class FeedChange(_Message):
    seq: int = Field(ge=1, description="assigned by the server; the feed's only order")
    kind: FeedKind
    key: str = Field(description="what the change is about, unique within its kind")
    operation: FeedOperation
    payload: dict[str, Any]
    created_at: datetime


class FeedPage(_Message):
    changes: list[FeedChange]
    last_seq: int = Field(ge=0, description="the cursor to ask from next time")
    more: bool
    server_time: datetime


FILES_PATH: Final = f"{API_PREFIX}/files"  # tus uploads of scans


class StoredFile(_Message):
    """Whether a scan reached the centre whole (its SHA-256 checked there)."""

    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    stored: bool


class Problem(_Message):
    """Every refusal: a code a program can test and a sentence a person can read."""

    code: str
    detail: str
