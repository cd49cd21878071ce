"""The queue now (for the display and the clerk's panel) and its measures for a day.

Measures follow what public offices report (Canada's Treasury Board, Qmatic's formulas), for
each leg of a ticket, that is each stay in one service's queue:
- waiting time: from joining the queue (the issue, for the first leg) to the last call;
- walk to the counter: from the last call to the start of service;
- service time: from the start to the end of service;
- idle time of a counter or a clerk: from one visitor leaving to the next call, pauses left out;
- service level: the share of called legs whose wait stayed within the target;
- no-show rate: no-shows per leg that joined the queue (per ticket issued, for the whole day).

A transferred visitor keeps their place by the first issue time, but the time spent at the
first counter is not waiting: the second leg's wait counts from the transfer.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime
from itertools import pairwise

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db.models import (
    CounterRow,
    QueueCounterStateRow,
    QueuePauseRow,
    QueueTicketRow,
    ServiceRow,
)
from app.domain.masterdata import LocalizedText
from app.domain.queue import (
    CallEntry,
    CounterState,
    DayMeasures,
    QueueMeasures,
    QueueSnapshot,
    ServiceQueueStatus,
    TicketState,
)
from app.domain.users import Actor, Permission
from app.services.core import Core
from app.services.queue_events import current_version
from app.services.queue_store import (
    ACTIVE_STATES,
    CounterRef,
    OfficeRef,
    office_of,
    service_names,
    to_counter_status,
    to_ticket,
)
from app.services.settings import queue_policy

RECENT_CALLS = 10
_WAITING = TicketState.WAITING.value


# --- The queue now ----------------------------------------------------------------------------


def queue_status(core: Core, actor: Actor) -> QueueSnapshot:
    """Each service's queue (waiting, longest wait), each counter, and the latest calls."""
    with core.reading(actor, Permission.WORK_AT_DESK) as session:
        office = office_of(session, core.desk_id)
        now = core.clock.now()
        day = office.day_of(now)
        counters = list(
            session.execute(
                select(CounterRow)
                .where(CounterRow.office_id == office.id)
                .order_by(CounterRow.number)
            ).scalars()
        )
        states = {
            state.number: state
            for state in session.execute(
                select(QueueCounterStateRow).where(QueueCounterStateRow.office_id == office.id)
            ).scalars()
        }
        names = service_names(session)
        active = {
            row.counter_number: to_ticket(row, names.get(row.service_code))
            for row in session.execute(
                select(QueueTicketRow)
                .where(
                    QueueTicketRow.office_id == office.id,
                    QueueTicketRow.state.in_(ACTIVE_STATES),
                )
                .order_by(QueueTicketRow.called_at)
            ).scalars()
        }
        open_for: dict[str, int] = defaultdict(int)
        for counter in counters:
            state = states.get(counter.number)
            if state is not None and state.status == CounterState.OPEN.value:
                for code in counter.service_codes:
                    open_for[str(code)] += 1
        return QueueSnapshot(
            at=now,
            day=day,
            version=current_version(session, office.id),
            services=_services(session, office, day, now, open_for),
            counters=tuple(
                to_counter_status(
                    CounterRef.of(counter), states.get(counter.number), active.get(counter.number)
                )
                for counter in counters
            ),
            calls=_recent_calls(session, office, day),
        )


def _services(
    session: Session, office: OfficeRef, day: date, now: datetime, open_for: dict[str, int]
) -> tuple[ServiceQueueStatus, ...]:
    t = QueueTicketRow
    waiting = {
        code: (count, priority, oldest)
        for code, count, priority, oldest in session.execute(
            select(t.service_code, func.count(), func.count(t.priority), func.min(t.queued_at))
            .where(t.office_id == office.id, t.day == day, t.state == _WAITING)
            .group_by(t.service_code)
        )
    }
    result = []
    for service in session.execute(
        select(ServiceRow).where(ServiceRow.active.is_(True)).order_by(ServiceRow.sort_order)
    ).scalars():
        count, priority, oldest = waiting.get(service.code, (0, 0, None))
        longest = _as_utc(oldest)
        result.append(
            ServiceQueueStatus(
                code=service.code,
                name=LocalizedText(service.name_az, service.name_ru, service.name_en),
                prefix=service.queue_prefix,
                waiting=int(count),
                priority_waiting=int(priority),
                longest_wait_seconds=max(0, int((now - longest).total_seconds())) if longest else 0,
                open_counters=open_for.get(service.code, 0),
            )
        )
    return tuple(result)


def _as_utc(value: datetime | None) -> datetime | None:
    """An aggregate's value skips the column type: SQLite gives naive UTC (or text)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _recent_calls(session: Session, office: OfficeRef, day: date) -> tuple[CallEntry, ...]:
    t = QueueTicketRow
    rows = session.execute(
        select(t.id, t.number, t.counter_number, t.called_at, t.recalls, t.state)
        .where(t.office_id == office.id, t.day == day, t.called_at.is_not(None))
        .order_by(t.called_at.desc())
        .limit(RECENT_CALLS)
    ).all()
    return tuple(
        CallEntry(ticket_id, number, counter, called_at, recalls, TicketState(state))
        for ticket_id, number, counter, called_at, recalls, state in rows
        if counter is not None and called_at is not None
    )


# --- Measures of a day ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Leg:
    """A ticket's leg as the measures see it (the reports read the same rows)."""

    day: date
    leg: int
    service_code: str
    state: str
    queued_at: datetime
    called_at: datetime | None
    started_at: datetime | None
    ended_at: datetime | None
    closed_at: datetime | None
    counter_number: int | None
    clerk_name: str | None


@dataclass(frozen=True, slots=True)
class _Pause:
    counter_number: int
    clerk_name: str
    started_at: datetime
    ended_at: datetime


def day_measures(core: Core, actor: Actor, day: date | None = None) -> DayMeasures:
    """The measures of an office day (today, live, by default), overall and per service,
    counter and clerk."""
    with core.reading(actor, Permission.WORK_AT_DESK) as session:
        office = office_of(session, core.desk_id)
        now = core.clock.now()
        day = day or office.day_of(now)
        target = queue_policy(session).target_wait_minutes * 60
        legs = load_legs(session, office.id, day, day)
        p = QueuePauseRow
        pauses = [
            _Pause(number, clerk, started, ended or now)
            for number, clerk, started, ended in session.execute(
                select(p.counter_number, p.clerk_name, p.started_at, p.ended_at).where(
                    p.office_id == office.id, p.day == day
                )
            )
        ]
    called = [leg for leg in legs if leg.called_at is not None]

    def grouped(pick: Callable[[Leg], object], source: Sequence[Leg]) -> dict[str, list[Leg]]:
        groups: dict[str, list[Leg]] = defaultdict(list)
        for leg in source:
            value = pick(leg)
            if value is not None:
                groups[str(value)].append(leg)
        return groups

    by_counter = grouped(lambda leg: leg.counter_number, called)
    by_clerk = grouped(lambda leg: leg.clerk_name, called)
    return DayMeasures(
        day=day,
        target_wait_minutes=target // 60,
        overall=measure("", legs, target, issued=sum(1 for leg in legs if leg.leg == 0)),
        by_service=tuple(
            measure(code, group, target)
            for code, group in sorted(grouped(lambda leg: leg.service_code, legs).items())
        ),
        by_counter=tuple(
            measure(
                key,
                group,
                target,
                idle=_idle(group, [x for x in pauses if str(x.counter_number) == key]),
            )
            for key, group in sorted(by_counter.items(), key=lambda item: int(item[0]))
        ),
        by_clerk=tuple(
            measure(
                key, group, target, idle=_idle(group, [x for x in pauses if x.clerk_name == key])
            )
            for key, group in sorted(by_clerk.items())
        ),
    )


def load_legs(session: Session, office_id: uuid.UUID, first_day: date, last_day: date) -> list[Leg]:
    """The legs of the office's tickets first issued from ``first_day`` to ``last_day``."""
    t = QueueTicketRow
    columns = [getattr(t, field.name) for field in fields(Leg)]
    # By position, in the fields' order: a month's summary reads tens of thousands of legs.
    return [
        Leg(*row)
        for row in session.execute(
            select(*columns).where(t.office_id == office_id, t.day >= first_day, t.day <= last_day)
        )
    ]


def wait_times(legs: Iterable[Leg]) -> list[float]:
    """Seconds from joining the queue to the last call, for each called leg."""
    return [wait for leg in legs if (wait := _seconds(leg.queued_at, leg.called_at)) is not None]


def service_times(legs: Iterable[Leg]) -> list[float]:
    """Seconds from the start to the end of service, for each leg served to its end."""
    return [spent for leg in legs if (spent := _seconds(leg.started_at, leg.ended_at)) is not None]


def _seconds(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return max(0.0, (end - start).total_seconds())


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def measure(
    key: str,
    legs: Sequence[Leg],
    target_seconds: int,
    *,
    issued: int | None = None,
    idle: float | None = None,
) -> QueueMeasures:
    """The measures of a group of legs (a service, a counter, a clerk or all of them).

    ``issued`` replaces the count of legs where tickets are counted instead: the whole day
    counts each visitor's first leg only.
    """
    waits = wait_times(legs)
    walks = [walk for leg in legs if (walk := _seconds(leg.called_at, leg.started_at)) is not None]
    services = service_times(legs)
    count = issued if issued is not None else len(legs)
    no_shows = sum(1 for leg in legs if leg.state == TicketState.NO_SHOW.value)
    return QueueMeasures(
        key=key,
        issued=count,
        called=len(waits),
        served=sum(1 for leg in legs if leg.state == TicketState.DONE.value),
        no_shows=no_shows,
        transferred=sum(1 for leg in legs if leg.state == TicketState.TRANSFERRED.value),
        waiting_now=sum(1 for leg in legs if leg.state == _WAITING),
        average_wait=_mean(waits),
        longest_wait=max(waits) if waits else None,
        average_walk=_mean(walks),
        average_service=_mean(services),
        idle_seconds=idle,
        service_level=(
            sum(1 for wait in waits if wait <= target_seconds) / len(waits) if waits else None
        ),
        no_show_rate=no_shows / count if count else None,
    )


def _idle(legs: Sequence[Leg], pauses: Sequence[_Pause]) -> float:
    """Time between a visitor leaving and the next call, less the pauses in between."""
    ordered = sorted(
        (leg for leg in legs if leg.called_at is not None),
        key=lambda leg: leg.called_at or datetime.min,
    )
    total = 0.0
    for before, after in pairwise(ordered):
        if before.closed_at is None or after.called_at is None:
            continue
        gap_start, gap_end = before.closed_at, after.called_at
        if gap_end <= gap_start:
            continue
        paused = sum(
            max(
                0.0,
                (min(gap_end, pause.ended_at) - max(gap_start, pause.started_at)).total_seconds(),
            )
            for pause in pauses
        )
        total += max(0.0, (gap_end - gap_start).total_seconds() - paused)
    return total
