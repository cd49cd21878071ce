"""The whole loop with real processes: a desk set up and enrolled from its command line, intake,
sync, the centre's decision signing the permit with the central key (which never leaves the
centre), sync, the card printed at the desk, its QR code read from the printed pixels and
accepted by the desk's verification with the centre switched off."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

from app.bootstrap import start_core
from app.config import Config
from app.datafolder import prepare
from app.filestore import FileStore
from app.intake.lifecycle import ApplicationState
from app.services import applications, attachments
from printing.demo import demo_photo
from tests.printing.reading import qr_texts, render
from tests.support.actors import demo_actor
from tests.support.central import CentralServer
from tests.support.submitted import submit_temporary_residence

ROOT = Path(__file__).resolve().parents[2]


def _desk(data_dir: Path, *args: str, stdin: str | None = None) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "app.cli", "--data-dir", str(data_dir), *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    return result.stdout


def _centre(central: CentralServer, *args: str) -> str:
    command, *rest = args
    result = subprocess.run(
        [sys.executable, "-m", "server.cli", command, "--home", str(central.home), *rest],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    return result.stdout


def test_intake_sync_decide_sync_print_verify(tmp_path: Path, central: CentralServer) -> None:
    data_dir = tmp_path / "desk"
    _desk(data_dir, "init", "--demo")
    code = _centre(central, "enroll-code", "--office", "AGS").strip()
    _desk(data_dir, "enroll", "--server", central.url, "--code", code)

    # Intake at the desk, through the core as the Intake screen runs it, with the photo scanned.
    config = Config(data_dir=data_dir)
    prepare(config, log_name="test")
    started = start_core(config)
    core = started.core
    clerk = demo_actor(core, "clerk")
    application = submit_temporary_residence(core, clerk)
    attachments.store(
        core,
        clerk,
        FileStore.of(config),
        demo_photo(),
        media_type="image/jpeg" if demo_photo()[:2] == b"\xff\xd8" else "image/png",
        pages=1,
        application_id=application.id,
        checklist_key="photos",
    )
    core.database.dispose()

    sent = json.loads(_desk(data_dir, "sync", "--json"))
    assert sent["pending"] == 0
    assert sent["sent"] > 0

    decision = json.loads(_centre(central, "decide", application.number or "", "approve"))
    permit = decision["permit_number"]
    assert permit

    received = json.loads(_desk(data_dir, "sync", "--json"))
    assert received["received"] >= 2  # the decision and the permit

    card = tmp_path / "card.pdf"
    _desk(data_dir, "print", "card", "--permit", permit, "--out", str(card))
    codes = [text for page in render(card.read_bytes(), dpi=600) for text in qr_texts(page)]
    assert len(codes) == 1

    # The centre is gone: the desk checks the card offline, with the key the feed brought.
    central.stop()
    verdict = json.loads(_desk(data_dir, "qr", "verify", stdin=codes[0]))
    assert verdict["status"] == "valid", verdict
    assert verdict["claims"]["document_number"] == permit

    started = start_core(replace(config))
    try:
        after = applications.get_application(
            started.core, demo_actor(started.core, "clerk"), application.id
        )
        assert after.state is ApplicationState.CARD_PRINTED
    finally:
        started.core.database.dispose()
