"""A person edited at two offices: merged field by field, a true clash left for a supervisor.

Each change to a person comes up with the version its desk started from (the audit's
"before"). Against the centre's current version, a field the desk did not change is kept as
the centre has it; a field only the desk changed takes the desk's value; a field both changed
to different values is a clash: the centre keeps its value, and both offices' supervisors get
the clash to settle. Every version stays in the desks' records, so nothing is lost either way.
Identity documents are merged by their id: a document added at either office is kept.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

from pydantic_core import to_json
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from app.sync.protocol import FeedKind, OutboxRecord
from server import store
from server.models import Base, DeskRecordRow, DeskRow, EntityRow

ENTITY: Final = "person"
if TYPE_CHECKING:
    from server.store import SignedDesk

_ENTITIES: Final = Base.metadata.tables["entities"]
SYNC_NOTE: Final = "_sync"  # in a person sent down: which desk's change it answers
# What identifies the record rather than describes the person: never merged, never a clash.
_FIXED: Final = frozenset({"id", "documents"})


@dataclass(frozen=True, slots=True)
class Clash:
    field: str
    centre: Any
    desk: Any
    before: Any


def merge(
    base: dict[str, Any], ours: dict[str, Any], theirs: dict[str, Any]
) -> tuple[dict[str, Any], list[Clash]]:
    """Three-way merge of one person: ``ours`` is the desk's new version, ``base`` what the desk
    started from, ``theirs`` what the centre holds now."""
    merged = dict(theirs)
    clashes: list[Clash] = []
    for field in sorted((set(ours) | set(base)) - _FIXED):
        mine, start, current = ours.get(field), base.get(field), theirs.get(field)
        if mine in (start, current):
            continue  # the desk left it alone, or both agree
        if current == start or field not in theirs:
            merged[field] = mine
        else:
            clashes.append(Clash(field, current, mine, start))
    merged["documents"] = _merged_documents(theirs.get("documents"), ours.get("documents"))
    merged["id"] = theirs.get("id", ours.get("id"))
    return merged, clashes


def _merged_documents(theirs: Any, ours: Any) -> list[Any]:
    by_id: dict[str, Any] = {}
    for document in list(theirs or []) + list(ours or []):
        if isinstance(document, dict):
            by_id.setdefault(str(document.get("id")), document)
    return sorted(by_id.values(), key=lambda document: str(document.get("id")))


def _offices_holding(session: Session, person_id: str) -> set[str]:
    return set(
        session.execute(
            select(DeskRecordRow.office_code)
            .where(DeskRecordRow.entity == ENTITY, DeskRecordRow.entity_id == person_id)
            .distinct()
        ).scalars()
    )


@dataclass
class _State:
    """A person as the centre holds it while a batch is folded in."""

    payload: dict[str, Any]
    desk_id: uuid.UUID
    seq: int
    row: EntityRow | None  # None: new in this batch


def apply_people(
    session: Session, desk: SignedDesk, records: list[OutboxRecord], now: datetime
) -> int:
    """Fold a batch's person changes into the centre's persons, in the desk's order, and send
    each person's resulting version to its office's desks; the count of clashes found."""
    if not records:
        return 0
    ids = sorted({record.entity_id for record in records})
    people: dict[str, _State] = {}
    for start in range(0, len(ids), 500):
        for row in session.execute(
            select(EntityRow)
            .where(EntityRow.entity == ENTITY, EntityRow.entity_id.in_(ids[start : start + 500]))
            .with_for_update()
        ).scalars():
            people[row.entity_id] = _State(row.payload, row.desk_id, row.seq, row)
    feed: list[dict[str, Any]] = []
    clashes_found = 0
    touched: set[str] = set()
    spread: dict[str, set[str]] = {}
    separate: bool | None = None  # whether the office has desks on other databases
    for record in sorted(records, key=lambda record: record.seq):
        state = people.get(record.entity_id)
        touched.add(record.entity_id)
        if state is None:
            people[record.entity_id] = _State(record.payload, desk.id, record.seq, None)
            continue
        if state.desk_id == desk.id and record.seq <= state.seq:
            continue  # this desk's older change arriving late: its later one is in already
        offices = {desk.office_code}
        if state.desk_id != desk.id:
            # Another desk's version is merged in: every office that holds the person hears.
            offices |= _offices_holding(session, record.entity_id)
            spread.setdefault(record.entity_id, set()).update(offices)
        merged, clashes = merge(record.before or {}, record.payload, state.payload)
        state.payload, state.desk_id, state.seq = merged, desk.id, record.seq
        for clash in clashes:
            clashes_found += 1
            for office in sorted(offices):
                feed.append(
                    _feed_row(
                        office,
                        FeedKind.CLASH,
                        f"{record.entity_id}:{clash.field}:{record.id}",
                        {
                            "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{record.id}:{clash.field}")),
                            "entity": ENTITY,
                            "entity_id": record.entity_id,
                            "field": clash.field,
                            "centre_value": clash.centre,
                            "desk_value": clash.desk,
                            "before": clash.before,
                            "desk_office": desk.office_code,
                        },
                        now,
                    )
                )
    new_rows: list[dict[str, Any]] = []
    for person_id in sorted(touched):
        state = people[person_id]
        if state.row is None:
            new_rows.append(
                {
                    "entity": ENTITY,
                    "entity_id": person_id,
                    "office_code": desk.office_code,
                    "desk_id": state.desk_id,
                    "seq": state.seq,
                    "ref": None,
                    "payload_json": to_json(state.payload).decode(),
                    "updated_at": now,
                }
            )
        else:
            state.row.payload = state.payload
            state.row.desk_id, state.row.seq, state.row.updated_at = state.desk_id, state.seq, now
        # The office's other desks (each on its own database) learn the person as it now
        # stands; a desk applies it only where it has no change of its own still waiting.
        # The sending desk holds this version already unless another desk's was merged in:
        # the note lets it skip its own echo (thousands of them after a long offline spell).
        note = {"desk": str(desk.id), "merged": person_id in spread}
        version = {**state.payload, SYNC_NOTE: note}
        offices = spread.get(person_id, set())
        if separate is None:
            separate = _other_databases_in_office(session, desk)
        if separate:
            offices = offices | {desk.office_code}
        for office in sorted(offices):
            feed.append(_feed_row(office, FeedKind.PERSON, person_id, version, now))
    for start in range(0, len(new_rows), 500):
        session.execute(insert(_ENTITIES), new_rows[start : start + 500])
    store.publish_many(session, feed)
    return clashes_found


def _other_databases_in_office(session: Session, desk: SignedDesk) -> bool:
    """Whether another desk of the office works on a database of its own: only such a desk
    needs the office's persons sent to it (desks sharing a database hold them already)."""
    others = select(DeskRow.id).where(
        DeskRow.office_code == desk.office_code,
        DeskRow.id != desk.id,
        DeskRow.revoked_at.is_(None),
    )
    if desk.database_id is not None:
        others = others.where(
            (DeskRow.database_id.is_(None)) | (DeskRow.database_id != desk.database_id)
        )
    return session.execute(others.limit(1)).first() is not None


def _feed_row(
    office: str, kind: FeedKind, key: str, payload: dict[str, Any], now: datetime
) -> dict[str, Any]:
    return {
        "office_code": office,
        "kind": kind.value,
        "key": key,
        "operation": "upsert",
        "payload": payload,
        "created_at": now,
    }
