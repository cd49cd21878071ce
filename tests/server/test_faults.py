"""Faults with real processes: the link cut or slowed, the desk or the server killed mid-sync,
a backup restored. Afterwards both sides hold what they would hold without the fault: every
record once at the centre, every outbox row marked sent, nothing lost, nothing twice."""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from app.db import backup
from app.db.engine import Database
from app.db.models import OutboxRow
from app.domain.persons import DocumentKind, NewDocument, PersonData, Sex
from app.domain.users import Actor
from app.services import persons
from app.sync.client import OfflineError, SyncError
from app.sync.enrolment import enrol
from app.sync.run import sync_once
from app.sync.state import PENDING, SENT, sync_status
from server.models import DeskRecordRow
from tests.server.conftest import Desk
from tests.support.central import CentralServer
from tests.support.submitted import submit_temporary_residence
from tests.support.tcp_proxy import TcpProxy

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def proxy(central: CentralServer) -> Iterator[TcpProxy]:
    link = TcpProxy(target_port=central.port).start()
    yield link
    link.close()


@pytest.fixture
def linked(desk: Desk, central: CentralServer, proxy: TcpProxy) -> Desk:
    """A desk enrolled through the proxy: every request of its sync crosses the faulty link."""
    enrol(
        desk.core,
        desk.config,
        Actor.system("test"),
        server_url=proxy.url,
        code=central.enrol_code(),
    )
    return desk


def _new_person(desk: Desk, number: int) -> None:
    persons.create_person(
        desk.core,
        desk.clerk,
        PersonData(
            surname=f"MAMMADOV{number}",
            given_names="RASHAD",
            birth_date=date(1960 + number % 40, 1 + number % 12, 1 + number % 28),
            sex=Sex.MALE,
            nationality="RUS",
        ),
        documents=[NewDocument(DocumentKind.PASSPORT, f"75{number:07d}", "RUS")],
        force=True,
    )


def _desk_rows(desk: Desk) -> dict[str, dict[str, object]]:
    with desk.core.reading() as session:
        rows = session.execute(select(OutboxRow)).scalars().all()
        return {str(row.id): {"status": row.status, "payload": row.payload} for row in rows}


def _centre_rows(central: CentralServer, desk: Desk) -> dict[str, object]:
    status = sync_status(desk.core)
    assert status.enrolment is not None
    database = Database(central.db_url)
    try:
        with database.reading() as session:
            rows = session.execute(
                select(DeskRecordRow).where(
                    DeskRecordRow.desk_id == status.enrolment.remote_desk_id
                )
            ).scalars()
            return {str(row.record_id): json.loads(row.payload_json) for row in rows}
    finally:
        database.dispose()


def _assert_same_on_both_sides(desk: Desk, central: CentralServer) -> None:
    ours = _desk_rows(desk)
    theirs = _centre_rows(central, desk)
    assert {row_id for row_id, row in ours.items() if row["status"] != SENT} == set()
    assert set(theirs) == set(ours)
    for row_id, payload in theirs.items():
        assert payload == ours[row_id]["payload"], row_id


def test_an_answer_lost_on_the_way_back_is_replayed_not_duplicated(
    linked: Desk, central: CentralServer, proxy: TcpProxy
) -> None:
    submit_temporary_residence(linked.core, linked.clerk)
    # The server stores the batch, twice over (the desk retries once at once): never heard.
    proxy.drop_next_answer(2)
    with pytest.raises(OfflineError):
        sync_once(linked.core, linked.config)
    pending = sync_status(linked.core).pending
    assert pending > 0
    sync_once(linked.core, linked.config)
    _assert_same_on_both_sides(linked, central)


def test_a_cut_link_keeps_everything_waiting_until_it_returns(
    linked: Desk, central: CentralServer, proxy: TcpProxy
) -> None:
    submit_temporary_residence(linked.core, linked.clerk)
    proxy.cut()
    for _ in range(3):
        with pytest.raises(OfflineError) as offline:
            sync_once(linked.core, linked.config)
    assert "cannot be reached" in str(offline.value)
    status = sync_status(linked.core)
    assert status.pending > 0
    assert status.last_error == str(offline.value)
    proxy.restore()
    sync_once(linked.core, linked.config)
    assert sync_status(linked.core).last_error is None
    _assert_same_on_both_sides(linked, central)


def test_a_slow_far_link_still_completes(
    linked: Desk, central: CentralServer, proxy: TcpProxy
) -> None:
    """64 kbit/s with 2 s of latency each way, as a remote district's line on a bad day."""
    for number in range(40):
        _new_person(linked, number)
    proxy.latency, proxy.bytes_per_second = 2.0, 8000
    started = time.monotonic()
    report = sync_once(linked.core, linked.config)
    assert report.push.sent >= 40  # the forty persons, and the set-up's own records
    assert time.monotonic() - started > 4  # the link really was slow: two round trips at least
    _assert_same_on_both_sides(linked, central)


def _sync_in_a_process(desk: Desk) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "app.cli",
            "--data-dir",
            str(desk.config.data_dir),
            "sync",
            "--json",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def test_the_desk_killed_mid_push_loses_and_doubles_nothing(
    linked: Desk, central: CentralServer, proxy: TcpProxy
) -> None:
    for number in range(30):
        _new_person(linked, number)
    proxy.latency = 1.0  # long enough to kill the desk while its batch is on the way
    process = _sync_in_a_process(linked)
    time.sleep(2.5)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(10)
    proxy.latency = 0.0
    sync_once(linked.core, linked.config)
    _assert_same_on_both_sides(linked, central)


def test_the_server_killed_mid_batch_loses_and_doubles_nothing(
    linked: Desk, central: CentralServer, proxy: TcpProxy
) -> None:
    for number in range(30):
        _new_person(linked, number)
    proxy.latency = 1.0
    process = _sync_in_a_process(linked)
    time.sleep(2.0)
    central.kill()
    process.wait(60)
    assert process.returncode != 0
    central.start()
    proxy.latency = 0.0
    sync_once(linked.core, linked.config)
    _assert_same_on_both_sides(linked, central)


def test_a_desk_restored_from_a_backup_sends_again_without_doubling(
    linked: Desk, central: CentralServer
) -> None:
    submit_temporary_residence(linked.core, linked.clerk)
    sync_once(linked.core, linked.config)
    made = backup.backup_sqlite(linked.config, now=linked.core.clock.now(), reason="test")
    _new_person(linked, 1)
    sync_once(linked.core, linked.config)
    before_restore = _centre_rows(central, linked)
    linked.core.database.dispose()
    backup.restore_sqlite(linked.config, made.path, now=linked.core.clock.now())
    # The restored desk has forgotten the last person; its next work and sync go on.
    _new_person(linked, 2)
    sync_once(linked.core, linked.config)
    after = _centre_rows(central, linked)
    assert set(before_restore) <= set(after)
    ours = _desk_rows(linked)
    assert all(row["status"] == SENT for row in ours.values())
    assert set(ours) <= set(after)


def test_a_hundred_random_faults_end_in_the_same_state(
    linked: Desk, central: CentralServer, proxy: TcpProxy
) -> None:
    """Work, faults and syncs in a random order (seeded: a failure can be replayed)."""
    chance = random.Random(20261124)
    faults = 0
    number = 0
    while faults < 100:
        for _ in range(chance.randint(0, 2)):
            number += 1
            _new_person(linked, number)
        fault = chance.choice(["cut", "lose_answer", "lose_answers", "slow", "none", "kill"])
        if fault == "kill" and chance.random() < 0.7:
            fault = "lose_answer"  # a restart costs seconds: keep them to a few
        faults += fault != "none"
        if fault == "cut":
            proxy.cut()
        elif fault == "lose_answer":
            proxy.drop_next_answer(chance.randint(1, 3))
        elif fault == "lose_answers":
            proxy.drop_next_answer(chance.randint(1, 2), request=b"GET /v1/feed")
        elif fault == "slow":
            proxy.latency = 0.05
        elif fault == "kill":
            central.kill()
        with contextlib.suppress(SyncError):
            sync_once(linked.core, linked.config)
        proxy.restore()
        proxy.latency = 0.0
        proxy._drop_answers = 0
        if central.process is None:
            central.start()
    sync_once(linked.core, linked.config)
    assert sync_status(linked.core).pending == 0
    with linked.core.reading() as session:
        assert not session.execute(select(OutboxRow).where(OutboxRow.status == PENDING)).first()
    _assert_same_on_both_sides(linked, central)
