"""The waiting-room display: the calls now (ticket and counter, large), the calls before them,
how many wait for each service, and the office's running text along the foot. Every new call,
and every call made again, is announced (see :mod:`ui.display.announcer`).

The display is a desk of its own (``reception-desk --display``) on the office's database: it
follows the queue through :class:`ui.queue_feed.QueueFeed`, within a second of a change made
anywhere in the office, and acts as the system actor "display", which only reads.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from html import escape
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.config import voice_languages
from app.domain.queue import CallEntry, QueueSnapshot, TicketState
from app.domain.users import Actor
from app.i18n import _, current_language
from app.services.queue_measures import queue_status
from ui.context import DeskContext
from ui.display.announcer import Announcer
from ui.display.marquee import Marquee
from ui.queue_feed import QueueFeed
from ui.widgets.banner import Banner

if TYPE_CHECKING:
    from app.services.core import Core

DISPLAY = Actor.system("display")
CURRENT_ROWS = 4  # the calls shown large: those still waiting for their visitor
EARLIER_ROWS = 6

_STYLE = """
DisplayWindow { background: #0b2545; }
QLabel { color: white; }
QLabel#heading { font-size: 26pt; color: #8da9c4; }
QLabel#ticket, QLabel#counter { font-size: 72pt; font-weight: bold; }
QLabel#ticket[fresh="true"], QLabel#counter[fresh="true"] { color: #ffd166; }
QLabel#earlier, QLabel#waiting { font-size: 24pt; }
Marquee { font-size: 26pt; color: white; background: #13315c; }
"""


def _key(call: CallEntry) -> tuple[uuid.UUID, datetime]:
    # A call made again keeps its ticket but has a new time: it is announced again.
    return call.ticket_id, call.called_at


def _label(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setAccessibleName(name)
    return label


class DisplayWindow(QWidget):
    sig_shown = Signal(object)  # the QueueSnapshot now on screen
    sig_called = Signal(object)  # a CallEntry seen for the first time, and announced

    def __init__(
        self,
        context: DeskContext,
        announcer: Announcer | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._context = context
        self._seen: set[tuple[uuid.UUID, datetime]] | None = None  # None until the first load
        self.snapshot: QueueSnapshot | None = None
        self.announcer = announcer or Announcer(voice_languages(context.config))
        # Owned by the window, so it goes with it, on the UI thread, never with a stray timer.
        self.announcer.setParent(self)
        self.setStyleSheet(_STYLE)
        self.setWindowTitle(_("Reception Desk"))
        self.banner = Banner("connection")
        self.now_heading = _label("heading")
        self.ticket_heading = _label("heading")
        self.counter_heading = _label("heading")
        self.rows = [(_label("ticket"), _label("counter")) for _row in range(CURRENT_ROWS)]
        self.earlier_heading = _label("heading")
        self.earlier = _label("earlier")
        self.waiting_heading = _label("heading")
        self.waiting = _label("waiting")
        self.waiting.setWordWrap(True)
        self.marquee = Marquee()
        self.marquee.set_text(context.config.display_text)
        self._build()
        self.feed = QueueFeed(context, self._load, self)
        self.feed.sig_loaded.connect(self._on_loaded)
        self.feed.sig_connection.connect(
            lambda connected, message: self.banner.show_message("" if connected else message)
        )
        self.retranslate()

    def _build(self) -> None:
        calls = QGridLayout()
        calls.addWidget(self.ticket_heading, 0, 0)
        calls.addWidget(self.counter_heading, 0, 1, Qt.AlignmentFlag.AlignRight)
        for row, (ticket, counter) in enumerate(self.rows, start=1):
            calls.addWidget(ticket, row, 0)
            calls.addWidget(counter, row, 1, Qt.AlignmentFlag.AlignRight)
        left = QVBoxLayout()
        left.addWidget(self.now_heading)
        left.addLayout(calls)
        left.addStretch(1)
        left.addWidget(self.earlier_heading)
        left.addWidget(self.earlier)
        right = QVBoxLayout()
        right.addWidget(self.waiting_heading)
        right.addWidget(self.waiting)
        right.addStretch(1)
        body = QHBoxLayout()
        body.addLayout(left, 3)
        body.addLayout(right, 2)
        body.setContentsMargins(24, 16, 24, 16)
        body.setSpacing(48)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.banner)
        layout.addLayout(body, 1)
        layout.addWidget(self.marquee)

    def retranslate(self) -> None:
        self.now_heading.setText(_("Now calling"))
        self.ticket_heading.setText(_("Ticket"))
        self.counter_heading.setText(_("Counter"))
        self.earlier_heading.setText(_("Called before"))
        self.waiting_heading.setText(_("Waiting"))
        if self.snapshot is not None:
            self._show(self.snapshot, fresh=set())

    def start(self) -> None:
        self.feed.start()

    def _load(self, core: Core) -> QueueSnapshot:
        return queue_status(core, DISPLAY)

    def _on_loaded(self, snapshot: QueueSnapshot) -> None:
        keys = {_key(call) for call in snapshot.calls}
        new = [] if self._seen is None else [c for c in snapshot.calls if _key(c) not in self._seen]
        # What was on screen before the display started is not announced again.
        self._seen = keys
        for call in reversed(new):  # the oldest first: in the order they were made
            self.announcer.announce(call.number, call.counter_number)
            self.sig_called.emit(call)
        self.snapshot = snapshot
        self._show(snapshot, fresh={call.ticket_id for call in new})
        self.sig_shown.emit(snapshot)

    # --- what is shown ---------------------------------------------------------------------

    def current_calls(self) -> list[tuple[str, int]]:
        """The calls shown large: visitors called and not yet at their counter."""
        if self.snapshot is None:
            return []
        calls = [c for c in self.snapshot.calls if c.state is TicketState.CALLED]
        return [(c.number, c.counter_number) for c in calls[:CURRENT_ROWS]]

    def _show(self, snapshot: QueueSnapshot, fresh: set[uuid.UUID]) -> None:
        current = [c for c in snapshot.calls if c.state is TicketState.CALLED][:CURRENT_ROWS]
        for index, (ticket, counter) in enumerate(self.rows):
            call = current[index] if index < len(current) else None
            ticket.setText(call.number if call else "")
            counter.setText(str(call.counter_number) if call else "")
            for label in (ticket, counter):
                label.setProperty("fresh", bool(call and call.ticket_id in fresh))
                label.style().polish(label)
        shown = {c.ticket_id for c in current}
        earlier = [c for c in snapshot.calls if c.ticket_id not in shown][:EARLIER_ROWS]
        self.earlier.setText("\n".join(f"{c.number}  →  {c.counter_number}" for c in earlier))
        served = {code for counter in snapshot.counters for code in counter.service_codes}
        language = current_language()
        rows = "".join(
            f"<tr><td>{escape(s.name.in_language(language))}</td>"
            f"<td align='right'>&nbsp;&nbsp;{s.waiting}</td></tr>"
            for s in snapshot.services
            if s.code in served
        )
        table = f"<table width='100%'>{rows}</table>"  # markup only: the names are master data
        self.waiting.setText(table)
