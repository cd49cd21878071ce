"""Opening the database at start: recognise it, back it up, bring its schema up to date.

Every failure becomes a message a person can act on; the file itself is never touched by a
check, and an upgrade only runs after a backup succeeded.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import text
from sqlalchemy.exc import DatabaseError, OperationalError

from app.config import Config
from app.db.backup import backup_sqlite, check_sqlite_file, is_disk_full, latest_backup
from app.db.engine import Database
from app.db.schema import HEAD_REVISION, KNOWN_REVISIONS
from app.errors import DatabaseCorruptError, DatabaseTooNewError, DiskFullError, StorageError
from app.i18n import _

log = logging.getLogger(__name__)

DAILY_BACKUP_INTERVAL = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class OpenReport:
    database: Database
    upgraded_from: str | None  # the revision before an upgrade; None when none was needed
    backup_taken: bool


def current_revision(database: Database) -> str | None:
    with database.engine.connect() as connection:
        has_table = database.engine.dialect.has_table(connection, "alembic_version")
        if not has_table:
            return None
        row = connection.execute(text("SELECT version_num FROM alembic_version")).first()
        return str(row[0]) if row else None


def upgrade_schema(database: Database) -> None:
    # Alembic is imported here, not at start: most starts find the schema current.
    from alembic import command
    from alembic.config import Config as AlembicConfig

    from app.db import migrations

    alembic_config = AlembicConfig()
    alembic_config.set_main_option("script_location", migrations.__path__[0])
    with database.engine.begin() as connection:
        alembic_config.attributes["connection"] = connection
        command.upgrade(alembic_config, "head")


def _corrupt(config: Config, problem: str) -> DatabaseCorruptError:
    backup = latest_backup(config)
    return DatabaseCorruptError(
        _(
            "The database file {path} is damaged and cannot be opened ({problem}). Nothing "
            "was changed in it."
        ).format(path=config.database_path, problem=problem),
        latest_backup=str(backup.path) if backup else None,
        detail=problem,
    )


def open_database(config: Config, *, now: datetime) -> OpenReport:
    """Open the configured database, backing it up and upgrading its schema when due."""
    if config.uses_sqlite and config.database_path.exists():
        problem = check_sqlite_file(config.database_path)
        if problem is not None:
            log.error("database check failed: %s", problem)
            raise _corrupt(config, problem)
    database = Database(config.effective_database_url)
    try:
        revision = current_revision(database)
    except OperationalError as error:
        database.dispose()
        if is_disk_full(error):
            raise DiskFullError(
                _("The disk is full. Free some space and start again."), detail=repr(error)
            ) from error
        raise StorageError(
            _(
                "The database cannot be reached: {problem}. Check the connection settings or "
                "ask the administrator."
            ).format(problem=error.orig or error),
            detail=repr(error),
        ) from error
    except DatabaseError as error:
        database.dispose()
        raise _corrupt(config, str(error.orig or error)) from error

    if revision is not None and revision not in KNOWN_REVISIONS:
        database.dispose()
        raise DatabaseTooNewError(
            _(
                "This database was written by a newer version of Reception Desk (schema "
                "{revision}). Install the newer version; this one leaves the database "
                "untouched."
            ).format(revision=revision)
        )

    backup_taken = False
    if config.uses_sqlite and revision is not None:
        newest = latest_backup(config)
        due = newest is None or now - newest.taken_at >= DAILY_BACKUP_INTERVAL
        if revision != HEAD_REVISION or due:
            backup_sqlite(config, now=now, reason="start")
            backup_taken = True

    if revision != HEAD_REVISION:
        log.info("upgrading database schema from %s to %s", revision, HEAD_REVISION)
        try:
            upgrade_schema(database)
        except OperationalError as error:
            database.dispose()
            if is_disk_full(error):
                raise DiskFullError(
                    _(
                        "The disk is full: the database could not be updated. Free some space "
                        "and start again; nothing was lost."
                    ),
                    detail=repr(error),
                ) from error
            raise
    return OpenReport(database, revision if revision != HEAD_REVISION else None, backup_taken)
