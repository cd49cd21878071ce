"""Sync on loopback: pushing 10,000 records, pulling 10,000 changes, 200 desks at once.

Targets: push 10,000 outbox records and have them acknowledged in at most 2 s; pull and apply
10,000 feed changes in at most 2 s; 200 simulated desks pushing at once against one server on
PostgreSQL: p95 per batch at most 500 ms with no errors. The server is the real
`reception-server` under uvicorn on a free loopback port; the desk is a real SQLite data folder.
The PostgreSQL part runs on a throwaway cluster when the server binaries are installed.

Run: python bench/bench_sync.py
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert

from app.bootstrap import start_core
from app.config import Config
from app.datafolder import prepare
from app.db.engine import Database
from app.db.models import OutboxRow
from app.domain.users import Actor
from app.ids import new_id
from app.security.keys import generate_signing_key, public_key_to_pem
from app.services import setup
from app.sync.client import SyncClient
from app.sync.enrolment import enrol
from app.sync.protocol import EnrolRequest, FeedKind, OutboxRecord, PushBatch
from app.sync.pull import pull_feed
from app.sync.push import push_outbox
from server import store
from tests.support.central import CentralServer
from tests.support.postgres import find_pg_bin, start_cluster

PUSH_TARGET_S = 2.0
PULL_TARGET_S = 2.0
DESKS_P95_TARGET_MS = 500.0
RECORDS = 10_000
DESKS = 200
BATCHES_PER_DESK = 3
RECORDS_PER_BATCH = 50
# The window in which the 200 desks' agents all sync once (each agent syncs every minute).
SPREAD_S = 10.0
ENTITY = "person"
WORKERS = 2


def _person(index: int) -> dict[str, object]:
    return {
        "id": str(uuid.uuid4()),
        "surname": f"MAMMADOV{index}",
        "given_names": "RASHAD",
        "birth_date": "1985-04-12",
        "sex": "M",
        "nationality": "RUS",
        "documents": [
            {
                "id": str(uuid.uuid4()),
                "kind": "passport",
                "number": f"75{index:07d}",
                "issuing_state": "RUS",
                "expiry_date": "2031-01-01",
                "issued_date": None,
            }
        ],
    }


def _fill_outbox(database: Database, count: int) -> None:
    now = datetime.now(UTC)
    with database.writing() as session:
        session.execute(
            insert(OutboxRow),
            [
                {
                    "id": new_id(),
                    "seq": 1_000_000 + index,
                    "created_at": now,
                    "desk_id": None,
                    "entity": "person",
                    "entity_id": person["id"],
                    "operation": "person.create",
                    "payload": person,
                    "status": "pending",
                    "attempts": 0,
                }
                for index, person in enumerate(_person(index) for index in range(count))
            ],
        )


def _publish_revocations(central: CentralServer, count: int) -> None:
    database = Database(f"sqlite:///{central.home / 'server.db'}")
    now = datetime.now(UTC)
    with database.writing() as session:
        for index in range(count):
            store.publish(
                session,
                kind=FeedKind.REVOCATION,
                key=f"AZR{index:06d}",
                payload={"document_number": f"AZR{index:06d}", "revoked_at": now.isoformat()},
                now=now,
            )
    database.dispose()


def push_and_pull(work: Path) -> tuple[float, float]:
    central = CentralServer(home=work / "central")
    central.init()
    central.start()
    try:
        config = Config(data_dir=work / "desk")
        prepare(config, log_name="bench")
        core = start_core(config).core
        setup.initialize_demo(core)
        enrol(
            core, config, Actor.system("bench"), server_url=central.url, code=central.enrol_code()
        )
        # What the desk holds already (the demo's own records) goes up first, untimed.
        from app.sync.run import client_for

        with client_for(core, config) as client:
            client.server_time()
            push_outbox(core, client)
            pull_feed(core, client)
            _fill_outbox(core.database, RECORDS)
            started = time.perf_counter()
            pushed = push_outbox(core, client, batch_size=2000)
            push_s = time.perf_counter() - started
            assert pushed.sent == RECORDS, pushed
            # The centre sends the office's persons back for its other desks; this desk skips
            # its own (untimed: the figure below is for the centre's changes).
            pull_feed(core, client, page_size=2000)
            _publish_revocations(central, RECORDS)
            started = time.perf_counter()
            pulled = pull_feed(core, client, page_size=2000)
            pull_s = time.perf_counter() - started
            assert pulled.applied == RECORDS, pulled
        core.database.dispose()
        return push_s, pull_s
    finally:
        central.stop()


def many_desks(work: Path) -> tuple[float, int, int] | None:
    if find_pg_bin() is None:
        return None
    cluster = start_cluster()
    try:
        url = cluster.create_database("central")
        central = CentralServer(home=work / "central-pg", database_url=url, workers=WORKERS)
        central.init()
        central.start()
        try:
            identities = []
            # The desks of the eight demo offices, each office's desks on its own PostgreSQL.
            offices = json.loads(central.command("offices", "--json"))
            databases = {office["code"]: uuid.uuid4() for office in offices}
            for index in range(DESKS):
                office = offices[index % len(offices)]["code"]
                key = generate_signing_key()
                with SyncClient(central.url) as anonymous:
                    answer = anonymous.enrol(
                        EnrolRequest(
                            code=central.enrol_code(office),
                            desk_name=f"desk {index}",
                            public_key_pem=public_key_to_pem(key.public_key()).decode(),
                            database_id=databases[office],
                        )
                    )
                identities.append((answer.desk_id, key))
            timings: list[float] = []
            errors: list[BaseException] = []
            lock = threading.Lock()
            clock_start: list[float] = []
            start = threading.Barrier(DESKS, action=lambda: clock_start.append(time.perf_counter()))

            def desk(desk_id: uuid.UUID, key: object) -> None:
                try:
                    with SyncClient(central.url, desk_id=desk_id, key=key) as client:  # type: ignore[arg-type]
                        # Every desk caught up with the feed before the clock starts.
                        cursor = client.feed(0, 5000).last_seq
                        start.wait()
                        # Each desk's agent wakes on its own timer: the first sync falls
                        # somewhere in the window, the next ones a window apart.
                        pause = random.uniform(0, SPREAD_S)
                        for batch in range(BATCHES_PER_DESK):
                            due = clock_start[0] + pause + batch * SPREAD_S
                            time.sleep(max(0.0, due - time.perf_counter()))
                            records = [
                                OutboxRecord(
                                    id=uuid.uuid4(),
                                    seq=batch * RECORDS_PER_BATCH + index + 1,
                                    created_at=datetime.now(UTC),
                                    entity=ENTITY,
                                    entity_id=str(uuid.uuid4()),
                                    operation="person.create",
                                    payload=_person(index),
                                )
                                for index in range(RECORDS_PER_BATCH)
                            ]
                            began = time.perf_counter()
                            client.push(PushBatch(batch_id=uuid.uuid4(), records=records))
                            cursor = client.feed(cursor, 500).last_seq
                            took = time.perf_counter() - began
                            with lock:
                                timings.append(took)
                except BaseException as error:
                    with lock:
                        errors.append(error)

            threads = [threading.Thread(target=desk, args=identity) for identity in identities]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            p95 = statistics.quantiles(timings, n=20)[-1] * 1000 if timings else float("nan")
            return p95, len(timings), len(errors)
        finally:
            central.stop()
    finally:
        cluster.stop()


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        push_s, pull_s = push_and_pull(work)
        print(f"push {RECORDS} records, acknowledged: {push_s:.2f} s (target {PUSH_TARGET_S} s)")
        print(f"pull {RECORDS} changes, applied: {pull_s:.2f} s (target {PULL_TARGET_S} s)")
        crowd = many_desks(work)
        if crowd is None:
            print("200 desks on PostgreSQL: skipped, the PostgreSQL server is not installed")
        else:
            p95, batches, errors = crowd
            print(
                f"{DESKS} desks syncing together on PostgreSQL (each within the same "
                f"{SPREAD_S:.0f} s, {BATCHES_PER_DESK} rounds): p95 {p95:.0f} ms per batch "
                f"(target {DESKS_P95_TARGET_MS:.0f} ms), {batches} batches, {errors} errors"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
