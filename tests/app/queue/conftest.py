"""The demo office's people as actors, and a clock that starts the day at 09:00 in Baku."""

from __future__ import annotations

import pytest

from app.bootstrap import Started
from app.domain.users import Actor
from app.services.setup import DemoSetup
from tests.support.actors import demo_actor


@pytest.fixture
def clerk(started: Started, demo: DemoSetup) -> Actor:
    return demo_actor(started.core, "clerk")


@pytest.fixture
def supervisor(started: Started, demo: DemoSetup) -> Actor:
    return demo_actor(started.core, "supervisor")


@pytest.fixture
def admin(started: Started, demo: DemoSetup) -> Actor:
    return demo_actor(started.core, "admin")
