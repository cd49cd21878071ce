"""Garbage collection on the UI thread only.

Python's cycle collector runs in whichever thread happens to allocate when its threshold is
reached: often one of the desk's worker threads. If a cycle it frees holds a Qt object, the
object's C++ side is then destroyed off the UI thread, which Qt does not allow and which can
crash the process. So the automatic collector is switched off and a timer collects on the UI
thread instead (as Anki's desktop does for the same reason).
"""

from __future__ import annotations

import gc
from typing import Final

from PySide6.QtCore import QObject, QTimer

COLLECT_EVERY_MS: Final = 10_000


def collect_on_ui_thread(parent: QObject) -> QTimer:
    """Switch the automatic collector off; collect every few seconds on this (UI) thread."""
    gc.disable()
    timer = QTimer(parent)
    timer.setInterval(COLLECT_EVERY_MS)
    timer.timeout.connect(gc.collect)
    timer.start()
    return timer
