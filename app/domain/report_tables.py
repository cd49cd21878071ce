"""The summary as tables of typed cells, in a document's language: what the PDF, the CSV file
and the spreadsheet show, built once so that the three always carry the same figures.

A cell keeps its kind (a count, a duration, a share, an amount); each format writes it its
own way (the PDF with the language's separators, the spreadsheet as a number with a format).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from app.domain.reports import DailySummary, Distribution
from app.i18n import N_, translate_to


@dataclass(frozen=True, slots=True)
class Minutes:
    """A duration, shown in minutes."""

    seconds: float

    @property
    def minutes(self) -> float:
        return self.seconds / 60


@dataclass(frozen=True, slots=True)
class Share:
    """A share from 0 to 1, shown as a percentage."""

    value: float


@dataclass(frozen=True, slots=True)
class Money:
    """An amount in the summary's currency, which the column's title names."""

    amount: Decimal


Cell = str | int | Minutes | Share | Money | None


@dataclass(frozen=True, slots=True)
class ReportTable:
    key: str  # a stable name: "services", "clerks"... (not shown)
    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    total: tuple[Cell, ...] | None = None  # the totals line, set apart from the rows


# Each table's key, in the order the documents show them.
FIGURES: Final = "figures"
SERVICES: Final = "services"
APPLICATIONS: Final = "applications"
FEES_BY_SERVICE: Final = "fees_by_service"
FEES_BY_PAYMENT: Final = "fees_by_payment"
CLERKS: Final = "clerks"
DAYS: Final = "days"
WAITING_TIME: Final = "waiting_time"
SERVICE_TIME: Final = "service_time"

TITLE_DAY = N_("Daily summary")
TITLE_PERIOD = N_("Summary of the period")
# The heading of every document: the office, the period and when the summary was made.
OFFICE = N_("Office")
PERIOD = N_("Period")
MADE_ON = N_("Made on")
_SERVICE = N_("Service")
_TOTAL = N_("Total")
_CALLED = N_("Called")
_SERVED = N_("Served")
_NO_SHOWS = N_("Did not come")
_SERVICE_LEVEL = N_("Service level (%)")
_SUBMITTED = N_("Applications submitted")
_FEES = N_("Fees ({currency})")
_MEDIAN_SERVICE = N_("Median service time (min)")


def title(summary: DailySummary, language: str) -> str:
    return translate_to(language, TITLE_DAY if summary.is_single_day else TITLE_PERIOD)


def period_text(summary: DailySummary) -> str:
    """``24.11.2026``, or ``24.11.2026 – 30.11.2026`` for a period: days as the desk writes
    them."""
    first = summary.first_day.strftime("%d.%m.%Y")
    if summary.is_single_day:
        return first
    return f"{first} – {summary.last_day.strftime('%d.%m.%Y')}"


def summary_tables(summary: DailySummary, language: str) -> tuple[ReportTable, ...]:
    """Every table of the summary, in ``language``. The day-by-day table comes only with a
    period of several days."""

    def t(message: str) -> str:
        return translate_to(language, message)

    tables = [
        _figures(summary, t),
        _services(summary, t, language),
        _applications(summary, t, language),
        _fees_by_service(summary, t, language),
        _fees_by_payment(summary, t, language),
        _clerks(summary, t),
    ]
    if not summary.is_single_day:
        tables.append(_days(summary, t))
    tables.append(
        _distribution(
            WAITING_TIME, t(N_("Waiting time")), t(N_("Waiting time (min)")), summary.waiting, t
        )
    )
    tables.append(
        _distribution(
            SERVICE_TIME, t(N_("Service time")), t(N_("Service time (min)")), summary.service, t
        )
    )
    return tuple(tables)


def _minutes(seconds: float | None) -> Minutes | None:
    return Minutes(seconds) if seconds is not None else None


def _share(value: float | None) -> Share | None:
    return Share(value) if value is not None else None


def _figures(summary: DailySummary, t: Callable[[str], str]) -> ReportTable:
    queue = summary.queue
    currency = summary.currency
    rows: tuple[tuple[Cell, ...], ...] = (
        (t(N_("Visitors (tickets issued)")), summary.visitors),
        (t(N_("Tickets called")), queue.called),
        (t(N_("Tickets served")), queue.served),
        (t(N_("Did not come (no-shows)")), queue.no_shows),
        (t(N_("No-show rate (%)")), _share(queue.no_show_rate)),
        (t(N_("Transferred to another queue")), queue.transferred),
        (t(N_("Not called by the end")), queue.waiting_now),
        (
            t(N_("Called within {minutes} min")).format(minutes=summary.target_wait_minutes),
            summary.within_target,
        ),
        (t(_SERVICE_LEVEL), _share(queue.service_level)),
        (t(N_("Average wait (min)")), _minutes(queue.average_wait)),
        (t(N_("Median wait (min)")), _minutes(summary.waiting.median)),
        (t(N_("Wait of 9 in 10 visitors at most (min)")), _minutes(summary.waiting.p90)),
        (t(N_("Longest wait (min)")), _minutes(queue.longest_wait)),
        (t(N_("Average service time (min)")), _minutes(queue.average_service)),
        (t(_MEDIAN_SERVICE), _minutes(summary.service.median)),
        (t(N_("Service time of 9 in 10 visitors at most (min)")), _minutes(summary.service.p90)),
        (t(_SUBMITTED), summary.applications_submitted),
        (t(_FEES).format(currency=currency), Money(summary.fees_total)),
    )
    return ReportTable(FIGURES, t(N_("Key figures")), (t(N_("Figure")), t(N_("Value"))), rows)


def _services(summary: DailySummary, t: Callable[[str], str], language: str) -> ReportTable:
    rows = tuple(
        (
            line.name.in_language(language),
            line.queue.issued,
            line.queue.called,
            line.queue.served,
            line.queue.no_shows,
            _share(line.queue.service_level),
            _minutes(line.median_wait),
            _minutes(line.median_service),
        )
        for line in summary.services
    )
    queue = summary.queue
    total: tuple[Cell, ...] = (
        t(_TOTAL),
        # Legs, as in the rows: a visitor sent on to another queue counts in both.
        sum(line.queue.issued for line in summary.services),
        queue.called,
        queue.served,
        queue.no_shows,
        _share(queue.service_level),
        _minutes(summary.waiting.median),
        _minutes(summary.service.median),
    )
    header = (
        t(_SERVICE),
        t(N_("Tickets")),
        t(_CALLED),
        t(_SERVED),
        t(_NO_SHOWS),
        t(_SERVICE_LEVEL),
        t(N_("Median wait (min)")),
        t(_MEDIAN_SERVICE),
    )
    return ReportTable(SERVICES, t(N_("Tickets by service")), header, rows, total)


def _applications(summary: DailySummary, t: Callable[[str], str], language: str) -> ReportTable:
    states = summary.states
    rows: tuple[tuple[Cell, ...], ...] = tuple(
        (line.name.in_language(language), *(line.count(state) for state in states))
        for line in summary.applications
    )
    total: tuple[Cell, ...] = (t(_TOTAL), *(summary.state_total(state) for state in states))
    header = (t(_SERVICE), *(state.label_in(language) for state in states))
    return ReportTable(
        APPLICATIONS,
        t(N_("Applications by service: how many reached each state")),
        header,
        rows,
        total,
    )


def _fees_by_service(summary: DailySummary, t: Callable[[str], str], language: str) -> ReportTable:
    lines = [line for line in summary.applications if line.submitted]
    rows = tuple(
        (line.name.in_language(language), line.submitted, line.paid, Money(line.fees))
        for line in lines
    )
    total = (
        t(_TOTAL),
        sum(line.submitted for line in lines),
        sum(line.paid for line in lines),
        Money(summary.fees_total),
    )
    header = (
        t(_SERVICE),
        t(_SUBMITTED),
        t(N_("With a fee")),
        t(_FEES).format(currency=summary.currency),
    )
    return ReportTable(FEES_BY_SERVICE, t(N_("Fees by service")), header, rows, total)


def _fees_by_payment(summary: DailySummary, t: Callable[[str], str], language: str) -> ReportTable:
    rows = tuple(
        (
            line.method.label_in(language) if line.method else t(N_("no fee due")),
            line.applications,
            Money(line.amount),
        )
        for line in summary.payments
    )
    total = (
        t(_TOTAL),
        sum(line.applications for line in summary.payments),
        Money(summary.fees_total),
    )
    header = (
        t(N_("Paid by")),
        t(_SUBMITTED),
        t(N_("Amount ({currency})")).format(currency=summary.currency),
    )
    return ReportTable(FEES_BY_PAYMENT, t(N_("Fees by payment method")), header, rows, total)


def _clerks(summary: DailySummary, t: Callable[[str], str]) -> ReportTable:
    rows = tuple(
        (
            line.full_name,
            line.queue.called,
            line.queue.served,
            line.queue.no_shows,
            _minutes(line.median_service),
            line.applications_submitted,
            Money(line.fees),
        )
        for line in summary.clerks
    )
    total: tuple[Cell, ...] = (
        t(_TOTAL),
        sum(line.queue.called for line in summary.clerks),
        sum(line.queue.served for line in summary.clerks),
        sum(line.queue.no_shows for line in summary.clerks),
        _minutes(summary.service.median),
        sum(line.applications_submitted for line in summary.clerks),
        Money(sum((line.fees for line in summary.clerks), Decimal("0.00"))),
    )
    header = (
        t(N_("Clerk")),
        t(_CALLED),
        t(_SERVED),
        t(_NO_SHOWS),
        t(_MEDIAN_SERVICE),
        t(_SUBMITTED),
        t(_FEES).format(currency=summary.currency),
    )
    return ReportTable(CLERKS, t(N_("Work of each clerk")), header, rows, total)


def _days(summary: DailySummary, t: Callable[[str], str]) -> ReportTable:
    rows = tuple(
        (
            line.day.strftime("%d.%m.%Y"),
            line.visitors,
            line.served,
            line.no_shows,
            _share(line.service_level),
            line.applications_submitted,
            Money(line.fees),
        )
        for line in summary.days
    )
    total: tuple[Cell, ...] = (
        t(_TOTAL),
        summary.visitors,
        summary.queue.served,
        summary.queue.no_shows,
        _share(summary.queue.service_level),
        summary.applications_submitted,
        Money(summary.fees_total),
    )
    header = (
        t(N_("Day")),
        t(N_("Visitors")),
        t(_SERVED),
        t(_NO_SHOWS),
        t(_SERVICE_LEVEL),
        t(_SUBMITTED),
        t(_FEES).format(currency=summary.currency),
    )
    return ReportTable(DAYS, t(N_("Day by day")), header, rows, total)


def bucket_label(low: int, high: int | None) -> str:
    """``0–5``, ``5–10``… in minutes; the open last bucket as ``> 60``."""
    if high is None:
        return f"> {low // 60}"
    return f"{low // 60}–{high // 60}"


def _distribution(
    key: str, name: str, unit: str, value: Distribution, t: Callable[[str], str]
) -> ReportTable:
    rows = tuple((bucket_label(b.low, b.high), b.count) for b in value.buckets)
    # Legs, as the service table counts them: a visitor sent on waits again in the next queue.
    return ReportTable(key, name, (unit, t(N_("Tickets"))), rows, (t(_TOTAL), value.count))
