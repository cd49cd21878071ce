"""The Intake screen on a real desk: how long a form takes to open, and what a registration at
place of stay costs the clerk in keystrokes and clicks beyond the passport's MRZ (typed by the
reader) and the address (typed by the clerk).

Targets: opening an intake form at most 100 ms; the clerk's effort at most 10.

The desk runs offscreen on a fresh SQLite data folder with the demo office. The clerk's part
is driven through `Clerk`, which sends every key as a real key event to the focused widget and
counts it unless it belongs to the MRZ or the address. Run: python bench/bench_intake_desk.py
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from app.bootstrap import start_core
from app.clock import office_zone
from app.config import Config
from app.datafolder import prepare
from app.i18n import set_language
from app.mrz import generate_td3
from app.services import setup
from ui.context import DeskContext
from ui.main_window import MainWindow
from ui.ops import ChangeBus, Ops
from ui.screens.intake import IntakeScreen

OPEN_TARGET_MS = 100.0
EFFORT_TARGET = 10
SWITCHES = 40


class Clerk:
    """Types into whatever has the focus, as a person at the keyboard does, and counts."""

    def __init__(self, app: QApplication) -> None:
        self.app = app
        self.counted = 0
        self.log: list[str] = []

    def _send(self, key: int, text: str, modifiers: Qt.KeyboardModifier) -> None:
        target = self.app.focusWidget()
        assert target is not None, "nothing has the focus"
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(target, QKeyEvent(kind, key, modifiers, text))
        self.app.processEvents()

    def press(
        self,
        key: Qt.Key,
        modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
        *,
        what: str,
    ) -> None:
        self._send(int(key), "", modifiers)
        self.counted += 1
        self.log.append(what)

    def type(self, text: str, *, counted: bool) -> None:
        for char in text:
            self._send(0, char, Qt.KeyboardModifier.NoModifier)
        if counted:
            self.counted += len(text)
            self.log.append(f"typed {text!r}")


def wait_until(app: QApplication, condition: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the desk did not answer in time")
        app.processEvents()
        time.sleep(0.001)


def main() -> int:
    set_language("en")
    app = QApplication([])
    with tempfile.TemporaryDirectory() as folder:
        config = Config(data_dir=Path(folder) / "data")
        prepare(config, log_name="bench")
        started = start_core(config)
        password = next(
            pw
            for name, _r, pw in setup.initialize_demo(started.core).value.passwords
            if name == "clerk"
        )
        started.core.database.dispose()

        bus = ChangeBus()
        context = DeskContext(config=config, ops=Ops(bus), bus=bus)
        window = MainWindow(context)
        window.show()
        window.start()
        wait_until(app, window.login.login_button.isEnabled)
        clerk = Clerk(app)
        window.login.username.setFocus()
        clerk.type("clerk", counted=False)
        clerk.press(Qt.Key.Key_Return, what="login")
        clerk.type(password, counted=False)
        clerk.press(Qt.Key.Key_Return, what="login")
        wait_until(app, lambda: window.stack.currentWidget() is window.shell)
        clerk.counted, clerk.log = 0, []

        # --- opening the form: the screen on first use, with its services loaded ---------
        opened = time.perf_counter()
        clerk.press(Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier, what="Alt+2: Intake")
        screen = window.screens["intake"]
        assert isinstance(screen, IntakeScreen)
        wait_until(
            app, lambda: screen.service.count() > 0 and screen.form.first_editor() is not None
        )
        first_open_ms = (time.perf_counter() - opened) * 1000

        # --- the registration, as the clerk does it ---------------------------------------
        today = datetime.now(office_zone()).date()
        lines = generate_td3(
            issuing_state="RUS",
            surname="SMIRNOV",
            given_names="ALEKSANDR",
            document_number="750123456",
            nationality="RUS",
            birth_date=date(1979, 8, 2),
            sex="M",
            expiry_date=date(2031, 3, 1),
        )
        assert app.focusWidget() is screen.applicant, "the reader types into the applicant line"
        for line in lines:  # the reader: each line, then Enter; none of it counts
            clerk.type(line, counted=False)
            clerk._send(int(Qt.Key.Key_Return), "", Qt.KeyboardModifier.NoModifier)
        wait_until(app, lambda: "SMIRNOV" in screen.chosen.text())
        arrival = today - timedelta(days=3)
        clerk.type(arrival.strftime("%d%m"), counted=True)
        clerk.press(Qt.Key.Key_Return, what="Enter after the arrival date")
        clerk.type("Bakı, Xətai rayonu, Babək prospekti 12, mənzil 40", counted=False)
        clerk.press(Qt.Key.Key_Return, what="Enter after the address")
        clerk.press(Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier, what="Ctrl+D: all documents")
        submitted: list[object] = []
        screen.sig_submitted.connect(submitted.append)
        clerk.press(
            Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier, what="Ctrl+Enter: submit"
        )
        wait_until(app, lambda: bool(submitted) or screen.error.isVisibleTo(screen))
        if not submitted:
            print(f"clerk effort: the submission was refused: {screen.error.text()}")
            return 1

        # --- switching the service: the form built anew from master data ------------------
        codes = [screen.service.itemData(i) for i in range(screen.service.count())]
        timings = []
        for index in range(SWITCHES):
            started_at = time.perf_counter()
            screen.service.setCurrentIndex(screen.service.findData(codes[index % len(codes)]))
            app.processEvents()
            timings.append((time.perf_counter() - started_at) * 1000)
        switch_ms = statistics.median(timings)

        context.ops.shutdown()
        if context.core is not None:
            context.core.database.dispose()

    open_ok = first_open_ms <= OPEN_TARGET_MS and switch_ms <= OPEN_TARGET_MS
    effort_ok = clerk.counted <= EFFORT_TARGET
    print(
        f"intake form opening: first open {first_open_ms:.1f} ms, another service's form "
        f"median {switch_ms:.1f} ms (target: at most {OPEN_TARGET_MS:.0f} ms) "
        f"{'ok' if open_ok else 'TOO SLOW'}"
    )
    print(
        f"clerk effort, registration at place of stay: {clerk.counted} keystrokes and clicks "
        f"beyond the MRZ and the address (target: at most {EFFORT_TARGET}) "
        f"{'ok' if effort_ok else 'TOO MANY'}"
    )
    print("  " + "; ".join(clerk.log))
    return 0 if open_ok and effort_ok else 1


if __name__ == "__main__":
    sys.exit(main())
