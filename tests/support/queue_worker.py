"""A separate process that works the queue, for the tests of several desks and of crashes.

``python -m tests.support.queue_worker issue DATA_DIR URL COUNT GATE`` starts the desk's core,
leaves a file in the folder GATE, waits there for a file named ``go`` (so that every process
starts issuing at the same moment), issues COUNT tickets as the kiosk and prints their numbers
as JSON.
``... serve-and-die DATA_DIR URL`` issues a ticket, calls it to counter 1, starts the service
and kills its own process, as a power cut would.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from pathlib import Path

from app.bootstrap import start_core
from app.config import Config
from app.datafolder import prepare
from app.domain.users import Actor
from app.services import queue
from app.services.core import Core


def _core(data_dir: str, url: str) -> Core:
    config = Config(data_dir=Path(data_dir), database_url=url or None)
    prepare(config, log_name="worker")
    return start_core(config).core


def main(argv: list[str]) -> int:
    command, data_dir, url = argv[:3]
    core = _core(data_dir, url)
    if command == "issue":
        count, gate = int(argv[3]), Path(argv[4])
        (gate / f"ready-{os.getpid()}").touch()
        deadline = time.monotonic() + 120
        while not (gate / "go").exists() and time.monotonic() < deadline:
            time.sleep(0.005)
        numbers = [
            queue.issue_ticket(core, queue.KIOSK, "registration_stay").value.number
            for _ in range(count)
        ]
        print(json.dumps(numbers))
        return 0
    if command == "serve-and-die":
        clerk = Actor.system("clerk-process")
        ticket = queue.issue_ticket(core, queue.KIOSK, "registration_stay").value
        called = queue.call_next(core, clerk, 1).value
        assert called is not None and called.id == ticket.id
        queue.start_service(core, clerk, called.id)
        print(json.dumps({"id": str(called.id)}), flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
