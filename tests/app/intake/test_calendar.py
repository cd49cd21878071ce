"""Working days around the 2026 holidays of the bundled master data."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from app.intake.calendar import WorkingCalendar, submission_day

THURSDAY_BEFORE_NOVRUZ = date(2026, 3, 19)


def test_weekends_and_holidays_are_not_working_days(calendar: WorkingCalendar) -> None:
    assert calendar.is_working_day(THURSDAY_BEFORE_NOVRUZ)
    assert not calendar.is_working_day(date(2026, 3, 20))  # Novruz, a Friday
    assert not calendar.is_working_day(date(2026, 3, 28))  # Saturday
    assert not calendar.is_working_day(date(2026, 3, 29))  # Sunday
    assert not calendar.is_working_day(date(2026, 3, 26))  # Ramadan Bayram, moved
    assert calendar.is_working_day(date(2026, 3, 27))


def test_twenty_working_days_from_the_thursday_before_novruz(
    calendar: WorkingCalendar,
) -> None:
    # 20-26 March are holidays: the count starts on Friday 27 March (1), then 30 March to
    # 3 April (2-6), 6-10 April (7-11), 13-17 April (12-16), 20-23 April (17-20).
    due = calendar.add_working_days(THURSDAY_BEFORE_NOVRUZ, 20)
    assert due == date(2026, 4, 23)
    assert due.weekday() == 3  # a Thursday again, five weeks later
    assert calendar.working_days_between(THURSDAY_BEFORE_NOVRUZ, due) == 20


def test_the_day_of_submission_does_not_count(calendar: WorkingCalendar) -> None:
    assert calendar.add_working_days(date(2026, 3, 17), 1) == date(2026, 3, 18)
    assert calendar.add_working_days(THURSDAY_BEFORE_NOVRUZ, 1) == date(2026, 3, 27)
    # Submitted on a holiday or a weekend: the first working day after it counts as one.
    assert calendar.add_working_days(date(2026, 3, 22), 1) == date(2026, 3, 27)
    assert calendar.add_working_days(date(2026, 3, 19), 0) == date(2026, 3, 19)


def test_new_year_and_mourning_day(calendar: WorkingCalendar) -> None:
    # 1-2 January are holidays, 3-4 a weekend; 20 January is the Day of National Mourning.
    assert calendar.add_working_days(date(2025, 12, 31), 1) == date(2026, 1, 5)
    assert calendar.add_working_days(date(2026, 1, 16), 3) == date(2026, 1, 22)


def test_may_holidays(calendar: WorkingCalendar) -> None:
    # 27-29 May 2026: Gurban Bayram, Independence Day, Gurban Bayram moved.
    assert calendar.add_working_days(date(2026, 5, 26), 1) == date(2026, 6, 1)
    assert calendar.working_days_between(date(2026, 5, 26), date(2026, 6, 1)) == 1


def test_working_days_between_is_the_inverse(calendar: WorkingCalendar) -> None:
    start = date(2026, 1, 1)
    for offset in range(0, 366, 7):
        day = start + timedelta(days=offset)
        for count in (1, 3, 15, 20, 60):
            due = calendar.add_working_days(day, count)
            assert calendar.working_days_between(day, due) == count
            assert calendar.is_working_day(due)
    assert calendar.working_days_between(date(2026, 4, 23), THURSDAY_BEFORE_NOVRUZ) == -20
    assert calendar.working_days_between(THURSDAY_BEFORE_NOVRUZ, THURSDAY_BEFORE_NOVRUZ) == 0


def test_without_holidays_only_weekends_are_off() -> None:
    plain = WorkingCalendar(frozenset())
    assert plain.add_working_days(date(2026, 3, 19), 5) == date(2026, 3, 26)
    with pytest.raises(ValueError, match="negative"):
        plain.add_working_days(date(2026, 3, 19), -1)


def test_submission_day_follows_baku_time() -> None:
    # 20:30 UTC on 19 March is 00:30 on 20 March in Baku (UTC+4).
    assert submission_day(datetime(2026, 3, 19, 20, 30, tzinfo=UTC)) == date(2026, 3, 20)
    assert submission_day(datetime(2026, 3, 19, 19, 59, tzinfo=UTC)) == date(2026, 3, 19)
    new_york = timezone(timedelta(hours=-4))
    assert submission_day(datetime(2026, 3, 19, 17, 0, tzinfo=new_york)) == date(2026, 3, 20)
    with pytest.raises(ValueError, match="aware"):
        submission_day(datetime(2026, 3, 19, 12, 0))
