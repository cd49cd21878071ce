"""What the central server does, on a session: no HTTP here, so the API and the command line
share every rule.

Each function runs inside the caller's transaction; the caller commits.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from pydantic_core import to_json
from sqlalchemy import delete, func, insert, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.security.keys import KeyFormatError, kid_for_public_key, verifying_key_from_pem
from app.services.masterdata_file import MasterDataFile
from app.sync import protocol, signing
from app.sync.protocol import (
    FeedChange,
    FeedKind,
    FeedOperation,
    FeedPage,
    OutboxRecord,
    PushAnswer,
    PushBatch,
    RecordAnswer,
    RecordStatus,
)
from server import people
from server.models import (
    Base,
    DeskRecordRow,
    DeskRow,
    EnrolCodeRow,
    EntityRow,
    FeedRow,
    NonceRow,
    OfficeRow,
    PushBatchRow,
)

ENROL_CODE_VALID: Final = timedelta(days=7)
# Records the centre keeps a current state of, and accepts from desks. Anything else is refused
# with its name, so that a desk newer than the server quarantines it instead of losing it.
DESK_ENTITIES: Final = frozenset(
    {
        "application",
        "attachment",
        "card",  # a permit card voided at the desk
        "day_close",  # an office day closed or reopened by its supervisor
        "person",
        "person_import",
        "print_job",
        "queue_ticket",
        "queue_counter",
        "receipt",
        "setting",
        "user",
        "desk",
        "trusted_key",
        "masterdata",
    }
)
# One feed writer at a time (PostgreSQL advisory lock key): a sequence number is then never
# committed after a larger one, so a desk paging by ``seq`` cannot skip a change.
_FEED_LOCK: Final = 0x5EED
_NONCE_SWEEP_ONE_IN: Final = 200
# The tables as Core sees them: bulk statements on them skip the ORM's per-row bookkeeping.
_ENTITIES: Final = Base.metadata.tables["entities"]
_DESK_RECORDS: Final = Base.metadata.tables["desk_records"]
_FEED: Final = Base.metadata.tables["feed"]


class ProblemError(Exception):
    """A refusal with its HTTP status, a code for programs and a sentence for people."""

    def __init__(self, status: int, code: str, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail


# --- Offices, master data and the feed ------------------------------------------------------


def publish(
    session: Session,
    *,
    kind: FeedKind,
    key: str,
    payload: dict[str, Any],
    now: datetime,
    office_code: str | None = None,
    operation: FeedOperation = FeedOperation.UPSERT,
) -> int:
    """Append one change to the feed; its sequence number is the feed's only order."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _FEED_LOCK})
    row = FeedRow(
        office_code=office_code,
        kind=kind.value,
        key=key,
        operation=operation.value,
        payload=payload,
        created_at=now,
    )
    session.add(row)
    session.flush()
    return row.seq


def publish_many(session: Session, rows: list[dict[str, Any]]) -> None:
    """Append many changes at once (rows of the feed table, without their sequence)."""
    if not rows:
        return
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _FEED_LOCK})
    for start in range(0, len(rows), 500):
        session.execute(insert(_FEED), rows[start : start + 500])


def publish_masterdata(session: Session, parsed: MasterDataFile, raw: bytes, now: datetime) -> int:
    """Load the offices of a master data file and send the file to every desk."""
    for office in parsed.offices:
        names = {"az": office.name.az, "ru": office.name.ru, "en": office.name.en}
        row = session.get(OfficeRow, office.code)
        if row is None:
            session.add(OfficeRow(code=office.code, names=names, timezone=office.timezone))
        else:
            row.names, row.timezone = names, office.timezone
    return publish(
        session,
        kind=FeedKind.MASTER_DATA,
        key="masterdata",
        payload={
            "revision": parsed.header.revision,
            "sha256": parsed.sha256,
            "text": raw.decode("utf-8"),
        },
        now=now,
    )


def latest_masterdata(session: Session) -> bytes | None:
    payload = session.execute(
        select(FeedRow.payload)
        .where(FeedRow.kind == FeedKind.MASTER_DATA.value)
        .order_by(FeedRow.seq.desc())
        .limit(1)
    ).scalar_one_or_none()
    return payload["text"].encode("utf-8") if payload else None


@dataclass(frozen=True, slots=True)
class OfficeInfo:
    code: str
    names: dict[str, str]
    timezone: str
    desks: int


def offices(session: Session) -> list[OfficeInfo]:
    counts = dict(
        session.execute(
            select(DeskRow.office_code, func.count())
            .where(DeskRow.revoked_at.is_(None))
            .group_by(DeskRow.office_code)
        ).all()
    )
    return [
        OfficeInfo(row.code, dict(row.names), row.timezone, int(counts.get(row.code, 0)))
        for row in session.execute(select(OfficeRow).order_by(OfficeRow.code)).scalars()
    ]


# --- Enrolment ------------------------------------------------------------------------------


def _code_hash(code: str) -> str:
    return hashlib.sha256(code.strip().lower().encode()).hexdigest()


def new_enrol_code(session: Session, office_code: str, now: datetime) -> str:
    if session.get(OfficeRow, office_code) is None:
        raise ProblemError(404, "unknown_office", f"There is no office {office_code}.")
    # Read aloud over the phone and typed at the desk: no 0/O or 1/l/I look-alikes.
    alphabet = "abcdefghijkmnpqrstuvwxyz23456789"
    code = "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(4))
    session.add(
        EnrolCodeRow(
            code_hash=_code_hash(code),
            office_code=office_code,
            created_at=now,
            expires_at=now + ENROL_CODE_VALID,
            used_at=None,
            desk_id=None,
        )
    )
    return code


def enrol(session: Session, request: protocol.EnrolRequest, now: datetime) -> protocol.EnrolAnswer:
    code = session.get(EnrolCodeRow, _code_hash(request.code), with_for_update=True)
    if code is None or code.used_at is not None or code.expires_at < now:
        raise ProblemError(
            403,
            "bad_enrol_code",
            "This enrolment code is unknown, used already or expired: "
            "ask the centre for a new one.",
        )
    try:
        public_key = verifying_key_from_pem(request.public_key_pem)
    except KeyFormatError as error:
        raise ProblemError(
            422, "bad_public_key", f"The public key cannot be used: {error}"
        ) from error
    kid = kid_for_public_key(public_key).hex()
    if session.execute(select(DeskRow.id).where(DeskRow.kid == kid)).first():
        raise ProblemError(409, "key_in_use", "Another desk enrolled with this key already.")
    desk_id = uuid.uuid4()
    session.add(
        DeskRow(
            id=desk_id,
            office_code=code.office_code,
            name=request.desk_name,
            public_key_pem=request.public_key_pem,
            kid=kid,
            database_id=request.database_id,
            enrolled_at=now,
            revoked_at=None,
            last_seen_at=None,
        )
    )
    code.used_at, code.desk_id = now, desk_id
    # Every desk learns the new desk's key, so that its receipts can be checked anywhere.
    publish(
        session,
        kind=FeedKind.DESK,
        key=kid,
        payload={
            "desk_id": str(desk_id),
            "office_code": code.office_code,
            "name": request.desk_name,
            "kid": kid,
            "public_key": request.public_key_pem,
        },
        now=now,
    )
    return protocol.EnrolAnswer(desk_id=desk_id, office_code=code.office_code, server_time=now)


def revoke_desk(session: Session, desk_id: uuid.UUID, now: datetime) -> None:
    desk = session.get(DeskRow, desk_id)
    if desk is None:
        raise ProblemError(404, "unknown_desk", f"There is no desk {desk_id}.")
    if desk.revoked_at is None:
        desk.revoked_at = now
        publish(
            session,
            kind=FeedKind.DESK,
            key=desk.kid,
            payload={"desk_id": str(desk.id), "kid": desk.kid},
            now=now,
            operation=FeedOperation.DELETE,
        )


# --- Authentication -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SignedDesk:
    """The desk a request is signed by, and the nonce to keep with the request's work."""

    id: uuid.UUID
    office_code: str
    nonce: str
    database_id: uuid.UUID | None = None


def authenticate(
    session: Session,
    headers: Mapping[str, str],
    *,
    method: str,
    target: str,
    body: bytes,
    now: datetime,
) -> SignedDesk:
    """The desk that signed this request, or a Problem saying why it is refused. Reads only:
    the nonce is kept by `remember_nonce` in the transaction of the request's own work."""
    refused = ProblemError(
        401, "not_authenticated", "The request is not signed by an enrolled desk."
    )
    try:
        signed = signing.read_headers(headers)
    except signing.BadSignatureHeadersError as error:
        raise refused from error
    desk = session.get(DeskRow, signed.desk_id)
    if desk is None:
        raise refused
    if desk.revoked_at is not None:
        raise ProblemError(403, "desk_revoked", "This desk's enrolment was revoked by the centre.")
    skew = abs(now.timestamp() - signed.timestamp)
    if skew > protocol.SIGNATURE_WINDOW_SECONDS:
        raise ProblemError(
            401,
            "clock_skew",
            f"The request's time is {int(skew)} s away from the server's: "
            "correct the desk's clock.",
        )
    key = verifying_key_from_pem(desk.public_key_pem)
    if not signing.signature_valid(key, signed, method, target, body):
        raise refused
    return SignedDesk(desk.id, desk.office_code, signed.nonce, desk.database_id)


def remember_nonce(session: Session, desk: SignedDesk, now: datetime) -> None:
    """Keep the request's nonce with its work: the same request again fails on it, whether it
    comes after the commit or at the same moment (the second waits, then fails)."""
    try:
        with session.begin_nested():
            session.add(NonceRow(desk_id=desk.id, nonce=desk.nonce, seen_at=now))
    except IntegrityError as error:
        raise ProblemError(401, "replayed", "This request was received before.") from error
    session.execute(update(DeskRow).where(DeskRow.id == desk.id).values(last_seen_at=now))
    # Now and then, not on every request: old nonces can never be replayed (their time is
    # refused), so they only take room.
    if secrets.randbelow(_NONCE_SWEEP_ONE_IN) == 0:
        forget_old_nonces(session, now)


def forget_old_nonces(session: Session, now: datetime) -> int:
    """Nonces older than twice the window can never be replayed (their time is refused)."""
    horizon = now - timedelta(seconds=2 * protocol.SIGNATURE_WINDOW_SECONDS)
    result = session.execute(delete(NonceRow).where(NonceRow.seen_at < horizon))
    return int(getattr(result, "rowcount", 0) or 0)


# --- Push -----------------------------------------------------------------------------------


def _chunks(items: Sequence[Any], size: int = 500) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def push(
    session: Session, desk: SignedDesk, batch: PushBatch, request_sha256: str, now: datetime
) -> PushAnswer:
    """Store a batch of a desk's records; the same batch again gets the same answer."""
    known = session.get(PushBatchRow, (desk.id, batch.batch_id))
    if known is not None:
        if known.request_sha256 != request_sha256:
            raise ProblemError(
                409,
                "batch_id_reused",
                "This batch id came before with other records: a new batch needs a new id.",
            )
        return PushAnswer.model_validate(known.answer)
    stored: dict[uuid.UUID, str] = {}
    for chunk in _chunks([record.id for record in batch.records]):
        stored.update(
            session.execute(
                select(DeskRecordRow.record_id, DeskRecordRow.payload_sha256).where(
                    DeskRecordRow.desk_id == desk.id, DeskRecordRow.record_id.in_(chunk)
                )
            ).all()
        )
    results: list[RecordAnswer] = []
    new_rows: list[dict[str, Any]] = []
    latest: dict[tuple[str, str], OutboxRecord] = {}
    fresh: list[OutboxRecord] = []
    for record in batch.records:
        # Rust-side JSON of the whole record: the same record sent again gives the same bytes.
        content = record.model_dump_json()
        digest = hashlib.sha256(content.encode()).hexdigest()
        if record.id in stored:
            if stored[record.id] == digest:
                results.append(RecordAnswer(id=record.id, status=RecordStatus.REPLAYED, code=200))
            else:
                results.append(
                    RecordAnswer(
                        id=record.id,
                        status=RecordStatus.CONFLICT,
                        code=409,
                        reason="A different record was received before under this id.",
                    )
                )
            continue
        problem = _invalid(record)
        if problem:
            results.append(
                RecordAnswer(id=record.id, status=RecordStatus.REJECTED, code=422, reason=problem)
            )
            continue
        stored[record.id] = digest  # the same id twice in one batch is a replay of the first
        new_rows.append(
            {
                "desk_id": desk.id,
                "record_id": record.id,
                "office_code": desk.office_code,
                "seq": record.seq,
                "created_at": record.created_at,
                "entity": record.entity,
                "entity_id": record.entity_id,
                "operation": record.operation,
                "payload_json": to_json(record.payload).decode(),
                "payload_sha256": digest,
                "received_at": now,
            }
        )
        fresh.append(record)
        current = latest.get((record.entity, record.entity_id))
        if current is None or record.seq > current.seq:
            latest[(record.entity, record.entity_id)] = record
        results.append(RecordAnswer(id=record.id, status=RecordStatus.ACCEPTED, code=200))
    for chunk in _chunks(new_rows):
        session.execute(insert(_DESK_RECORDS), list(chunk))
    _update_entities(
        session, desk, [record for record in latest.values() if record.entity != people.ENTITY], now
    )
    # Persons are merged field by field, every change in order: two offices may edit one.
    people.apply_people(
        session, desk, [record for record in fresh if record.entity == people.ENTITY], now
    )
    answer = PushAnswer(batch_id=batch.batch_id, results=results, server_time=now)
    session.add(
        PushBatchRow(
            desk_id=desk.id,
            batch_id=batch.batch_id,
            request_sha256=request_sha256,
            answer=answer.model_dump(mode="json"),
            received_at=now,
        )
    )
    return answer


def _invalid(record: OutboxRecord) -> str:
    if record.entity not in DESK_ENTITIES:
        return f"The centre does not take records of the kind “{record.entity}”."
    return ""


def _update_entities(
    session: Session, desk: SignedDesk, records: list[OutboxRecord], now: datetime
) -> None:
    """Keep the latest state of each record; an older change arriving late never wins."""
    if not records:
        return
    dialect = session.get_bind().dialect.name
    upsert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    # One statement run for many rows (executemany): compiled once, not once per row.
    statement = upsert(_ENTITIES)
    excluded = statement.excluded
    statement = statement.on_conflict_do_update(
        index_elements=[_ENTITIES.c.entity, _ENTITIES.c.entity_id],
        set_={
            "payload_json": excluded.payload_json,
            "ref": excluded.ref,
            "seq": excluded.seq,
            "desk_id": excluded.desk_id,
            "updated_at": excluded.updated_at,
        },
        # The same desk's later change replaces its earlier one; another desk's record under
        # the same id is not this desk's to change.
        where=(_ENTITIES.c.desk_id == excluded.desk_id) & (_ENTITIES.c.seq < excluded.seq),
    )
    values = [
        {
            "entity": record.entity,
            "entity_id": record.entity_id,
            "office_code": desk.office_code,
            "desk_id": desk.id,
            "seq": record.seq,
            "ref": _ref(record),
            "payload_json": to_json(record.payload).decode(),
            "updated_at": now,
        }
        for record in records
    ]
    for chunk in _chunks(values):
        session.execute(statement, list(chunk))


def _ref(record: OutboxRecord) -> str | None:
    number = record.payload.get("number")
    return str(number)[:64] if number else None


# --- Pull -----------------------------------------------------------------------------------


def feed(session: Session, desk: SignedDesk, after: int, limit: int, now: datetime) -> FeedPage:
    limit = max(1, min(limit, protocol.MAX_FEED_PAGE))
    rows = (
        session.execute(
            select(FeedRow)
            .where(
                FeedRow.seq > after,
                (FeedRow.office_code.is_(None)) | (FeedRow.office_code == desk.office_code),
            )
            .order_by(FeedRow.seq)
            .limit(limit + 1)
        )
        .scalars()
        .all()
    )
    more = len(rows) > limit
    rows = rows[:limit]
    changes = [
        FeedChange(
            seq=row.seq,
            kind=FeedKind(row.kind),
            key=row.key,
            operation=FeedOperation(row.operation),
            payload=row.payload,
            created_at=row.created_at,
        )
        for row in rows
    ]
    last = rows[-1].seq if rows else after
    return FeedPage(changes=changes, last_seq=last, more=more, server_time=now)


# --- Statistics -----------------------------------------------------------------------------


def stats(session: Session) -> dict[str, Any]:
    def count(model: Any, *conditions: Any) -> int:
        return int(
            session.execute(select(func.count()).select_from(model).where(*conditions)).scalar_one()
        )

    return {
        "offices": count(OfficeRow),
        "desks": count(DeskRow, DeskRow.revoked_at.is_(None)),
        "desks_revoked": count(DeskRow, DeskRow.revoked_at.is_not(None)),
        "records": count(DeskRecordRow),
        "entities": count(EntityRow),
        "feed_last_seq": int(
            session.execute(select(func.coalesce(func.max(FeedRow.seq), 0))).scalar_one()
        ),
        "push_batches": count(PushBatchRow),
    }
