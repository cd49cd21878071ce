"""The clerk's queue panel, driven by its keys on a real SQLite desk: call, serve, call again
until the visitor counts as not come, take them back, transfer, pause, issue at the desk,
check in an appointment; the core's refusals shown as they are; the called visitor carried
into Intake, where the application submitted is linked to the ticket."""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.clock import office_zone
from app.config import load_config
from app.domain.queue import CounterState, PauseReason, PriorityCategory, Ticket, TicketState
from app.services import queue
from tests.support.intake import valid_values
from tests.support.queue_ui import WAIT_MS, open_queue, press
from tests.ui.conftest import Desk
from tests.ui.keys import type_text
from tests.ui.test_intake_screen import _fill, _today, passport_lines, read_passport
from ui.dialogs import queue_dialogs as forms
from ui.screens.intake import IntakeScreen
from ui.screens.queue import QueueScreen

REGISTRATION = "registration_stay"  # A, counters 1 and 2
EXTENSION = "stay_extension"  # B, counter 1


def _issue(desk: Desk, code: str = REGISTRATION) -> Ticket:
    return queue.issue_ticket(desk.context.require_core(), queue.KIOSK, code).value


def _act(qtbot: QtBot, screen: QueueScreen, key: Qt.Key, *, shift: bool = False) -> object:
    """Press the action's key; what the core returned, once the panel shows it."""
    with qtbot.waitSignal(screen.sig_acted, timeout=WAIT_MS) as acted:
        press(qtbot, screen, key, shift)
    with qtbot.waitSignal(screen.sig_loaded, timeout=WAIT_MS):
        pass  # the panel reloads on the change notice
    return acted.args[1]


def _choose(dialog: forms.QueueForm | None, **fields: object) -> forms.QueueForm:
    """Fill a panel form's combos (by their data) and lines, then accept it with Enter."""
    assert dialog is not None and dialog.isVisible()
    for name, value in fields.items():
        widget = getattr(dialog, name)
        if hasattr(widget, "findData"):
            widget.setCurrentIndex(widget.findData(value))
        else:
            widget.setText(str(value))
    return dialog


def test_call_serve_and_end_with_the_keys(qtbot: QtBot, desk: Desk) -> None:
    first, second = _issue(desk), _issue(desk)
    screen = open_queue(qtbot, desk, counter=1)
    # The counter is remembered in the desk's settings for the next start.
    qtbot.waitUntil(lambda: desk.context.config.queue_counter == 1, timeout=WAIT_MS)
    assert load_config(data_dir=desk.context.config.data_dir).queue_counter == 1
    expected = [first.number, second.number]
    qtbot.waitUntil(lambda: [t.number for t in screen.waiting.rows] == expected, timeout=WAIT_MS)
    assert not screen.buttons["start"].isEnabled()

    called = _act(qtbot, screen, Qt.Key.Key_F5)
    assert isinstance(called, Ticket) and called.number == first.number == "A001"
    assert screen.number.text() == "A001" and "called" in screen.details.text()
    assert not screen.buttons["next"].isEnabled()  # one visitor at a time
    assert [t.number for t in screen.waiting.rows] == [second.number]

    started = _act(qtbot, screen, Qt.Key.Key_F8)
    assert isinstance(started, Ticket) and started.state is TicketState.SERVING
    ended = _act(qtbot, screen, Qt.Key.Key_F9)
    assert isinstance(ended, Ticket) and ended.state is TicketState.DONE
    assert screen.current() is None and screen.number.text() == "—"
    assert screen.buttons["next"].isEnabled()


def test_recalls_past_the_limit_make_a_no_show_which_is_taken_back(
    qtbot: QtBot, desk: Desk
) -> None:
    ticket = _issue(desk)
    screen = open_queue(qtbot, desk)
    _act(qtbot, screen, Qt.Key.Key_F5)
    for recalls in (1, 2):  # the office's limit is two calls again
        again = _act(qtbot, screen, Qt.Key.Key_F7)
        assert isinstance(again, Ticket) and again.recalls == recalls
    assert f"called {3} times" in screen.details.text()
    gone = _act(qtbot, screen, Qt.Key.Key_F7)
    assert isinstance(gone, Ticket) and gone.state is TicketState.NO_SHOW
    assert screen.current() is None

    # The visitor turns up: Shift+F6 asks which ticket, the last one not come already typed.
    press(qtbot, screen, Qt.Key.Key_F6, shift=True)
    dialog = screen.dialog
    assert isinstance(dialog, forms.NumberDialog) and dialog.number.text() == ticket.number
    with qtbot.waitSignal(screen.sig_acted, timeout=WAIT_MS) as acted:
        qtbot.keyClick(dialog.number, Qt.Key.Key_Return)
    back = acted.args[1]
    assert isinstance(back, Ticket) and back.state is TicketState.WAITING
    qtbot.waitUntil(lambda: [t.number for t in screen.waiting.rows] == ["A001"], timeout=WAIT_MS)

    # Shift+F7 marks the visitor as not come at once.
    _act(qtbot, screen, Qt.Key.Key_F5)
    marked = _act(qtbot, screen, Qt.Key.Key_F7, shift=True)
    assert isinstance(marked, Ticket) and marked.state is TicketState.NO_SHOW


def test_transfer_keeps_the_number_and_the_place(qtbot: QtBot, desk: Desk) -> None:
    ticket = _issue(desk)
    screen = open_queue(qtbot, desk)
    _act(qtbot, screen, Qt.Key.Key_F5)
    press(qtbot, screen, Qt.Key.Key_F10)
    dialog = _choose(screen.dialog, service=EXTENSION, note="passport copy checked")
    assert isinstance(dialog, forms.TransferDialog)
    with qtbot.waitSignal(screen.sig_acted, timeout=WAIT_MS) as acted:
        qtbot.keyClick(dialog.note, Qt.Key.Key_Return)
    moved = acted.args[1]
    assert isinstance(moved, Ticket)
    assert (moved.number, moved.service_code, moved.state) == (
        "A001",
        EXTENSION,
        TicketState.WAITING,
    )
    assert moved.issued_at == ticket.issued_at and moved.leg == 1
    assert "transferred" in screen.message.text()
    # Counter 1 serves the extension too: the visitor is in its waiting list, with the note.
    qtbot.waitUntil(lambda: [t.number for t in screen.waiting.rows] == ["A001"], timeout=WAIT_MS)
    called = _act(qtbot, screen, Qt.Key.Key_F5)
    assert isinstance(called, Ticket) and called.note == "passport copy checked"


def test_transfer_needs_a_service_or_a_counter(qtbot: QtBot, desk: Desk) -> None:
    _issue(desk)
    screen = open_queue(qtbot, desk)
    _act(qtbot, screen, Qt.Key.Key_F5)
    press(qtbot, screen, Qt.Key.Key_F10)
    dialog = screen.dialog
    assert isinstance(dialog, forms.TransferDialog)
    qtbot.keyClick(dialog.note, Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert dialog.error.text() == "Choose the service or the counter to transfer the ticket to."
    dialog.reject()


def test_pause_with_a_reason_then_resume(qtbot: QtBot, desk: Desk) -> None:
    _issue(desk)
    screen = open_queue(qtbot, desk)
    press(qtbot, screen, Qt.Key.Key_F11)
    dialog = _choose(screen.dialog, reason=PauseReason.LUNCH.value)
    with qtbot.waitSignal(screen.sig_acted, timeout=WAIT_MS):
        dialog.accept()
    qtbot.waitUntil(
        lambda: screen.status() is not None and screen.status().state is CounterState.PAUSED,  # type: ignore[union-attr]
        timeout=WAIT_MS,
    )
    assert "lunch" in screen.counter_state.text()
    assert not screen.buttons["next"].isEnabled()
    assert screen.buttons["pause"].text() == "Resume (F11)"
    press(qtbot, screen, Qt.Key.Key_F5)  # ignored: a paused counter calls no one
    assert screen.current() is None

    _act(qtbot, screen, Qt.Key.Key_F11)
    assert screen.status() is not None and screen.status().state is CounterState.OPEN  # type: ignore[union-attr]
    assert screen.buttons["next"].isEnabled()


def test_issue_and_check_in_at_the_desk(qtbot: QtBot, desk: Desk) -> None:
    screen = open_queue(qtbot, desk)
    press(qtbot, screen, Qt.Key.Key_F4)
    dialog = _choose(screen.dialog, service=EXTENSION, priority=PriorityCategory.ELDERLY.value)
    with qtbot.waitSignal(screen.sig_acted, timeout=WAIT_MS) as acted:
        dialog.accept()
    issued = acted.args[1]
    assert isinstance(issued, Ticket)
    assert (issued.number, issued.priority) == ("B001", PriorityCategory.ELDERLY)
    assert issued.channel.value == "desk"
    assert "Ticket B001 issued" in screen.message.text()

    press(qtbot, screen, Qt.Key.Key_F4, shift=True)
    booked = datetime.now(office_zone()) + timedelta(minutes=5)
    dialog = _choose(screen.dialog, service=REGISTRATION, booked="nonsense")
    dialog.accept()
    assert dialog.error.text() == "Type the booked time as hh:mm, for example 14:30."
    if booked.date() != datetime.now(office_zone()).date():  # run just before midnight
        return
    dialog = _choose(dialog, booked=booked.strftime("%H:%M"), reference="EQ-2026-77")
    with qtbot.waitSignal(screen.sig_acted, timeout=WAIT_MS) as acted:
        dialog.accept()
    appointment = acted.args[1]
    assert isinstance(appointment, Ticket)
    assert appointment.priority is PriorityCategory.APPOINTMENT
    assert appointment.booking_reference == "EQ-2026-77"


def test_a_ticket_another_desk_called_is_refused_with_the_cores_reason(
    qtbot: QtBot, desk: Desk
) -> None:
    ticket = _issue(desk)
    screen = open_queue(qtbot, desk, counter=1)
    # Counter 2 (another clerk, another desk) calls it first.
    from tests.support.actors import demo_actor

    core = desk.context.require_core()
    queue.call_ticket(core, demo_actor(core, "supervisor"), 2, ticket.number)
    press(qtbot, screen, Qt.Key.Key_F6)
    dialog = _choose(screen.dialog, number="a001")
    with qtbot.waitSignal(screen.sig_refused, timeout=WAIT_MS) as refused:
        qtbot.keyClick(dialog.number, Qt.Key.Key_Return)
    assert refused.args[0] == "Ticket A001 is already called to counter 2."
    assert screen.error.text() == refused.args[0] and screen.current() is None


def test_the_called_visitor_goes_to_intake_and_the_application_is_linked(
    qtbot: QtBot, desk: Desk
) -> None:
    ticket = _issue(desk, EXTENSION)
    screen = open_queue(qtbot, desk)
    _act(qtbot, screen, Qt.Key.Key_F5)
    _act(qtbot, screen, Qt.Key.Key_F8)

    qtbot.keyClick(screen, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    intake = desk.window.screens["intake"]
    assert isinstance(intake, IntakeScreen)
    qtbot.waitUntil(lambda: intake.current_service() is not None, timeout=WAIT_MS)
    qtbot.waitUntil(
        lambda: intake.current_service().code == EXTENSION,  # type: ignore[union-attr]
        timeout=WAIT_MS,
    )
    assert desk.window.pages.currentWidget() is intake
    assert f"Ticket {ticket.number}" in intake.message.text()

    read_passport(qtbot, intake, intake.applicant, passport_lines("U97531864"))
    service = intake.current_service()
    assert service is not None
    _fill(intake, valid_values(service, _today()))
    intake.tick_all_documents()
    type_text(qtbot, intake.payment_reference, "ASP-77 123 456")  # the extension has a fee
    with qtbot.waitSignal(intake.sig_submitted, timeout=WAIT_MS) as submitted:
        intake.submit_button.click()
    application = submitted.args[0]
    core = desk.context.require_core()
    qtbot.waitUntil(
        lambda: (
            queue.get_ticket(core, desk.context.actor, ticket.id).application_id == application.id
        ),
        timeout=WAIT_MS,
    )
