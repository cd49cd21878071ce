"""Preview and print through the real screens: an application submitted at Intake, its
receipt previewed with Ctrl+P and printed to a real CUPS queue (the session's private cupsd,
cups-pdf), reprinted from Applications as a duplicate, a stopped printer's fault shown
with the document kept for another try, and a job the print service fails after the preview
closed told in the main window."""

from __future__ import annotations

import itertools
import re
import threading
import uuid

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.domain.applications import Application
from app.domain.prints import PrintEntry, PrintResult
from app.domain.users import Actor
from app.services import print_log, receipts
from app.services.core import Core
from app.services.printouts import Printable
from printing.spool import (
    CupsBackend,
    JobResult,
    JobState,
    Media,
    PaperKind,
    PrinterInfo,
)
from printing.wording import DUPLICATE_MARK, translator
from tests.printing import reading
from tests.support.cups import PdfQueue, PrivateCups
from tests.support.intake import valid_values
from tests.ui.conftest import Desk
from tests.ui.test_intake_screen import _fill, _today, open_intake, passport_lines, read_passport
from tests.ui.test_login_lock_language import _log_in
from ui.dialogs.print_preview import PrintPreviewDialog
from ui.screens.applications import ApplicationsScreen
from ui.screens.intake import IntakeScreen

_names = itertools.count(1)
WAIT_MS = 20_000


@pytest.fixture
def queue(private_cups: PrivateCups, monkeypatch: pytest.MonkeyPatch) -> PdfQueue:
    """A fresh PDF queue on the session's scheduler, which the desk reaches as its system's
    print service (CUPS_SERVER, as an office's desk would be pointed at its print server)."""
    monkeypatch.setenv("CUPS_SERVER", private_cups.server)
    return private_cups.add_pdf_queue(f"Front_Desk_{next(_names)}")


def _submit(qtbot: QtBot, screen: IntakeScreen, number: str) -> Application:
    read_passport(qtbot, screen, screen.applicant, passport_lines(number))
    service = screen.current_service()
    assert service is not None
    _fill(screen, valid_values(service, _today()))
    screen.tick_all_documents()
    with qtbot.waitSignal(screen.sig_submitted, timeout=WAIT_MS) as submitted:
        screen.submit_button.click()
    application = submitted.args[0]
    assert isinstance(application, Application) and application.number
    return application


def _ready(qtbot: QtBot, dialog: PrintPreviewDialog | None, printer: str) -> PrintPreviewDialog:
    """The dialog once its pages and printers are shown, with ``printer`` chosen."""
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.shown_pages() > 0, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: dialog.printer.findData(printer) >= 0, timeout=WAIT_MS)
    dialog.printer.setCurrentIndex(dialog.printer.findData(printer))
    qtbot.waitUntil(dialog.print_button.isEnabled, timeout=WAIT_MS)
    return dialog


def _printed_text(cups: PrivateCups, queue: PdfQueue, entry: PrintEntry) -> str:
    printed = cups.wait_for_output(queue, entry.job_id)
    return " ".join(reading.text(printed.read_bytes()).split())


def _open_applications(qtbot: QtBot, desk: Desk, application: Application) -> ApplicationsScreen:
    screen = desk.window.show_screen("applications")
    assert isinstance(screen, ApplicationsScreen)
    qtbot.waitUntil(
        lambda: screen._current is not None and screen._current.id == application.id,
        timeout=WAIT_MS,
    )
    return screen


def test_receipt_printed_after_submission_then_reprinted_as_a_duplicate(
    qtbot: QtBot, desk: Desk, private_cups: PrivateCups, queue: PdfQueue
) -> None:
    intake = open_intake(qtbot, desk)
    assert not intake.receipt.button.isVisibleTo(intake)  # nothing to print yet
    application = _submit(qtbot, intake, "U24681357")
    assert intake.receipt.button.isVisibleTo(intake)
    assert "Ctrl+P" in intake.message.text()

    qtbot.keyClick(intake, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    dialog = _ready(qtbot, intake.receipt.dialog, queue.name)
    assert dialog.isVisible()
    assert application.number in dialog.heading.text()
    assert "duplicate" not in dialog.heading.text()
    assert dialog.pages.text() == "1 page"
    assert dialog.current_paper() is PaperKind.A4
    # Once the printers are listed, the keyboard goes to Print: Enter prints.
    qtbot.waitUntil(lambda: dialog.focusWidget() is dialog.print_button, timeout=WAIT_MS)

    with qtbot.waitSignal(dialog.sig_printed, timeout=WAIT_MS) as printed:
        qtbot.keyClick(dialog.print_button, Qt.Key.Key_Return)
    first = printed.args[0]
    assert isinstance(first, PrintEntry)
    assert (first.reprint, first.printer, first.actor_name) == (0, queue.name, "clerk")
    assert not dialog.isVisible()
    text = _printed_text(private_cups, queue, first)
    # Receipts are worded in the office's language, whatever the clerk's screen shows.
    # Ghostscript's re-rendering in the PDF queue keeps only the ASCII letters extractable.
    duplicate_mark = re.sub(
        r"[^\x00-\x7f]", " ", translator(desk.context.config.language)(DUPLICATE_MARK)
    )
    assert application.number in text and duplicate_mark not in text
    # The desk keeps the printer chosen for A4 in its own settings.
    assert desk.context.config.printers[PaperKind.A4.value] == queue.name

    # A clerk may not reprint: the reason is shown and the document stays.
    applications = _open_applications(qtbot, desk, application)
    qtbot.waitUntil(lambda: "Reprint" in applications.receipt.button.text(), timeout=WAIT_MS)
    applications.receipt.button.click()
    refused = _ready(qtbot, applications.receipt.dialog, queue.name)
    assert "duplicate" in refused.heading.text()
    with qtbot.waitSignal(refused.sig_failed, timeout=WAIT_MS) as failed:
        refused.print_button.click()
    assert "void or reprint documents" in failed.args[0]
    assert refused.message.text() == failed.args[0] and refused.isVisible()
    assert refused.shown_pages() == 1
    qtbot.keyClick(refused, Qt.Key.Key_Escape)
    assert not refused.isVisible()

    # A supervisor reprints it: the copy is marked as a duplicate.
    desk.window.log_out()
    desk.window.activateWindow()  # the offscreen platform gives it back only when asked
    qtbot.waitUntil(desk.window.isActiveWindow, timeout=WAIT_MS)
    desk.window.login.username.clear()  # the login keeps the last user's name
    _log_in(qtbot, desk, "supervisor")
    applications = _open_applications(qtbot, desk, application)
    qtbot.waitUntil(lambda: "Reprint" in applications.receipt.button.text(), timeout=WAIT_MS)
    qtbot.keyClick(applications, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    reprint = applications.receipt.dialog
    assert reprint is not None
    qtbot.waitUntil(lambda: reprint.shown_pages() > 0, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: reprint.current_printer() == queue.name, timeout=WAIT_MS)
    with qtbot.waitSignal(reprint.sig_printed, timeout=WAIT_MS) as printed:
        reprint.print_button.click()
    again = printed.args[0]
    assert (again.reprint, again.actor_name) == (1, "supervisor")
    text = _printed_text(private_cups, queue, again)
    assert duplicate_mark in text and application.number in text


def test_a_stopped_printer_shows_why_and_keeps_the_document(
    qtbot: QtBot, desk: Desk, private_cups: PrivateCups, queue: PdfQueue
) -> None:
    intake = open_intake(qtbot, desk)
    application = _submit(qtbot, intake, f"U{uuid.uuid4().int % 10**8:08d}")
    private_cups.run("cupsdisable", queue.name)

    intake.receipt.button.click()
    dialog = _ready(qtbot, intake.receipt.dialog, queue.name)
    roll = dialog.paper.findData(PaperKind.ROLL.value)
    dialog.paper.setCurrentIndex(roll)  # the receipt on the 80 mm roll
    qtbot.waitUntil(lambda: dialog.shown_pages() > 0, timeout=WAIT_MS)
    dialog.printer.setCurrentIndex(dialog.printer.findData(queue.name))
    with qtbot.waitSignal(dialog.sig_failed, timeout=WAIT_MS) as failed:
        dialog.print_button.click()

    message = failed.args[0]
    assert f"The printer “{queue.name}” is stopped" in message
    assert "The document is kept and can be printed again." in message
    assert dialog.isVisible() and dialog.message.isVisible()
    assert dialog.shown_pages() == 1
    assert dialog.print_button.text() == "&Try again"

    private_cups.run("cupsenable", queue.name)
    with qtbot.waitSignal(dialog.sig_printed, timeout=WAIT_MS) as printed:
        dialog.print_button.click()
    entry = printed.args[0]
    assert entry.reprint == 0  # the failed attempt printed nothing
    text = _printed_text(private_cups, queue, entry)
    # Receipts are worded in the office's language, whatever the clerk's screen shows.
    # Ghostscript's re-rendering in the PDF queue keeps only the ASCII letters extractable.
    duplicate_mark = re.sub(
        r"[^\x00-\x7f]", " ", translator(desk.context.config.language)(DUPLICATE_MARK)
    )
    assert application.number in text and duplicate_mark not in text
    assert desk.context.config.printers[PaperKind.ROLL.value] == queue.name


class _SlowPrintServer:
    """The session's real CUPS, answering the printer list only once the pages are shown:
    an office's print server slower than the preview."""

    def __init__(self, pages_shown: threading.Event) -> None:
        self._cups = CupsBackend()
        self._pages_shown = pages_shown

    def list_printers(self) -> list[PrinterInfo]:
        self._pages_shown.wait(WAIT_MS / 1000)
        return self._cups.list_printers()

    def submit(
        self, pdf: bytes, *, printer: str, media: Media, copies: int = 1, title: str
    ) -> JobResult:
        return self._cups.submit(pdf, printer=printer, media=media, copies=copies, title=title)

    def job_state(self, job_id: str) -> JobState:
        return self._cups.job_state(job_id)

    def cancel(self, job_id: str) -> None:
        self._cups.cancel(job_id)


def test_enter_prints_when_the_printers_are_listed_after_the_pages(
    qtbot: QtBot, desk: Desk, private_cups: PrivateCups, queue: PdfQueue
) -> None:
    intake = open_intake(qtbot, desk)
    application = _submit(qtbot, intake, f"U{uuid.uuid4().int % 10**8:08d}")
    config = desk.context.config
    config.printers[PaperKind.A4.value] = queue.name
    pages_shown = threading.Event()

    def load(core: Core, actor: Actor) -> Printable:
        return receipts.receipt_printable(core, actor, config, application.id)

    dialog = PrintPreviewDialog(desk.context, load, intake, backend=_SlowPrintServer(pages_shown))
    qtbot.addWidget(dialog)
    dialog.sig_ready.connect(pages_shown.set)
    dialog.open()
    qtbot.waitUntil(lambda: dialog.shown_pages() > 0, timeout=WAIT_MS)
    assert not dialog.print_button.isEnabled()  # no printer yet: nothing to print on
    qtbot.waitUntil(dialog.print_button.isEnabled, timeout=WAIT_MS)
    assert dialog.current_printer() == queue.name
    qtbot.waitUntil(lambda: dialog.focusWidget() is dialog.print_button, timeout=WAIT_MS)

    with qtbot.waitSignal(dialog.sig_printed, timeout=WAIT_MS) as printed:
        qtbot.keyClick(dialog.print_button, Qt.Key.Key_Return)
    entry = printed.args[0]
    assert application.number in _printed_text(private_cups, queue, entry)


def test_a_receipt_the_print_service_fails_later_is_told_and_logged_failed(
    qtbot: QtBot, desk: Desk, private_cups: PrivateCups, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CUPS_SERVER", private_cups.server)
    jammed = private_cups.add_failing_queue(f"Jammed_Desk_{next(_names)}")
    intake = open_intake(qtbot, desk)
    application = _submit(qtbot, intake, f"U{uuid.uuid4().int % 10**8:08d}")

    intake.receipt.button.click()
    dialog = _ready(qtbot, intake.receipt.dialog, jammed.name)
    with qtbot.waitSignal(dialog.sig_printed, timeout=WAIT_MS) as printed:
        dialog.print_button.click()
    entry = printed.args[0]
    assert entry.result is PrintResult.SENT  # the print service took it…
    assert not dialog.isVisible()

    # …and failed it afterwards: the clerk is told in the main window.
    status = desk.window.statusBar()
    qtbot.waitUntil(lambda: application.number in status.currentMessage(), timeout=WAIT_MS)
    message = status.currentMessage()
    assert message.startswith(f"Receipt {application.number} was not printed: ")
    assert f"the printer “{jammed.name}”" in message
    assert message.endswith("Print it again, on another printer if this one does not work.")
    core = desk.context.require_core()
    (logged,) = print_log.list_prints(core, desk.context.actor, record_id=application.id)
    assert (logged.id, logged.result, logged.reason) == (entry.id, PrintResult.FAILED, message)
    # The screens showing the log hear of it: the receipt is offered as a first print again.
    qtbot.waitUntil(lambda: intake.receipt.button.text() == "Print receipt… (Ctrl+P)")
    assert desk.window.print_follow_up.following() == 0


def test_logging_out_stops_following_the_jobs(
    qtbot: QtBot, desk: Desk, private_cups: PrivateCups, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CUPS_SERVER", private_cups.server)
    held = private_cups.add_pdf_queue(
        f"Held_Desk_{next(_names)}", **{"job-hold-until-default": "indefinite"}
    )
    intake = open_intake(qtbot, desk)
    _submit(qtbot, intake, f"U{uuid.uuid4().int % 10**8:08d}")
    intake.receipt.button.click()
    dialog = _ready(qtbot, intake.receipt.dialog, held.name)
    with qtbot.waitSignal(dialog.sig_printed, timeout=WAIT_MS) as printed:
        dialog.print_button.click()
    follow_up = desk.window.print_follow_up
    assert follow_up.following() == 1  # held in the queue: still under way

    desk.window.log_out()

    assert follow_up.following() == 0
    private_cups.run("cancel", printed.args[0].job_id)
