"""A real desk in its own process, typing an intake form until it is killed.

Run as ``python -m tests.support.typing_desk DATA_DIR`` with the clerk's password in the
environment variable ``DESK_PASSWORD``. It logs in, opens Intake, types a form with the
keyboard, and prints ``KEPT`` once the scratchpad has been written; then it waits to be
killed, as a desk does when the power goes.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget

from app.config import Config
from app.datafolder import prepare
from ui.context import DeskContext
from ui.main_window import MainWindow
from ui.ops import ChangeBus, Ops

ADDRESS = "Lənkəran, Həzi Aslanov küçəsi 7"
REASON = "Müalicə davam edir"


def _type(widget: QWidget, text: str) -> None:
    widget.setFocus()
    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, char))


def _enter(widget: QWidget) -> None:
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        QApplication.sendEvent(
            widget, QKeyEvent(kind, Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier)
        )


def main() -> None:
    config = Config(data_dir=Path(sys.argv[1]))
    prepare(config, log_name="typing-desk")
    app = QApplication([])
    bus = ChangeBus()
    context = DeskContext(config=config, ops=Ops(bus), bus=bus)
    window = MainWindow(context)
    window.show()

    def log_in() -> None:
        _type(window.login.username, "clerk")
        _enter(window.login.username)
        _type(window.login.password, os.environ["DESK_PASSWORD"])
        _enter(window.login.password)

    def type_form() -> None:
        screen = window.show_screen("intake")
        assert screen is not None
        intake = window.screens["intake"]
        service = intake.service  # type: ignore[attr-defined]
        if service.count() == 0:
            QTimer.singleShot(50, type_form)
            return
        service.setCurrentIndex(service.findData("stay_extension"))
        for key, text in (("reason", REASON), ("address", ADDRESS)):
            editor = intake.form.editor(key)  # type: ignore[attr-defined]
            assert isinstance(editor, QLineEdit)
            _type(editor, text)
        intake.sig_autosaved.connect(lambda: print("KEPT", flush=True))  # type: ignore[attr-defined]

    window.sig_core_ready.connect(log_in)
    window.sig_shell_shown.connect(lambda: QTimer.singleShot(0, type_form))
    window.start()
    app.exec()


if __name__ == "__main__":
    main()
