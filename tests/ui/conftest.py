"""The desk's real main window on a real SQLite data folder with the demo office."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from pytestqt.qtbot import QtBot

from app.bootstrap import start_core
from app.clock import ManualClock
from app.config import Config
from app.services import setup
from ui.context import DeskContext
from ui.main_window import MainWindow
from ui.ops import ChangeBus, Ops


@pytest.fixture(autouse=True)
def _collect_on_the_ui_thread() -> Iterator[None]:
    """As the desk does (ui/gc_guard.py): no cycle collection on a worker thread while a test
    runs, where it could destroy Qt objects off the UI thread; one collection after it, here."""
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect()


@dataclass
class Desk:
    window: MainWindow
    context: DeskContext
    passwords: dict[str, str]


@pytest.fixture
def demo_config(config: Config, clock: ManualClock) -> tuple[Config, dict[str, str]]:
    started = start_core(config, clock=clock)
    demo = setup.initialize_demo(started.core).value
    started.core.database.dispose()
    return config, {name: password for name, _role, password in demo.passwords}


def open_desk(qtbot: QtBot, config: Config) -> tuple[MainWindow, DeskContext]:
    bus = ChangeBus()
    context = DeskContext(config=config, ops=Ops(bus), bus=bus)
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.sig_core_ready, timeout=20_000):
        window.start()
    return window, context


@pytest.fixture
def desk(qtbot: QtBot, demo_config: tuple[Config, dict[str, str]]) -> Iterator[Desk]:
    config, passwords = demo_config
    window, context = open_desk(qtbot, config)
    yield Desk(window, context, passwords)
    context.ops.shutdown()
    if context.core is not None:
        context.core.database.dispose()
