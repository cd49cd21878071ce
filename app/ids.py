"""Record identifiers: time-ordered UUIDv7, so records made on different desks never collide and
still sort by creation in an index."""

from __future__ import annotations

import uuid

import uuid_utils


def new_id() -> uuid.UUID:
    return uuid.UUID(bytes=uuid_utils.uuid7().bytes)
