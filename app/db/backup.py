"""Backups of the desk's database and their restore. Nothing is ever deleted by a restore: the
file it replaces is kept beside it."""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from app.config import Config
from app.datafolder import storage_error_from_os
from app.errors import DatabaseCorruptError, DiskFullError, NotFoundError, StorageError
from app.i18n import _

log = logging.getLogger(__name__)

SQLITE_HEADER = b"SQLite format 3\x00"
BACKUP_PATTERN = "desk-*.sqlite3"


@dataclass(frozen=True, slots=True)
class BackupFile:
    path: Path
    taken_at: datetime
    size: int


def _timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%S%fZ")


def list_backups(config: Config) -> list[BackupFile]:
    """The backups in the data folder, newest first."""
    found: list[BackupFile] = []
    for path in config.backups_dir.glob(BACKUP_PATTERN):
        stamp = path.stem.removeprefix("desk-").split("-")[0]
        try:
            taken = datetime.strptime(stamp, "%Y%m%dT%H%M%S%fZ").replace(tzinfo=UTC)
        except ValueError:
            continue
        found.append(BackupFile(path, taken, path.stat().st_size))
    return sorted(found, key=lambda item: item.taken_at, reverse=True)


def latest_backup(config: Config) -> BackupFile | None:
    backups = list_backups(config)
    return backups[0] if backups else None


def is_disk_full(error: BaseException) -> bool:
    return "disk is full" in str(error) or getattr(error, "errno", None) == 28


def backup_sqlite(config: Config, *, now: datetime, reason: str = "") -> BackupFile:
    """Copy the live database (WAL included) to a new file in backups/, consistently.

    SQLite's online backup copies a consistent snapshot even while the desk writes.
    """
    source_path = config.database_path
    if not source_path.exists():
        raise NotFoundError(
            _("There is no database to back up yet at {path}.").format(path=source_path)
        )
    suffix = f"-{reason}" if reason else ""
    target = config.backups_dir / f"desk-{_timestamp(now)}{suffix}.sqlite3"
    partial = target.with_suffix(".partial")
    config.backups_dir.mkdir(parents=True, exist_ok=True)
    try:
        source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
        try:
            destination = sqlite3.connect(partial)
            try:
                source.backup(destination)
            finally:
                destination.close()
        finally:
            source.close()
        os.replace(partial, target)
    except sqlite3.DatabaseError as error:
        partial.unlink(missing_ok=True)
        newest = latest_backup(config)
        if is_disk_full(error):
            raise DiskFullError(
                _(
                    "The disk is full: the backup could not be written to {path}. Free some "
                    "space and try again; the database itself is unchanged."
                ).format(path=config.backups_dir),
                detail=repr(error),
            ) from error
        raise DatabaseCorruptError(
            _("The database cannot be read to make a backup: {problem}.").format(problem=error),
            latest_backup=str(newest.path) if newest else None,
            detail=repr(error),
        ) from error
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise storage_error_from_os(error, config.backups_dir) from error
    prune_backups(config)
    log.info("database backed up to %s", target.name)
    return BackupFile(target, now, target.stat().st_size)


def prune_backups(config: Config) -> None:
    for old in list_backups(config)[config.backups_kept :]:
        old.path.unlink(missing_ok=True)


def check_sqlite_file(path: Path) -> str | None:
    """Why the file is not a sound SQLite database, or None when it is."""
    try:
        with path.open("rb") as stream:
            header = stream.read(len(SQLITE_HEADER))
    except OSError as error:
        return error.strerror or str(error)
    if header != SQLITE_HEADER:
        return "not an SQLite database"
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            row = connection.execute("PRAGMA quick_check").fetchone()
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        return str(error)
    return None if row and row[0] == "ok" else str(row[0] if row else "no answer")


def restore_sqlite(config: Config, backup: Path, *, now: datetime) -> Path | None:
    """Put ``backup`` in place of the live database; return where the old file was kept."""
    problem = check_sqlite_file(backup)
    if problem is not None:
        raise StorageError(
            _("The backup {path} cannot be used: {problem}. Choose another backup.").format(
                path=backup, problem=problem
            )
        )
    live = config.database_path
    kept: Path | None = None
    try:
        if live.exists():
            kept = live.with_name(f"{live.name}.replaced-{_timestamp(now)}")
            os.replace(live, kept)
        for companion in ("-wal", "-shm"):
            side = live.with_name(live.name + companion)
            if side.exists():
                os.replace(side, side.with_name(f"{side.name}.replaced-{_timestamp(now)}"))
        shutil.copyfile(backup, live)
    except OSError as error:
        raise storage_error_from_os(error, live.parent) from error
    log.warning("database restored from %s (previous file kept as %s)", backup.name, kept)
    return kept
