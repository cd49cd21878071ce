"""Scans go up after the records that name them, resumable, and count as sent only when the
centre says it holds the file whole (by its SHA-256).

An upload's address is saved with the attachment before its first byte goes: after a cut link
or a restart the desk asks the centre how much it holds and sends the rest from there. A
rural line of 64 kbit/s moves 256 KB in about half a minute, so each chunk is a step that
counts; the progress says how far the file is.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Final

from sqlalchemy import select, update

from app.config import Config
from app.db.models import AttachmentRow, OutboxRow
from app.domain.changes import Topic
from app.filestore import FileStore
from app.i18n import _
from app.services import attachments
from app.services.core import Core
from app.sync.client import SyncClient, SyncError
from app.sync.push import SYNC_ACTOR
from app.sync.state import PENDING
from app.tasks import TaskState

log = logging.getLogger(__name__)

CHUNK_BYTES: Final = 256 * 1024


@dataclass(frozen=True, slots=True)
class UploadReport:
    uploaded: int
    bytes_sent: int
    cancelled: bool


@dataclass(frozen=True, slots=True)
class _Waiting:
    id: object
    sha256: str
    size: int
    media_type: str
    upload_url: str | None


def _waiting(core: Core) -> list[_Waiting]:
    """Scans not yet at the centre whose own records went up already."""
    with core.reading() as session:
        records_waiting = set(
            session.execute(
                select(OutboxRow.entity_id).where(
                    OutboxRow.status == PENDING, OutboxRow.entity == attachments.ENTITY
                )
            ).scalars()
        )
        rows = session.execute(
            select(
                AttachmentRow.id,
                AttachmentRow.sha256,
                AttachmentRow.size,
                AttachmentRow.media_type,
                AttachmentRow.upload_url,
            )
            .where(AttachmentRow.uploaded_at.is_(None))
            .order_by(AttachmentRow.created_at)
        ).all()
    return [
        _Waiting(row.id, row.sha256, row.size, row.media_type, row.upload_url)
        for row in rows
        if str(row.id) not in records_waiting
    ]


def _save(core: Core, attachment_id: object, **values: object) -> None:
    with core.changing(SYNC_ACTOR) as tx:
        tx.session.execute(
            update(AttachmentRow).where(AttachmentRow.id == attachment_id).values(**values)
        )
        tx.topics.add(Topic.ATTACHMENTS)


def upload_scans(
    core: Core, config: Config, client: SyncClient, task: TaskState | None = None
) -> UploadReport:
    store = FileStore.of(config)
    uploaded = sent = 0
    for waiting in _waiting(core):
        if task is not None and task.cancelled:
            return UploadReport(uploaded, sent, True)
        if client.stored(waiting.sha256):
            _save(core, waiting.id, uploaded_at=core.clock.now(), upload_url=None)
            uploaded += 1
            continue
        data = store.read(waiting.sha256)  # checked against its hash on the way
        path = waiting.upload_url
        offset = client.upload_offset(path) if path else None
        if path is None or offset is None:
            # tus servers expect a file name and type; the name says nothing about the visitor.
            metadata = {
                "sha256": waiting.sha256,
                "filename": f"{waiting.sha256[:16]}",
                "filetype": waiting.media_type,
            }
            path = client.upload_create(len(data), metadata)
            _save(core, waiting.id, upload_url=path)
            offset = 0
        while offset < len(data):
            if task is not None and task.cancelled:
                return UploadReport(uploaded, sent, True)
            chunk = data[offset : offset + CHUNK_BYTES]
            confirmed = client.upload_chunk(path, offset, chunk)
            sent += max(0, confirmed - offset)
            offset = confirmed
            if task is not None:
                task.set_progress(
                    offset / len(data),
                    _("Sending scans to the centre: {done} of {total} KB").format(
                        done=offset // 1024, total=len(data) // 1024
                    ),
                )
        if not client.stored(waiting.sha256):
            # The bytes arrived but do not hash right: start this scan again next time.
            _save(core, waiting.id, upload_url=None)
            raise SyncError(
                _("The centre did not accept a scan as sent; it is sent again at the next sync."),
                detail=f"sha256 {waiting.sha256} not stored after upload {path}",
            )
        _save(core, waiting.id, uploaded_at=core.clock.now(), upload_url=None)
        uploaded += 1
    return UploadReport(uploaded, sent, False)
