"""Attachments: document files stored by their hash, attached to an application's checklist.

:func:`store` writes the file into the :class:`~app.filestore.FileStore` first and then its
row, audited and queued for the centre (which fetches the file by its hash after the
record). A file written for a transaction that then fails stays unnamed by any row: harmless,
and stored again by the same bytes at no cost. :func:`attach_to_application` ties a file to
an item of the application's checklist and marks that item received, in one transaction.
:func:`open_attachment` reads the file back and refuses it if its hash no longer matches.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from app.db.models import ApplicationRow, AttachmentRow, ServiceRow
from app.domain.attachments import Attachment, OpenedAttachment
from app.domain.changes import Outcome, Topic
from app.domain.users import Actor, Permission
from app.errors import ConflictError, NotFoundError, ValidationError
from app.filestore import FileStore
from app.i18n import _
from app.ids import new_id
from app.intake.lifecycle import ApplicationState
from app.scanning.model import MAX_FILE_BYTES
from app.services import applications, day_lock
from app.services.core import Core, Transaction

ENTITY = "attachment"
MEDIA_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg", "image/tiff"})
# Documents still go with an application until the centre has decided on it.
_OPEN_STATES = frozenset(
    {ApplicationState.DRAFT, ApplicationState.SUBMITTED, ApplicationState.SENT}
)


def takes_documents(state: ApplicationState) -> bool:
    """Whether documents may still be attached to an application in ``state``: screens offer
    scanning only where the attachment would be accepted."""
    return state in _OPEN_STATES


def to_attachment(row: AttachmentRow) -> Attachment:
    return Attachment(
        id=row.id,
        sha256=row.sha256,
        size=row.size,
        media_type=row.media_type,
        pages=row.pages,
        created_at=row.created_at,
        created_by=row.created_by,
        application_id=row.application_id,
        checklist_key=row.checklist_key,
    )


def snapshot(row: AttachmentRow) -> dict[str, Any]:
    """The attachment as plain JSON, for the audit log and the outbox."""
    return {
        "id": str(row.id),
        "sha256": row.sha256,
        "size": row.size,
        "media_type": row.media_type,
        "pages": row.pages,
        "created_at": row.created_at.isoformat(),
        "created_by": row.created_by,
        "application_id": str(row.application_id) if row.application_id else None,
        "checklist_key": row.checklist_key,
    }


def _check_file(data: bytes, media_type: str, pages: int) -> None:
    if not data:
        raise ValidationError(_("The document is empty: scan or import it again."))
    if len(data) > MAX_FILE_BYTES:
        raise ValidationError(
            _("The document is {size} MB: at most {limit} MB is kept.").format(
                size=f"{len(data) / 1024 / 1024:.1f}", limit=MAX_FILE_BYTES // 1024 // 1024
            )
        )
    if media_type not in MEDIA_TYPES:
        raise ValidationError(
            _("Documents are kept as PDF, PNG, JPEG or TIFF, not as “{kind}”.").format(
                kind=media_type
            )
        )
    if pages < 1:
        raise ValidationError(_("A document has at least one page."))


def store(
    core: Core,
    actor: Actor,
    files: FileStore,
    data: bytes,
    *,
    media_type: str,
    pages: int,
    application_id: uuid.UUID | None = None,
    checklist_key: str | None = None,
) -> Outcome[Attachment]:
    """Keep a document file; with an application and an item, attach it there at once."""
    _check_file(data, media_type, pages)
    if (application_id is None) != (checklist_key is None):
        raise ValidationError(_("Choose both the application and the item of its checklist."))
    stored = files.put(data)  # before the row, so that no row ever names a missing file
    with core.changing(actor, Permission.WORK_AT_DESK) as tx:
        row = AttachmentRow(
            id=new_id(),
            sha256=stored.sha256,
            size=stored.size,
            media_type=media_type,
            pages=pages,
            created_at=core.clock.now(),
            created_by=actor.username,
        )
        tx.session.add(row)
        tx.record(
            action="attachment.store",
            entity=ENTITY,
            entity_id=row.id,
            before=None,
            after=snapshot(row),
            topics=(Topic.ATTACHMENTS,),
        )
        if application_id is not None and checklist_key is not None:
            _attach(tx, row, application_id, checklist_key)
        return Outcome(to_attachment(row), tx.changes)


def attach_to_application(
    core: Core,
    actor: Actor,
    attachment_id: uuid.UUID,
    application_id: uuid.UUID,
    checklist_key: str,
) -> Outcome[Attachment]:
    """Attach a stored document to an item of the application's checklist, now received."""
    with core.changing(actor, Permission.WORK_AT_DESK) as tx:
        row = tx.session.get(AttachmentRow, attachment_id, with_for_update=True)
        if row is None:
            raise NotFoundError(_("There is no such document."))
        _attach(tx, row, application_id, checklist_key)
        return Outcome(to_attachment(row), tx.changes)


def _attach(
    tx: Transaction, row: AttachmentRow, application_id: uuid.UUID, checklist_key: str
) -> None:
    application = tx.session.get(ApplicationRow, application_id, with_for_update=True)
    if application is None:
        raise NotFoundError(_("There is no such application."))
    day_lock.ensure_open_now(tx)
    if row.application_id is not None and row.application_id != application_id:
        raise ConflictError(_("This document is attached to another application already."))
    state = ApplicationState(application.state)
    if state not in _OPEN_STATES:
        raise ConflictError(
            _("The application is “{state}”: documents can no longer be added to it.").format(
                state=state.label
            )
        )
    _check_item(tx, application, checklist_key)
    before = snapshot(row)
    row.application_id, row.checklist_key = application_id, checklist_key
    if snapshot(row) != before:
        tx.record(
            action="attachment.attach",
            entity=ENTITY,
            entity_id=row.id,
            before=before,
            after=snapshot(row),
            topics=(Topic.ATTACHMENTS,),
        )
    if checklist_key not in application.received:
        application_before = applications.snapshot(application)
        # A new list, so that the JSON column is seen as changed.
        application.received = sorted({*application.received, checklist_key})
        application.updated_at = tx.core.clock.now()
        tx.record(
            action="application.document_received",
            entity=applications.ENTITY,
            entity_id=application.id,
            before=application_before,
            after=applications.snapshot(application),
            topics=(Topic.APPLICATIONS,),
        )


def _check_item(tx: Transaction, application: ApplicationRow, checklist_key: str) -> None:
    service = tx.session.execute(
        select(ServiceRow).where(ServiceRow.code == application.service_code)
    ).scalar_one_or_none()
    keys = {item["key"] for item in service.checklist} if service is not None else set()
    if checklist_key not in keys:
        raise ValidationError(
            _("“{key}” is not a document on this service's checklist.").format(key=checklist_key),
            field="checklist_key",
        )


def attachments_of(core: Core, actor: Actor, application_id: uuid.UUID) -> list[Attachment]:
    with core.reading(actor, Permission.WORK_AT_DESK) as session:
        rows = session.execute(
            select(AttachmentRow)
            .where(AttachmentRow.application_id == application_id)
            .order_by(AttachmentRow.created_at, AttachmentRow.id)
        ).scalars()
        return [to_attachment(row) for row in rows]


def open_attachment(
    core: Core, actor: Actor, files: FileStore, attachment_id: uuid.UUID
) -> OpenedAttachment:
    """The document's bytes, after checking them against the hash it was stored under."""
    with core.reading(actor, Permission.WORK_AT_DESK) as session:
        row = session.get(AttachmentRow, attachment_id)
        if row is None:
            raise NotFoundError(_("There is no such document."))
        attachment = to_attachment(row)
    return OpenedAttachment(attachment, files.read(attachment.sha256))
