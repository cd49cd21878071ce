"""A document file kept by the desk: a scan's PDF or an imported picture."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Attachment:
    id: uuid.UUID
    sha256: str
    size: int  # bytes
    media_type: str  # "application/pdf", "image/png", ...
    pages: int
    created_at: datetime
    created_by: str
    application_id: uuid.UUID | None = None
    checklist_key: str | None = None  # the item of the application's checklist it stands for


@dataclass(frozen=True, slots=True)
class OpenedAttachment:
    attachment: Attachment
    data: bytes  # checked against the attachment's SHA-256
