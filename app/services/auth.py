"""Logging in, locking and unlocking the desk, changing one's own password.

Failed attempts are counted per user; after the office's limit the account waits for the
lockout time. Every login, failure and lockout is audited (kept on the desk, not synced).
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from app.db.models import UserRow
from app.domain.changes import Changes, Outcome, Topic
from app.domain.users import Actor, Role, User
from app.errors import AccountLockedError, AuthenticationError, NotFoundError
from app.i18n import _
from app.security.passwords import (
    dummy_hash,
    hash_password,
    needs_rehash,
    verify_password,
)
from app.services.core import Core
from app.services.settings import security_policy
from app.services.users import snapshot, to_user


@dataclass(frozen=True, slots=True)
class LoginResult:
    user: User
    idle_lock_minutes: int


def _locked_message(minutes: int) -> str:
    return _(
        "Too many wrong passwords: this account is locked for {minutes} more minute(s). "
        "Wait, or ask a supervisor to unlock it."
    ).format(minutes=minutes)


def _check_password(core: Core, row: UserRow | None, password: str, *, action: str) -> UserRow:
    """Check ``password`` for ``row``, counting failures and locking out; audited either way."""
    now = core.clock.now()
    if row is None or not row.active:
        verify_password(dummy_hash(), password)
        raise AuthenticationError(_("Wrong user name or password."))
    if row.locked_until is not None and row.locked_until > now:
        remaining = math.ceil((row.locked_until - now).total_seconds() / 60)
        raise AccountLockedError(_locked_message(remaining))
    actor = Actor(row.id, row.username, Role(row.role), row.office_id)
    with core.changing(actor) as tx:
        fresh = tx.session.get(UserRow, row.id)
        assert fresh is not None
        policy = security_policy(tx.session)
        if verify_password(fresh.password_hash, password):
            fresh.failed_attempts = 0
            fresh.locked_until = None
            if needs_rehash(fresh.password_hash):
                fresh.password_hash = hash_password(password)
            tx.record(
                action=action,
                entity="user",
                entity_id=fresh.id,
                before=None,
                after=None,
                topics=(Topic.SESSION,),
                sync=False,
            )
            return fresh
        fresh.failed_attempts += 1
        locked = fresh.failed_attempts >= policy.max_failed_logins
        if locked:
            fresh.locked_until = now + timedelta(minutes=policy.lockout_minutes)
            fresh.failed_attempts = 0
        tx.record(
            action=f"{action}.failed" + (".locked" if locked else ""),
            entity="user",
            entity_id=fresh.id,
            before=None,
            after=None,
            topics=(Topic.SESSION,),
            sync=False,
        )
    # The failure is committed (so it counts) before the error is raised.
    if locked:
        raise AccountLockedError(_locked_message(policy.lockout_minutes))
    raise AuthenticationError(_("Wrong user name or password."))


def login(core: Core, username: str, password: str) -> Outcome[LoginResult]:
    with core.reading() as session:
        row = session.execute(
            select(UserRow).where(UserRow.username == username.strip().lower())
        ).scalar_one_or_none()
    checked = _check_password(core, row, password, action="auth.login")
    with core.reading() as session:
        policy = security_policy(session)
    return Outcome(
        LoginResult(to_user(checked), policy.idle_lock_minutes),
        Changes(frozenset({Topic.SESSION, Topic.AUDIT})),
    )


def unlock(core: Core, user_id: uuid.UUID, password: str) -> Outcome[User]:
    """Unlock the locked desk: only the same user's password opens it again."""
    with core.reading() as session:
        row = session.get(UserRow, user_id)
    if row is None:
        raise NotFoundError(_("This user no longer exists. Log in again."))
    checked = _check_password(core, row, password, action="auth.unlock")
    return Outcome(to_user(checked), Changes(frozenset({Topic.SESSION, Topic.AUDIT})))


def record_lock(core: Core, actor: Actor, *, reason: str) -> None:
    with core.changing(actor) as tx:
        tx.record(
            action=f"auth.{reason}",
            entity="user",
            entity_id=str(actor.user_id),
            before=None,
            after=None,
            topics=(Topic.SESSION,),
            sync=False,
        )


def change_own_password(
    core: Core, actor: Actor, old_password: str, new_password: str
) -> Outcome[User]:
    if actor.user_id is None:
        raise AuthenticationError(_("Log in first."))
    with core.reading() as session:
        row = session.get(UserRow, actor.user_id)
    _check_password(core, row, old_password, action="auth.verify")
    new_hash = hash_password(new_password)
    with core.changing(actor) as tx:
        fresh = tx.session.get(UserRow, actor.user_id)
        assert fresh is not None
        fresh.password_hash = new_hash
        fresh.password_changed_at = core.clock.now()
        tx.record(
            action="user.change_password",
            entity="user",
            entity_id=fresh.id,
            before=None,
            after=snapshot(fresh),
            topics=(Topic.USERS,),
        )
        return Outcome(to_user(fresh), tx.changes)


def set_own_language(core: Core, actor: Actor, language: str) -> Outcome[User]:
    if actor.user_id is None:
        raise AuthenticationError(_("Log in first."))
    with core.changing(actor) as tx:
        row = tx.session.get(UserRow, actor.user_id)
        assert row is not None
        before = snapshot(row)
        row.language = language
        tx.record(
            action="user.set_language",
            entity="user",
            entity_id=row.id,
            before=before,
            after=snapshot(row),
            topics=(Topic.USERS,),
            sync=False,
        )
        return Outcome(to_user(row), tx.changes)
