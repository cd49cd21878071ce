"""The data folder: database, scans, logs, backups and keys, readable by its user only."""

from __future__ import annotations

import errno
import logging
import logging.handlers
import os
import sys
from pathlib import Path

from app.config import Config
from app.errors import DiskFullError, StorageError
from app.i18n import _

PRIVATE_DIR_MODE = 0o700


def _make_private_dir(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
    if sys.platform != "win32":  # Windows keeps user folders private through ACLs instead
        os.chmod(path, PRIVATE_DIR_MODE)


def prepare_data_dir(config: Config) -> None:
    """Create the data folder and its parts for this user only; refuse clearly when we can't."""
    # Every file the process creates from now on is private too (database, WAL, logs, scans).
    if sys.platform != "win32":
        os.umask(0o077)
    try:
        for folder in (
            config.data_dir,
            config.logs_dir,
            config.backups_dir,
            config.scans_dir,
            config.keys_dir,
        ):
            _make_private_dir(folder)
    except OSError as error:
        raise storage_error_from_os(error, config.data_dir) from error


def storage_error_from_os(error: OSError, where: Path) -> StorageError:
    if error.errno == errno.ENOSPC:
        return DiskFullError(
            _(
                "The disk is full at {path}. Free some space and try again; nothing was changed."
            ).format(path=where),
            detail=repr(error),
        )
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return StorageError(
            _(
                "The desk may not write to {path}. Ask the administrator to give this user "
                "access, or choose another data folder."
            ).format(path=where),
            detail=repr(error),
        )
    return StorageError(
        _("The data folder {path} cannot be used: {problem}.").format(
            path=where, problem=error.strerror or error
        ),
        detail=repr(error),
    )


def setup_logging(config: Config, *, name: str = "desk") -> Path:
    """A rotating log file in the data folder; the details a message on screen leaves out."""
    log_file = config.logs_dir / f"{name}.log"
    handler = logging.handlers.RotatingFileHandler(
        log_file, maxBytes=5 * 1024 * 1024, backupCount=5, encoding="utf-8"
    )
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s")
    )
    root = logging.getLogger()
    for existing in list(root.handlers):
        if isinstance(existing, logging.handlers.RotatingFileHandler):
            root.removeHandler(existing)
            existing.close()
    root.addHandler(handler)
    root.setLevel(config.log_level)
    return log_file


def prepare(config: Config, *, log_name: str = "desk") -> None:
    """The data folder and the log, before anything else (it imports no database code)."""
    prepare_data_dir(config)
    setup_logging(config, name=log_name)
