"""The composition root: settings, the operations layer, the main window.

``reception-desk --smoke`` starts, shows the login window (offscreen where there is no
screen), waits for the database, prints ``ready`` and exits 0: the check CI and packagers run.
``--kiosk`` and ``--display`` start the ticket kiosk or the waiting-room display instead of the
desk (see :mod:`ui.standalone`).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections.abc import Sequence

START = time.perf_counter()

log = logging.getLogger("ui")


def _parse(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="reception-desk")
    parser.add_argument("--data-dir", help="the data folder (database, scans, logs, backups)")
    parser.add_argument("--database-url", help="the office's database instead of the file")
    parser.add_argument("--language", choices=("az", "ru", "en"))
    parser.add_argument(
        "--smoke", action="store_true", help="start, show the login window, print 'ready', exit"
    )
    role = parser.add_mutually_exclusive_group()
    role.add_argument(
        "--kiosk", action="store_true", help="the ticket kiosk, full screen, without a login"
    )
    role.add_argument(
        "--display", action="store_true", help="the waiting-room display, full screen"
    )
    parser.add_argument(
        "--screen", type=int, help="the display's screen: 0 is the first (default: settings)"
    )
    parser.add_argument("--probe", choices=("startup", "idle-memory"), help=argparse.SUPPRESS)
    return parser.parse_args(list(argv))


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse(sys.argv[1:] if argv is None else argv)
    if args.smoke:
        # A smoke run must work on a machine without a screen (CI, packaging hosts).
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from app.config import load_config
    from app.datafolder import prepare
    from app.errors import DeskError
    from app.i18n import _, set_language

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Reception Desk")
    from ui.gc_guard import collect_on_ui_thread

    collect_on_ui_thread(app)
    try:
        config = load_config(data_dir=args.data_dir)
        if args.database_url:
            from dataclasses import replace

            config = replace(config, database_url=args.database_url)
        set_language(args.language or config.language)
        prepare(config)
    except DeskError as error:
        from ui.dialogs.message import inform

        print(error, file=sys.stderr)
        if not args.smoke:
            inform(None, _("Reception Desk"), error.message)
        return 2

    from ui.context import DeskContext
    from ui.main_window import MainWindow
    from ui.ops import ChangeBus, Ops

    bus = ChangeBus()
    ops = Ops(bus)
    context = DeskContext(
        config=config, ops=ops, bus=bus, idle_lock_minutes=config.idle_lock_minutes
    )
    if args.kiosk or args.display:
        from ui import standalone

        kind = standalone.KIOSK if args.kiosk else standalone.DISPLAY
        screen = config.display_screen if args.screen is None else args.screen
        return standalone.run(app, context, kind, screen=screen, smoke=args.smoke)
    window = MainWindow(context)
    window.show()
    window.login.username.setFocus()
    log.info("login window shown after %.3f s", time.perf_counter() - START)

    if args.smoke:

        def _finish() -> None:
            if window.core_error:
                print(window.core_error, file=sys.stderr)
                app.exit(1)
            else:
                print("ready", flush=True)
                app.exit(0)

        window.sig_core_ready.connect(_finish)
        QTimer.singleShot(60_000, lambda: app.exit(3))  # never hang a CI run

    if args.probe:
        from ui.probe import attach

        attach(window, args.probe)
    window.start()
    code = app.exec()
    if window.isVisible():
        window.close()
    return code


if __name__ == "__main__":
    sys.exit(main())
