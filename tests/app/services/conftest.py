"""Actors of the demo office, read from its users (logging in costs an Argon2 hash each)."""

from __future__ import annotations

import pytest

from app.bootstrap import Started
from app.domain.users import Actor
from app.services.setup import DemoSetup
from tests.support.actors import demo_actor as actor_of


def demo_actor(started: Started, username: str) -> Actor:
    return actor_of(started.core, username)


@pytest.fixture
def clerk(started: Started, demo: DemoSetup) -> Actor:
    return demo_actor(started, "clerk")


@pytest.fixture
def supervisor(started: Started, demo: DemoSetup) -> Actor:
    return demo_actor(started, "supervisor")
