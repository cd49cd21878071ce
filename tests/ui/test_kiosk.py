"""The kiosk as a visitor uses it: touch a service, see the ticket, take it from the roll
printer (a queue of the session's own CUPS scheduler, read back as PDF). A stopped printer
leaves the ticket issued and on screen, and its fault in the print log for the supervisor."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.config import Config
from app.domain.prints import PrintKind, PrintResult
from app.domain.queue import PriorityCategory, Ticket
from app.services import print_log, queue, tickets
from app.services.tickets import TicketPrint
from printing.spool import PaperKind
from tests.printing import reading
from tests.support.cups import PdfQueue, PrivateCups
from tests.support.queue_ui import own_desk
from ui.kiosk import KioskWindow

_names = itertools.count(1)
WAIT_MS = 20_000
REGISTRATION = "registration_stay"


@pytest.fixture
def roll(private_cups: PrivateCups, monkeypatch: pytest.MonkeyPatch) -> PdfQueue:
    """The kiosk's 80 mm roll printer: a fresh PDF queue on the session's scheduler."""
    monkeypatch.setenv("CUPS_SERVER", private_cups.server)
    return private_cups.add_pdf_queue(f"Kiosk_Roll_{next(_names)}")


@contextmanager
def open_kiosk(qtbot: QtBot, config: Config, *, return_ms: int = 60_000) -> Iterator[KioskWindow]:
    with own_desk(config) as context:
        kiosk = KioskWindow(context, return_ms=return_ms)
        qtbot.addWidget(kiosk)
        kiosk.show()
        with qtbot.waitSignal(kiosk.sig_ready, timeout=WAIT_MS):
            kiosk.start()
        yield kiosk


@pytest.fixture
def kiosk(
    qtbot: QtBot, demo_config: tuple[Config, dict[str, str]], roll: PdfQueue
) -> Iterator[KioskWindow]:
    config = replace(demo_config[0], language="en", printers={PaperKind.ROLL.value: roll.name})
    with open_kiosk(qtbot, config) as window:
        yield window


def touch(qtbot: QtBot, kiosk: KioskWindow, code: str) -> tuple[Ticket, TicketPrint]:
    """Touch the service's button: the ticket issued, and how its printing went."""
    with (
        qtbot.waitSignal(kiosk.sig_printed, timeout=WAIT_MS) as printed,
        qtbot.waitSignal(kiosk.sig_issued, timeout=WAIT_MS) as issued,
    ):
        qtbot.mouseClick(kiosk.service_buttons[code], Qt.MouseButton.LeftButton)
    return issued.args[0], printed.args[0]


def test_a_touch_issues_shows_and_prints_the_ticket(
    qtbot: QtBot, kiosk: KioskWindow, private_cups: PrivateCups, roll: PdfQueue
) -> None:
    # One button per service a counter serves: the demo office's nine.
    assert len(kiosk.service_buttons) == 9
    assert kiosk.service_buttons[REGISTRATION].text() == "Registration at place of stay"
    ticket, printed = touch(qtbot, kiosk, REGISTRATION)

    assert ticket.number == "A001" and ticket.channel.value == "kiosk"
    assert kiosk.pages.currentWidget() is kiosk.ticket_page
    assert kiosk.number.text() == "A001"
    assert "Registration at place of stay" in kiosk.details.text()
    assert "You are next." in kiosk.details.text()
    assert "go to counter 1–2" in kiosk.details.text()
    assert printed.printed and printed.entry is not None
    assert kiosk.print_status.text() == "Take your ticket below."

    pdf = private_cups.wait_for_output(roll, printed.entry.job_id).read_bytes()
    text = " ".join(reading.text(pdf).split())
    assert "A001" in text and "Registration at place of stay" in text and "Counter: 1" in text
    core = kiosk._context.require_core()
    (entry,) = print_log.list_prints(core, queue.KIOSK, kind=PrintKind.TICKET)
    assert (entry.result, entry.number, entry.actor_name) == (PrintResult.SENT, "A001", "kiosk")

    # The next visitor: people ahead and the wait are on the ticket.
    kiosk.done.click()
    assert kiosk.pages.currentWidget() is kiosk.services_page
    second, _printed = touch(qtbot, kiosk, REGISTRATION)
    assert second.number == "A002" and second.people_ahead == 1
    assert "People ahead of you: 1" in kiosk.details.text()
    assert "Estimated wait: about" in kiosk.details.text()


def test_a_stopped_printer_still_gives_the_number_and_tells_the_supervisor(
    qtbot: QtBot, kiosk: KioskWindow, private_cups: PrivateCups, roll: PdfQueue
) -> None:
    private_cups.run("cupsdisable", roll.name)
    ticket, printed = touch(qtbot, kiosk, REGISTRATION)

    assert kiosk.number.text() == ticket.number == "A001"  # issued and shown all the same
    assert not printed.printed and f"The printer “{roll.name}” is stopped" in printed.fault
    assert "remember your number" in kiosk.print_status.text()
    core = kiosk._context.require_core()
    assert queue.get_ticket(core, queue.KIOSK, ticket.id).state.value == "waiting"
    # The supervisor's view reads the fault from the print log (with its audit row).
    fault = tickets.kiosk_fault(core, queue.KIOSK)
    assert fault is not None and fault.result is PrintResult.FAILED
    assert (fault.number, fault.printer) == ("A001", roll.name) and "is stopped" in fault.reason
    assert tickets.printer_faults(core, queue.KIOSK, since=ticket.issued_at) == [fault]

    private_cups.run("cupsenable", roll.name)
    kiosk.start_over()
    _second, again = touch(qtbot, kiosk, REGISTRATION)
    assert again.printed
    assert tickets.kiosk_fault(core, queue.KIOSK) is None  # the printer works again


def test_priority_in_the_visitors_language_without_a_printer(
    qtbot: QtBot, demo_config: tuple[Config, dict[str, str]]
) -> None:
    config = replace(demo_config[0], language="az")
    with open_kiosk(qtbot, config, return_ms=300) as kiosk:
        qtbot.mouseClick(kiosk.language_buttons["ru"], Qt.MouseButton.LeftButton)
        assert kiosk.service_buttons[REGISTRATION].text() == "Регистрация по месту пребывания"
        qtbot.mouseClick(kiosk.priority, Qt.MouseButton.LeftButton)
        qtbot.mouseClick(kiosk.service_buttons["work_permit"], Qt.MouseButton.LeftButton)
        assert kiosk.pages.currentWidget() is kiosk.categories_page
        with qtbot.waitSignal(kiosk.sig_printed, timeout=WAIT_MS) as printed:
            button = kiosk.category_buttons[PriorityCategory.ELDERLY]
            qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
            qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # a second touch: one ticket
        assert kiosk.ticket is not None
        assert (kiosk.ticket.number, kiosk.ticket.priority) == ("E001", PriorityCategory.ELDERLY)
        assert "Разрешение на работу" in kiosk.details.text()
        # No roll printer is chosen on this computer: a fault too, and the number stays shown.
        assert "No roll printer is chosen" in printed.args[0].fault
        core = kiosk._context.require_core()
        assert len(queue.waiting_list(core, queue.KIOSK)) == 1
        # Soon the kiosk is ready for the next visitor, in the office's language.
        qtbot.waitUntil(lambda: kiosk.pages.currentWidget() is kiosk.services_page, timeout=5000)
        assert kiosk.language == "az" and not kiosk.priority.isChecked()
        assert kiosk.service_buttons[REGISTRATION].text() == "Yaşadığı yer üzrə qeydiyyat"
