"""Office settings kept in the database, with their defaults and who may change them."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

from sqlalchemy.orm import Session

from app.db.models import SettingRow
from app.domain.changes import Outcome, Topic
from app.domain.users import Actor, Permission
from app.errors import ValidationError
from app.i18n import _
from app.services.core import Core

SECURITY_KEY = "security"


@dataclass(frozen=True, slots=True)
class SecurityPolicy:
    max_failed_logins: int = 5
    lockout_minutes: int = 15
    idle_lock_minutes: int = 10


def security_policy(session: Session) -> SecurityPolicy:
    row = session.get(SettingRow, SECURITY_KEY)
    if row is None:
        return SecurityPolicy()
    known = {f.name for f in fields(SecurityPolicy)}
    return SecurityPolicy(**{k: int(v) for k, v in row.value.items() if k in known})


def set_security_policy(
    core: Core, actor: Actor, policy: SecurityPolicy
) -> Outcome[SecurityPolicy]:
    for name, value in asdict(policy).items():
        if value < 1:
            raise ValidationError(_("The value must be at least 1."), field=name)
    with core.changing(actor, Permission.MANAGE_OFFICE) as tx:
        row = tx.session.get(SettingRow, SECURITY_KEY)
        before: dict[str, Any] | None = dict(row.value) if row else None
        if row is None:
            row = SettingRow(key=SECURITY_KEY, value=asdict(policy))
            tx.session.add(row)
        else:
            row.value = asdict(policy)
        tx.record(
            action="settings.security",
            entity="setting",
            entity_id=SECURITY_KEY,
            before=before,
            after=asdict(policy),
            topics=(Topic.SETTINGS,),
            sync=False,
        )
        return Outcome(policy, tx.changes)
