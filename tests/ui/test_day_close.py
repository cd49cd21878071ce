"""The Day close screen driven as a supervisor: the day's review, closing it (Ctrl+Enter, with
its open ticket confirmed), a closed day refusing a change, reopening with a reason, a receipt
voided from Applications and found in the audit view, another receipt reprinted to a real CUPS
queue as a duplicate and audited. Then a clerk, refused each supervisor action by the core."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from app.clock import office_today
from app.domain.applications import Application, PaymentMethod
from app.domain.day_close import AuditQuery, DayReview
from app.domain.prints import PrintEntry, PrintKind, PrintResult
from app.domain.users import Actor
from app.errors import PermissionDeniedError
from app.intake.lifecycle import ApplicationState
from app.services import applications, corrections, day_close, print_log, queue
from app.services.core import Core
from app.services.day_lock import DayClosedError
from tests.support.actors import demo_actor
from tests.support.cups import PdfQueue, PrivateCups
from tests.support.submitted import PAYMENT_REFERENCE, submit_temporary_residence
from tests.ui.conftest import Desk
from tests.ui.test_login_lock_language import _log_in
from tests.ui.test_print_preview import _ready
from ui.main_window import SCREENS
from ui.screens.applications import ApplicationsScreen
from ui.screens.day_close import DayCloseScreen

WAIT_MS = 20_000
_names = itertools.count(1)


@pytest.fixture
def pdf_queue(private_cups: PrivateCups, monkeypatch: pytest.MonkeyPatch) -> PdfQueue:
    monkeypatch.setenv("CUPS_SERVER", private_cups.server)
    return private_cups.add_pdf_queue(f"Day_Close_{next(_names)}")


def _printed_once(core: Core, clerk: Actor, application: Application) -> None:
    """The clerk's first copy of the receipt, as the print log has it."""
    print_log.record_print(
        core,
        clerk,
        kind=PrintKind.RECEIPT,
        record_id=application.id,
        number=application.number or "",
        printer="Front",
        copies=1,
        result=PrintResult.SENT,
    )


def _open_day_close(qtbot: QtBot, desk: Desk) -> DayCloseScreen:
    row = [key for key, _spec, _title in SCREENS].index("day_close")
    key = Qt.Key.Key_0 if row == 9 else Qt.Key(Qt.Key.Key_1 + row)
    qtbot.keyClick(desk.window.navigation, key, Qt.KeyboardModifier.AltModifier)
    screen = desk.window.screens["day_close"]
    assert isinstance(screen, DayCloseScreen)
    return screen


def _open_application(qtbot: QtBot, desk: Desk, application: Application) -> ApplicationsScreen:
    screen = desk.window.show_screen("applications")
    assert isinstance(screen, ApplicationsScreen)
    qtbot.waitUntil(lambda: screen.model.rowCount() > 0, timeout=WAIT_MS)
    screen.select_application(application.id)
    qtbot.waitUntil(
        lambda: screen._current is not None and screen._current.id == application.id,
        timeout=WAIT_MS,
    )
    return screen


def test_a_supervisor_closes_reopens_voids_and_reprints(
    qtbot: QtBot, desk: Desk, private_cups: PrivateCups, pdf_queue: PdfQueue
) -> None:
    _log_in(qtbot, desk, "supervisor")
    core = desk.context.core
    assert core is not None
    today = office_today(core.clock)
    clerk = demo_actor(core, "clerk")
    voided = submit_temporary_residence(core, clerk, today=today)
    reprinted = submit_temporary_residence(
        core, clerk, surname="QULIYEVA", document="C07654321", today=today
    )
    for application in (voided, reprinted):
        _printed_once(core, clerk, application)
    ticket = queue.issue_ticket(core, clerk, "temp_residence").value

    # The review of today.
    screen = _open_day_close(qtbot, desk)
    qtbot.waitUntil(lambda: screen.review is not None, timeout=WAIT_MS)
    assert screen.selected_day() == today
    assert {line.number for line in screen.fees.rows} == {voided.number, reprinted.number}
    assert {line.reference for line in screen.fees.rows} == {PAYMENT_REFERENCE}
    assert [line.count for line in screen.states.rows] == [2]
    assert len(screen.receipts.rows) == 2
    assert [t.number for t in screen.tickets.rows] == [ticket.number]
    assert "Submitted: 2" in screen.summary.text()
    assert "is open" in screen.status.text()

    # Ctrl+Enter: confirmed, and confirmed again for the ticket never closed.
    asked: list[str] = []

    def yes(_parent: QWidget, text: str) -> bool:
        asked.append(text)
        return True

    screen.confirm = yes
    screen.close_button.setFocus()
    with qtbot.waitSignal(screen.sig_closed, timeout=WAIT_MS) as closed:
        qtbot.keyClick(screen.close_button, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    review = closed.args[0]
    assert isinstance(review, DayReview) and review.closed
    assert len(asked) == 2 and "still waiting" in asked[1]
    assert "closed by supervisor" in screen.status.text()
    assert not screen.close_button.isEnabled() and screen.reopen_button.isEnabled()

    # A clerk's change to the closed day's application is refused, naming the day.
    with pytest.raises(DayClosedError) as refused:
        applications.record_payment(core, clerk, voided.id, PaymentMethod.BANK, "BANK-778899")
    assert today.strftime("%d.%m.%Y") in str(refused.value)
    assert "supervisor must reopen" in str(refused.value)
    # And so is the screen's move, with the same message.
    apps = _open_application(qtbot, desk, voided)
    apps.move_buttons[ApplicationState.SENT].click()
    qtbot.waitUntil(lambda: "supervisor must reopen" in apps.error.text(), timeout=WAIT_MS)

    # Reopened with a reason (Ctrl+R).
    screen = _open_day_close(qtbot, desk)
    reasons: list[str] = []

    def reason(_parent: QWidget, _title: str, label: str) -> str:
        reasons.append(label)
        return "Fee taken twice for one visitor"

    screen.ask_reason = reason
    screen.reopen_button.setFocus()
    with qtbot.waitSignal(screen.sig_reopened, timeout=WAIT_MS):
        qtbot.keyClick(screen.reopen_button, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert reasons and "Fee taken twice for one visitor" in screen.status.text()
    assert screen.close_button.isEnabled()

    # The receipt voided from Applications, with its reason; its preview is refused.
    apps = _open_application(qtbot, desk, voided)
    assert apps.void_button.isEnabled()
    with qtbot.waitSignal(apps.sig_voided, timeout=WAIT_MS):
        apps.void_receipt(reason="Fee taken twice")
    assert "is void: Fee taken twice" in apps.error.text()
    apps.receipt.open_preview()
    dialog = apps.receipt.dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: "voided" in dialog.message.text(), timeout=WAIT_MS)
    dialog.reject()

    # The other receipt reprinted: the copy is a duplicate, logged and audited.
    apps = _open_application(qtbot, desk, reprinted)
    qtbot.waitUntil(lambda: "Reprint" in apps.receipt.button.text(), timeout=WAIT_MS)
    apps.receipt.open_preview()
    reprint = _ready(qtbot, apps.receipt.dialog, pdf_queue.name)
    assert "duplicate" in reprint.heading.text()
    with qtbot.waitSignal(reprint.sig_printed, timeout=WAIT_MS) as printed:
        reprint.print_button.click()
    entry = printed.args[0]
    assert isinstance(entry, PrintEntry) and entry.duplicate and entry.actor_name == "supervisor"
    private_cups.wait_for_output(pdf_queue, entry.job_id)

    # The audit view finds the void and the reprint, with before and after.
    screen = _open_day_close(qtbot, desk)
    audit = screen.audit
    with qtbot.waitSignal(audit.sig_listed, timeout=WAIT_MS):
        screen.tabs.setCurrentIndex(1)
    with qtbot.waitSignal(audit.sig_listed, timeout=WAIT_MS) as listed:
        qtbot.keyClicks(audit.search, f"{voided.number} void")
    assert listed.args[0] == 1
    shown = audit.selected()
    assert shown is not None and (shown.action, shown.actor_name) == ("receipt.void", "supervisor")
    assert '"void": false' in audit.before.toPlainText()
    assert "Fee taken twice" in audit.after.toPlainText()
    audit.search.clear()
    with qtbot.waitSignal(audit.sig_listed, timeout=WAIT_MS) as listed:
        qtbot.keyClicks(audit.search, f"print.sent {reprinted.number} supervisor")
    assert listed.args[0] == 1
    assert '"reprint": 1' in audit.after.toPlainText()

    # A clerk is offered nothing, and the core refuses each supervisor action.
    desk.window.log_out()
    desk.window.activateWindow()
    qtbot.waitUntil(desk.window.isActiveWindow, timeout=WAIT_MS)
    desk.window.login.username.clear()
    _log_in(qtbot, desk, "clerk")
    screen = _open_day_close(qtbot, desk)
    qtbot.waitUntil(lambda: "Only a supervisor" in screen.error.text(), timeout=WAIT_MS)
    assert not screen.close_button.isEnabled() and not screen.reopen_button.isEnabled()
    with qtbot.waitSignal(screen.sig_failed, timeout=WAIT_MS) as failed:
        screen.close_day(force=True)
    assert "close the day" in failed.args[0]
    refusals: list[Callable[[], object]] = [
        lambda: day_close.day_review(core, clerk, today),
        lambda: day_close.close_day(core, clerk, today, force=True),
        lambda: day_close.reopen_day(core, clerk, today, "because"),
        lambda: corrections.void_receipt(core, clerk, reprinted.id, "wrong"),
        lambda: corrections.void_card(core, clerk, "TRP0000001", "wrong"),
        lambda: corrections.audit_entries(core, clerk, AuditQuery()),
        lambda: print_log.require_may_print(clerk, reprint=True),
    ]
    for action in refusals:
        with pytest.raises(PermissionDeniedError):
            action()
