"""The supervisor's live view of the office: one snapshot of the queues, the counters and their
clerks, today's measures, and what needs someone's attention now.

It is read again after every change of the queue (the watcher's notice or the change bus), so
it is built from the same queries as the clerk's panel and the day's measures: one more
screen must not cost the office's database more than the panels it watches. The alerts are
the things no queue change announces (a kiosk's printer out of paper, a link to the centre
lost for hours), so :func:`live_alerts` reads them alone, cheaply, for a slow re-check.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from app.domain.masterdata import LocalizedText
from app.domain.queue import (
    CounterState,
    CounterStatus,
    DayMeasures,
    PauseReason,
    QueueMeasures,
)
from app.domain.users import Actor, Permission
from app.i18n import N_, _, current_language
from app.services import queue_measures, tickets
from app.services.core import Core, require
from app.services.settings import AlertPolicy, alert_policy
from app.sync.state import sync_status

# Who may watch: the people who run the office's day (clerks see their own counter's panel).
VIEW = Permission.VIEW_REPORTS


class Activity(StrEnum):
    """What a counter's clerk is doing now."""

    SERVING = "serving"
    CALLED = "called"  # a visitor is called and on the way
    IDLE = "idle"  # open, no one at the counter
    PAUSED = "paused"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return _(_ACTIVITY_LABELS[self])


_ACTIVITY_LABELS: dict[Activity, str] = {
    Activity.SERVING: N_("serving"),
    Activity.CALLED: N_("called a visitor"),
    Activity.IDLE: N_("idle"),
    Activity.PAUSED: N_("paused"),
    Activity.CLOSED: N_("closed"),
}


class AlertKind(StrEnum):
    KIOSK_PRINTER = "kiosk_printer"
    SYNC_OVERDUE = "sync_overdue"
    SYNC_REFUSED = "sync_refused"  # records the centre refused wait for a supervisor
    SERVICE_LEVEL = "service_level"


@dataclass(frozen=True, slots=True)
class Alert:
    kind: AlertKind
    message: str  # in the language of the desk when it was read
    subject: str = ""  # the service's code, for a service's alert


@dataclass(frozen=True, slots=True)
class ServiceLive:
    code: str
    name: LocalizedText
    prefix: str
    waiting: int
    priority_waiting: int
    longest_wait_seconds: int  # of those waiting now
    open_counters: int
    served_today: int
    average_wait_seconds: float | None  # today's, of the visitors called
    service_level: float | None  # today's, 0..1

    @property
    def display_name(self) -> str:
        return self.name.in_language(current_language())


@dataclass(frozen=True, slots=True)
class CounterLive:
    number: int
    service_codes: tuple[str, ...]
    activity: Activity
    clerk_name: str | None
    since: datetime | None
    pause_reason: PauseReason | None
    pause_note: str
    ticket_number: str | None
    served_today: int
    idle_seconds: float | None  # today's, pauses left out


@dataclass(frozen=True, slots=True)
class LiveView:
    at: datetime
    day: date
    version: int  # the queue's version it was read at
    target_wait_minutes: int
    services: tuple[ServiceLive, ...]
    counters: tuple[CounterLive, ...]
    measures: DayMeasures
    alerts: tuple[Alert, ...]

    @property
    def waiting(self) -> int:
        return sum(service.waiting for service in self.services)

    @property
    def longest_wait_seconds(self) -> int:
        return max((service.longest_wait_seconds for service in self.services), default=0)


def live_view(core: Core, actor: Actor) -> LiveView:
    """The office now, for a supervisor or an administrator (PermissionDeniedError otherwise)."""
    require(actor, VIEW)
    snapshot = queue_measures.queue_status(core, actor)
    measures = queue_measures.day_measures(core, actor, snapshot.day)
    by_service = {m.key: m for m in measures.by_service}
    by_counter = {m.key: m for m in measures.by_counter}
    services = tuple(
        ServiceLive(
            code=s.code,
            name=s.name,
            prefix=s.prefix,
            waiting=s.waiting,
            priority_waiting=s.priority_waiting,
            longest_wait_seconds=s.longest_wait_seconds,
            open_counters=s.open_counters,
            served_today=by_service[s.code].served if s.code in by_service else 0,
            average_wait_seconds=by_service[s.code].average_wait if s.code in by_service else None,
            service_level=by_service[s.code].service_level if s.code in by_service else None,
        )
        for s in snapshot.services
    )
    counters = tuple(_counter(c, by_counter.get(str(c.number))) for c in snapshot.counters)
    return LiveView(
        at=snapshot.at,
        day=snapshot.day,
        version=snapshot.version,
        target_wait_minutes=measures.target_wait_minutes,
        services=services,
        counters=counters,
        measures=measures,
        alerts=_alerts(core, actor, measures, {s.code: s.name for s in services}),
    )


def live_alerts(core: Core, actor: Actor) -> tuple[Alert, ...]:
    """The alerts alone: what time or another program changes without a queue notice."""
    require(actor, VIEW)
    measures = queue_measures.day_measures(core, actor)
    names = {s.code: s.name for s in queue_measures.queue_status(core, actor).services}
    return _alerts(core, actor, measures, names)


def _counter(status: CounterStatus, measured: QueueMeasures | None) -> CounterLive:
    ticket = status.current
    if status.state is CounterState.PAUSED:
        activity = Activity.PAUSED
    elif status.state is CounterState.CLOSED:
        activity = Activity.CLOSED
    elif ticket is None:
        activity = Activity.IDLE
    elif ticket.started_at is not None:
        activity = Activity.SERVING
    else:
        activity = Activity.CALLED
    return CounterLive(
        number=status.number,
        service_codes=status.service_codes,
        activity=activity,
        clerk_name=status.clerk_name,
        since=status.since,
        pause_reason=status.pause_reason,
        pause_note=status.pause_note,
        ticket_number=ticket.number if ticket is not None else None,
        served_today=measured.served if measured is not None else 0,
        idle_seconds=measured.idle_seconds if measured is not None else None,
    )


def _alerts(
    core: Core,
    actor: Actor,
    measures: DayMeasures,
    names: dict[str, LocalizedText],
) -> tuple[Alert, ...]:
    with core.reading() as session:
        policy = alert_policy(session)
    alerts: list[Alert] = []
    fault = tickets.kiosk_fault(core, actor)
    if fault is not None:
        alerts.append(
            Alert(
                AlertKind.KIOSK_PRINTER,
                _("The kiosk's ticket printer failed: {reason}").format(reason=fault.reason),
            )
        )
    alerts.extend(_sync_alerts(core, policy))
    language = current_language()
    for measured in measures.by_service:
        level = measured.service_level
        if (
            level is not None
            and measured.called >= policy.service_level_min_called
            and level * 100 < policy.service_level_percent
        ):
            name = names.get(measured.key)
            alerts.append(
                Alert(
                    AlertKind.SERVICE_LEVEL,
                    _(
                        "{service}: only {level} of today's visitors were called within "
                        "{minutes} min; the office aims at {goal}."
                    ).format(
                        service=name.in_language(language) if name else measured.key,
                        # The sign goes with the number: a bare "%" in a message reads to the
                        # translation tools as a printf conversion.
                        level=f"{round(level * 100)}%",
                        minutes=measures.target_wait_minutes,
                        goal=f"{policy.service_level_percent}%",
                    ),
                    measured.key,
                )
            )
    return tuple(alerts)


def _sync_alerts(core: Core, policy: AlertPolicy) -> list[Alert]:
    status = sync_status(core)
    if status.enrolment is None:  # a desk that works alone has no centre to be late with
        return []
    alerts: list[Alert] = []
    # The last moment both ways worked; never synced counts from the enrolment.
    last = status.last_sync_at or status.enrolment.enrolled_at
    late = core.clock.now() - last
    if late > timedelta(hours=policy.sync_overdue_hours):
        alerts.append(
            Alert(
                AlertKind.SYNC_OVERDUE,
                _(
                    "The desk has not synchronised with the centre for {hours} hours; "
                    "{pending} records wait to be sent."
                ).format(hours=int(late.total_seconds() // 3600), pending=status.pending),
            )
        )
    if status.quarantined:
        alerts.append(
            Alert(
                AlertKind.SYNC_REFUSED,
                _("The centre refused {count} records: they wait for a supervisor.").format(
                    count=status.quarantined
                ),
            )
        )
    return alerts
