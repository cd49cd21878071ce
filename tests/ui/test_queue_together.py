"""The kiosk, the clerk's panel and the waiting-room display together, each with its own core
on one SQLite desk (as three programs on one computer would be): a visitor takes a ticket at
the kiosk, the clerk calls it with F5, the display shows it and announces it in the office's
three languages; a call made again is announced again, after the first, never over it."""

from __future__ import annotations

import itertools
from dataclasses import replace

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.domain.queue import CallEntry, TicketState
from printing.spool import PaperKind
from tests.support.cups import PdfQueue, PrivateCups
from tests.support.queue_ui import open_queue, own_desk, press
from tests.ui.conftest import Desk
from tests.ui.test_kiosk import open_kiosk, touch
from ui.display.announcer import Announcer
from ui.display.voice import call_clips
from ui.display.window import DisplayWindow

WAIT_MS = 20_000
_names = itertools.count(1)


@pytest.fixture
def roll(private_cups: PrivateCups, monkeypatch: pytest.MonkeyPatch) -> PdfQueue:
    monkeypatch.setenv("CUPS_SERVER", private_cups.server)
    return private_cups.add_pdf_queue(f"Hall_Roll_{next(_names)}")


def test_kiosk_panel_and_display_together(
    qtbot: QtBot, desk: Desk, private_cups: PrivateCups, roll: PdfQueue
) -> None:
    base = replace(desk.context.config, language="en")
    kiosk_config = replace(base, printers={PaperKind.ROLL.value: roll.name})
    display_config = replace(base, voice_languages="az,ru,en", display_text="Welcome")
    with own_desk(display_config) as display_context, open_kiosk(qtbot, kiosk_config) as kiosk:
        announcer = Announcer(("az", "ru", "en"), audio=False, pace=0.05)
        display = DisplayWindow(display_context, announcer=announcer)
        qtbot.addWidget(display)
        display.show()
        with qtbot.waitSignal(display.sig_shown, timeout=WAIT_MS):
            display.start()
        assert display.current_calls() == [] and display.marquee.text() == "Welcome"
        panel = open_queue(qtbot, desk, counter=1)

        # The visitor takes A001 at the kiosk; it is printed; everyone sees it waiting.
        ticket, printed = touch(qtbot, kiosk, "registration_stay")
        assert (ticket.number, kiosk.number.text(), printed.printed) == ("A001", "A001", True)
        qtbot.waitUntil(
            lambda: "Registration at place of stay" in display.waiting.text(), timeout=WAIT_MS
        )
        qtbot.waitUntil(lambda: [t.number for t in panel.waiting.rows] == ["A001"], timeout=WAIT_MS)

        # The clerk calls it: the display shows it large and announces it, chime first.
        with qtbot.waitSignal(display.sig_called, timeout=WAIT_MS) as called:
            press(qtbot, panel, Qt.Key.Key_F5)
        call = called.args[0]
        assert isinstance(call, CallEntry)
        assert (call.number, call.counter_number, call.state) == ("A001", 1, TicketState.CALLED)
        assert display.current_calls() == [("A001", 1)]
        assert [label.text() for label in display.rows[0]] == ["A001", "1"]
        first = announcer.played[-1]
        assert first.clips == call_clips("A001", 1, ["az", "ru", "en"])
        assert first.clips[:6] == (
            "chime", "az/ticket", "az/letter_a", "az/n1", "az/counter", "az/n1",
        )  # fmt: skip
        qtbot.waitUntil(lambda: panel.current() is not None, timeout=WAIT_MS)

        # Called again at once: announced again, queued behind the first, which plays on.
        with qtbot.waitSignal(display.sig_called, timeout=WAIT_MS):
            press(qtbot, panel, Qt.Key.Key_F7)
        if announcer.current == first:
            assert [a.ticket for a in announcer.pending] == ["A001"]
        qtbot.waitUntil(lambda: len(announcer.played) == 2 and not announcer.busy, timeout=WAIT_MS)

        # Served: the call leaves the large rows for "called before".
        qtbot.waitUntil(panel.buttons["start"].isEnabled, timeout=WAIT_MS)
        with qtbot.waitSignal(display.sig_shown, timeout=WAIT_MS):
            press(qtbot, panel, Qt.Key.Key_F8)
        qtbot.waitUntil(lambda: display.current_calls() == [], timeout=WAIT_MS)
        assert "A001  →  1" in display.earlier.text()

        # The kiosk's printer stops: the next visitor still gets A002, and the clerk's panel
        # shows the fault (from its next look at the queue) so someone sees to the printer.
        private_cups.run("cupsdisable", roll.name)
        kiosk.start_over()
        second, failed = touch(qtbot, kiosk, "registration_stay")
        assert second.number == "A002" and kiosk.number.text() == "A002" and not failed.printed
        qtbot.waitUntil(panel.buttons["end"].isEnabled, timeout=WAIT_MS)
        press(qtbot, panel, Qt.Key.Key_F9)
        qtbot.waitUntil(panel.buttons["next"].isEnabled, timeout=WAIT_MS)
        with qtbot.waitSignal(display.sig_called, timeout=WAIT_MS) as called:
            press(qtbot, panel, Qt.Key.Key_F5)
        assert called.args[0].number == "A002"
        qtbot.waitUntil(lambda: panel.fault.isVisibleTo(panel), timeout=WAIT_MS)
        assert "The kiosk's printer failed at" in panel.fault.text()
        assert "is stopped" in panel.fault.text()
