"""Shared fixtures: a fresh data folder, the desk's core on SQLite or on the session's own
PostgreSQL, a controllable clock, and the session's own CUPS scheduler."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from app.bootstrap import Started, start_core
from app.clock import ManualClock
from app.config import Config
from app.datafolder import prepare
from app.i18n import set_language
from app.services import setup
from tests.support.cups import CupsUnavailableError, PrivateCups, start_private_cups
from tests.support.postgres import PostgresCluster, find_pg_bin, start_cluster

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(scope="session", autouse=True)
def _compiled_catalogues() -> None:
    """`make` compiles the catalogues; a bare `pytest` run does it here so both see them."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    from app.i18n import reset_catalogues, translations_dir

    for po_path in translations_dir().glob("*/LC_MESSAGES/reception.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as stream:
            catalogue = read_po(stream)
        with mo_path.open("wb") as stream:
            write_mo(stream, catalogue, use_fuzzy=True)
    reset_catalogues()


@pytest.fixture(autouse=True)
def _english_and_private_config(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    # No test reads or writes the real user's settings; messages are checked in English.
    config_dir = tmp_path_factory.mktemp("config")
    monkeypatch.setenv("RECEPTION_CONFIG", str(config_dir / "config.toml"))
    for name in ("RECEPTION_DATA_DIR", "RECEPTION_DATABASE_URL", "RECEPTION_LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    set_language("en")
    yield
    set_language("en")


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2026, 11, 24, 9, 0, tzinfo=UTC))


@pytest.fixture
def config(tmp_path: os.PathLike[str]) -> Config:
    from pathlib import Path

    cfg = Config(data_dir=Path(tmp_path) / "data")
    prepare(cfg, log_name="test")
    return cfg


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PostgresCluster]:
    if find_pg_bin() is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL server binaries are missing: `make test` installs them")
        pytest.skip("PostgreSQL server binaries are not installed")
    cluster = start_cluster()
    yield cluster
    cluster.stop()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def backend_config(request: pytest.FixtureRequest, config: Config) -> Config:
    """The same tests on the embedded SQLite file and on a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return config
    cluster: PostgresCluster = request.getfixturevalue("pg_cluster")
    url = cluster.create_database(f"t_{uuid.uuid4().hex[:12]}")
    from dataclasses import replace

    return replace(config, database_url=url)


@pytest.fixture
def started(backend_config: Config, clock: ManualClock) -> Iterator[Started]:
    result = start_core(backend_config, clock=clock)
    yield result
    result.core.database.dispose()


@pytest.fixture
def demo(started: Started) -> setup.DemoSetup:
    return setup.initialize_demo(started.core).value


@pytest.fixture
def sqlite_started(config: Config, clock: ManualClock) -> Iterator[Started]:
    result = start_core(config, clock=clock)
    yield result
    result.core.database.dispose()


@pytest.fixture(scope="session")
def private_cups() -> Iterator[PrivateCups]:
    """A cupsd of the test session's own, stopped (and its files removed) at the end: the
    printing, service and screen tests print to its cups-pdf queues."""
    try:
        cups = start_private_cups()
    except CupsUnavailableError as error:
        if os.environ.get("CI"):
            pytest.fail(f"{error}: `make test` installs what it needs and runs as root")
        pytest.skip(str(error))
    yield cups
    cups.stop()
