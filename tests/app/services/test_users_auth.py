"""Roles enforced in the core, Argon2id passwords, lockout, unlock by the same user."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.bootstrap import Started
from app.clock import ManualClock
from app.db.models import UserRow
from app.domain.users import Actor, Role
from app.errors import (
    AccountLockedError,
    AuthenticationError,
    PermissionDeniedError,
    ValidationError,
)
from app.services import auth, users
from app.services.settings import SecurityPolicy, set_security_policy
from app.services.setup import DemoSetup


def _password(demo: DemoSetup, username: str) -> str:
    return next(password for name, _role, password in demo.passwords if name == username)


def _actor(started: Started, demo: DemoSetup, username: str) -> Actor:
    return Actor.of(auth.login(started.core, username, _password(demo, username)).value.user)


def test_passwords_are_argon2id(started: Started, demo: DemoSetup) -> None:
    with started.core.reading() as session:
        hashes = list(session.execute(select(UserRow.password_hash)).scalars())
    assert hashes and all(value.startswith("$argon2id$") for value in hashes)


def test_clerk_is_refused_supervisor_actions_by_the_core(started: Started, demo: DemoSetup) -> None:
    clerk = _actor(started, demo, "clerk")
    office = demo.identity.office.id
    with pytest.raises(PermissionDeniedError, match="does not allow"):
        users.create_user(
            started.core,
            clerk,
            office_id=office,
            username="intruder",
            full_name="Intruder",
            role=Role.CLERK,
            password="long password",
        )
    with pytest.raises(PermissionDeniedError):
        users.list_users(started.core, clerk)
    with pytest.raises(PermissionDeniedError):
        users.set_active(started.core, clerk, "supervisor", False)
    with pytest.raises(PermissionDeniedError):
        set_security_policy(started.core, clerk, SecurityPolicy(3, 5, 5))


def test_supervisor_manages_clerks_but_cannot_make_admins(
    started: Started, demo: DemoSetup
) -> None:
    supervisor = _actor(started, demo, "supervisor")
    office = demo.identity.office.id
    created = users.create_user(
        started.core,
        supervisor,
        office_id=office,
        username="leyla",
        full_name="Leyla Həsənova",
        role=Role.CLERK,
        password="long password",
    )
    assert created.value.role is Role.CLERK
    with pytest.raises(PermissionDeniedError, match="administrator"):
        users.set_role(started.core, supervisor, "leyla", Role.ADMIN)
    with pytest.raises(PermissionDeniedError):
        users.reset_password(started.core, supervisor, "admin", "another password")
    admin = _actor(started, demo, "admin")
    assert users.set_role(started.core, admin, "leyla", Role.SUPERVISOR).value.role is (
        Role.SUPERVISOR
    )


def test_login_and_wrong_password(started: Started, demo: DemoSetup) -> None:
    result = auth.login(started.core, " Clerk ", _password(demo, "clerk")).value
    assert result.user.username == "clerk" and result.user.role is Role.CLERK
    with pytest.raises(AuthenticationError, match="Wrong user name or password"):
        auth.login(started.core, "clerk", "not the password")
    with pytest.raises(AuthenticationError, match="Wrong user name or password"):
        auth.login(started.core, "nobody", "whatever it is")


def test_lockout_after_repeated_failures_then_time_heals(
    started: Started, demo: DemoSetup, clock: ManualClock
) -> None:
    for _attempt in range(4):
        with pytest.raises(AuthenticationError):
            auth.login(started.core, "clerk", "wrong password")
    with pytest.raises(AccountLockedError, match="locked for 15"):
        auth.login(started.core, "clerk", "wrong password")
    # Even the right password waits out the lockout.
    with pytest.raises(AccountLockedError):
        auth.login(started.core, "clerk", _password(demo, "clerk"))
    clock.advance(timedelta(minutes=16))
    assert auth.login(started.core, "clerk", _password(demo, "clerk")).value.user.username == (
        "clerk"
    )


def test_policy_from_office_settings(started: Started, demo: DemoSetup) -> None:
    admin = _actor(started, demo, "admin")
    set_security_policy(
        started.core,
        admin,
        SecurityPolicy(max_failed_logins=2, lockout_minutes=30, idle_lock_minutes=3),
    )
    with pytest.raises(AuthenticationError):
        auth.login(started.core, "clerk", "wrong password")
    with pytest.raises(AccountLockedError, match="30"):
        auth.login(started.core, "clerk", "wrong password")
    assert auth.login(started.core, "admin", _password(demo, "admin")).value.idle_lock_minutes == 3


def test_unlock_needs_the_same_users_password(started: Started, demo: DemoSetup) -> None:
    clerk = auth.login(started.core, "clerk", _password(demo, "clerk")).value.user
    with pytest.raises(AuthenticationError):
        auth.unlock(started.core, clerk.id, _password(demo, "supervisor"))
    assert auth.unlock(started.core, clerk.id, _password(demo, "clerk")).value.id == clerk.id


def test_disabled_user_cannot_log_in(started: Started, demo: DemoSetup) -> None:
    supervisor = _actor(started, demo, "supervisor")
    users.set_active(started.core, supervisor, "clerk", False)
    with pytest.raises(AuthenticationError):
        auth.login(started.core, "clerk", _password(demo, "clerk"))


def test_password_policy_and_username_rules(started: Started, demo: DemoSetup) -> None:
    with pytest.raises(ValidationError, match="at least 8"):
        users.create_user(
            started.core,
            Actor.system(),
            office_id=demo.identity.office.id,
            username="shorty",
            full_name="Short",
            role=Role.CLERK,
            password="abc",
        )
    with pytest.raises(ValidationError, match="user name"):
        users.create_user(
            started.core,
            Actor.system(),
            office_id=demo.identity.office.id,
            username="Əli bəy",
            full_name="Ali",
            role=Role.CLERK,
            password="long password",
        )


def test_change_own_password(started: Started, demo: DemoSetup) -> None:
    clerk = _actor(started, demo, "clerk")
    auth.change_own_password(started.core, clerk, _password(demo, "clerk"), "a new password")
    assert auth.login(started.core, "clerk", "a new password").value.user.username == "clerk"
