"""The schema on both databases: migrations create exactly the models' tables."""

from __future__ import annotations

import uuid

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import select, text

from app.bootstrap import Started
from app.db import migrations
from app.db.models import Base, UserRow
from app.db.schema import HEAD_REVISION, KNOWN_REVISIONS
from app.services.setup import DemoSetup


def test_migrations_match_the_models(started: Started) -> None:
    with started.core.database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_known_revisions_are_alembics() -> None:
    from alembic.config import Config as AlembicConfig

    alembic_config = AlembicConfig()
    alembic_config.set_main_option("script_location", migrations.__path__[0])
    script = ScriptDirectory.from_config(alembic_config)
    revisions = [rev.revision for rev in reversed(list(script.walk_revisions()))]
    assert tuple(revisions) == KNOWN_REVISIONS
    assert script.get_current_head() == HEAD_REVISION


def test_database_is_at_head(started: Started) -> None:
    with started.core.database.engine.connect() as connection:
        version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    assert version == HEAD_REVISION


def test_keys_are_time_ordered_uuid7(started: Started, demo: DemoSetup) -> None:
    with started.core.reading() as session:
        ids = list(session.execute(select(UserRow.id)).scalars())
    assert len(ids) == 3
    assert all(isinstance(value, uuid.UUID) and value.version == 7 for value in ids)


def test_sqlite_runs_in_wal_with_foreign_keys(sqlite_started: Started) -> None:
    with sqlite_started.core.database.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
