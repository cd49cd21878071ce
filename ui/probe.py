"""Measurements of the real desk for the benchmarks under bench/ (hidden command-line options).

``--probe startup`` prints ``shown`` as soon as the login window is painted and exits;
``--probe idle-memory`` logs in through the login screen with the user name and password given
on standard input, waits idle for two seconds and prints the resident memory in MB.
"""

from __future__ import annotations

import os
import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from ui.main_window import MainWindow


def resident_megabytes() -> float:
    try:
        with open(f"/proc/{os.getpid()}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource  # not on Windows, where the benchmark is not run

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def attach(window: MainWindow, probe: str) -> None:
    app = QApplication.instance()
    assert app is not None
    if probe == "startup":

        def _shown() -> None:
            print("shown", flush=True)
            os._exit(0)  # the measurement ends here; nothing else to tidy

        QTimer.singleShot(0, _shown)
        return
    if probe == "idle-memory":
        username, password = sys.stdin.readline().strip(), sys.stdin.readline().rstrip("\n")

        def _log_in() -> None:
            window.login.username.setText(username)
            window.login.password.setText(password)
            window.login.login_button.click()

        def _report() -> None:
            print(f"rss {resident_megabytes():.1f}", flush=True)
            app.exit(0)

        window.sig_core_ready.connect(_log_in)
        window.sig_shell_shown.connect(lambda: QTimer.singleShot(2000, _report))
        return
    raise SystemExit(f"unknown probe {probe!r}")
