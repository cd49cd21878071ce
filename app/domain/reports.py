"""The office's summary of a day, or of a period of days summed: what a supervisor prints at
the end of the day and sends on each week and month.

Queue figures are the queue's own measures (`QueueMeasures`, as the queue screens show them)
over every ticket first issued in the period; application figures count what happened to
applications in the period (a state each one reached, the fees of those submitted), so a
report printed again next month reads the same as on the evening it was made.

Times are in seconds, money in the fees' currency, exact (`Decimal`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from app.domain.applications import PaymentMethod
from app.domain.masterdata import LocalizedText
from app.domain.queue import QueueMeasures
from app.intake.lifecycle import ApplicationState


@dataclass(frozen=True, slots=True)
class Bucket:
    """The legs whose time was more than ``low`` and at most ``high`` seconds (the first bucket
    takes 0 too). ``high`` is None for the last, open bucket."""

    low: int
    high: int | None
    count: int


@dataclass(frozen=True, slots=True)
class Distribution:
    """How a time (waiting, service) was spread over the legs measured."""

    count: int
    mean: float | None
    median: float | None
    p90: float | None  # 90th percentile, interpolated as spreadsheets' PERCENTILE.INC does
    buckets: tuple[Bucket, ...]


@dataclass(frozen=True, slots=True)
class ServiceLine:
    """The queue of one service: every leg that joined it (transferred visitors included)."""

    code: str
    name: LocalizedText
    queue: QueueMeasures
    within_target: int  # called legs whose wait stayed within the target
    median_wait: float | None
    median_service: float | None


@dataclass(frozen=True, slots=True)
class ApplicationLine:
    """One service's applications: how many reached each state in the period, and the fees
    of those submitted in it."""

    code: str
    name: LocalizedText
    states: tuple[tuple[ApplicationState, int], ...]  # in the lifecycle's order, none at 0
    fees: Decimal
    paid: int  # submitted with a fee due

    def count(self, state: ApplicationState) -> int:
        return next((count for known, count in self.states if known is state), 0)

    @property
    def submitted(self) -> int:
        return self.count(ApplicationState.SUBMITTED)


@dataclass(frozen=True, slots=True)
class PaymentLine:
    """Applications submitted in the period, by how their fee was paid."""

    method: PaymentMethod | None  # None: no fee was due (free services)
    applications: int
    amount: Decimal


@dataclass(frozen=True, slots=True)
class ClerkLine:
    """One person's work: the tickets they called and the applications they submitted."""

    username: str
    full_name: str
    queue: QueueMeasures  # over the legs this person called
    median_service: float | None
    applications_submitted: int
    fees: Decimal


@dataclass(frozen=True, slots=True)
class DayLine:
    """One day of a period, for the day-by-day table of a week's or month's summary."""

    day: date
    visitors: int
    served: int
    no_shows: int
    within_target: int
    called: int
    applications_submitted: int
    fees: Decimal

    @property
    def service_level(self) -> float | None:
        return self.within_target / self.called if self.called else None


@dataclass(frozen=True, slots=True)
class DailySummary:
    first_day: date
    last_day: date  # the same as first_day for a day's summary
    office_code: str
    office_name: LocalizedText
    generated_at: datetime
    currency: str
    target_wait_minutes: int
    queue: QueueMeasures  # all legs; ``issued`` counts visitors (each ticket's first leg once)
    within_target: int  # called legs whose wait stayed within the target
    waiting: Distribution
    service: Distribution
    services: tuple[ServiceLine, ...]  # in the master data's order
    applications: tuple[ApplicationLine, ...]
    payments: tuple[PaymentLine, ...]
    clerks: tuple[ClerkLine, ...]
    days: tuple[DayLine, ...]  # every day of the period, the quiet ones too

    @property
    def is_single_day(self) -> bool:
        return self.first_day == self.last_day

    @property
    def visitors(self) -> int:
        return self.queue.issued

    @property
    def applications_submitted(self) -> int:
        return sum(line.submitted for line in self.applications)

    @property
    def fees_total(self) -> Decimal:
        return sum((line.fees for line in self.applications), Decimal("0.00"))

    def state_total(self, state: ApplicationState) -> int:
        return sum(line.count(state) for line in self.applications)

    @property
    def states(self) -> tuple[ApplicationState, ...]:
        """The states some application reached in the period, in the lifecycle's order."""
        reached = {state for line in self.applications for state, _count in line.states}
        return tuple(state for state in ApplicationState if state in reached)
