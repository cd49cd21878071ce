"""Other desks and the display hear of each queue change: NOTIFY on PostgreSQL, a version row
read a few times a second on SQLite."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import text

from app.bootstrap import Started
from app.clock import ManualClock
from app.errors import StorageError
from app.services import queue, queue_events
from app.services.queue_events import QueueWatcher
from app.services.setup import DemoSetup
from tests.app.queue.helpers import issue


def test_a_watcher_sees_a_change_within_a_second(
    started: Started, demo: DemoSetup, clock: ManualClock
) -> None:
    core = started.core
    with QueueWatcher.for_core(core) as watcher:
        assert watcher.uses_notify == (core.database.dialect == "postgresql")
        assert watcher.wait(0.1)  # the first answer: "refresh now"
        assert not watcher.wait(0.3)  # nothing happened since
        issue(core, clock=clock)
        assert watcher.wait(1.0)
        # A burst of changes makes one refresh, then quiet again.
        for _ in range(3):
            issue(core, clock=clock)
        assert watcher.wait(1.0)
        time.sleep(0.3)
        watcher.wait(0.01)  # a poll may straddle the burst; either way it settles
        assert not watcher.wait(0.3)


def test_the_run_loop_calls_back_from_a_worker_thread(
    started: Started, demo: DemoSetup, clock: ManualClock
) -> None:
    core = started.core
    seen = threading.Event()
    stop = threading.Event()
    with QueueWatcher.for_core(core) as watcher:
        watcher.wait(0.1)
        worker = threading.Thread(target=watcher.run, args=(stop, seen.set), daemon=True)
        worker.start()
        issue(core, clock=clock)
        assert seen.wait(2.0)
        stop.set()
        worker.join(timeout=5)
        assert not worker.is_alive()


@pytest.mark.parametrize("backend_config", ["postgresql"], indirect=True)
def test_a_rolled_back_change_is_not_announced(
    started: Started, demo: DemoSetup, clock: ManualClock
) -> None:
    core = started.core
    with QueueWatcher.for_core(core) as watcher:
        watcher.wait(0.1)
        with pytest.raises(RuntimeError), core.database.writing() as session:
            queue_events.touch(session, watcher.office_id, watcher.office_code, clock.now())
            raise RuntimeError("the change fails after the notice was queued")
        assert not watcher.wait(0.5)
        queue.issue_ticket(core, queue.KIOSK, "registration_stay")
        assert watcher.wait(1.0)


@pytest.mark.parametrize("backend_config", ["postgresql"], indirect=True)
def test_a_lost_listening_connection_is_reported_then_restored(
    started: Started, demo: DemoSetup, clock: ManualClock
) -> None:
    core = started.core
    with QueueWatcher.for_core(core) as watcher:
        watcher.wait(0.1)
        backend = watcher._listener.info.backend_pid
        with core.database.engine.connect() as connection:
            connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": backend})
        with pytest.raises(StorageError, match="connection to the office's database was lost"):
            watcher.wait(2.0)
        assert watcher.wait(1.0)  # reconnected: refresh, something may have been missed
        issue(core, clock=clock)
        assert watcher.wait(1.0)
