"""The clerk's queue panel: the counter this desk serves, the visitor called to it, the queues.

Keyboard: F5 calls the next visitor, F6 a given ticket, F7 calls again, Shift+F7 marks the
visitor as not come, Shift+F6 takes a not-come ticket back into the queue, F8 starts and F9
ends the service, F10 transfers, F11 pauses or resumes the counter, F4 issues a ticket here
and Shift+F4 checks in an appointment; Ctrl+I opens Intake for the visitor at the counter.
Enter on a waiting ticket calls it.

The panel follows the office's queue as it changes, from this desk or any other (see
:mod:`ui.queue_feed`). Two clerks can never get one ticket: the core refuses the second, and
its message is shown here as it is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from app.config import save_setting
from app.domain.prints import PrintEntry
from app.domain.queue import (
    CounterState,
    CounterStatus,
    QueueSnapshot,
    ServiceQueueStatus,
    Ticket,
    TicketState,
)
from app.errors import StorageError
from app.i18n import N_, _
from app.printer_settings import printer_for
from app.services import queue, queue_measures, tickets
from app.services.tickets import TicketPrint
from printing.spool import PaperKind
from ui.context import DeskContext
from ui.dialogs import queue_dialogs as forms
from ui.models.queue import (
    ServiceColumn,
    WaitingColumn,
    describe_ticket,
    kiosk_fault_text,
    ticket_message,
)
from ui.models.table import DataclassTableModel, record_table
from ui.ops import describe_error
from ui.queue_feed import QueueFeed
from ui.tickets import print_ticket
from ui.widgets.banner import Banner
from ui.widgets.forms import error_label, heading, show_error

if TYPE_CHECKING:
    from app.services.core import Core

# The panel's actions, in the order of its buttons: key, shortcut, label, method.
ACTIONS: tuple[tuple[str, str, str, str], ...] = (
    ("next", "F5", N_("Call next"), "call_next"),
    ("call", "F6", N_("Call ticket…"), "ask_call_ticket"),
    ("recall", "F7", N_("Call again"), "recall"),
    ("no_show", "Shift+F7", N_("Not come"), "mark_no_show"),
    ("start", "F8", N_("Start service"), "start_service"),
    ("end", "F9", N_("End service"), "end_service"),
    ("transfer", "F10", N_("Transfer…"), "ask_transfer"),
    ("pause", "F11", N_("Pause…"), "pause_or_resume"),
    ("issue", "F4", N_("Issue a ticket…"), "ask_issue"),
    ("check_in", "Shift+F4", N_("Check in an appointment…"), "ask_check_in"),
    ("reactivate", "Shift+F6", N_("Take back a not-come ticket…"), "ask_reactivate"),
    ("intake", "Ctrl+I", N_("Intake for this visitor"), "open_intake"),
)
_KEYS = {key: keys for key, keys, _label, _method in ACTIONS}


@dataclass(frozen=True, slots=True)
class PanelView:
    snapshot: QueueSnapshot
    waiting: list[Ticket]  # the tickets this counter may call, in order of issue
    kiosk_fault: PrintEntry | None


class QueueScreen(QWidget):
    sig_loaded = Signal(object)  # PanelView
    sig_acted = Signal(str, object)  # the action, what the core returned
    sig_refused = Signal(str)  # the message shown

    def __init__(self, context: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._view: PanelView | None = None
        self._counter: int | None = context.config.queue_counter
        self._busy = False
        self._last_no_show = ""
        self.dialog: forms.QueueForm | None = None

        self.header = heading()
        self.banner = Banner("connection")
        self.counter_label = QLabel()
        self.counter = QComboBox()
        self.counter.setAccessibleName("counter")
        self.counter_state = QLabel()
        self.number = heading(size_delta=22)
        self.number.setAccessibleName("current ticket")
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.fault = error_label()
        self.error = error_label()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName("message")
        self.services: DataclassTableModel[ServiceQueueStatus] = DataclassTableModel(ServiceColumn)
        self.service_table = record_table(self.services, "queues")
        self.waiting: DataclassTableModel[Ticket] = DataclassTableModel(WaitingColumn)
        self.waiting_table = record_table(self.waiting, "waiting tickets")
        self.buttons: dict[str, QPushButton] = {}
        self._build()
        self.feed = QueueFeed(context, self._load, self)
        self.feed.sig_loaded.connect(self._on_loaded)
        self.feed.sig_connection.connect(self._on_connection)
        self.setFocusProxy(self.waiting_table)
        self.retranslate()

    def _build(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.counter_label)
        top.addWidget(self.counter)
        top.addWidget(self.counter_state, 1)
        grid = QGridLayout()
        for index, (key, keys, _label, method) in enumerate(ACTIONS):
            slot = getattr(self, method)
            button = QPushButton()
            button.setAccessibleName(key)
            button.clicked.connect(slot)
            QShortcut(QKeySequence(keys), self, slot)
            self.buttons[key] = button
            grid.addWidget(button, index // 4, index % 4)
        tables = QHBoxLayout()
        tables.addWidget(self.waiting_table, 1)
        tables.addWidget(self.service_table, 2)
        layout = QVBoxLayout(self)
        for widget in (self.header, self.banner, self.fault):
            layout.addWidget(widget)
        layout.addLayout(top)
        layout.addWidget(self.number)
        layout.addWidget(self.details)
        layout.addLayout(grid)
        layout.addWidget(self.error)
        layout.addWidget(self.message)
        layout.addLayout(tables, 1)
        self.counter.currentIndexChanged.connect(self._on_counter_chosen)
        self.waiting_table.activated.connect(lambda index: self._call_row(index.row()))

    def retranslate(self) -> None:
        self.header.setText(_("Queue"))
        self.counter_label.setText(_("&Counter:"))
        self.counter_label.setBuddy(self.counter)
        for key, keys, label, _method in ACTIONS:
            self.buttons[key].setText(f"{_(label)} ({keys})")
        self.services.retranslate()
        self.waiting.retranslate()
        self._show()

    # --- loading ---------------------------------------------------------------------------

    def refresh(self) -> None:
        if self._context.user is not None:
            self.feed.start()

    def _load(self, core: Core) -> PanelView | None:
        if self._context.user is None:
            return None
        actor = self._context.actor
        snapshot = queue_measures.queue_status(core, actor)
        known = {c.number for c in snapshot.counters}
        counter = self._counter if self._counter in known else None
        waiting = queue.waiting_list(core, actor, counter_number=counter) if counter else []
        return PanelView(snapshot, waiting, tickets.kiosk_fault(core, actor))

    def _on_loaded(self, view: PanelView | None) -> None:
        if view is None:
            return
        self._view = view
        numbers = [c.number for c in view.snapshot.counters]
        if [self.counter.itemData(i) for i in range(self.counter.count())] != numbers:
            self.counter.blockSignals(True)
            self.counter.clear()
            for number in numbers:
                self.counter.addItem(str(number), number)
            self.counter.blockSignals(False)
        if self._counter not in numbers and numbers:
            self._counter = None
        index = self.counter.findData(self._counter) if self._counter is not None else -1
        self.counter.blockSignals(True)
        self.counter.setCurrentIndex(index)
        self.counter.blockSignals(False)
        self.services.set_rows(view.snapshot.services)
        self.waiting.set_rows(view.waiting)
        self._show()
        self.sig_loaded.emit(view)

    def _on_connection(self, connected: bool, message: str) -> None:
        self.banner.show_message("" if connected else message)
        self._show()

    def _on_counter_chosen(self, _index: int) -> None:
        number = self.counter.currentData()
        if number is None or number == self._counter:
            return
        self._counter = int(number)
        self._show()
        self._context.ops.io(
            save_setting, self._context.config, "queue_counter", self._counter
        ).success(self._on_config_saved).run()
        self.feed.refresh()

    def _on_config_saved(self, config: Any) -> None:
        self._context.config = config  # the desk's settings, whether or not the panel is open

    # --- what is shown ---------------------------------------------------------------------

    def status(self) -> CounterStatus | None:
        if self._view is None or self._counter is None:
            return None
        return next((c for c in self._view.snapshot.counters if c.number == self._counter), None)

    def current(self) -> Ticket | None:
        status = self.status()
        return status.current if status is not None else None

    def _show(self) -> None:
        status, ticket = self.status(), self.current()
        if self._counter is None:
            self.counter_state.setText(_("Choose the counter you work at."))
        elif status is not None:
            text = status.state.label
            if status.state is CounterState.PAUSED and status.pause_reason is not None:
                text += f" · {status.pause_reason.label} {status.pause_note}".rstrip()
            self.counter_state.setText(
                text + (f" · {status.clerk_name}" if status.clerk_name else "")
            )
        self.number.setText(ticket.number if ticket else "—")
        self.details.setText(describe_ticket(ticket) if ticket else _("No visitor at the counter."))
        fault = self._view.kiosk_fault if self._view else None
        show_error(self.fault, kiosk_fault_text(fault) if fault else "")
        self._enable(status, ticket)

    def _enable(self, status: CounterStatus | None, ticket: Ticket | None) -> None:
        ready = not self._busy and self.feed.connected and status is not None
        paused = status is not None and status.state is CounterState.PAUSED
        called = ticket is not None and ticket.state is TicketState.CALLED
        serving = ticket is not None and ticket.state is TicketState.SERVING
        free = ready and ticket is None and not paused
        states = {
            "next": free,
            "call": free,
            "recall": ready and called,
            "no_show": ready and called,
            "reactivate": ready,
            "start": ready and called,
            "end": ready and serving,
            "transfer": ready and ticket is not None,
            "pause": ready and ticket is None,
            "issue": not self._busy and self._view is not None,
            "check_in": not self._busy and self._view is not None,
            "intake": ticket is not None,
        }
        for key, enabled in states.items():
            self.buttons[key].setEnabled(enabled)
        self.buttons["pause"].setText(
            (_("Resume") if paused else _("Pause…")) + f" ({_KEYS['pause']})"
        )

    # --- actions -----------------------------------------------------------------------------

    def _run(self, key: str, function: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        """Run one queue change; one at a time, so a key held down never calls twice."""
        core = self._context.core
        if core is None or self._context.user is None or self._busy:
            return
        if not self.buttons[key].isEnabled():
            return
        self._busy = True
        show_error(self.error, "")
        self._enable(self.status(), self.current())
        self._context.ops.mutate(function, core, self._context.actor, *args, **kwargs).success(
            lambda result: self._on_done(key, result)
        ).failure(self._on_refused).run()

    def _on_done(self, key: str, result: Any) -> None:
        if not isValid(self):  # the screen closed while it ran
            return
        self._busy = False
        if isinstance(result, Ticket):
            self.message.setText(ticket_message(key, result))
            if result.state is TicketState.NO_SHOW:
                self._last_no_show = result.number
        elif key == "next" and result is None:
            self.message.setText(_("No one is waiting for this counter's services."))
        self._show()
        self.sig_acted.emit(key, result)
        if key == "issue" and isinstance(result, Ticket):
            self._print_desk_ticket(result)

    def _on_refused(self, error: BaseException) -> None:
        if not isValid(self):  # the screen closed while it ran
            return
        self._busy = False
        message = describe_error(error)
        show_error(self.error, message)
        if isinstance(error, StorageError):
            self.feed.report_lost()
        self._show()
        self.sig_refused.emit(message)

    def call_next(self) -> None:
        if self._counter is not None:
            self._run("next", queue.call_next, self._counter)

    def _call_row(self, row: int) -> None:
        ticket = self.waiting.row_at(row)
        if ticket is not None and self._counter is not None:
            self._run("call", queue.call_ticket, self._counter, ticket.number)

    def _with_current(self, key: str, function: Callable[..., Any]) -> None:
        ticket = self.current()
        if ticket is not None:
            self._run(key, function, ticket.id)

    def recall(self) -> None:
        self._with_current("recall", queue.recall)

    def mark_no_show(self) -> None:
        self._with_current("no_show", queue.mark_no_show)

    def start_service(self) -> None:
        self._with_current("start", queue.start_service)

    def end_service(self) -> None:
        self._with_current("end", queue.end_service)

    def pause_or_resume(self) -> None:
        status = self.status()
        if status is not None and status.state is CounterState.PAUSED:
            self._run("pause", queue.resume, status.number)
        elif status is not None and self.buttons["pause"].isEnabled():
            self._ask("pause", forms.PauseDialog(status.number, self))

    def open_intake(self) -> None:
        ticket = self.current()
        if ticket is not None:
            self._context.bus.sig_open.emit("intake", ticket)

    # --- actions that ask first ----------------------------------------------------------------

    def _ask(
        self, key: str, dialog: forms.QueueForm, then: Callable[[Any], None] | None = None
    ) -> None:
        """Open the form; what it chose runs as ``key`` (a CoreCall), or goes to ``then``."""
        if not self.buttons[key].isEnabled():
            return
        self.dialog = dialog

        def run(call: forms.CoreCall) -> None:
            self._run(key, call.function, *call.args, **call.kwargs)

        dialog.sig_chosen.connect(then or run)
        dialog.finished.connect(self._back_from_dialog)
        dialog.open()

    def _back_from_dialog(self) -> None:
        # The keys work on the panel again at once (some window systems leave no window active).
        self.activateWindow()
        self.setFocus()

    def ask_call_ticket(self) -> None:
        counter = self._counter
        if counter is not None:
            self._ask(
                "call",
                forms.NumberDialog(_("Call a ticket"), "", self),
                lambda number: self._run("call", queue.call_ticket, counter, number),
            )

    def ask_reactivate(self) -> None:
        dialog = forms.NumberDialog(_("Take back a not-come ticket"), self._last_no_show, self)
        self._ask("reactivate", dialog, self._reactivate_number)

    def _reactivate_number(self, number: str) -> None:
        core = self._context.core
        if core is not None:
            self._context.ops.query(tickets.find_ticket, core, self._context.actor, number).success(
                lambda ticket: self._run("reactivate", queue.reactivate, ticket.id)
            ).failure(self._on_refused).run()

    def ask_transfer(self) -> None:
        ticket, view = self.current(), self._view
        if ticket is not None and view is not None:
            counters = [c.number for c in view.snapshot.counters]
            dialog = forms.TransferDialog(ticket, view.snapshot.services, counters, self)
            self._ask("transfer", dialog)

    def ask_issue(self) -> None:
        if self._view is not None:
            self._ask("issue", forms.IssueDialog(self._view.snapshot.services, self))

    def ask_check_in(self) -> None:
        if self._view is not None:
            self._ask("check_in", forms.CheckInDialog(self._view.snapshot.services, self))

    def _print_desk_ticket(self, ticket: Ticket) -> None:
        """A ticket issued here prints on this desk's roll printer, if it has one."""
        if printer_for(self._context.config, PaperKind.ROLL) and self._context.user is not None:
            print_ticket(
                self._context,
                self._context.actor,
                ticket,
                language=self._context.config.language,
                on_done=self._on_desk_ticket_printed,
                on_error=lambda error: show_error(self.error, describe_error(error)),
            )

    def _on_desk_ticket_printed(self, printed: TicketPrint) -> None:
        if not isValid(self):  # the screen closed while it ran
            return
        if printed.fault:
            show_error(self.error, printed.fault)
