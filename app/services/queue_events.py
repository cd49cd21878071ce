"""Telling every desk, kiosk and display of an office that its queue changed.

Each queue change bumps the office's row in ``queue_versions`` in its own transaction. On the
office's PostgreSQL the same transaction also sends ``NOTIFY reception_queue, '<office code>'``,
which PostgreSQL delivers at commit, and only then: a listener never hears of a change that was
rolled back, and hears of a committed one within milliseconds. On SQLite (a single desk, with
the kiosk and the display on the same computer) there is no one to notify across processes, so
the watcher reads that one row a few times a second: a primary-key lookup in a file the
operating system keeps cached, cheaper than any file-watching scheme and as portable.

:class:`QueueWatcher` hides the difference. A screen runs it on a worker thread::

    with QueueWatcher.for_core(core) as watcher:
        while not stopping:
            if watcher.wait(1.0):
                ...  # refresh from queue_status()
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from datetime import datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app.db.engine import Database
from app.db.models import QueueVersionRow
from app.errors import DeskError, StorageError
from app.i18n import _

if TYPE_CHECKING:
    from app.services.core import Core

log = logging.getLogger(__name__)

CHANNEL = "reception_queue"
POLL_SECONDS = 0.2  # SQLite: how often the version row is read; the display needs < 1 s
RETRY_SECONDS = 2.0  # after a lost connection, before trying again


_TABLE = QueueVersionRow.__table__
_TOUCH = {
    name: module.insert(_TABLE)
    .values(
        office_id=bindparam("office_id"),
        version=1,
        changed_at=bindparam("at", type_=_TABLE.c.changed_at.type),
    )
    .on_conflict_do_update(
        index_elements=[_TABLE.c.office_id],
        set_={
            "version": _TABLE.c.version + 1,
            "changed_at": bindparam("at", type_=_TABLE.c.changed_at.type),
        },
    )
    .returning(_TABLE.c.version)
    for name, module in (("postgresql", postgresql), ("sqlite", sqlite))
}
_NOTIFY = select(func.pg_notify(CHANNEL, bindparam("office_code")))


def touch(session: Session, office_id: uuid.UUID, office_code: str, at: datetime) -> int:
    """Mark the office's queue as changed, in the caller's transaction; the new version."""
    dialect = session.get_bind().dialect.name
    connection = session.connection()
    version = int(
        connection.execute(_TOUCH[dialect], {"office_id": office_id, "at": at}).scalar_one()
    )
    if dialect == "postgresql":
        connection.execute(_NOTIFY, {"office_code": office_code})
    return version


def current_version(session: Session, office_id: uuid.UUID) -> int:
    found = session.execute(
        select(QueueVersionRow.version).where(QueueVersionRow.office_id == office_id)
    ).scalar_one_or_none()
    return int(found or 0)


def _lost(error: Exception) -> StorageError:
    log.warning("queue watcher lost the database: %s", error)
    return StorageError(
        _(
            "The connection to the office's database was lost. The queue shown may be out of "
            "date; the desk keeps trying to reconnect."
        ),
        detail=repr(error),
    )


class QueueWatcher:
    """Waits for changes of one office's queue: LISTEN on PostgreSQL, polling on SQLite."""

    def __init__(
        self,
        database: Database,
        office_id: uuid.UUID,
        office_code: str,
        *,
        poll_seconds: float = POLL_SECONDS,
    ) -> None:
        self.database = database
        self.office_id = office_id
        self.office_code = office_code
        self.poll_seconds = poll_seconds
        self._listener: Any = None  # a psycopg connection in autocommit mode, LISTENing
        self._seen: int | None = None

    @classmethod
    def for_core(cls, core: Core) -> QueueWatcher:
        """The watcher of the office this desk belongs to."""
        from app.services.queue_store import office_of

        with core.reading() as session:
            office = office_of(session, core.desk_id)
        return cls(core.database, office.id, office.code)

    @property
    def uses_notify(self) -> bool:
        return self.database.dialect == "postgresql"

    def wait(self, timeout: float) -> bool:
        """True as soon as the queue changed since the last call, False when ``timeout``
        seconds passed without a change. The first call, and the first after a reconnection,
        answer True at once: what changed before is not known, so the caller refreshes.
        Raises StorageError when the database cannot be reached; the next call tries again."""
        if self.uses_notify:
            return self._wait_for_notify(timeout)
        return self._poll(timeout)

    def run(
        self,
        stop: threading.Event,
        on_change: Callable[[], None],
        on_error: Callable[[DeskError], None] | None = None,
    ) -> None:
        """Call ``on_change`` for each change until ``stop`` is set; report lost connections
        to ``on_error`` and keep retrying. Meant for a worker thread."""
        while not stop.is_set():
            try:
                if self.wait(0.5):
                    on_change()
            except StorageError as error:
                if on_error is not None:
                    on_error(error)
                stop.wait(RETRY_SECONDS)

    def close(self) -> None:
        if self._listener is not None:
            try:
                self._listener.close()
            finally:
                self._listener = None

    def __enter__(self) -> QueueWatcher:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    # --- PostgreSQL ---------------------------------------------------------------------------

    def _connect(self) -> Any:
        import psycopg

        url = self.database.engine.url.set(drivername="postgresql")
        connection = psycopg.connect(url.render_as_string(hide_password=False), autocommit=True)
        connection.execute(f"LISTEN {CHANNEL}")
        return connection

    def _wait_for_notify(self, timeout: float) -> bool:
        import psycopg

        try:
            if self._listener is None:
                self._listener = self._connect()
                # Whatever changed while no one listened is not known: say "changed" once.
                return True
            deadline = time.monotonic() + timeout
            while (left := deadline - time.monotonic()) > 0:
                # Leave the generator before draining: it holds the connection's lock.
                heard = [n.payload for n in self._listener.notifies(timeout=left, stop_after=1)]
                if self.office_code in heard:
                    self._drain()
                    return True
            return False
        except psycopg.Error as error:
            self.close()
            raise _lost(error) from error

    def _drain(self) -> None:
        """Several changes in a burst make one refresh, not one each."""
        for _notice in self._listener.notifies(timeout=0.01):
            pass

    # --- SQLite ---------------------------------------------------------------------------

    def _version(self) -> int:
        try:
            with self.database.reading() as session:
                return current_version(session, self.office_id)
        except OperationalError as error:
            raise _lost(error) from error

    def _poll(self, timeout: float) -> bool:
        if self._seen is None:
            self._seen = self._version()
            return True
        deadline = time.monotonic() + timeout
        while True:
            version = self._version()
            if version != self._seen:
                self._seen = version
                return True
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            time.sleep(min(self.poll_seconds, left))
