"""Numbers that run through an office day without gaps between desks or duplicates.

One row per (scope, day) in `daily_counters`, incremented by a single upsert: on PostgreSQL
the statement takes the row's lock, so desks sharing the office's database queue up on it; on
SQLite the writing transaction already holds the database's write lock. The day is the
office's day (Asia/Baku), so numbers start again at local midnight and yesterday's row stays.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import bindparam
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.db.models import DailyCounterRow

_TABLE = DailyCounterRow.__table__
# Built once per dialect: the kiosk takes a number on every ticket, and building the statement
# costs more than running it.
_NEXT = {
    name: module.insert(_TABLE)
    .values(scope=bindparam("scope"), day=bindparam("day"), value=1)
    .on_conflict_do_update(
        index_elements=[_TABLE.c.scope, _TABLE.c.day],
        set_={"value": _TABLE.c.value + 1},
    )
    .returning(_TABLE.c.value)
    for name, module in (("postgresql", postgresql), ("sqlite", sqlite))
}


def next_value(session: Session, scope: str, day: date) -> int:
    """The next number of ``scope`` on ``day``: 1 for the first, then 2, 3, ..."""
    statement = _NEXT[session.get_bind().dialect.name]
    return int(session.connection().execute(statement, {"scope": scope, "day": day}).scalar_one())
