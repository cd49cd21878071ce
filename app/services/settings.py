"""Office settings kept in the database, with their defaults and who may change them."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import SettingRow
from app.domain.changes import Changes, Outcome, Topic
from app.domain.queue import QueuePolicy
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


# --- The queue's rules ----------------------------------------------------------------------

QUEUE_KEY = "queue"

# The smallest and largest value of each rule: beyond them the queue stops making sense (a
# ratio of 0 would starve one side; a recall limit of 50 would keep a counter calling all day).
_QUEUE_BOUNDS: dict[str, tuple[int, int]] = {
    "ratio_normal": (1, 20),
    "ratio_priority": (1, 20),
    "aging_minutes": (1, 240),
    "recall_limit": (0, 10),
    "target_wait_minutes": (1, 240),
    "appointment_early_minutes": (0, 120),
    "appointment_late_minutes": (0, 240),
    "default_service_minutes": (1, 120),
}


_QUEUE_VALUE = select(SettingRow.value).where(SettingRow.key == QUEUE_KEY)


def queue_policy(session: Session) -> QueuePolicy:
    # Read on every ticket issued and called: a plain column, past the ORM's identity map.
    value = session.connection().execute(_QUEUE_VALUE).scalar()
    if value is None:
        return QueuePolicy()
    known = {f.name for f in fields(QueuePolicy)}
    return QueuePolicy(**{k: int(v) for k, v in value.items() if k in known})


def set_queue_policy(core: Core, actor: Actor, policy: QueuePolicy) -> Outcome[QueuePolicy]:
    """Change the office's queue rules; supervisors and administrators may."""
    changes = _save_numbers(
        core,
        actor,
        QUEUE_KEY,
        values=asdict(policy),
        bounds=_QUEUE_BOUNDS,
        topics=(Topic.SETTINGS, Topic.QUEUE),
    )
    return Outcome(policy, changes)


def _save_numbers(
    core: Core,
    actor: Actor,
    key: str,
    *,
    values: dict[str, int],
    bounds: dict[str, tuple[int, int]],
    topics: tuple[Topic, ...],
) -> Changes:
    """Keep an office setting of whole numbers, each checked against its bounds first;
    audited, and not synced: it is the office's own."""
    for name, value in values.items():
        low, high = bounds[name]
        if not low <= value <= high:
            raise ValidationError(
                _("The value must be between {low} and {high}.").format(low=low, high=high),
                field=name,
            )
    with core.changing(actor, Permission.MANAGE_QUEUE) as tx:
        row = tx.session.get(SettingRow, key)
        before: dict[str, Any] | None = dict(row.value) if row else None
        if row is None:
            tx.session.add(SettingRow(key=key, value=dict(values)))
        else:
            row.value = dict(values)
        tx.record(
            action=f"settings.{key}",
            entity="setting",
            entity_id=key,
            before=before,
            after=dict(values),
            topics=topics,
            sync=False,
        )
        return tx.changes


# --- The supervisor's alerts -----------------------------------------------------------------

ALERTS_KEY = "alerts"

_ALERT_BOUNDS: dict[str, tuple[int, int]] = {
    "sync_overdue_hours": (1, 168),
    "service_level_percent": (1, 100),
    "service_level_min_called": (1, 100),
}


@dataclass(frozen=True, slots=True)
class AlertPolicy:
    """When the supervisor's live view raises an alert.

    The sync is overdue when the desk has not reached the centre for ``sync_overdue_hours``;
    a service's level is too low when fewer than ``service_level_percent`` of its visitors
    called today were called within the target wait, once at least
    ``service_level_min_called`` were called (the first visitor of the day alone says little).
    """

    sync_overdue_hours: int = 4
    service_level_percent: int = 80
    service_level_min_called: int = 5


def alert_policy(session: Session) -> AlertPolicy:
    row = session.get(SettingRow, ALERTS_KEY)
    if row is None:
        return AlertPolicy()
    known = {f.name for f in fields(AlertPolicy)}
    return AlertPolicy(**{k: int(v) for k, v in row.value.items() if k in known})


def set_alert_policy(core: Core, actor: Actor, policy: AlertPolicy) -> Outcome[AlertPolicy]:
    """Change when the live view alerts; supervisors and administrators may."""
    changes = _save_numbers(
        core,
        actor,
        ALERTS_KEY,
        values=asdict(policy),
        bounds=_ALERT_BOUNDS,
        topics=(Topic.SETTINGS,),
    )
    return Outcome(policy, changes)


def office_rules(core: Core, actor: Actor) -> tuple[QueuePolicy, AlertPolicy]:
    """The queue's rules and the alerts' thresholds, for the supervisor's form."""
    with core.reading(actor, Permission.MANAGE_QUEUE) as session:
        return queue_policy(session), alert_policy(session)
