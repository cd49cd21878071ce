"""The day's figures counted straight from the tables, to hold the summary against."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import ColumnElement, func, select

from app.clock import office_zone
from app.db.models import ApplicationRow, QueueTicketRow
from app.services.core import Core


@dataclass(frozen=True)
class Counted:
    visitors: int
    served: int
    no_shows: int
    submitted: int
    fees: Decimal


def counted(core: Core, first: date, last: date) -> Counted:
    start = datetime.combine(first, time.min, tzinfo=office_zone())
    end = datetime.combine(last + timedelta(days=1), time.min, tzinfo=office_zone())
    t, a = QueueTicketRow, ApplicationRow
    with core.reading() as session:

        def tickets(*where: ColumnElement[bool]) -> int:
            query = select(func.count()).select_from(t).where(t.day >= first, t.day <= last)
            return int(session.execute(query.where(*where)).scalar_one())

        fees = session.execute(
            select(a.fee_amount).where(a.submitted_at >= start, a.submitted_at < end)
        ).scalars()
        amounts = [Decimal(fee) for fee in fees if fee is not None]
        return Counted(
            visitors=tickets(t.leg == 0),
            served=tickets(t.state == "done"),
            no_shows=tickets(t.state == "no_show"),
            submitted=len(amounts),
            fees=sum(amounts, Decimal("0.00")),
        )
