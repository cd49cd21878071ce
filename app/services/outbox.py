"""The outbox, as the desk reads it: what waits to go to the centre."""

from __future__ import annotations

from sqlalchemy import func, select

from app.db.models import OutboxRow
from app.services.core import Core


def pending_count(core: Core) -> int:
    with core.reading() as session:
        return int(
            session.execute(
                select(func.count()).select_from(OutboxRow).where(OutboxRow.status == "pending")
            ).scalar_one()
        )
