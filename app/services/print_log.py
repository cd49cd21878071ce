"""The print log: who printed what, when, on which printer, and how it went.

Every print is a row of ``print_jobs``, written with its audit and outbox rows, whether the
printer took the document or not; one that the print service took and then failed is marked
failed afterwards, audited the same way. Prints are counted per document (kind and record):
only copies that were sent count, so a print that failed and is tried again is still the
first, and every later copy is a duplicate, printed as such. Reprinting is a correction of the
record and needs the permission for it (supervisors), as the role table says.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db.models import PrintJobRow
from app.domain.changes import NO_CHANGES, Outcome, Topic
from app.domain.prints import PrintEntry, PrintKind, PrintResult
from app.domain.users import Actor, Permission
from app.ids import new_id
from app.services.core import Core, require

ENTITY = "print_job"
MAX_COPIES = 20
REASON_MAX_LENGTH = 1000


def to_entry(row: PrintJobRow) -> PrintEntry:
    return PrintEntry(
        id=row.id,
        kind=PrintKind(row.kind),
        record_id=row.record_id,
        number=row.number,
        reprint=row.reprint,
        printer=row.printer,
        copies=row.copies,
        result=PrintResult(row.result),
        reason=row.reason,
        job_id=row.job_id,
        printed_at=row.printed_at,
        actor_name=row.actor_name,
    )


def snapshot(row: PrintJobRow) -> dict[str, Any]:
    return {
        "id": str(row.id),
        "kind": row.kind,
        "record_id": str(row.record_id),
        "number": row.number,
        "reprint": row.reprint,
        "printer": row.printer,
        "copies": row.copies,
        "result": row.result,
        "reason": row.reason,
        "job_id": row.job_id,
        "printed_at": row.printed_at.isoformat(),
        "desk_id": str(row.desk_id) if row.desk_id else None,
    }


def _sent(session: Session, kind: PrintKind, record_id: uuid.UUID) -> int:
    return int(
        session.execute(
            select(func.count())
            .select_from(PrintJobRow)
            .where(
                PrintJobRow.kind == kind.value,
                PrintJobRow.record_id == record_id,
                PrintJobRow.result == PrintResult.SENT.value,
            )
        ).scalar_one()
    )


def sent_count(core: Core, actor: Actor, kind: PrintKind, record_id: uuid.UUID) -> int:
    """How many times the document went to a printer: the next copy is a duplicate if any."""
    with core.reading(actor, Permission.WORK_AT_DESK) as session:
        return _sent(session, kind, record_id)


def reprint_count(core: Core, actor: Actor, kind: PrintKind, record_id: uuid.UUID) -> int:
    """How many duplicates of the document were printed after the first copy."""
    return max(0, sent_count(core, actor, kind, record_id) - 1)


def require_may_print(actor: Actor, *, reprint: bool) -> None:
    """A first print is desk work; a reprint corrects the record (PermissionDeniedError)."""
    require(actor, Permission.CORRECT_RECORDS if reprint else Permission.WORK_AT_DESK)


def record_print(
    core: Core,
    actor: Actor,
    *,
    kind: PrintKind,
    record_id: uuid.UUID,
    number: str,
    printer: str,
    copies: int,
    result: PrintResult,
    reason: str = "",
    job_id: str = "",
) -> Outcome[PrintEntry]:
    """Log one print, numbered within its document: 0 for the first copy sent, then 1, 2…"""
    if not 1 <= copies <= MAX_COPIES:
        raise ValueError(f"copies must be 1 to {MAX_COPIES}, not {copies}")
    with core.changing(actor, Permission.WORK_AT_DESK) as tx:
        reprint = _sent(tx.session, kind, record_id)
        if result is PrintResult.SENT:
            require_may_print(actor, reprint=reprint > 0)
        row = PrintJobRow(
            id=new_id(),
            kind=kind.value,
            record_id=record_id,
            number=number,
            reprint=reprint,
            printer=printer,
            copies=copies,
            result=result.value,
            reason=reason[:REASON_MAX_LENGTH],
            job_id=job_id,
            printed_at=core.clock.now(),
            actor_id=actor.user_id,
            actor_name=actor.username,
            desk_id=core.desk_id,
        )
        tx.session.add(row)
        tx.record(
            action=f"print.{result.value}",
            entity=ENTITY,
            entity_id=row.id,
            before=None,
            after=snapshot(row),
            topics=(Topic.PRINTS,),
        )
        return Outcome(to_entry(row), tx.changes)


def mark_job_failed(
    core: Core, actor: Actor, print_id: uuid.UUID, *, reason: str
) -> Outcome[PrintEntry]:
    """Log that a print the print service took came to nothing after all (the job was aborted,
    canceled, or stuck on a stopped printer and taken back).

    Its line no longer counts as sent, so the copy printed in its place is not taken for a
    duplicate of it. A line that is failed already is left as it is.
    """
    with core.changing(actor, Permission.WORK_AT_DESK) as tx:
        row = tx.session.get(PrintJobRow, print_id)
        if row is None:  # lines are never deleted: the caller holds a wrong id
            raise LookupError(f"no print {print_id} in the print log")
        if row.result != PrintResult.SENT.value:
            return Outcome(to_entry(row), NO_CHANGES)
        before = snapshot(row)
        row.result = PrintResult.FAILED.value
        row.reason = reason[:REASON_MAX_LENGTH]
        tx.record(
            action="print.job_failed",
            entity=ENTITY,
            entity_id=row.id,
            before=before,
            after=snapshot(row),
            topics=(Topic.PRINTS,),
        )
        return Outcome(to_entry(row), tx.changes)


def list_prints(
    core: Core,
    actor: Actor,
    *,
    kind: PrintKind | None = None,
    record_id: uuid.UUID | None = None,
    limit: int = 200,
) -> list[PrintEntry]:
    """The log, newest first, for one document or kind, or all of it."""
    with core.reading(actor, Permission.WORK_AT_DESK) as session:
        query = select(PrintJobRow)
        if kind is not None:
            query = query.where(PrintJobRow.kind == kind.value)
        if record_id is not None:
            query = query.where(PrintJobRow.record_id == record_id)
        query = query.order_by(PrintJobRow.printed_at.desc(), PrintJobRow.id.desc()).limit(limit)
        return [to_entry(row) for row in session.execute(query).scalars()]
