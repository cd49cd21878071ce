"""Numbers that run through an office day without gaps between desks or duplicates.

One row per (scope, day) in `daily_counters`, incremented by a single upsert: on PostgreSQL
the statement takes the row's lock, so desks sharing the office's database queue up on it; on
SQLite the writing transaction already holds the database's write lock. The day is the
office's day (Asia/Baku), so numbers start again at local midnight and yesterday's row stays.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.db.models import DailyCounterRow


def next_value(session: Session, scope: str, day: date) -> int:
    """The next number of ``scope`` on ``day``: 1 for the first, then 2, 3, ..."""
    dialect = session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    table = DailyCounterRow.__table__
    statement = (
        module.insert(table)
        .values(scope=scope, day=day, value=1)
        .on_conflict_do_update(
            index_elements=[table.c.scope, table.c.day],
            set_={"value": table.c.value + 1},
        )
        .returning(table.c.value)
    )
    return int(session.execute(statement).scalar_one())
