"""The small forms of the clerk's queue panel: issue a ticket, check in an appointment, transfer,
pause, and "which ticket?". Each opens window-modal without blocking (``open()``), Enter accepts
and Esc cancels; an accepted form says what was chosen through ``sig_chosen``: the queue change
to make (a :class:`CoreCall`), or for "which ticket?" its number.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.clock import office_zone
from app.domain.queue import (
    PRIORITY_CATEGORIES,
    PauseReason,
    PriorityCategory,
    ServiceQueueStatus,
    Ticket,
    TicketChannel,
)
from app.i18n import _, current_language
from app.services import queue
from ui.widgets.forms import error_label, show_error


@dataclass(frozen=True, slots=True)
class CoreCall:
    """The queue change a form asks for: a core function and its arguments after the actor."""

    function: Callable[..., Any]
    args: tuple[Any, ...] = ()
    kwargs: Mapping[str, Any] = field(default_factory=dict)


class QueueForm(QDialog):
    """A labelled form with OK and Cancel; subclasses add rows and say what was chosen."""

    sig_chosen = Signal(object)

    def __init__(self, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.form = QFormLayout()
        self.error = error_label()
        buttons = QDialogButtonBox()
        self.ok_button = buttons.addButton(_("OK"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(_("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        self.ok_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def chosen(self) -> object:
        """What the form says; ValueError with the message to show when it cannot be used."""
        raise NotImplementedError

    def accept(self) -> None:
        try:
            value = self.chosen()
        except ValueError as problem:
            show_error(self.error, str(problem))
            return
        super().accept()
        self.sig_chosen.emit(value)

    def combo(self, label: str, name: str, items: Sequence[tuple[str, object]]) -> QComboBox:
        box = QComboBox()
        box.setAccessibleName(name)
        for text, data in items:
            box.addItem(text, data)
        self.form.addRow(label, box)
        return box

    def line(self, label: str, name: str, text: str = "") -> QLineEdit:
        edit = QLineEdit(text)
        edit.setAccessibleName(name)
        self.form.addRow(label, edit)
        return edit


def _service_items(services: Sequence[ServiceQueueStatus]) -> list[tuple[str, object]]:
    language = current_language()
    return [(f"{s.prefix} · {s.name.in_language(language)}", s.code) for s in services]


class IssueDialog(QueueForm):
    def __init__(self, services: Sequence[ServiceQueueStatus], parent: QWidget | None) -> None:
        super().__init__(_("Issue a ticket"), parent)
        self.service = self.combo(_("&Service:"), "service", _service_items(services))
        categories: list[tuple[str, object]] = [(_("normal ticket"), None)]
        categories += [(category.label, category.value) for category in PRIORITY_CATEGORIES]
        self.priority = self.combo(_("&Priority:"), "priority", categories)

    def chosen(self) -> CoreCall:
        if self.service.currentData() is None:
            raise ValueError(_("Choose the service."))
        value = self.priority.currentData()
        priority = PriorityCategory(value) if value else None
        return CoreCall(
            queue.issue_ticket,
            (str(self.service.currentData()),),
            {"priority": priority, "channel": TicketChannel.DESK},
        )


def parse_clock_time(text: str, today: datetime) -> datetime:
    """ "14:30" (or "1430", "14.30") today on the office's clock; ValueError if not a time."""
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) in (3, 4):
        hours, minutes = int(digits[:-2]), int(digits[-2:])
        if hours < 24 and minutes < 60:
            return datetime.combine(today.date(), time(hours, minutes), tzinfo=today.tzinfo)
    raise ValueError(_("Type the booked time as hh:mm, for example 14:30."))


class CheckInDialog(QueueForm):
    def __init__(self, services: Sequence[ServiceQueueStatus], parent: QWidget | None) -> None:
        super().__init__(_("Check in an appointment"), parent)
        self.service = self.combo(_("&Service:"), "service", _service_items(services))
        self.booked = self.line(_("&Booked time (hh:mm):"), "booked time")
        self.reference = self.line(_("Booking &reference:"), "booking reference")

    def chosen(self) -> CoreCall:
        if self.service.currentData() is None:
            raise ValueError(_("Choose the service."))
        at = parse_clock_time(self.booked.text(), datetime.now(office_zone()))
        reference = self.reference.text().strip() or None
        return CoreCall(
            queue.check_in_appointment,
            (str(self.service.currentData()), at),
            {"booking_reference": reference},
        )


class TransferDialog(QueueForm):
    def __init__(
        self,
        ticket: Ticket,
        services: Sequence[ServiceQueueStatus],
        counters: Sequence[int],
        parent: QWidget | None,
    ) -> None:
        super().__init__(_("Transfer ticket {number}").format(number=ticket.number), parent)
        self.ticket = ticket
        self.service = self.combo(
            _("To &service:"),
            "to service",
            [(_("the same service"), None), *_service_items(services)],
        )
        counter_items: list[tuple[str, object]] = [(_("any counter of the service"), None)]
        counter_items += [(_("counter {number}").format(number=n), n) for n in counters]
        self.counter = self.combo(_("To &counter:"), "to counter", counter_items)
        self.note = self.line(_("&Note for the next counter:"), "note")

    def chosen(self) -> CoreCall:
        service, counter = self.service.currentData(), self.counter.currentData()
        if service is None and counter is None:
            raise ValueError(_("Choose the service or the counter to transfer the ticket to."))
        return CoreCall(
            queue.transfer,
            (self.ticket.id,),
            {
                "to_service": str(service) if service else None,
                "to_counter": int(counter) if counter is not None else None,
                "note": self.note.text(),
            },
        )


class PauseDialog(QueueForm):
    def __init__(self, counter: int, parent: QWidget | None) -> None:
        super().__init__(_("Pause counter {number}").format(number=counter), parent)
        self.counter_number = counter
        self.reason = self.combo(
            _("&Reason:"), "pause reason", [(reason.label, reason.value) for reason in PauseReason]
        )
        self.note = self.line(_("&Note:"), "pause note")

    def chosen(self) -> CoreCall:
        reason = PauseReason(self.reason.currentData())
        if reason is PauseReason.OTHER and not self.note.text().strip():
            raise ValueError(_("Say why the counter pauses."))
        return CoreCall(queue.pause, (self.counter_number, reason, self.note.text().strip()))


class NumberDialog(QueueForm):
    """Which ticket: the number as printed on it (A012)."""

    def __init__(self, title: str, initial: str, parent: QWidget | None) -> None:
        super().__init__(title, parent)
        self.number = self.line(_("Ticket &number:"), "ticket number", initial)
        self.number.selectAll()

    def chosen(self) -> str:
        number = self.number.text().strip().upper()
        if not number:
            raise ValueError(_("Type the number printed on the ticket, for example A012."))
        return number
