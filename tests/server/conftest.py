from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.bootstrap import Started
from app.config import Config
from app.domain.users import Actor
from app.services import setup
from app.services.core import Core
from app.sync.enrolment import enrol
from tests.support.actors import demo_actor
from tests.support.central import CentralServer


@pytest.fixture
def central(tmp_path: Path) -> Iterator[CentralServer]:
    server = CentralServer(home=tmp_path / "central")
    server.init()
    server.start()
    yield server
    server.stop()


@dataclass
class Desk:
    started: Started
    config: Config
    clerk: Actor
    supervisor: Actor

    @property
    def core(self) -> Core:
        return self.started.core


@pytest.fixture
def desk(sqlite_started: Started, config: Config) -> Desk:
    setup.initialize_demo(sqlite_started.core)
    core = sqlite_started.core
    return Desk(sqlite_started, config, demo_actor(core, "clerk"), demo_actor(core, "supervisor"))


@pytest.fixture
def enrolled(desk: Desk, central: CentralServer) -> Desk:
    enrol(
        desk.core,
        desk.config,
        Actor.system("test"),
        server_url=central.url,
        code=central.enrol_code(),
    )
    return desk
