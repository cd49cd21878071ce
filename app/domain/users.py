"""People who use the desk, their roles, and what each role may do."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum

from app.i18n import N_, _


class Role(StrEnum):
    CLERK = "clerk"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return _(ROLE_LABELS[self])


ROLE_LABELS: dict[Role, str] = {
    Role.CLERK: N_("Reception clerk"),
    Role.SUPERVISOR: N_("Supervisor"),
    Role.ADMIN: N_("Administrator"),
}


class Permission(StrEnum):
    WORK_AT_DESK = "work_at_desk"  # intake, queue calls, scanning, printing receipts
    MANAGE_USERS = "manage_users"
    MANAGE_OFFICE = "manage_office"  # counters, settings, printers
    MANAGE_QUEUE = "manage_queue"  # the queue's rules: priority ratio, recalls, target wait
    IMPORT_MASTER_DATA = "import_master_data"
    VIEW_AUDIT = "view_audit"
    CLOSE_DAY = "close_day"
    CORRECT_RECORDS = "correct_records"  # voids, reprints
    BACKUP = "backup"
    # The office's summaries (a day, a week, a month): every clerk's work and the fees taken.
    VIEW_REPORTS = "view_reports"


# Supervisors run the office's day and its people; administrators set the desk up. Both may
# work at the desk, so one person can cover for a missing clerk.
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.CLERK: frozenset({Permission.WORK_AT_DESK}),
    Role.SUPERVISOR: frozenset(
        {
            Permission.WORK_AT_DESK,
            Permission.MANAGE_USERS,
            Permission.MANAGE_QUEUE,
            Permission.VIEW_AUDIT,
            Permission.CLOSE_DAY,
            Permission.CORRECT_RECORDS,
            Permission.BACKUP,
            Permission.VIEW_REPORTS,
        }
    ),
    Role.ADMIN: frozenset(Permission),
}


@dataclass(frozen=True, slots=True)
class User:
    id: uuid.UUID
    office_id: uuid.UUID
    username: str
    full_name: str
    role: Role
    active: bool
    language: str | None = None

    def may(self, permission: Permission) -> bool:
        return permission in ROLE_PERMISSIONS[self.role]


@dataclass(frozen=True, slots=True)
class Actor:
    """Who performs an operation: a logged-in user, or the system itself (set-up, sync)."""

    user_id: uuid.UUID | None
    username: str
    role: Role | None
    office_id: uuid.UUID | None

    @classmethod
    def of(cls, user: User) -> Actor:
        return cls(user.id, user.username, user.role, user.office_id)

    @classmethod
    def system(cls, name: str = "system") -> Actor:
        """The desk acting on its own: first set-up, imports from the command line, sync."""
        return cls(None, name, None, None)

    @property
    def is_system(self) -> bool:
        return self.user_id is None

    def may(self, permission: Permission) -> bool:
        if self.is_system:
            return True
        return self.role is not None and permission in ROLE_PERMISSIONS[self.role]
