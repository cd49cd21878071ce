"""Time as the office sees it. The office's zone rules tickets, days and deadlines, whatever
the desk computer's own setting; tests drive a clock they control."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

OFFICE_ZONE_NAME = "Asia/Baku"


def office_zone(name: str = OFFICE_ZONE_NAME) -> ZoneInfo:
    return ZoneInfo(name)


class Clock(Protocol):
    def now(self) -> datetime:
        """The current moment, timezone-aware (UTC)."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class ManualClock:
    """A clock that moves only when told: for tests and benchmarks."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> None:
        self._now += delta

    def set(self, moment: datetime) -> None:
        self._now = moment.astimezone(UTC)


def office_today(clock: Clock, zone: ZoneInfo | None = None) -> date:
    return clock.now().astimezone(zone or office_zone()).date()
