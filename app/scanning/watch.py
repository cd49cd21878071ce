"""A folder that network scanners save into, looked at from time to time.

Scanners write a file over seconds, so a file is taken only once its size and time have not
changed for ``settle_seconds`` across two looks. It is then read once and moved out of the
way: into ``processed/`` when its pages were read, into ``failed/`` when they could not be
(its problem is reported), so it is never taken twice, even after the desk restarts. Files
still being written (".part", ".tmp"), hidden files and other kinds of files are left alone.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from app.errors import StorageError
from app.i18n import _
from app.scanning.files import SUFFIXES, read_file
from app.scanning.model import FileRefusedError, ScannedPage

log = logging.getLogger(__name__)

PROCESSED = "processed"
FAILED = "failed"
SETTLE_SECONDS = 2.0
_UNFINISHED_SUFFIXES = frozenset({".part", ".tmp", ".crdownload", ".partial"})


@dataclass(frozen=True, slots=True)
class Arrival:
    """A file taken from the folder: its pages, or the problem that stopped them."""

    name: str
    pages: tuple[ScannedPage, ...]
    problem: str | None
    moved_to: Path | None  # None when it could not be moved (named in the log)


@dataclass(frozen=True, slots=True)
class _Seen:
    size: int
    modified: float
    since: float  # when this size and time were first seen


class WatchedFolder:
    """Call :meth:`poll` every few seconds; each call returns the files that came complete."""

    def __init__(
        self,
        folder: Path,
        *,
        settle_seconds: float = SETTLE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.folder = folder
        self.processed_dir = folder / PROCESSED
        self.failed_dir = folder / FAILED
        self._settle = settle_seconds
        self._clock = clock
        self._seen: dict[str, _Seen] = {}
        self._taken: set[tuple[str, int, float]] = set()  # in case a move failed

    def poll(self) -> list[Arrival]:
        now = self._clock()
        try:
            entries = sorted(self.folder.iterdir())
        except OSError as error:
            raise StorageError(
                _("The scan folder {path} cannot be read: {problem}.").format(
                    path=self.folder, problem=error.strerror or error
                ),
                detail=repr(error),
            ) from error
        present: set[str] = set()
        arrivals = []
        for path in entries:
            if not _candidate(path):
                continue
            present.add(path.name)
            if self._ready(path, now):
                arrivals.append(self._take(path))
        # Forget files that went away, so the same name may come again later.
        for name in set(self._seen) - present:
            del self._seen[name]
        return arrivals

    def _ready(self, path: Path, now: float) -> bool:
        try:
            stat = path.stat()
        except OSError:
            return False  # gone between the listing and now
        if (path.name, stat.st_size, stat.st_mtime) in self._taken:
            return False
        seen = self._seen.get(path.name)
        if seen is None or (seen.size, seen.modified) != (stat.st_size, stat.st_mtime):
            self._seen[path.name] = _Seen(stat.st_size, stat.st_mtime, now)
            return False
        return stat.st_size > 0 and now - seen.since >= self._settle

    def _take(self, path: Path) -> Arrival:
        stat = path.stat()
        self._taken.add((path.name, stat.st_size, stat.st_mtime))
        self._seen.pop(path.name, None)
        try:
            pages = tuple(read_file(path))
            problem = None
        except FileRefusedError as error:
            log.warning("scan folder: %s refused (%s)", path.name, error.detail or error.message)
            pages, problem = (), error.message
        moved = self._move(path, self.failed_dir if problem else self.processed_dir)
        return Arrival(path.name, pages, problem, moved)

    def _move(self, path: Path, target_dir: Path) -> Path | None:
        try:
            target_dir.mkdir(parents=True, exist_ok=True)
            target = _free_name(target_dir, path.name)
            path.replace(target)
        except OSError as error:
            log.error("scan folder: cannot move %s to %s: %s", path, target_dir, error)
            return None
        return target


def _candidate(path: Path) -> bool:
    name = path.name
    if name.startswith((".", "~")) or path.suffix.lower() in _UNFINISHED_SUFFIXES:
        return False
    return path.suffix.lower() in SUFFIXES and path.is_file()


def _free_name(folder: Path, name: str) -> Path:
    """``name`` in ``folder``, or with the time added when a file of that name is there."""
    target = folder / name
    if not target.exists():
        return target
    stem, suffix = Path(name).stem, Path(name).suffix
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    for number in range(1, 1000):
        target = folder / f"{stem}-{stamp}-{number}{suffix}"
        if not target.exists():
            return target
    return folder / f"{stem}-{stamp}-{time.monotonic_ns()}{suffix}"
