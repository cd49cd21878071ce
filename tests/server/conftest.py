from __future__ import annotations

import uuid
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
from tests.support.postgres import PostgresCluster


@pytest.fixture
def central(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[CentralServer]:
    """The centre on SQLite; a test parametrized indirectly with "postgresql" gets it on the
    test PostgreSQL with two uvicorn workers (it keeps no state outside the database)."""
    if getattr(request, "param", "sqlite") == "postgresql":
        cluster: PostgresCluster = request.getfixturevalue("pg_cluster")
        url = cluster.create_database(f"central_{uuid.uuid4().hex[:12]}")
        server = CentralServer(home=tmp_path / "central", database_url=url, workers=2)
    else:
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


# Where a test runs the centre on both databases.
BOTH_DATABASES = pytest.mark.parametrize(
    "central", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)
