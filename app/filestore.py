"""Document files kept by their SHA-256 in the data folder's ``scans/``, for this user only.

A file's name is its hash (``scans/ab/ab12…``), so the same scan stored twice takes the room
once, and reading it back checks it: a file changed or damaged on the disk no longer matches
its name and is refused. Files are written to a temporary name and renamed, so a crash never
leaves half a file under a hash.
"""

from __future__ import annotations

import hashlib
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from app.config import Config
from app.datafolder import PRIVATE_DIR_MODE, storage_error_from_os
from app.errors import StorageError
from app.i18n import _
from app.ids import new_id

PRIVATE_FILE_MODE = 0o600


class TamperedFileError(StorageError):
    """A stored file whose content no longer matches the hash it was stored under."""


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True, slots=True)
class StoredFile:
    sha256: str
    size: int


class FileStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    @classmethod
    def of(cls, config: Config) -> FileStore:
        return cls(config.scans_dir)

    def path_of(self, sha256: str) -> Path:
        # Two hex digits of fan-out keep every folder small enough to list quickly.
        return self.root / sha256[:2] / sha256

    def put(self, data: bytes) -> StoredFile:
        digest = sha256_of(data)
        target = self.path_of(digest)
        if target.is_file() and self._matches(target, digest):
            return StoredFile(digest, len(data))  # stored before: the same bytes
        temporary = target.with_name(f".{digest}.{new_id().hex}.tmp")
        try:
            target.parent.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
            descriptor = os.open(
                temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _BINARY, PRIVATE_FILE_MODE
            )
            with os.fdopen(descriptor, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
            temporary.replace(target)
        except OSError as error:
            temporary.unlink(missing_ok=True)
            raise storage_error_from_os(error, self.root) from error
        return StoredFile(digest, len(data))

    def read(self, sha256: str) -> bytes:
        """The file's bytes, checked against its hash; refused when they differ."""
        path = self.path_of(sha256)
        try:
            data = path.read_bytes()
        except FileNotFoundError as error:
            raise StorageError(
                _(
                    "The stored file of this document is missing from {path}. Ask the "
                    "administrator to restore it from a backup."
                ).format(path=path.parent),
                detail=repr(error),
            ) from error
        except OSError as error:
            raise storage_error_from_os(error, path.parent) from error
        actual = sha256_of(data)
        if actual != sha256:
            raise TamperedFileError(
                _(
                    "The stored file of this document was changed or damaged after it was "
                    "saved (its SHA-256 fingerprint no longer matches), so it is not opened. "
                    "Ask the administrator to restore it from a backup."
                ),
                detail=f"{path}: expected {sha256}, found {actual}",
            )
        return data

    @staticmethod
    def _matches(path: Path, digest: str) -> bool:
        try:
            return sha256_of(path.read_bytes()) == digest
        except OSError:
            return False


# Windows opens files in text mode unless told otherwise; elsewhere the flag does not exist.
_BINARY = getattr(os, "O_BINARY", 0) if sys.platform == "win32" else 0
