"""Working days, by which legal deadlines are counted.

Saturdays, Sundays and public holidays are not working days. The holidays come from master
data, year by year: the government moves holidays that fall on a weekend to the next working
day, and the master data lists the moved days as holidays themselves.

Counting follows the rule for procedural deadlines: a period of N working days starts on the
day after the event, so the day of submission never counts, even when it is a working day.
The decision is due on the Nth working day after the day of submission.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from app.clock import office_zone
from app.domain.masterdata import Holiday

_SATURDAY = 5  # date.weekday(): Monday is 0
_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class WorkingCalendar:
    holidays: frozenset[date]

    @classmethod
    def from_holidays(cls, holidays: Iterable[Holiday]) -> WorkingCalendar:
        return cls(frozenset(holiday.day for holiday in holidays))

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < _SATURDAY and day not in self.holidays

    def add_working_days(self, start: date, days: int) -> date:
        """The ``days``-th working day after ``start``; ``start`` itself never counts.

        Submitted on Thursday with 1 working day to decide, the decision is due on Friday;
        submitted on Saturday, on Monday. ``days == 0`` gives ``start`` back unchanged.
        """
        if days < 0:
            raise ValueError(f"a number of working days cannot be negative: {days}")
        day = start
        remaining = days
        while remaining:
            day += _ONE_DAY
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """The working days after ``start`` up to and including ``end``.

        The inverse of :meth:`add_working_days`: ``working_days_between(s,
        add_working_days(s, n)) == n``. Negative when ``end`` is before ``start``, so that a
        deadline already passed shows by how many working days.
        """
        if end < start:
            return -self.working_days_between(end, start)
        count = 0
        day = start
        while day < end:
            day += _ONE_DAY
            count += self.is_working_day(day)
        return count


def submission_day(moment: datetime, zone_name: str | None = None) -> date:
    """The office's date of an aware moment: a form sent at 23:30 UTC is filed the next day
    in Baku (UTC+4), whatever the desk computer's own time zone."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("submission_day needs an aware datetime")
    zone = office_zone(zone_name) if zone_name else office_zone()
    return moment.astimezone(zone).date()
