"""Several desks at once: clerks calling at the same moment, processes issuing at the same
moment, and a desk killed mid-service."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.bootstrap import Started, start_core
from app.clock import ManualClock
from app.config import Config
from app.db.models import CounterRow, QueueTicketRow
from app.domain.queue import TicketState
from app.domain.users import Actor
from app.services import queue, setup
from app.services.queue_store import office_of
from app.services.setup import DemoSetup
from tests.app.queue.helpers import A, issue
from tests.support.postgres import PostgresCluster

ROOT = Path(__file__).resolve().parents[3]
WORKER = [sys.executable, "-m", "tests.support.queue_worker"]
CLERKS = 6


def _more_counters(started: Started, numbers: range) -> None:
    """Counters 4.. for registrations, so that many clerks call from one queue at once."""
    core = started.core
    with core.database.writing() as session:
        office = office_of(session, core.desk_id)
        for number in numbers:
            session.add(CounterRow(office_id=office.id, number=number, service_codes=[A]))


def test_clerks_calling_at_the_same_moment_never_get_one_ticket(
    started: Started, demo: DemoSetup, clerk: Actor, supervisor: Actor, clock: ManualClock
) -> None:
    core = started.core
    _more_counters(started, range(4, 4 + CLERKS))
    waiting = [issue(core, clock=clock).number for _ in range(60)]
    start = threading.Barrier(CLERKS)
    called: dict[int, list[str]] = {}
    failures: list[BaseException] = []

    def clerk_at(counter: int) -> None:
        actor = clerk if counter % 2 else supervisor
        numbers: list[str] = []
        try:
            start.wait()
            while (ticket := queue.call_next(core, actor, counter).value) is not None:
                numbers.append(ticket.number)
                queue.mark_no_show(core, actor, ticket.id)
        except BaseException as error:  # reported below, with the thread's counter
            failures.append(error)
        called[counter] = numbers

    threads = [threading.Thread(target=clerk_at, args=(n,)) for n in range(4, 4 + CLERKS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == []
    every_call = [number for numbers in called.values() for number in numbers]
    assert len(every_call) == len(set(every_call))  # no ticket called twice
    assert sorted(every_call) == sorted(waiting)  # and none left behind
    with core.reading() as session:
        states = session.execute(select(QueueTicketRow.state).distinct()).scalars().all()
    assert states == [TicketState.NO_SHOW.value]


def _run_workers(count: int, make_args: list[list[str]], gate: Path) -> list[list[str]]:
    processes = [
        subprocess.Popen(
            [*WORKER, *args], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for args in make_args
    ]
    deadline = time.monotonic() + 120
    while len(list(gate.glob("ready-*"))) < count and time.monotonic() < deadline:
        if any(process.poll() is not None for process in processes):
            break
        time.sleep(0.01)
    (gate / "go").touch()
    results = []
    for process in processes:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
        results.append(json.loads(out))
    return results


@pytest.mark.postgres
def test_eight_processes_issuing_at_once_never_repeat_a_number(
    pg_cluster: PostgresCluster, config: Config, tmp_path: Path
) -> None:
    url = pg_cluster.create_database(f"t_{uuid.uuid4().hex[:12]}")
    started = start_core(replace(config, database_url=url))
    setup.initialize_demo(started.core)
    gate = tmp_path / "gate"
    gate.mkdir()
    per_process = 50
    results = _run_workers(
        8,
        [["issue", str(tmp_path / f"desk{i}"), url, str(per_process), str(gate)] for i in range(8)],
        gate,
    )
    numbers = [number for result in results for number in result]
    assert len(numbers) == 8 * per_process
    assert sorted(numbers) == [f"A{n:03d}" for n in range(1, 8 * per_process + 1)]
    with started.core.reading() as session:
        repeated = session.execute(
            select(QueueTicketRow.number)
            .group_by(QueueTicketRow.day, QueueTicketRow.number)
            .having(func.count() > 1)
        ).all()
    assert repeated == []
    started.core.database.dispose()


def test_a_desk_killed_mid_service_loses_nothing(
    backend_config: Config, started: Started, demo: DemoSetup, clerk: Actor, tmp_path: Path
) -> None:
    data_dir = backend_config.data_dir if backend_config.uses_sqlite else tmp_path / "desk2"
    worker = subprocess.run(
        [*WORKER, "serve-and-die", str(data_dir), backend_config.database_url or ""],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert worker.returncode == -9, worker.stderr  # killed, as by a power cut
    ticket_id = uuid.UUID(json.loads(worker.stdout)["id"])
    reopened = start_core(backend_config)
    try:
        counter = queue.counter_status(reopened.core, clerk, 1)
        assert counter.current is not None and counter.current.id == ticket_id
        assert counter.current.state is TicketState.SERVING
        done = queue.end_service(reopened.core, clerk, ticket_id).value
        assert done.state is TicketState.DONE
    finally:
        reopened.core.database.dispose()
