"""The kiosk: a visitor touches their language and their service, and takes a ticket.

Full screen, large type, nothing to type: a button per service the office's counters serve,
and for those entitled to it a priority button that asks which category applies. The ticket
is issued first and shown on screen (number, service, people ahead, likely wait, where to go),
then printed on this computer's roll printer; a printer out of paper or offline leaves the
ticket standing, says so on screen, and its fault is logged for the supervisor (see
:mod:`app.services.tickets`). After a while the kiosk goes back to the start for the next
visitor, in the office's language.

Started with ``reception-desk --kiosk``; it acts as the system actor "kiosk", as the queue's
core expects: no one logs in at a kiosk. Texts are shown in the visitor's chosen language
whatever the computer's, so they are translated with ``translate_to``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from app.domain.queue import (
    PRIORITY_CATEGORIES,
    PriorityCategory,
    QueueSnapshot,
    Ticket,
    TicketChannel,
)
from app.i18n import LANGUAGE_NAMES, LANGUAGES, N_, translate_to
from app.services import queue
from app.services.queue_measures import queue_status
from app.services.tickets import TicketPrint, counters_label
from printing.spool import PrinterBackend
from ui.context import DeskContext
from ui.ops import describe_error
from ui.queue_feed import QueueFeed
from ui.tickets import print_ticket
from ui.widgets.banner import Banner

if TYPE_CHECKING:
    from app.services.core import Core

RETURN_MS = 20_000  # the ticket stays on screen this long, then the next visitor's turn
COLUMNS = 3

# As a visitor reads them: first person, plainly.
CATEGORY_TEXTS: dict[PriorityCategory, str] = {
    PriorityCategory.DISABLED: N_("I have a disability"),
    PriorityCategory.ELDERLY: N_("I am an elderly person"),
    PriorityCategory.PREGNANT: N_("I am pregnant"),
    PriorityCategory.WITH_CHILD: N_("I am with a baby under one year"),
    PriorityCategory.VETERAN: N_("I am a war veteran or a veteran's family member"),
}
T_CHOOSE = N_("Touch the service you need")
T_PRIORITY = N_("Priority service (disability, age, pregnancy, baby, veterans)")
T_WHICH = N_("Which applies to you?")
T_BACK = N_("Back")
T_NUMBER = N_("Your number")
T_AHEAD = N_("People ahead of you: {count}")
T_WAIT = N_("Estimated wait: about {minutes} min")
T_NEXT = N_("You are next.")
T_GO = N_("When your number is shown, go to counter {counter}.")
T_PRINTING = N_("Printing your ticket…")
T_TAKE = N_("Take your ticket below.")
T_NO_PAPER = N_(
    "The ticket could not be printed: please remember your number. The staff have been told."
)
T_DONE = N_("Done")
T_FAILED = N_("Your ticket could not be issued. Please try again, or ask at the reception desk.")

_STYLE = """
QWidget { font-size: 22pt; }
QPushButton { min-height: 110px; padding: 12px; border-radius: 12px;
  background: #13315c; color: white; }
QPushButton:checked { background: #ffd166; color: black; }
QPushButton:disabled { background: #8da9c4; }
QLabel#number { font-size: 120pt; font-weight: bold; }
QLabel#title { font-size: 30pt; font-weight: bold; }
"""


def _label(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setAccessibleName(name)
    return label


class KioskWindow(QWidget):
    sig_ready = Signal()  # the services are shown: a visitor can take a ticket
    sig_issued = Signal(object)  # Ticket
    sig_printed = Signal(object)  # TicketPrint: printed, or its fault

    def __init__(
        self,
        context: DeskContext,
        *,
        backend: PrinterBackend | None = None,
        return_ms: int = RETURN_MS,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._context = context
        self._backend = backend
        self.language = context.config.language
        self.snapshot: QueueSnapshot | None = None
        self.ticket: Ticket | None = None
        self._busy = False
        self._chosen_service = ""
        self.setStyleSheet(_STYLE)
        self.banner = Banner("connection")
        self.language_buttons = {code: QPushButton(LANGUAGE_NAMES[code]) for code in LANGUAGES}
        self.pages = QStackedWidget()
        self.services_page, self.services_grid = QWidget(), QGridLayout()
        self.title = _label("title")
        self.service_buttons: dict[str, QPushButton] = {}
        self.priority = QPushButton()
        self.priority.setCheckable(True)
        self.priority.setAccessibleName("priority")
        self.categories_page = QWidget()
        self.which = _label("title")
        self.category_buttons = {c: QPushButton() for c in PRIORITY_CATEGORIES}
        self.back = QPushButton()
        self.ticket_page = QWidget()
        self.number_heading, self.number = QLabel(), _label("number")
        self.number.setAccessibleName("number")
        self.details = QLabel(wordWrap=True)
        self.print_status = QLabel(wordWrap=True)
        self.print_status.setAccessibleName("print status")
        self.done = QPushButton()
        self.error = QLabel(wordWrap=True)
        self._return = QTimer(self, singleShot=True, interval=return_ms)
        self._return.timeout.connect(self.start_over)
        self._build()
        self.feed = QueueFeed(context, self._load, self)
        self.feed.sig_loaded.connect(self._on_loaded)
        self.feed.sig_connection.connect(self._on_connection)
        self.retranslate()

    def _build(self) -> None:
        languages = QHBoxLayout()
        for code, button in self.language_buttons.items():
            button.setCheckable(True)
            button.clicked.connect(lambda _c=False, code=code: self.choose_language(code))
            languages.addWidget(button)
        services = QVBoxLayout(self.services_page)
        services.addWidget(self.title, 0, Qt.AlignmentFlag.AlignHCenter)
        services.addLayout(self.services_grid, 1)
        services.addWidget(self.priority)
        categories = QVBoxLayout(self.categories_page)
        categories.addWidget(self.which, 0, Qt.AlignmentFlag.AlignHCenter)
        for category, button in self.category_buttons.items():
            button.clicked.connect(lambda _c=False, c=category: self.choose_category(c))
            categories.addWidget(button)
        categories.addWidget(self.back)
        self.back.clicked.connect(self.start_over)
        shown = QVBoxLayout(self.ticket_page)
        for label in (self.number_heading, self.number, self.details, self.print_status):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            shown.addWidget(label)
        shown.addWidget(self.done)
        self.done.clicked.connect(self.start_over)
        for page in (self.services_page, self.categories_page, self.ticket_page):
            self.pages.addWidget(page)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(languages)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.error)

    def t(self, message: str) -> str:
        """``message`` in the visitor's language."""
        return translate_to(self.language, message)

    def retranslate(self) -> None:
        for code, button in self.language_buttons.items():
            button.setChecked(code == self.language)
        self.title.setText(self.t(T_CHOOSE))
        self.priority.setText(self.t(T_PRIORITY))
        self.which.setText(self.t(T_WHICH))
        for category, button in self.category_buttons.items():
            button.setText(self.t(CATEGORY_TEXTS[category]))
        self.back.setText(self.t(T_BACK))
        self.number_heading.setText(self.t(T_NUMBER))
        self.done.setText(self.t(T_DONE))
        self._fill_services()
        if self.ticket is not None:
            self._show_ticket(self.ticket)

    # --- the services ----------------------------------------------------------------------

    def start(self) -> None:
        self.feed.start()

    def _load(self, core: Core) -> QueueSnapshot:
        return queue_status(core, queue.KIOSK)

    def _on_loaded(self, snapshot: QueueSnapshot) -> None:
        first = self.snapshot is None
        self.snapshot = snapshot
        self._fill_services()
        if first:
            self.sig_ready.emit()

    def _on_connection(self, connected: bool, message: str) -> None:
        # The visitor reads the kiosk's own words; the technical message goes to the log.
        self.banner.show_message("" if connected else self.t(T_FAILED))
        del message
        self._enable()

    def _served(self) -> list[tuple[str, str]]:
        """(code, name) of the services some counter serves: a ticket for another would wait
        for ever."""
        if self.snapshot is None:
            return []
        served = {code for c in self.snapshot.counters for code in c.service_codes}
        return [
            (s.code, s.name.in_language(self.language))
            for s in self.snapshot.services
            if s.code in served
        ]

    def _fill_services(self) -> None:
        wanted = self._served()
        if [code for code, _name in wanted] != list(self.service_buttons):
            for button in self.service_buttons.values():
                self.services_grid.removeWidget(button)
                button.deleteLater()
            self.service_buttons = {}
            for index, (code, _name) in enumerate(wanted):
                button = QPushButton()
                button.setAccessibleName(code)
                button.clicked.connect(lambda _c=False, code=code: self.choose_service(code))
                self.services_grid.addWidget(button, index // COLUMNS, index % COLUMNS)
                self.service_buttons[code] = button
        for code, name in wanted:
            self.service_buttons[code].setText(name)
        self._enable()

    def _enable(self) -> None:
        usable = not self._busy and self.feed.connected
        for button in (*self.service_buttons.values(), *self.category_buttons.values()):
            button.setEnabled(usable)

    # --- the visitor's choices -------------------------------------------------------------

    def choose_language(self, language: str) -> None:
        self.language = language
        self.retranslate()

    def choose_service(self, code: str) -> None:
        if self._busy:
            return
        if self.priority.isChecked():
            self._chosen_service = code
            self.pages.setCurrentWidget(self.categories_page)
            return
        self._issue(code, None)

    def choose_category(self, category: PriorityCategory) -> None:
        if self._chosen_service:
            self._issue(self._chosen_service, category)

    def _issue(self, code: str, priority: PriorityCategory | None) -> None:
        core = self._context.core
        if core is None or self._busy:
            return
        self._busy = True  # one touch, one ticket: a second touch waits for the first
        self._enable()
        self.error.setText("")
        self._context.ops.mutate(
            queue.issue_ticket,
            core,
            queue.KIOSK,
            code,
            priority=priority,
            channel=TicketChannel.KIOSK,
        ).success(self._on_issued).failure(self._on_issue_failed).run()

    def _on_issued(self, ticket: Ticket) -> None:
        if not isValid(self):  # the window closed while it ran
            return
        self._busy = False
        self.ticket = ticket
        self._show_ticket(ticket)
        self.print_status.setText(self.t(T_PRINTING))
        self.pages.setCurrentWidget(self.ticket_page)
        self._enable()
        self._return.start()
        self.sig_issued.emit(ticket)
        print_ticket(
            self._context,
            queue.KIOSK,
            ticket,
            language=self.language,
            on_done=self._on_printed,
            on_error=lambda error: self._on_printed(
                TicketPrint(ticket, "", describe_error(error), None)
            ),
            backend=self._backend,
        )

    def _on_issue_failed(self, error: BaseException) -> None:
        if not isValid(self):  # the window closed while it ran
            return
        self._busy = False
        self.error.setText(self.t(T_FAILED))
        self._enable()
        self.feed.refresh()
        del error  # logged by the operations layer

    def _show_ticket(self, ticket: Ticket) -> None:
        self.number.setText(ticket.number)
        lines = [ticket.service_name.in_language(self.language)]
        if ticket.people_ahead:
            lines.append(self.t(T_AHEAD).format(count=ticket.people_ahead))
            lines.append(self.t(T_WAIT).format(minutes=max(1, ticket.estimated_wait_minutes)))
        else:
            lines.append(self.t(T_NEXT))
        counters = self._counters_for(ticket)
        if counters:
            lines.append(self.t(T_GO).format(counter=counters))
        self.details.setText("\n".join(lines))

    def _counters_for(self, ticket: Ticket) -> str:
        if self.snapshot is None:
            return ""
        return counters_label(
            [c.number for c in self.snapshot.counters if ticket.service_code in c.service_codes]
        )

    def _on_printed(self, printed: TicketPrint) -> None:
        if not isValid(self):  # the window closed while it ran
            return
        if self.ticket is not None and printed.ticket.id == self.ticket.id:
            self.print_status.setText(self.t(T_TAKE if printed.printed else T_NO_PAPER))
        self.sig_printed.emit(printed)

    def start_over(self) -> None:
        """Back to the services, in the office's language, for the next visitor."""
        self._return.stop()
        self.ticket = None
        self._chosen_service = ""
        self.priority.setChecked(False)
        self.language = self._context.config.language
        self.pages.setCurrentWidget(self.services_page)
        self.retranslate()
