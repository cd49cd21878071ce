"""The queue's windows in tests: a kiosk's or a display's own desk context (its own core on the
office's database, as its own process would have), and the clerk's panel opened by keyboard."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.bootstrap import start_core
from app.config import Config
from tests.ui.conftest import Desk
from tests.ui.test_login_lock_language import _log_in
from ui.context import DeskContext
from ui.main_window import SCREENS
from ui.ops import ChangeBus, Ops
from ui.screens.queue import QueueScreen

WAIT_MS = 10_000


@contextmanager
def own_desk(config: Config) -> Iterator[DeskContext]:
    """A context with its core started: what ``reception-desk --kiosk`` or ``--display`` has."""
    bus = ChangeBus()
    context = DeskContext(config=config, ops=Ops(bus), bus=bus)
    started = start_core(config)
    context.core, context.identity = started.core, started.identity
    try:
        yield context
    finally:
        context.ops.shutdown()
        started.core.database.dispose()


def open_queue(qtbot: QtBot, desk: Desk, counter: int = 1, username: str = "clerk") -> QueueScreen:
    """Log in, open the Queue screen with Alt+<its number>, and choose the counter."""
    # What the panel remembers goes to the test's own settings file, never the user's.
    desk.context.config = replace(
        desk.context.config, config_file=Path(os.environ["RECEPTION_CONFIG"])
    )
    # The kiosk's or display's window may have taken the focus: the clerk's desk is in front.
    desk.window.activateWindow()
    qtbot.waitUntil(desk.window.isActiveWindow, timeout=WAIT_MS)
    _log_in(qtbot, desk, username)
    window = desk.window
    row = [key for key, _spec, _title in SCREENS].index("queue")
    qtbot.keyClick(window.navigation, Qt.Key(Qt.Key.Key_1 + row), Qt.KeyboardModifier.AltModifier)
    screen = window.screens["queue"]
    assert isinstance(screen, QueueScreen)
    qtbot.waitUntil(lambda: screen.counter.count() > 0, timeout=WAIT_MS)
    screen.counter.setCurrentIndex(screen.counter.findData(counter))
    # Ready when the counter's own actions are: its state is known and the database reached.
    qtbot.waitUntil(screen.buttons["reactivate"].isEnabled, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: screen.counter.currentData() == counter, timeout=WAIT_MS)
    return screen


def press(qtbot: QtBot, screen: QueueScreen, key: Qt.Key, shift: bool = False) -> None:
    modifier = Qt.KeyboardModifier.ShiftModifier if shift else Qt.KeyboardModifier.NoModifier
    qtbot.keyClick(screen, key, modifier)
