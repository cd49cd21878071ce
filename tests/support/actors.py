"""The demo office's clerk as an actor, for tests that prepare records through the core."""

from __future__ import annotations

from sqlalchemy import select

from app.db.models import UserRow
from app.domain.users import Actor, Role
from app.services.core import Core


def demo_actor(core: Core, username: str) -> Actor:
    with core.reading() as session:
        row = session.execute(select(UserRow).where(UserRow.username == username)).scalar_one()
        return Actor(row.id, row.username, Role(row.role), row.office_id)
