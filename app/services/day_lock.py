"""The one guard of a closed office day, called by every service that changes the day's records.

A supervisor's approval closes an office day (see :mod:`app.services.day_close`); from then on
nothing may be recorded *on* that day, nor may what the day recorded be rewritten (a payment
reference, a receipt), until a supervisor reopens it. This module knows only the table, so the
applications, attachments and queue services can call it without importing the day close's
reports.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import office_zone
from app.db.models import DayCloseRow
from app.errors import ConflictError
from app.i18n import _
from app.services.core import Transaction


def office_day(moment: datetime) -> date:
    """The office day of a moment, in the office's zone whatever the computer's own."""
    return moment.astimezone(office_zone()).date()


def is_closed(session: Session, day: date) -> bool:
    closed = session.execute(
        select(DayCloseRow.closed).where(DayCloseRow.day == day)
    ).scalar_one_or_none()
    return bool(closed)


class DayClosedError(ConflictError):
    """A change that would alter a day a supervisor closed."""

    def __init__(self, day: date) -> None:
        super().__init__(
            _(
                "The office day {day} is closed: its records can no longer be changed. A "
                "supervisor must reopen the day first (Day close screen)."
            ).format(day=day.strftime("%d.%m.%Y"))
        )
        self.day = day


def ensure_open(session: Session, day: date) -> None:
    """Raise `DayClosedError` if ``day`` was closed and not reopened."""
    if is_closed(session, day):
        raise DayClosedError(day)


def ensure_open_now(tx: Transaction) -> None:
    """The change is dated now: refused once today was closed."""
    ensure_open(tx.session, office_day(tx.core.clock.now()))


def ensure_record_open(tx: Transaction, recorded_at: datetime | None) -> None:
    """The change rewrites what was recorded at ``recorded_at`` (and is dated now): both days
    must be open."""
    ensure_open_now(tx)
    if recorded_at is not None:
        ensure_open(tx.session, office_day(recorded_at))
