"""The core every service function works through: the database, the clock, this desk.

A change runs inside :meth:`Core.changing`: one transaction in which the service writes its
business rows and :meth:`Transaction.record` adds the audit row and the outbox row. All commit
together or none does. Roles are checked here, in the core, whatever the screens show.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app.clock import Clock, SystemClock
from app.db.backup import is_disk_full
from app.db.engine import Database
from app.domain.changes import Changes, Topic
from app.domain.users import Actor, Permission
from app.errors import DiskFullError, PermissionDeniedError, StorageError
from app.i18n import N_, _
from app.services import audit

log = logging.getLogger(__name__)


class Core:
    def __init__(
        self, database: Database, *, clock: Clock | None = None, desk_id: uuid.UUID | None = None
    ) -> None:
        self.database = database
        self.clock: Clock = clock or SystemClock()
        self.desk_id = desk_id

    @contextmanager
    def reading(
        self, actor: Actor | None = None, permission: Permission | None = None
    ) -> Iterator[Session]:
        if actor is not None and permission is not None:
            require(actor, permission)
        try:
            with self.database.reading() as session:
                yield session
        except OperationalError as error:
            raise storage_error(error) from error

    @contextmanager
    def changing(self, actor: Actor, permission: Permission | None = None) -> Iterator[Transaction]:
        if permission is not None:
            require(actor, permission)
        try:
            with self.database.writing() as session:
                yield Transaction(session=session, core=self, actor=actor)
        except OperationalError as error:
            raise storage_error(error) from error


@dataclass
class Transaction:
    session: Session
    core: Core
    actor: Actor
    topics: set[Topic] = field(default_factory=set)

    def record(
        self,
        *,
        action: str,
        entity: str,
        entity_id: str | uuid.UUID,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
        topics: tuple[Topic, ...] = (),
        sync: bool = True,
    ) -> int:
        """Audit one change and, unless it stays on this desk, queue it for the centre.

        Returns the audit sequence number, which also orders the outbox.
        """
        self.session.flush()  # the business rows first, so a failing constraint stops us here
        seq = audit.append(
            self.session,
            at=self.core.clock.now(),
            actor=self.actor,
            desk_id=self.core.desk_id,
            action=action,
            entity=entity,
            entity_id=str(entity_id),
            before=before,
            after=after,
        )
        if sync:
            audit.queue_outbox(
                self.session,
                seq=seq,
                at=self.core.clock.now(),
                desk_id=self.core.desk_id,
                entity=entity,
                entity_id=str(entity_id),
                operation=action,
                payload=after if after is not None else {"deleted": True},
            )
            self.topics.add(Topic.OUTBOX)
        self.topics.update(topics)
        self.topics.add(Topic.AUDIT)
        return seq

    @property
    def changes(self) -> Changes:
        return Changes(frozenset(self.topics))


def storage_error(error: OperationalError) -> StorageError:
    """Say what a failing database means for the person at the desk; the rest goes to the log."""
    log.error("database operation failed: %s", error)
    if is_disk_full(error):
        return DiskFullError(
            _(
                "The disk is full: the change was not saved. Free some space and try again; "
                "what was saved before is safe."
            ),
            detail=repr(error),
        )
    return StorageError(
        _(
            "The database cannot be reached right now. The change was not saved; try again in "
            "a moment, and if it persists ask the administrator."
        ),
        detail=repr(error),
    )


def require(actor: Actor, permission: Permission) -> None:
    if not actor.may(permission):
        raise PermissionDeniedError(
            _(
                "Your role does not allow this ({permission}). Ask a supervisor or an "
                "administrator."
            ).format(permission=_(PERMISSION_LABELS[permission]))
        )


PERMISSION_LABELS: dict[Permission, str] = {
    Permission.WORK_AT_DESK: N_("work at the desk"),
    Permission.MANAGE_USERS: N_("manage users"),
    Permission.MANAGE_OFFICE: N_("change the office's settings"),
    Permission.MANAGE_QUEUE: N_("change the queue's rules"),
    Permission.IMPORT_MASTER_DATA: N_("import master data"),
    Permission.VIEW_AUDIT: N_("read the audit log"),
    Permission.CLOSE_DAY: N_("close the day"),
    Permission.CORRECT_RECORDS: N_("void or reprint documents"),
    Permission.BACKUP: N_("back up or restore the database"),
    Permission.VIEW_REPORTS: N_("read the office's reports"),
}
