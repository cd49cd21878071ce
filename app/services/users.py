"""Users of the office: create, disable, enable, change role, reset password, list."""

from __future__ import annotations

import re
import uuid
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db.models import UserRow
from app.domain.changes import Outcome, Topic
from app.domain.users import Actor, Permission, Role, User
from app.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from app.i18n import _
from app.ids import new_id
from app.security.passwords import hash_password
from app.services.core import Core

USERNAME_RE = re.compile(r"^[a-z][a-z0-9._-]{1,31}$")


def to_user(row: UserRow) -> User:
    return User(
        id=row.id,
        office_id=row.office_id,
        username=row.username,
        full_name=row.full_name,
        role=Role(row.role),
        active=row.active,
        language=row.language,
    )


def snapshot(row: UserRow) -> dict[str, Any]:
    """What the audit log and the outbox keep of a user: never the password hash."""
    return {
        "id": str(row.id),
        "office_id": str(row.office_id),
        "username": row.username,
        "full_name": row.full_name,
        "role": row.role,
        "active": row.active,
        "language": row.language,
    }


def normalize_username(username: str) -> str:
    name = username.strip().lower()
    if not USERNAME_RE.match(name):
        raise ValidationError(
            _(
                "A user name has 2 to 32 characters: Latin letters, digits, dot, dash or "
                "underscore, starting with a letter."
            ),
            field="username",
        )
    return name


def _check_can_grant(actor: Actor, role: Role) -> None:
    # A supervisor manages the clerks and supervisors of the office; only an administrator
    # can make another administrator.
    if role is Role.ADMIN and not actor.is_system and actor.role is not Role.ADMIN:
        raise PermissionDeniedError(_("Only an administrator can give the administrator role."))


def _find(session: Session, username: str) -> UserRow:
    row = session.execute(
        select(UserRow).where(UserRow.username == username.strip().lower())
    ).scalar_one_or_none()
    if row is None:
        raise NotFoundError(_("There is no user '{username}'.").format(username=username))
    return row


def create_user(
    core: Core,
    actor: Actor,
    *,
    office_id: uuid.UUID,
    username: str,
    full_name: str,
    role: Role,
    password: str,
) -> Outcome[User]:
    name = normalize_username(username)
    full_name = " ".join(full_name.split())
    if not full_name:
        raise ValidationError(_("Enter the user's full name."), field="full_name")
    _check_can_grant(actor, role)
    password_hash = hash_password(password)  # before the transaction: it takes ~50 ms
    with core.changing(actor, Permission.MANAGE_USERS) as tx:
        exists = tx.session.execute(
            select(func.count()).select_from(UserRow).where(UserRow.username == name)
        ).scalar_one()
        if exists:
            raise ConflictError(_("The user name '{username}' is taken.").format(username=name))
        now = core.clock.now()
        row = UserRow(
            id=new_id(),
            office_id=office_id,
            username=name,
            full_name=full_name,
            role=role.value,
            password_hash=password_hash,
            active=True,
            failed_attempts=0,
            created_at=now,
            password_changed_at=now,
        )
        tx.session.add(row)
        tx.record(
            action="user.create",
            entity="user",
            entity_id=row.id,
            before=None,
            after=snapshot(row),
            topics=(Topic.USERS,),
        )
        return Outcome(to_user(row), tx.changes)


def _update(core: Core, actor: Actor, username: str, action: str, change: Any) -> Outcome[User]:
    with core.changing(actor, Permission.MANAGE_USERS) as tx:
        row = _find(tx.session, username)
        if row.role == Role.ADMIN.value:
            _check_can_grant(actor, Role.ADMIN)
        before = snapshot(row)
        change(row)
        tx.record(
            action=action,
            entity="user",
            entity_id=row.id,
            before=before,
            after=snapshot(row),
            topics=(Topic.USERS,),
        )
        return Outcome(to_user(row), tx.changes)


def set_active(core: Core, actor: Actor, username: str, active: bool) -> Outcome[User]:
    if not active and actor.username == username.strip().lower():
        raise ConflictError(_("You cannot disable your own account."))

    def apply(row: UserRow) -> None:
        row.active = active
        if active:
            row.failed_attempts = 0
            row.locked_until = None

    return _update(core, actor, username, "user.enable" if active else "user.disable", apply)


def set_role(core: Core, actor: Actor, username: str, role: Role) -> Outcome[User]:
    _check_can_grant(actor, role)

    def apply(row: UserRow) -> None:
        row.role = role.value

    return _update(core, actor, username, "user.set_role", apply)


def reset_password(core: Core, actor: Actor, username: str, password: str) -> Outcome[User]:
    password_hash = hash_password(password)
    now = core.clock.now()

    def apply(row: UserRow) -> None:
        row.password_hash = password_hash
        row.password_changed_at = now
        row.failed_attempts = 0
        row.locked_until = None

    return _update(core, actor, username, "user.reset_password", apply)


def list_users(core: Core, actor: Actor) -> list[User]:
    with core.reading(actor, Permission.MANAGE_USERS) as session:
        rows = session.execute(select(UserRow).order_by(UserRow.username)).scalars()
        return [to_user(row) for row in rows]
