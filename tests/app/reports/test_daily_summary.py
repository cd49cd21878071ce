"""The daily summary read from the records: the scripted day's figures, the queue's own
measures, who may read it, and a week summed from its days, on SQLite and PostgreSQL."""

from __future__ import annotations

import statistics
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest

from app.bootstrap import start_core
from app.clock import ManualClock
from app.config import Config
from app.domain.applications import PaymentMethod
from app.domain.reports import DailySummary
from app.errors import PermissionDeniedError, ValidationError
from app.intake.lifecycle import ApplicationState
from app.services import reports
from app.services.queue_measures import day_measures
from tests.app.reports import scenario
from tests.app.reports.conftest import Office
from tests.app.reports.records import counted
from tests.support.postgres import PostgresCluster

WEEK = (date(2026, 11, 23), date(2026, 11, 29))


def check_day(summary: DailySummary, expected: scenario.Expected) -> None:
    queue = summary.queue
    assert summary.visitors == expected.visitors
    assert sum(line.queue.issued for line in summary.services) == expected.legs
    assert (queue.called, queue.served, queue.no_shows) == (
        expected.called,
        expected.served,
        expected.no_shows,
    )
    assert (queue.transferred, queue.waiting_now) == (expected.transferred, expected.waiting)
    assert summary.within_target == expected.within_target
    assert queue.service_level == pytest.approx(expected.within_target / expected.called)
    assert queue.no_show_rate == pytest.approx(expected.no_shows / expected.visitors)
    assert summary.waiting.count == len(expected.waits)
    assert summary.waiting.median == statistics.median(expected.waits)
    assert summary.waiting.p90 == pytest.approx(
        statistics.quantiles(expected.waits, n=10, method="inclusive")[-1]
    )
    assert summary.service.median == statistics.median(expected.service_times)
    assert summary.applications_submitted == expected.submitted
    assert summary.fees_total == expected.fees
    assert {
        (line.method.value if line.method else None): (line.applications, line.amount)
        for line in summary.payments
    } == expected.by_method
    assert {state.value: summary.state_total(state) for state in summary.states} == (
        expected.states
    )
    assert {
        line.full_name: (
            line.queue.called,
            line.queue.served,
            line.queue.no_shows,
            line.applications_submitted,
            line.fees,
        )
        for line in summary.clerks
    } == expected.clerks


def test_the_day_adds_up_to_its_records(day: Office) -> None:
    summary = reports.daily_summary(day.core, day.people.supervisor, scenario.DAY)

    check_day(summary, scenario.DAY_FIGURES)
    assert (summary.first_day, summary.last_day) == (scenario.DAY, scenario.DAY)
    assert summary.office_code == "AGS" and summary.currency == "AZN"
    assert summary.target_wait_minutes == 15
    # Counted in the tables directly, not through any of the desk's services.
    records = counted(day.core, scenario.DAY, scenario.DAY)
    assert (summary.visitors, summary.queue.served, summary.queue.no_shows) == (
        records.visitors,
        records.served,
        records.no_shows,
    )
    assert (summary.applications_submitted, summary.fees_total) == (
        records.submitted,
        records.fees,
    )
    # Services in the master data's order, each with its own queue.
    assert [line.code for line in summary.services] == [
        scenario.A,
        scenario.B,
        scenario.C,
        scenario.E,
    ]
    lines = {line.code: line for line in summary.applications}
    assert lines[scenario.E].count(ApplicationState.WITHDRAWN) == 1
    assert lines[scenario.E].fees == Decimal("700.00") and lines[scenario.E].paid == 2
    assert lines[scenario.A].fees == 0 and lines[scenario.A].paid == 0
    assert lines[scenario.C].states == (
        (ApplicationState.DRAFT, 1),
        (ApplicationState.SUBMITTED, 1),
        (ApplicationState.SENT, 1),
    )
    # The histograms hold every leg measured; the bars within the target are the service level.
    assert sum(bucket.count for bucket in summary.waiting.buckets) == len(
        scenario.DAY_FIGURES.waits
    )
    within = sum(
        bucket.count
        for bucket in summary.waiting.buckets
        if bucket.high is not None and bucket.high <= 15 * 60
    )
    assert within == summary.within_target
    assert [bucket.count for bucket in summary.service.buckets] == [1, 2, 1, 0, 1, 0, 0]
    assert (summary.days[0].day, summary.days[0].visitors) == (scenario.DAY, 8)


def test_the_queue_figures_are_the_queue_screens_own(day: Office) -> None:
    summary = reports.daily_summary(day.core, day.people.admin, scenario.DAY)
    measured = day_measures(day.core, day.people.supervisor, scenario.DAY)

    assert summary.queue == measured.overall
    assert {line.code: line.queue for line in summary.services} == {
        measures.key: measures for measures in measured.by_service
    }


def test_only_supervisors_and_administrators_read_it(day: Office) -> None:
    with pytest.raises(PermissionDeniedError, match="read the office's reports"):
        reports.daily_summary(day.core, day.people.clerk, scenario.DAY)
    for actor in (day.people.supervisor, day.people.admin):
        assert reports.daily_summary(day.core, actor, scenario.DAY).visitors == 8


def test_a_period_must_run_forwards_and_stay_under_a_year(office: Office) -> None:
    supervisor = office.people.supervisor
    with pytest.raises(ValidationError, match="ends"):
        reports.daily_summary(office.core, supervisor, date(2026, 11, 24), date(2026, 11, 23))
    with pytest.raises(ValidationError, match="at most 366 days"):
        reports.daily_summary(office.core, supervisor, date(2025, 1, 1), date(2026, 1, 2))
    empty = reports.daily_summary(office.core, supervisor, date(2026, 11, 24))
    assert (empty.visitors, empty.applications_submitted, empty.fees_total) == (0, 0, 0)
    assert empty.waiting.median is None and empty.services == () and empty.clerks == ()


def _sum_of_days(summaries: list[DailySummary]) -> dict[str, object]:
    return {
        "visitors": sum(s.visitors for s in summaries),
        "called": sum(s.queue.called for s in summaries),
        "served": sum(s.queue.served for s in summaries),
        "no_shows": sum(s.queue.no_shows for s in summaries),
        "within_target": sum(s.within_target for s in summaries),
        "submitted": sum(s.applications_submitted for s in summaries),
        "fees": sum((s.fees_total for s in summaries), Decimal("0.00")),
        "waiting_buckets": [
            sum(counts)
            for counts in zip(
                *([b.count for b in s.waiting.buckets] for s in summaries), strict=True
            )
        ],
    }


def _figures(summary: DailySummary) -> dict[str, object]:
    return _sum_of_days([summary])


def check_week(office: Office) -> None:
    supervisor = office.people.supervisor
    week = reports.daily_summary(office.core, supervisor, *WEEK)
    days = [
        reports.daily_summary(office.core, supervisor, WEEK[0] + timedelta(days=n))
        for n in range(7)
    ]

    assert _figures(week) == _sum_of_days(days)
    assert [line.day for line in week.days] == [day.first_day for day in days]
    for line, single in zip(week.days, days, strict=True):
        assert (line.visitors, line.served, line.no_shows, line.fees) == (
            single.visitors,
            single.queue.served,
            single.queue.no_shows,
            single.fees_total,
        )
    # The office's days, not UTC's: 23:30 in Baku is the 24th, 00:30 the 25th.
    by_day = {line.day: line for line in week.days}
    assert by_day[scenario.DAY].fees == scenario.DAY_FIGURES.fees + scenario.LATE_SUBMISSION_FEE
    assert by_day[scenario.NEXT_DAY].fees == scenario.NEXT_DAY_FEES
    assert by_day[scenario.NEXT_DAY].applications_submitted == 1
    # Rates are the week's own, not an average of the days'.
    assert week.queue.service_level == pytest.approx(week.within_target / week.queue.called)
    clerks = {line.username: line for line in week.clerks}
    assert clerks["clerk"].queue.called == 4 + 2
    assert clerks["clerk2"].fees == Decimal("700.00") + scenario.LATE_SUBMISSION_FEE
    methods = {line.method: line.amount for line in week.payments}
    assert methods[PaymentMethod.BANK] == Decimal("40.00")  # 20 on each of the two days
    records = counted(office.core, *WEEK)
    assert (week.visitors, week.applications_submitted, week.fees_total) == (
        records.visitors,
        records.submitted,
        records.fees,
    )


def test_a_week_is_the_sum_of_its_days(day: Office) -> None:
    scenario.script_next_day(day.core, day.clock, day.people)
    check_week(day)


@pytest.fixture
def pg_office(pg_cluster: PostgresCluster, config: Config, clock: ManualClock) -> Iterator[Office]:
    import uuid

    url = pg_cluster.create_database(f"t_{uuid.uuid4().hex[:12]}")
    started = start_core(replace(config, database_url=url), clock=clock)
    yield Office(started.core, clock, scenario.people(started.core))
    started.core.database.dispose()


@pytest.mark.postgres
def test_the_same_figures_on_postgresql(pg_office: Office) -> None:
    scenario.script_day(pg_office.core, pg_office.clock, pg_office.people)
    summary = reports.daily_summary(pg_office.core, pg_office.people.supervisor, scenario.DAY)
    check_day(summary, scenario.DAY_FIGURES)

    scenario.script_next_day(pg_office.core, pg_office.clock, pg_office.people)
    check_week(pg_office)
