"""The office's daily summary, or a period's (a week, a month) summed: read from the records
for supervisors and administrators, and given as plain JSON for scripts.

The queue's figures reuse the queue's own measures (`app.services.queue_measures`) over the
legs of every ticket first issued in the period, so the summary and the queue screens never
disagree. Medians, the 90th percentile and the histograms need each leg's times, which SQL
computes differently on SQLite and PostgreSQL (or not at all), so the legs are read and
measured here; a day of 2,000 visits is a few thousand short rows.

Applications are counted by aggregate SQL over their history: each state an application
reached in the period, by service, and, for those submitted, their fees by payment method and
by the clerk who submitted them. The period's days are office days, in the office's time zone.
"""

from __future__ import annotations

import bisect
import statistics
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, Final
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, case, func, literal, select
from sqlalchemy.orm import Session

from app.db.models import ApplicationHistoryRow, ApplicationRow, OfficeRow, ServiceRow, UserRow
from app.domain.applications import PaymentMethod
from app.domain.masterdata import LocalizedText
from app.domain.queue import QueueMeasures
from app.domain.reports import (
    ApplicationLine,
    Bucket,
    ClerkLine,
    DailySummary,
    DayLine,
    Distribution,
    PaymentLine,
    ServiceLine,
)
from app.domain.users import Actor, Permission
from app.errors import ValidationError
from app.i18n import _, current_language
from app.intake.lifecycle import ApplicationState
from app.services.core import Core
from app.services.queue_measures import Leg, load_legs, measure, service_times, wait_times
from app.services.queue_store import office_of
from app.services.settings import queue_policy

# The state fees' currency, as the receipt prints it.
CURRENCY: Final = "AZN"
# A year at most: a longer period is a question for the centre's statistics, not a desk.
MAX_DAYS: Final = 366
# Histogram edges in minutes; the target wait is added to the waiting edges, so the bars within
# the target are exactly the visitors the service level counts.
WAIT_EDGES_MINUTES: Final = (5, 10, 15, 20, 30, 45, 60)
SERVICE_EDGES_MINUTES: Final = (5, 10, 15, 20, 30, 45)
_SUBMITTED: Final = ApplicationState.SUBMITTED.value
_ZERO: Final = Decimal("0.00")


def daily_summary(
    core: Core, actor: Actor, first_day: date, last_day: date | None = None
) -> DailySummary:
    """The summary of ``first_day``, or of every day from it to ``last_day`` summed.

    Supervisors and administrators only (PermissionDeniedError otherwise).
    """
    last = last_day or first_day
    if last < first_day:
        raise ValidationError(
            _("The period ends ({last}) before it starts ({first}).").format(
                first=first_day.strftime("%d.%m.%Y"), last=last.strftime("%d.%m.%Y")
            ),
            field="last_day",
        )
    if (last - first_day).days >= MAX_DAYS:
        raise ValidationError(
            _("A summary covers at most {days} days: choose a shorter period.").format(
                days=MAX_DAYS
            ),
            field="last_day",
        )
    days = [first_day + timedelta(days=n) for n in range((last - first_day).days + 1)]
    with core.reading(actor, Permission.VIEW_REPORTS) as session:
        office = office_of(session, core.desk_id)
        office_row = session.get(OfficeRow, office.id)
        assert office_row is not None  # office_of found it
        target = queue_policy(session).target_wait_minutes * 60
        legs = load_legs(session, office.id, first_day, last)
        changes = _application_changes(session, office.id, office.zone, days)
        services = _services(session)
        people = _full_names(
            session,
            {leg.clerk_name for leg in legs if leg.clerk_name}
            | {change.actor for change in changes if change.actor},
        )
        generated_at = core.clock.now()
    waits = wait_times(legs)
    return DailySummary(
        first_day=first_day,
        last_day=last,
        office_code=office_row.code,
        office_name=LocalizedText(office_row.name_az, office_row.name_ru, office_row.name_en),
        generated_at=generated_at,
        currency=CURRENCY,
        target_wait_minutes=target // 60,
        queue=measure("", legs, target, issued=_visitors(legs)),
        within_target=_within(waits, target),
        waiting=_distribution(waits, _edges(WAIT_EDGES_MINUTES, target // 60)),
        service=_distribution(service_times(legs), _edges(SERVICE_EDGES_MINUTES)),
        services=_service_lines(legs, services, target),
        applications=_application_lines(changes, services),
        payments=_payment_lines(changes),
        clerks=_clerk_lines(legs, changes, people, target),
        days=_day_lines(days, legs, changes, target),
    )


# --- Reading ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Change:
    """A group of history rows: so many applications reached ``state`` on the day ``day_index``
    of the period. For submissions, also their fee, how it was paid and who submitted."""

    day_index: int
    service_code: str
    state: str
    method: str | None
    fee: Decimal
    actor: str
    count: int

    @property
    def amount(self) -> Decimal:
        return self.fee * self.count


def _office_midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone)


def _application_changes(
    session: Session, office_id: uuid.UUID, zone: ZoneInfo, days: Sequence[date]
) -> list[_Change]:
    h, a = ApplicationHistoryRow, ApplicationRow
    # Each office day's start, as a moment: the office's zone (and any change of its offset)
    # is applied here, so the SQL only compares moments, the same way on every database.
    starts = [_office_midnight(day, zone) for day in days]
    end = _office_midnight(days[-1] + timedelta(days=1), zone)
    day_index: ColumnElement[int] = (
        case(
            *((h.at < start, index) for index, start in enumerate(starts[1:])), else_=len(days) - 1
        )
        if len(days) > 1
        else literal(0)
    )
    submitted = h.to_state == _SUBMITTED
    # Only a submission carries its fee and clerk: for other states these are left empty, so
    # they do not split the groups.
    rows = (
        select(
            day_index.label("day_index"),
            a.service_code.label("service_code"),
            h.to_state.label("state"),
            case((submitted, a.payment_method), else_=None).label("method"),
            case((submitted, a.fee_amount), else_=None).label("fee"),
            case((submitted, h.actor_name), else_="").label("actor"),
        )
        .select_from(h)
        .join(a, a.id == h.application_id)
        .where(h.at >= starts[0], h.at < end, a.office_id == office_id)
        .subquery()
    )
    # Grouped outside: PostgreSQL would not take the CASE with its parameters as the same
    # expression in SELECT and GROUP BY.
    columns = (rows.c.day_index, rows.c.service_code, rows.c.state, rows.c.method, rows.c.fee)
    grouped = select(*columns, rows.c.actor, func.count()).group_by(*columns, rows.c.actor)
    return [
        _Change(
            day_index=int(index),
            service_code=code,
            state=state,
            method=method,
            fee=Decimal(fee) if fee else _ZERO,
            actor=actor or "",
            count=int(count),
        )
        for index, code, state, method, fee, actor, count in session.execute(grouped)
    ]


@dataclass(frozen=True, slots=True)
class _Service:
    name: LocalizedText
    order: int


def _services(session: Session) -> dict[str, _Service]:
    return {
        code: _Service(LocalizedText(az, ru, en), order)
        for code, az, ru, en, order in session.execute(
            select(
                ServiceRow.code,
                ServiceRow.name_az,
                ServiceRow.name_ru,
                ServiceRow.name_en,
                ServiceRow.sort_order,
            )
        )
    }


def _full_names(session: Session, usernames: set[str]) -> dict[str, str]:
    if not usernames:
        return {}
    return {
        username: full_name
        for username, full_name in session.execute(
            select(UserRow.username, UserRow.full_name).where(UserRow.username.in_(usernames))
        )
    }


# --- Measuring --------------------------------------------------------------------------------


def _visitors(legs: Iterable[Leg]) -> int:
    return sum(1 for leg in legs if leg.leg == 0)


def _within(waits: Iterable[float], target_seconds: int) -> int:
    # The same comparison as the service level of `measure`.
    return sum(1 for wait in waits if wait <= target_seconds)


def _median(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None


def _p90(values: Sequence[float]) -> float | None:
    if len(values) < 2:
        return values[0] if values else None
    return statistics.quantiles(values, n=10, method="inclusive")[-1]


def _edges(minutes: Iterable[int], extra: int | None = None) -> tuple[int, ...]:
    chosen = set(minutes)
    if extra is not None:
        chosen.add(extra)
    return tuple(sorted(value * 60 for value in chosen))


def _distribution(values: Sequence[float], edges: Sequence[int]) -> Distribution:
    counts = [0] * (len(edges) + 1)
    for value in values:
        # The first edge not below the value: a bucket takes its upper edge, as the service
        # level takes a wait of exactly the target.
        counts[bisect.bisect_left(edges, value)] += 1
    lows = (0, *edges)
    highs: tuple[int | None, ...] = (*edges, None)
    return Distribution(
        count=len(values),
        mean=sum(values) / len(values) if values else None,
        median=_median(values),
        p90=_p90(values),
        buckets=tuple(
            Bucket(low, high, count) for low, high, count in zip(lows, highs, counts, strict=True)
        ),
    )


def _service_name(services: dict[str, _Service], code: str) -> LocalizedText:
    found = services.get(code)
    return found.name if found else LocalizedText(code, code, code)


def _service_order(services: dict[str, _Service], code: str) -> tuple[int, str]:
    found = services.get(code)
    # A service no longer in the master data comes after the known ones.
    return (found.order if found else 1 << 30, code)


def _service_lines(
    legs: Sequence[Leg], services: dict[str, _Service], target: int
) -> tuple[ServiceLine, ...]:
    by_code: dict[str, list[Leg]] = defaultdict(list)
    for leg in legs:
        by_code[leg.service_code].append(leg)
    lines = []
    for code, group in sorted(by_code.items(), key=lambda item: _service_order(services, item[0])):
        waits = wait_times(group)
        lines.append(
            ServiceLine(
                code=code,
                name=_service_name(services, code),
                queue=measure(code, group, target),
                within_target=_within(waits, target),
                median_wait=_median(waits),
                median_service=_median(service_times(group)),
            )
        )
    return tuple(lines)


def _application_lines(
    changes: Sequence[_Change], services: dict[str, _Service]
) -> tuple[ApplicationLine, ...]:
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    fees: dict[str, Decimal] = defaultdict(lambda: _ZERO)
    paid: dict[str, int] = defaultdict(int)
    for change in changes:
        counts[change.service_code][change.state] += change.count
        if change.state == _SUBMITTED:
            fees[change.service_code] += change.amount
            if change.fee > 0:
                paid[change.service_code] += change.count
    return tuple(
        ApplicationLine(
            code=code,
            name=_service_name(services, code),
            states=tuple(
                (state, by_state[state.value])
                for state in ApplicationState
                if by_state.get(state.value)
            ),
            fees=fees[code],
            paid=paid[code],
        )
        for code, by_state in sorted(
            counts.items(), key=lambda item: _service_order(services, item[0])
        )
    )


def _payment_lines(changes: Sequence[_Change]) -> tuple[PaymentLine, ...]:
    applications: dict[PaymentMethod | None, int] = defaultdict(int)
    amounts: dict[PaymentMethod | None, Decimal] = defaultdict(lambda: _ZERO)
    for change in changes:
        if change.state != _SUBMITTED:
            continue
        # A free service's application has no method; a fee recorded without one (imported
        # records) still counts as money taken, under "no method".
        method = PaymentMethod(change.method) if change.method else None
        applications[method] += change.count
        amounts[method] += change.amount
    order: list[PaymentMethod | None] = [*PaymentMethod, None]
    return tuple(
        PaymentLine(method, applications[method], amounts[method])
        for method in order
        if applications.get(method)
    )


def _clerk_lines(
    legs: Sequence[Leg], changes: Sequence[_Change], people: dict[str, str], target: int
) -> tuple[ClerkLine, ...]:
    called: dict[str, list[Leg]] = defaultdict(list)
    for leg in legs:
        if leg.clerk_name and leg.called_at is not None:
            called[leg.clerk_name].append(leg)
    submitted: dict[str, int] = defaultdict(int)
    fees: dict[str, Decimal] = defaultdict(lambda: _ZERO)
    for change in changes:
        if change.state == _SUBMITTED and change.actor:
            submitted[change.actor] += change.count
            fees[change.actor] += change.amount

    def shown(username: str) -> str:
        # A name no longer among the users (the command line, a user removed) stands as is.
        return people.get(username) or username

    return tuple(
        ClerkLine(
            username=name,
            full_name=shown(name),
            queue=measure(name, called[name], target),
            median_service=_median(service_times(called[name])),
            applications_submitted=submitted[name],
            fees=fees[name],
        )
        for name in sorted(set(called) | set(submitted), key=lambda x: (shown(x).casefold(), x))
    )


def _day_lines(
    days: Sequence[date], legs: Sequence[Leg], changes: Sequence[_Change], target: int
) -> tuple[DayLine, ...]:
    by_day: dict[date, list[Leg]] = defaultdict(list)
    for leg in legs:
        by_day[leg.day].append(leg)
    submitted: dict[int, int] = defaultdict(int)
    fees: dict[int, Decimal] = defaultdict(lambda: _ZERO)
    for change in changes:
        if change.state == _SUBMITTED:
            submitted[change.day_index] += change.count
            fees[change.day_index] += change.amount
    lines = []
    for index, day in enumerate(days):
        measured = measure(day.isoformat(), by_day[day], target, issued=_visitors(by_day[day]))
        lines.append(
            DayLine(
                day=day,
                visitors=measured.issued,
                served=measured.served,
                no_shows=measured.no_shows,
                within_target=_within(wait_times(by_day[day]), target),
                called=measured.called,
                applications_submitted=submitted[index],
                fees=fees[index],
            )
        )
    return tuple(lines)


# --- As JSON ----------------------------------------------------------------------------------


def to_json_dict(summary: DailySummary, language: str | None = None) -> dict[str, Any]:
    """The summary as plain JSON values: counts, seconds, shares from 0 to 1, money as exact
    decimal text ("160.00"), names in ``language`` (the current one by default)."""
    lang = language or current_language()

    def money(amount: Decimal) -> str:
        return f"{amount:.2f}"

    def distribution(value: Distribution) -> dict[str, Any]:
        return {
            "count": value.count,
            "mean_seconds": value.mean,
            "median_seconds": value.median,
            "p90_seconds": value.p90,
            "buckets": [
                {
                    "from_seconds": bucket.low,
                    "to_seconds": bucket.high,
                    "count": bucket.count,
                }
                for bucket in value.buckets
            ],
        }

    def queue(measures: QueueMeasures) -> dict[str, Any]:
        return {
            "issued": measures.issued,
            "called": measures.called,
            "served": measures.served,
            "no_shows": measures.no_shows,
            "transferred": measures.transferred,
            "waiting": measures.waiting_now,
            "average_wait_seconds": measures.average_wait,
            "longest_wait_seconds": measures.longest_wait,
            "average_service_seconds": measures.average_service,
            "service_level": measures.service_level,
            "no_show_rate": measures.no_show_rate,
        }

    return {
        "period": {
            "first_day": summary.first_day.isoformat(),
            "last_day": summary.last_day.isoformat(),
        },
        "office": {"code": summary.office_code, "name": summary.office_name.in_language(lang)},
        "generated_at": summary.generated_at.isoformat(),
        "currency": summary.currency,
        "target_wait_minutes": summary.target_wait_minutes,
        "visitors": summary.visitors,
        "tickets": {**queue(summary.queue), "within_target": summary.within_target},
        "waiting_time": distribution(summary.waiting),
        "service_time": distribution(summary.service),
        "services": [
            {
                "code": line.code,
                "name": line.name.in_language(lang),
                **queue(line.queue),
                "within_target": line.within_target,
                "median_wait_seconds": line.median_wait,
                "median_service_seconds": line.median_service,
            }
            for line in summary.services
        ],
        "applications": {
            "submitted": summary.applications_submitted,
            "by_state": {state.value: summary.state_total(state) for state in summary.states},
            "by_service": [
                {
                    "code": line.code,
                    "name": line.name.in_language(lang),
                    "states": {state.value: count for state, count in line.states},
                }
                for line in summary.applications
            ],
        },
        "fees": {
            "total": money(summary.fees_total),
            "by_service": [
                {
                    "code": line.code,
                    "name": line.name.in_language(lang),
                    "submitted": line.submitted,
                    "paid": line.paid,
                    "amount": money(line.fees),
                }
                for line in summary.applications
                if line.submitted
            ],
            "by_method": [
                {
                    "method": line.method.value if line.method else None,
                    "applications": line.applications,
                    "amount": money(line.amount),
                }
                for line in summary.payments
            ],
        },
        "clerks": [
            {
                "username": line.username,
                "name": line.full_name,
                "called": line.queue.called,
                "served": line.queue.served,
                "no_shows": line.queue.no_shows,
                "service_level": line.queue.service_level,
                "median_service_seconds": line.median_service,
                "applications_submitted": line.applications_submitted,
                "fees": money(line.fees),
            }
            for line in summary.clerks
        ],
        "days": [
            {
                "day": line.day.isoformat(),
                "visitors": line.visitors,
                "served": line.served,
                "no_shows": line.no_shows,
                "within_target": line.within_target,
                "service_level": line.service_level,
                "applications_submitted": line.applications_submitted,
                "fees": money(line.fees),
            }
            for line in summary.days
        ],
    }
