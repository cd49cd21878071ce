"""What a damaged, foreign, too new or full database does at start: a clear message, a
backup offered, nothing lost."""

from __future__ import annotations

import os
import subprocess
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from app.bootstrap import start_core
from app.clock import ManualClock
from app.config import Config
from app.db.backup import latest_backup, list_backups, restore_sqlite
from app.db.lifecycle import open_database
from app.domain.users import Actor, Role
from app.errors import DatabaseCorruptError, DatabaseTooNewError, DiskFullError
from app.services import setup, users


def _set_up(config: Config, clock: ManualClock) -> None:
    started = start_core(config, clock=clock)
    setup.initialize_demo(started.core)
    started.core.database.dispose()


def test_first_start_of_a_day_takes_a_backup(config: Config, clock: ManualClock) -> None:
    _set_up(config, clock)
    assert list_backups(config) == []  # a new database has nothing to keep yet
    open_database(config, now=clock.now()).database.dispose()
    assert len(list_backups(config)) == 1
    open_database(config, now=clock.now() + timedelta(hours=1)).database.dispose()
    assert len(list_backups(config)) == 1  # one a day is enough
    open_database(config, now=clock.now() + timedelta(days=1)).database.dispose()
    assert len(list_backups(config)) == 2


def test_corrupt_file_is_refused_and_backup_offered(config: Config, clock: ManualClock) -> None:
    _set_up(config, clock)
    open_database(config, now=clock.now()).database.dispose()  # takes the day's backup
    original = config.database_path.read_bytes()
    damaged = bytearray(original)
    damaged[4096:8192] = b"\xff" * 4096  # wreck the second page
    config.database_path.write_bytes(bytes(damaged))
    with pytest.raises(DatabaseCorruptError) as caught:
        open_database(config, now=clock.now())
    assert "damaged" in str(caught.value)
    assert caught.value.latest_backup is not None
    assert config.database_path.read_bytes() == bytes(damaged)  # the check changed nothing

    kept = restore_sqlite(config, Path(caught.value.latest_backup), now=clock.now())
    assert kept is not None and kept.read_bytes() == bytes(damaged)
    reopened = start_core(config, clock=clock)
    assert reopened.identity is not None and reopened.identity.office.code == "AGS"
    reopened.core.database.dispose()


def test_file_that_is_not_a_database(config: Config, clock: ManualClock) -> None:
    config.database_path.write_text("these are someone's notes, not a database\n")
    with pytest.raises(DatabaseCorruptError, match="cannot be opened"):
        open_database(config, now=clock.now())
    assert config.database_path.read_text().startswith("these are someone's notes")


def test_database_from_a_newer_version(config: Config, clock: ManualClock) -> None:
    _set_up(config, clock)
    started = start_core(config, clock=clock)
    with started.core.database.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0099'"))
    started.core.database.dispose()
    with pytest.raises(DatabaseTooNewError, match="newer version"):
        open_database(config, now=clock.now())


def test_full_database_file_says_so_and_keeps_data(config: Config, clock: ManualClock) -> None:
    _set_up(config, clock)
    started = start_core(config, clock=clock)
    core = started.core
    # SQLite's own limit on the file's size gives the same SQLITE_FULL a full disk gives.
    from sqlalchemy import event

    @event.listens_for(core.database.engine, "connect")
    def _limit(dbapi_connection: object, _record: object) -> None:
        cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
        pages = cursor.execute("PRAGMA page_count").fetchone()[0]
        cursor.execute(f"PRAGMA max_page_count = {pages}")
        cursor.close()

    core.database.engine.dispose()
    office_id = started.identity.office.id if started.identity else None
    assert office_id is not None
    with pytest.raises(DiskFullError, match="disk is full"):
        for number in range(200):
            users.create_user(
                core,
                Actor.system(),
                office_id=office_id,
                username=f"user{number}",
                full_name="X " * 80,
                role=Role.CLERK,
                password="long enough password",
            )
    core.database.dispose()
    again = start_core(config, clock=clock)
    assert len(users.list_users(again.core, Actor.system())) >= 3
    again.core.database.dispose()


@pytest.mark.skipif(
    os.geteuid() != 0 if hasattr(os, "geteuid") else True,
    reason="mounting a small file system needs root",
)
def test_full_disk_at_backup(tmp_path: Path, clock: ManualClock) -> None:
    mount_point = tmp_path / "small"
    mount_point.mkdir()
    subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=800k", "tmpfs", str(mount_point)], check=True
    )
    try:
        config = Config(data_dir=mount_point / "data")
        from app.datafolder import prepare

        prepare(config, log_name="test")
        _set_up(config, clock)
        size_before = config.database_path.stat().st_size
        filler = mount_point / "filler"
        free = os.statvfs(mount_point).f_bavail * os.statvfs(mount_point).f_frsize
        filler.write_bytes(b"\0" * max(0, free - 4096))
        with pytest.raises(DiskFullError, match="disk is full"):
            open_database(replace(config), now=clock.now() + timedelta(days=1))
        assert config.database_path.stat().st_size == size_before
        assert latest_backup(config) is None  # no half-written backup left behind
        assert not list(config.backups_dir.glob("*.partial"))
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def test_upgrade_is_preceded_by_a_backup(config: Config, clock: ManualClock) -> None:
    """A database of an older schema is backed up as it was, then upgraded."""
    import sqlite3

    from alembic import command
    from alembic.config import Config as AlembicConfig

    from app.db import migrations
    from app.db.engine import Database
    from app.db.schema import HEAD_REVISION, KNOWN_REVISIONS

    oldest = KNOWN_REVISIONS[0]
    assert oldest != HEAD_REVISION
    database = Database(config.effective_database_url)
    alembic_config = AlembicConfig()
    alembic_config.set_main_option("script_location", migrations.__path__[0])
    with database.engine.begin() as connection:
        alembic_config.attributes["connection"] = connection
        command.upgrade(alembic_config, oldest)
    database.dispose()

    report = open_database(config, now=clock.now())
    report.database.dispose()
    assert report.upgraded_from == oldest and report.backup_taken
    backups = list_backups(config)
    assert len(backups) == 1
    with sqlite3.connect(backups[0].path) as kept:
        assert kept.execute("SELECT version_num FROM alembic_version").fetchone()[0] == oldest
    with sqlite3.connect(config.database_path) as live:
        assert live.execute("SELECT version_num FROM alembic_version").fetchone()[0] == (
            HEAD_REVISION
        )
