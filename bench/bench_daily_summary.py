"""The supervisor's daily summary of a busy day: reading it from the records and drawing its PDF.

Target: a day of 2,000 visits summarised and drawn as PDF in at most 500 ms.

The desk is a fresh SQLite data folder with the demo office and a month of history before the
day (2,000 visits a day), so the queries find the day among a month of tickets and
applications, as they would at an office. The seed is written by bulk inserts into the same
tables the services write (tickets with their legs, applications with their history): making
60,000 visits through the services one by one would take an hour and measure nothing more.
Each figure is the median of several runs, after one to warm up (fonts load once per process).
Run: python bench/bench_daily_summary.py
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, select

from app.bootstrap import start_core
from app.clock import office_zone
from app.config import Config
from app.datafolder import prepare
from app.db.models import (
    ApplicationHistoryRow,
    ApplicationRow,
    OfficeRow,
    QueueTicketRow,
    ServiceRow,
)
from app.ids import new_id
from app.services import reports, setup
from app.services.core import Core
from printing.summary import render_summary
from tests.support.actors import demo_actor

TARGET_MS = 500.0
VISITS = 2_000
DAYS = 30  # of history before the day summarised
DAY = date(2026, 11, 24)
ROUNDS = 7
CLERKS = tuple(f"clerk{n}" for n in range(1, 9))
# How a fee is paid, and what it is: the amounts of the master data's tariffs.
FEES = ("0.00", "20.00", "40.00", "60.00", "160.00", "350.00", "700.00")


def _seed_day(core: Core, office_id: Any, services: list[tuple[str, str]], day: date) -> int:
    """One office day: ``VISITS`` tickets (a few transferred, so with a second leg) and an
    application for three visitors in four, with their history. Returns the rows written."""
    rnd = random.Random(day.toordinal())
    opening = datetime.combine(day, clock_time(9, 0), tzinfo=office_zone()).astimezone(UTC)
    tickets: list[dict[str, Any]] = []
    applications: list[dict[str, Any]] = []
    history: list[dict[str, Any]] = []
    numbers: dict[str, int] = {}
    for visit in range(VISITS):
        code, prefix = services[visit % len(services)]
        numbers[prefix] = numbers.get(prefix, 0) + 1
        issued = opening + timedelta(seconds=visit * 9 * 3600 // VISITS)
        called = issued + timedelta(seconds=rnd.randint(30, 3600))
        started = called + timedelta(seconds=rnd.randint(20, 120))
        ended = started + timedelta(seconds=rnd.randint(180, 1800))
        clerk = rnd.choice(CLERKS)
        fate = rnd.random()
        state = "done" if fate < 0.86 else "no_show" if fate < 0.95 else "transferred"
        first = {
            "id": new_id(),
            "office_id": office_id,
            "day": day,
            "number": f"{prefix}{numbers[prefix]:03d}",
            "leg": 0,
            "parent_id": None,
            "service_code": code,
            "state": state,
            "priority": None,
            "channel": "kiosk",
            "issued_at": issued,
            "queued_at": issued,
            "people_ahead": 0,
            "estimated_wait_minutes": 0,
            "counter_number": 1 + visit % 3,
            "clerk_id": None,
            "clerk_name": clerk,
            "first_called_at": called,
            "called_at": called,
            "recalls": 0,
            "started_at": started if state != "no_show" else None,
            "ended_at": ended if state != "no_show" else None,
            "closed_at": ended if state != "no_show" else called + timedelta(minutes=3),
            "issued_by": "kiosk",
            "note": "",
        }
        tickets.append(first)
        if state == "transferred":
            again = ended + timedelta(seconds=rnd.randint(60, 1200))
            tickets.append(
                {
                    **first,
                    "id": new_id(),
                    "leg": 1,
                    "parent_id": first["id"],
                    "state": "done",
                    "queued_at": ended,
                    "called_at": again,
                    "first_called_at": again,
                    "started_at": again + timedelta(seconds=30),
                    "ended_at": again + timedelta(seconds=600),
                    "closed_at": again + timedelta(seconds=600),
                }
            )
        if state == "no_show" or rnd.random() < 0.2:
            continue
        fee = rnd.choice(FEES)
        submitted_at = started + timedelta(seconds=60)
        application_id = new_id()
        withdrawn = rnd.random() < 0.03
        applications.append(
            {
                "id": application_id,
                "number": f"AGS-{day:%y%m%d}-{len(applications) + 1:04d}",
                "office_id": office_id,
                "service_code": code,
                "person_id": None,
                "state": "withdrawn" if withdrawn else "submitted",
                "channel": "desk",
                "values": {},
                "received": [],
                "full_time_student": False,
                "fee_amount": fee,
                "payment_method": None if fee == "0.00" else rnd.choice(("asanpay", "bank")),
                "payment_reference": "" if fee == "0.00" else f"REF{visit:08d}",
                "submitted_at": submitted_at,
                "note": "",
                "created_by": clerk,
                "created_at": submitted_at,
                "updated_at": submitted_at,
            }
        )
        history.append(
            {
                "id": new_id(),
                "application_id": application_id,
                "at": submitted_at,
                "actor_name": clerk,
                "from_state": None,
                "to_state": "submitted",
                "note": "",
            }
        )
        if withdrawn:
            history.append(
                {
                    "id": new_id(),
                    "application_id": application_id,
                    "at": submitted_at + timedelta(minutes=5),
                    "actor_name": clerk,
                    "from_state": "submitted",
                    "to_state": "withdrawn",
                    "note": "",
                }
            )
    with core.database.writing() as session:
        session.execute(insert(QueueTicketRow), tickets)
        session.execute(insert(ApplicationRow), applications)
        session.execute(insert(ApplicationHistoryRow), history)
    return len(tickets) + len(applications) + len(history)


def _median_ms(operation: Callable[[], object]) -> float:
    operation()
    timings = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        operation()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="bench-summary-") as folder:
        config = Config(data_dir=Path(folder))
        prepare(config, log_name="bench")
        core = start_core(config).core
        setup.initialize_demo(core)
        supervisor = demo_actor(core, "supervisor")
        with core.reading() as session:
            office_id = session.execute(
                select(OfficeRow.id).where(OfficeRow.code == setup.DEMO_OFFICE)
            ).scalar_one()
            services = [
                (code, prefix)
                for code, prefix in session.execute(
                    select(ServiceRow.code, ServiceRow.queue_prefix).order_by(ServiceRow.sort_order)
                )
            ]
        started = time.perf_counter()
        rows = sum(
            _seed_day(core, office_id, services, DAY - timedelta(days=n)) for n in range(DAYS + 1)
        )
        print(f"seeded {DAYS + 1} days, {rows} rows in {time.perf_counter() - started:.1f} s")

        summary = reports.daily_summary(core, supervisor, DAY)
        assert summary.visitors == VISITS, summary.visitors
        read_ms = _median_ms(lambda: reports.daily_summary(core, supervisor, DAY))
        draw_ms = _median_ms(lambda: render_summary(summary, language="az"))
        total_ms = _median_ms(
            lambda: render_summary(reports.daily_summary(core, supervisor, DAY), language="az")
        )
        week_ms = _median_ms(
            lambda: render_summary(
                reports.daily_summary(core, supervisor, DAY - timedelta(days=6), DAY),
                language="az",
            )
        )
        core.database.dispose()
    print(
        f"daily summary of {VISITS:,} visits to PDF: median {total_ms:.0f} ms "
        f"(reading {read_ms:.0f} ms, drawing {draw_ms:.0f} ms) "
        f"(target: at most {TARGET_MS:g} ms)"
    )
    print(f"a week's summary ({7 * VISITS:,} visits) to PDF: median {week_ms:.0f} ms")
    return 0 if total_ms <= TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
