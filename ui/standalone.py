"""The kiosk and the waiting-room display as programs of their own: no login, one window,
full screen on the screen chosen for it.

``reception-desk --kiosk`` and ``reception-desk --display [--screen N]`` open the desk's
database (the office's, in shared mode) as any desk does, then show their window; with
``--smoke`` they print ``ready`` once the queue is shown, and exit.
"""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

from app.i18n import _
from ui.context import DeskContext
from ui.ops import describe_error

if TYPE_CHECKING:
    from app.bootstrap import Started

log = logging.getLogger(__name__)

KIOSK = "kiosk"
DISPLAY = "display"
SMOKE_TIMEOUT_MS = 60_000


def place_full_screen(window: QWidget, screen_index: int) -> None:
    """Fill the screen ``screen_index`` (0 = the first); the first screen if there is no such
    one, so a display whose second screen is unplugged still shows the calls."""
    screens = QGuiApplication.screens()
    if not 0 <= screen_index < len(screens):
        log.warning("there is no screen %s; using the first", screen_index)
        screen_index = 0
    if screens:
        window.move(screens[screen_index].geometry().topLeft())
    window.showFullScreen()


def _window(kind: str, context: DeskContext) -> QWidget:
    if kind == KIOSK:
        from ui.kiosk import KioskWindow

        return KioskWindow(context)
    from ui.display.window import DisplayWindow

    return DisplayWindow(context)


def run(app: QCoreApplication, context: DeskContext, kind: str, *, screen: int, smoke: bool) -> int:
    """Open the database off the UI thread, then show the window; the exit code."""
    from app.bootstrap import start_core

    windows: list[QWidget] = []

    def started(result: Started) -> None:
        context.core, context.identity = result.core, result.identity
        if result.identity is None:
            failed_with(_("This desk is not set up yet: run 'reception-admin init' first."))
            return
        window = _window(kind, context)
        windows.append(window)
        ready = getattr(window, "sig_ready", None) or getattr(window, "sig_shown", None)
        if smoke and ready is not None:
            ready.connect(lambda *_args: (print("ready", flush=True), app.exit(0)))
        place_full_screen(window, screen)
        window.start()  # type: ignore[attr-defined]

    def failed_with(message: str) -> None:
        print(message, file=sys.stderr)
        app.exit(2)

    context.ops.query(start_core, context.config).success(started).failure(
        lambda error: failed_with(describe_error(error))
    ).run()
    if smoke:
        QTimer.singleShot(SMOKE_TIMEOUT_MS, lambda: app.exit(3))  # never hang a CI run
    code = app.exec()
    for window in windows:
        window.close()
    context.ops.shutdown()
    if context.core is not None:
        context.core.database.dispose()
    return code
