"""Sync on loopback: pushing 10,000 records, pulling 10,000 changes, 200 desks at once.

Targets: push 10,000 outbox records and have them acknowledged in at most 2 s; pull and apply
10,000 feed changes in at most 2 s; 200 simulated desks pushing at once against one server on
PostgreSQL: p95 per batch at most 500 ms with no errors. The server is the real
`reception-server` under uvicorn on a free loopback port; the desk is a real SQLite data folder.
The PostgreSQL part runs on a throwaway cluster when the server binaries are installed.

Run: python bench/bench_sync.py
"""

from __future__ import annotations

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


def _person(index: int) -> dict[str, object]:
    return {
        "id": str(uuid.uuid4()),
        "surname": f"MAMMADOV{index}",
        "given_names": "RASHAD",
        "birth_date": "1985-04-12",
        "sex": "M",
        "nationality": "RUS",
        "documents": [{"kind": "passport", "number": f"75{index:07d}", "state": "RUS"}],
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
                    "entity_id": str(uuid.uuid4()),
                    "operation": "person.create",
                    "payload": _person(index),
                    "status": "pending",
                    "attempts": 0,
                }
                for index in range(count)
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
        central = CentralServer(home=work / "central-pg", database_url=url, workers=2)
        central.init()
        central.start()
        try:
            identities = []
            for index in range(DESKS):
                key = generate_signing_key()
                with SyncClient(central.url) as anonymous:
                    answer = anonymous.enrol(
                        EnrolRequest(
                            code=central.enrol_code(),
                            desk_name=f"desk {index}",
                            public_key_pem=public_key_to_pem(key.public_key()).decode(),
                        )
                    )
                identities.append((answer.desk_id, key))
            timings: list[float] = []
            errors: list[BaseException] = []
            lock = threading.Lock()
            start = threading.Barrier(DESKS)

            def desk(desk_id: uuid.UUID, key: object) -> None:
                try:
                    with SyncClient(central.url, desk_id=desk_id, key=key) as client:  # type: ignore[arg-type]
                        start.wait()
                        for batch in range(BATCHES_PER_DESK):
                            records = [
                                OutboxRecord(
                                    id=uuid.uuid4(),
                                    seq=batch * RECORDS_PER_BATCH + index + 1,
                                    created_at=datetime.now(UTC),
                                    entity="person",
                                    entity_id=str(uuid.uuid4()),
                                    operation="person.create",
                                    payload=_person(index),
                                )
                                for index in range(RECORDS_PER_BATCH)
                            ]
                            began = time.perf_counter()
                            client.push(PushBatch(batch_id=uuid.uuid4(), records=records))
                            client.feed(0, 100)
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
                f"{DESKS} desks at once on PostgreSQL: p95 {p95:.0f} ms per batch "
                f"(target {DESKS_P95_TARGET_MS:.0f} ms), {batches} batches, {errors} errors"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
