"""Pull: the centre's change feed, applied page by page through the same core services as
local work, each page in one transaction with the cursor that follows it.

So a desk that dies half-way through a page has applied none of it and asks for it again; one
that dies after the commit never applies a change twice. The order is the server's sequence
number alone: office clocks never decide which change came first.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Final

from sqlalchemy import delete, insert, select, update

from app.db.models import OutboxRow, PermitRow, RevocationRow, TrustedKeyRow
from app.domain.applications import ApplicationForm
from app.domain.changes import Topic
from app.errors import ConflictError, DeskError
from app.i18n import _
from app.ids import new_id
from app.intake.lifecycle import ApplicationState
from app.security.keys import (
    KeyFormatError,
    kid_for_public_key,
    normalize_document_number,
    verifying_key_from_pem,
)
from app.services import applications, clashes, persons
from app.services.core import Core, Transaction
from app.services.masterdata import import_parsed_in
from app.services.masterdata_file import parse_masterdata
from app.services.trust import ORIGIN_DESK, kid_text
from app.sync.client import SyncClient
from app.sync.protocol import FeedChange, FeedKind, FeedOperation
from app.sync.push import SYNC_ACTOR
from app.sync.state import PENDING, state_row
from app.tasks import TaskState

log = logging.getLogger(__name__)

PAGE_SIZE: Final = 1000
# In a person the centre sends down: which desk's change it answers, and whether another
# desk's version was merged into it (see server.people).
PERSON_NOTE: Final = "_sync"
ORIGIN_CENTRE: Final = "centre"


@dataclass(frozen=True, slots=True)
class PullReport:
    applied: int
    pages: int
    cursor: int
    cancelled: bool


class FeedError(DeskError):
    """A change from the centre that this desk cannot apply: the page is not applied."""


def pull_feed(
    core: Core, client: SyncClient, task: TaskState | None = None, *, page_size: int = PAGE_SIZE
) -> PullReport:
    with core.reading() as session:
        state = state_row(session)
        if state is None:
            raise FeedError(_("This desk is not enrolled with the centre yet."))
        cursor = state.feed_cursor
    applied = pages = 0
    while True:
        if task is not None and task.cancelled:
            return PullReport(applied, pages, cursor, True)
        page = client.feed(cursor, page_size)
        with core.changing(SYNC_ACTOR) as tx:
            state = state_row(tx.session)
            if state is None or state.feed_cursor != cursor:
                # Another process of this desk pulled meanwhile: start again from its cursor.
                cursor = state.feed_cursor if state else cursor
                continue
            apply_page(tx, page.changes)
            state.feed_cursor = page.last_seq
            state.last_pull_at, state.last_error = core.clock.now(), None
            tx.topics.add(Topic.SYNC)
        cursor = page.last_seq
        applied += len(page.changes)
        pages += 1
        if task is not None:
            task.set_progress(
                None, _("Receiving from the centre: {count} changes").format(count=applied)
            )
        if not page.more:
            return PullReport(applied, pages, cursor, False)


@dataclass
class _Revocations:
    """A page's revocations. The list arrives in thousands, so a page's are written together
    (the last word on a number within the page wins, as it would one by one) and audited as one
    entry naming every number."""

    revoked: dict[str, tuple[date, str]] = field(default_factory=dict)
    removed: set[str] = field(default_factory=set)

    def add(self, change: FeedChange, today: date) -> None:
        number = normalize_document_number(str(change.payload["document_number"]))
        if change.operation is FeedOperation.DELETE:
            self.revoked.pop(number, None)
            self.removed.add(number)
        else:
            self.removed.discard(number)
            day = _day(change.payload.get("revoked_at")) or today
            self.revoked[number] = (day, str(change.payload.get("reason") or ""))

    def write(self, tx: Transaction, first_seq: int, last_seq: int) -> None:
        if not self.revoked and not self.removed:
            return
        session = tx.session
        numbers = sorted(self.revoked)
        known: dict[str, uuid.UUID] = {}
        for start in range(0, len(numbers), 500):
            chunk = numbers[start : start + 500]
            known.update(
                session.execute(
                    select(RevocationRow.number, RevocationRow.id).where(
                        RevocationRow.number.in_(chunk)
                    )
                ).all()
            )
        if self.removed:
            session.execute(delete(RevocationRow).where(RevocationRow.number.in_(self.removed)))
        new = [
            {"id": new_id(), "number": number, "revoked_on": day, "reason": reason}
            for number, (day, reason) in self.revoked.items()
            if number not in known
        ]
        if new:
            session.execute(insert(RevocationRow), new)
        for number, (day, reason) in self.revoked.items():
            if number in known:
                session.execute(
                    update(RevocationRow)
                    .where(RevocationRow.id == known[number])
                    .values(revoked_on=day, reason=reason)
                )
        tx.record(
            action="trust.revocations",
            entity="revocation",
            entity_id=f"feed:{first_seq}-{last_seq}",
            before=None,
            after={"revoked": numbers, "removed": sorted(self.removed)},
            topics=(Topic.MASTER_DATA,),
            sync=False,
        )


def apply_page(tx: Transaction, changes: list[FeedChange]) -> None:
    revocations = _Revocations()
    today = tx.core.clock.now().date()
    for change in changes:
        try:
            if change.kind is FeedKind.REVOCATION:
                revocations.add(change, today)
            else:
                _APPLIERS[change.kind](tx, change)
        except (KeyError, TypeError, ValueError) as error:
            raise FeedError(
                _("A change from the centre cannot be applied; sync stops here. Ask the centre."),
                detail=f"feed {change.seq} {change.kind}: {error!r}",
            ) from error
    if changes:
        revocations.write(tx, changes[0].seq, changes[-1].seq)


def _masterdata(tx: Transaction, change: FeedChange) -> None:
    parsed = parse_masterdata(change.payload["text"].encode("utf-8"), source="centre")
    try:
        import_parsed_in(tx, parsed)
    except ConflictError:
        # An older revision than the one loaded (a desk set up from a newer bundle): keep ours.
        log.info("master data revision %s from the feed is older: kept", parsed.header.revision)


def _trusted_key(tx: Transaction, change: FeedChange) -> None:
    pem = str(change.payload["public_key"])
    try:
        kid = kid_text(kid_for_public_key(verifying_key_from_pem(pem)))
    except KeyFormatError as error:
        raise ValueError(f"unusable key: {error}") from error
    row = tx.session.execute(
        select(TrustedKeyRow).where(TrustedKeyRow.kid == kid)
    ).scalar_one_or_none()
    if row is not None and row.origin == ORIGIN_DESK:
        return  # this desk's own key: trusted here already, for what it signs
    now = tx.core.clock.now()
    deleted = change.operation is FeedOperation.DELETE
    if row is None:
        if deleted:
            return
        row = TrustedKeyRow(kid=kid, public_key=pem, valid_from=None)
        tx.session.add(row)
    before = {"kinds": list(row.kinds or []), "valid_until": row.valid_until}
    if deleted:
        # Withdrawn from now on: codes it signed before stay checkable as what they were.
        row.valid_until = now
    else:
        is_desk = change.kind is FeedKind.DESK
        row.public_key = pem
        row.kinds = ["receipt"] if is_desk else sorted(change.payload.get("kinds", ["permit"]))
        row.office_code = change.payload.get("office_code") if is_desk else None
        row.label = str(change.payload.get("name") or change.payload.get("label") or "")[:200]
        row.valid_until = None
    row.origin, row.updated_at = ORIGIN_CENTRE, now
    tx.record(
        action="trust.key_removed" if deleted else "trust.key",
        entity="trusted_key",
        entity_id=kid,
        before=before,
        after={"kinds": row.kinds, "valid_until": row.valid_until, "origin": ORIGIN_CENTRE},
        topics=(Topic.MASTER_DATA,),
        sync=False,
    )


def _decision(tx: Transaction, change: FeedChange) -> None:
    decision = {
        "approved": ApplicationState.APPROVED,
        "refused": ApplicationState.REFUSED,
    }[change.payload["decision"]]
    application = applications.record_decision_in(
        tx, uuid.UUID(change.payload["application_id"]), decision, _("decided by the centre")
    )
    if application is None:
        # Another desk's application of this office, on another database: not ours to show.
        log.info("decision for application %s not kept on this desk", change.key)


def _permit(tx: Transaction, change: FeedChange) -> None:
    row = tx.session.get(PermitRow, change.key)
    now = tx.core.clock.now()
    if change.operation is FeedOperation.DELETE:
        if row is not None and row.revoked_at is None:
            row.revoked_at = now
            _audit_permit(tx, row, "permit.revoked")
        return
    payload = change.payload
    if row is None:
        row = PermitRow(number=change.key, received_at=now, revoked_at=None)
        tx.session.add(row)
    row.payload = dict(payload)
    row.application_id = _uuid_or_none(payload.get("application_id"))
    row.person_id = _uuid_or_none(payload.get("person_id"))
    _audit_permit(tx, row, "permit.received")


def _audit_permit(tx: Transaction, row: PermitRow, action: str) -> None:
    tx.record(
        action=action,
        entity="permit",
        entity_id=row.number,
        before=None,
        after={
            "number": row.number,
            "application_id": str(row.application_id) if row.application_id else None,
            "valid_until": row.payload.get("valid_until"),
            "revoked_at": row.revoked_at,
        },
        topics=(Topic.PERMITS, Topic.APPLICATIONS),
        sync=False,
    )


def _e_application(tx: Transaction, change: FeedChange) -> None:
    if change.operation is FeedOperation.DELETE:
        return  # withdrawn on the portal before anyone took it: the draft waits for a clerk
    payload = change.payload
    form = ApplicationForm(
        service_code=str(payload["service_code"]),
        person_id=_uuid_or_none(payload.get("person_id")),
        values={str(key): str(value) for key, value in dict(payload.get("values", {})).items()},
        note=str(payload.get("note") or ""),
    )
    applications.receive_electronic_in(tx, str(payload["external_ref"]), form)


def _person(tx: Transaction, change: FeedChange) -> None:
    if change.operation is FeedOperation.DELETE:
        return  # persons are never deleted, only merged: a tombstone changes nothing here
    person_id = uuid.UUID(change.key)
    note = change.payload.get(PERSON_NOTE) or {}
    state = state_row(tx.session)
    if (
        state is not None
        and note.get("desk") == str(state.remote_desk_id)
        and not note.get("merged")
    ):
        return  # the echo of this desk's own change: it holds this version already
    waiting = tx.session.execute(
        select(OutboxRow.id).where(
            OutboxRow.status == PENDING,
            OutboxRow.entity == persons.ENTITY,
            OutboxRow.entity_id == str(person_id),
        )
    ).first()
    if waiting is not None:
        # A change made here still waits to go up: it is merged at the centre with what this
        # version holds, and the merged version comes back after it. Taking this one now
        # would undo the clerk's edit on this desk meanwhile.
        return
    persons.apply_centre_version_in(tx, person_id, change.payload)


def _clash(tx: Transaction, change: FeedChange) -> None:
    if change.operation is FeedOperation.UPSERT:
        clashes.record_clash_in(tx, change.payload)


def _uuid_or_none(value: Any) -> uuid.UUID | None:
    return uuid.UUID(str(value)) if value else None


def _day(value: Any) -> date | None:
    return datetime.fromisoformat(str(value)).date() if value else None


_APPLIERS: Final[dict[FeedKind, Callable[[Transaction, FeedChange], None]]] = {
    FeedKind.MASTER_DATA: _masterdata,
    FeedKind.TRUSTED_KEY: _trusted_key,
    FeedKind.DESK: _trusted_key,
    FeedKind.DECISION: _decision,
    FeedKind.PERMIT: _permit,
    FeedKind.E_APPLICATION: _e_application,
    FeedKind.PERSON: _person,
    FeedKind.CLASH: _clash,
}
