"""The waiting-room display on its own desk (SQLite): calls made before it started are shown,
not announced; new calls and calls made again are; the waiting counts and the running text;
and ``reception-desk --display`` / ``--kiosk`` start from the command line."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.config import Config
from app.services import queue
from tests.support.actors import demo_actor
from tests.support.queue_ui import own_desk
from ui.display.announcer import Announcer
from ui.display.voice import call_clips
from ui.display.window import DisplayWindow

WAIT_MS = 20_000
ROOT = Path(__file__).resolve().parents[2]


def test_only_calls_made_while_it_runs_are_announced(
    qtbot: QtBot, demo_config: tuple[Config, dict[str, str]]
) -> None:
    config = replace(demo_config[0], language="en", display_text="Have your passport ready")
    with own_desk(config) as context:
        core = context.require_core()
        clerk = demo_actor(core, "clerk")
        for _ in range(3):
            queue.issue_ticket(core, queue.KIOSK, "registration_stay")
        earlier = queue.call_next(core, clerk, 1).value
        assert earlier is not None

        display = DisplayWindow(context, announcer=Announcer(("ru",), audio=False, pace=0.05))
        qtbot.addWidget(display)
        display.show()
        with qtbot.waitSignal(display.sig_shown, timeout=WAIT_MS):
            display.start()
        assert display.current_calls() == [("A001", 1)]  # shown, but not announced again
        assert display.announcer.played == []
        assert display.marquee.isVisibleTo(display)
        assert display.marquee.text() == "Have your passport ready"
        assert "Registration at place of stay" in display.waiting.text()

        with qtbot.waitSignal(display.sig_called, timeout=WAIT_MS) as called:
            queue.call_next(core, clerk, 2)  # another desk calls: the display polls the file
        assert (called.args[0].number, called.args[0].counter_number) == ("A002", 2)
        assert display.announcer.played[-1].clips == call_clips("A002", 2, ["ru"])
        assert display.current_calls() == [("A002", 2), ("A001", 1)]

        with qtbot.waitSignal(display.sig_called, timeout=WAIT_MS) as again:
            queue.recall(core, clerk, earlier.id)
        assert again.args[0].number == "A001" and again.args[0].recalls == 1
        # The recall waits for the announcement before it to end: never cut off, then played.
        qtbot.waitUntil(
            lambda: [a.ticket for a in display.announcer.played] == ["A002", "A001"],
            timeout=WAIT_MS,
        )


@pytest.mark.parametrize("role", ["--display", "--kiosk"])
def test_started_from_the_command_line(
    demo_config: tuple[Config, dict[str, str]], role: str
) -> None:
    config = demo_config[0]
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, "-m", "ui.app", "--data-dir", str(config.data_dir), role, "--smoke"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("ready")
