"""The errors the core raises for a person to read.

Each carries a message already translated into the current language that says what is wrong
and what to do. Technical detail goes to the log, never to the screen.
"""

from __future__ import annotations


class DeskError(Exception):
    """A problem a person can understand and act on. ``str(error)`` is the message to show."""

    def __init__(self, message: str, *, detail: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail

    def __str__(self) -> str:
        return self.message


class ValidationError(DeskError):
    """Input that is not acceptable; ``field`` names the field when there is one."""

    def __init__(self, message: str, *, field: str = "", detail: str = "") -> None:
        super().__init__(message, detail=detail)
        self.field = field


class NotFoundError(DeskError):
    """A record asked for that does not exist."""


class PermissionDeniedError(DeskError):
    """The user's role does not allow the action. Raised by the core, whatever the UI shows."""


class AuthenticationError(DeskError):
    """Wrong user name or password."""


class AccountLockedError(AuthenticationError):
    """Too many failed attempts; the account waits before it accepts a password again."""


class ConflictError(DeskError):
    """The action clashes with the state of the records (a duplicate, a closed day, ...)."""


class ConfigError(DeskError):
    """A configuration file that cannot be read."""


class StorageError(DeskError):
    """The database or the data folder cannot be used as it is."""


class DatabaseCorruptError(StorageError):
    """The database file is damaged or is not a database; a backup may restore it."""

    def __init__(self, message: str, *, latest_backup: str | None = None, detail: str = "") -> None:
        super().__init__(message, detail=detail)
        self.latest_backup = latest_backup


class DatabaseTooNewError(StorageError):
    """The database was written by a newer version of the desk."""


class DiskFullError(StorageError):
    """No space left where the desk writes."""


class MasterDataError(ValidationError):
    """A master data file that cannot be loaded; the message names the line and the field."""

    def __init__(self, message: str, *, line: int, field: str = "", detail: str = "") -> None:
        super().__init__(message, field=field, detail=detail)
        self.line = line
