"""The command line's printing, by a real process: ``print receipt --application NUMBER`` (the
copy is logged, a second one marked as a duplicate) and ``printers`` (the system's and the
ESC/POS printers, a printer per paper, a card printer's offset, the calibration card)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.bootstrap import start_core
from app.clock import ManualClock
from app.config import Config, save_setting
from app.domain.prints import PrintKind
from app.services import print_log, setup
from tests.printing import reading
from tests.support.actors import demo_actor
from tests.support.cups import PrivateCups
from tests.support.submitted import submit_temporary_residence


def _admin(config: Config, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.cli", "--data-dir", str(config.data_dir), *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        env={**os.environ, "RECEPTION_LANGUAGE": "en"},
    )


def test_a_receipt_is_written_for_an_application_then_marked_duplicate(
    config: Config, clock: ManualClock
) -> None:
    started = start_core(config, clock=clock)
    setup.initialize_demo(started.core)
    clerk = demo_actor(started.core, "clerk")
    application = submit_temporary_residence(started.core, clerk)
    started.core.database.dispose()
    assert application.number is not None
    out = config.data_dir.parent / "receipt.pdf"

    written = _admin(
        config, "print", "receipt", "--application", application.number.lower(),
        "--out", str(out), "--paper", "roll_80", "--document-language", "en",
    )  # fmt: skip

    assert written.returncode == 0, written.stderr
    text = " ".join(reading.text(out.read_bytes()).split())
    assert application.number in text and "Temporary residence permit" in text
    assert "DUPLICATE" not in text
    ((width, _height),) = reading.page_sizes_mm(out.read_bytes())
    assert round(width) == 80

    again = _admin(
        config, "print", "receipt", "--application", application.number, "--out", str(out)
    )
    assert again.returncode == 0, again.stderr
    assert "marked as a duplicate" in again.stdout
    assert "DUPLICATE" in reading.text(out.read_bytes())

    started = start_core(config, clock=clock)
    try:
        logged = print_log.list_prints(started.core, clerk, kind=PrintKind.RECEIPT)
    finally:
        started.core.database.dispose()
    assert [entry.reprint for entry in logged] == [1, 0]
    assert all(entry.printer.startswith("PDF file") for entry in logged)


def test_an_unknown_application_is_named(config: Config, clock: ManualClock) -> None:
    started = start_core(config, clock=clock)
    setup.initialize_demo(started.core)
    started.core.database.dispose()
    result = _admin(
        config, "print", "receipt", "--application", "AGS-000000-9999", "--out", "x.pdf"
    )
    assert result.returncode == 2
    assert "There is no application AGS-000000-9999." in result.stderr


def test_printers_for_each_paper_and_the_card_printers_offset(config: Config) -> None:
    assert _admin(config, "printers", "use", "card", "Evolis Primacy").returncode == 0
    assert _admin(config, "printers", "use", "a4", "Office A4").returncode == 0
    saved = _admin(config, "printers", "offset", "Evolis Primacy", "0.5", "--", "-0.25")
    assert saved.returncode == 0, saved.stderr

    listed = json.loads(_admin(config, "printers", "list").stdout)
    assert listed["papers"] == {"a4": "Office A4", "roll": None, "card": "Evolis Primacy"}
    assert listed["card_offsets"] == {"Evolis Primacy": [0.5, -0.25]}

    out = config.data_dir.parent / "calibration.pdf"
    written = _admin(config, "printers", "calibration", "--out", str(out))
    assert written.returncode == 0, written.stderr
    text = " ".join(reading.text(out.read_bytes()).split())
    assert "Printer: Evolis Primacy · offset now X +0.50 mm, Y -0.25 mm" in text
    assert reading.page_sizes_mm(out.read_bytes()) == [pytest.approx((87.60, 55.98), abs=0.01)]

    refused = _admin(config, "printers", "offset", "Evolis Primacy", "7", "0")
    assert refused.returncode == 2
    assert "at most 5 mm each way" in refused.stderr


def test_the_list_has_the_system_and_the_escpos_printers_each_of_its_kind(
    config: Config, private_cups: PrivateCups, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CUPS_SERVER", private_cups.server)
    queue = private_cups.add_pdf_queue("Office_A4_Listed")
    save_setting(config, "escpos_printers", {"Hall roll": "tcp://192.0.2.10:9100"})

    listed = _admin(config, "printers", "list")

    assert listed.returncode == 0, listed.stderr
    printers = {p["name"]: p for p in json.loads(listed.stdout)["printers"]}
    assert printers[queue.name]["kind"] == "system"
    assert printers[queue.name]["address"] is None
    assert printers["Hall roll"] == {
        "name": "Hall roll",
        "state": "idle",
        "default": False,
        "kind": "escpos",
        "address": "tcp://192.0.2.10:9100",
    }

    # The print service down: it says so, and the ESC/POS printers are listed all the same.
    monkeypatch.setenv("CUPS_SERVER", str(private_cups.root / "no-such-cups.sock"))
    down = _admin(config, "printers", "list")
    assert down.returncode == 0, down.stderr
    assert "The print service of this computer is not running" in down.stderr
    assert [p["name"] for p in json.loads(down.stdout)["printers"]] == ["Hall roll"]

    # No print service on this computer at all (no CUPS tools): the ESC/POS printers alone.
    monkeypatch.setenv("PATH", str(tmp_path))
    alone = _admin(config, "printers", "list")
    assert alone.returncode == 0, alone.stderr
    assert [p["kind"] for p in json.loads(alone.stdout)["printers"]] == ["escpos"]
