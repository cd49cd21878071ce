"""reception-admin queue, as a script drives it: a real process on a real data folder."""

from __future__ import annotations

import json
from pathlib import Path

from tests.app.test_cli import _run


def test_issue_call_and_status(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert _run("init", "--demo", data_dir=data).returncode == 0

    first = _run("queue", "issue", "--service", "registration_stay", "--json", data_dir=data)
    assert first.returncode == 0, first.stderr
    ticket = json.loads(first.stdout)
    assert ticket["number"] == "A001"
    assert ticket["service"] == "registration_stay"
    assert (ticket["people_ahead"], ticket["estimated_wait_minutes"]) == (0, 0)
    assert ticket["issued_at"]
    second = json.loads(
        _run("queue", "issue", "--service", "registration_stay", "--json", data_dir=data).stdout
    )
    assert (second["number"], second["people_ahead"], second["estimated_wait_minutes"]) == (
        "A002",
        1,
        8,
    )

    called = _run("queue", "call", "--counter", "1", "--json", data_dir=data)
    assert called.returncode == 0, called.stderr
    assert json.loads(called.stdout)["called"]["number"] == "A001"
    busy = _run("queue", "call", "--counter", "1", data_dir=data)
    assert busy.returncode == 2 and "still has ticket A001" in busy.stderr
    nobody = json.loads(_run("queue", "call", "--counter", "3", "--json", data_dir=data).stdout)
    assert nobody == {"called": None, "counter": 3}

    status = _run("queue", "status", "--json", data_dir=data)
    assert status.returncode == 0, status.stderr
    services = {s["code"]: s for s in json.loads(status.stdout)["services"]}
    registration = services["registration_stay"]
    assert registration["name"] == "Registration at place of stay"
    assert (registration["waiting"], registration["open_counters"]) == (1, 1)
    assert registration["longest_wait_minutes"] >= 0

    unknown = _run("queue", "issue", "--service", "visa", data_dir=data)
    assert unknown.returncode == 2
    assert "not offered here" in unknown.stderr and "registration_stay" in unknown.stderr
    assert "Traceback" not in unknown.stderr


def test_queue_needs_a_desk_that_is_set_up(tmp_path: Path) -> None:
    result = _run("queue", "status", data_dir=tmp_path / "data")
    assert result.returncode == 2 and "reception-admin init" in result.stderr
