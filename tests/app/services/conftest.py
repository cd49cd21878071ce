"""Actors of the demo office, read from its users (logging in costs an Argon2 hash each)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.bootstrap import Started
from app.db.models import UserRow
from app.domain.users import Actor, Role
from app.services.setup import DemoSetup


def demo_actor(started: Started, username: str) -> Actor:
    with started.core.reading() as session:
        row = session.execute(select(UserRow).where(UserRow.username == username)).scalar_one()
        return Actor(row.id, row.username, Role(row.role), row.office_id)


@pytest.fixture
def clerk(started: Started, demo: DemoSetup) -> Actor:
    return demo_actor(started, "clerk")


@pytest.fixture
def supervisor(started: Started, demo: DemoSetup) -> Actor:
    return demo_actor(started, "supervisor")
