"""Supervisor: the office live, its summaries, and its administration, in three tabs.

Live shows the queues, the counters and their clerks, today's measures and the alerts, and
follows every change of the queue. Summary previews, prints and saves a day's, week's or
month's summary. Office manages the users, the queue's rules, the counters' services, this
computer's printers and the display screen.

Anyone may open the screen; only supervisors and administrators get anything from it. The
core refuses everyone else, and the refusal is shown as the core words it.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from app.domain.users import Permission
from app.i18n import _
from ui.context import DeskContext
from ui.widgets.card_calibration import CardCalibrationWidget
from ui.widgets.forms import heading
from ui.widgets.supervisor_devices import DevicesWidget
from ui.widgets.supervisor_live import LiveViewWidget
from ui.widgets.supervisor_office import OfficeWidget
from ui.widgets.supervisor_summary import SummaryWidget


class SupervisorScreen(QWidget):
    def __init__(self, context: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self.header = heading()
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setAccessibleName("note")
        self.live = LiveViewWidget(context)
        self.summary = SummaryWidget(context)
        self.office = OfficeWidget(context)
        self.devices = DevicesWidget(context)
        self.calibration = CardCalibrationWidget(context)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("supervisor sections")
        for widget in (self.live, self.summary, self.office, self.devices, self.calibration):
            self.tabs.addTab(widget, "")
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.note)
        layout.addWidget(self.tabs, 1)
        self.setFocusProxy(self.tabs)
        self.retranslate()

    def retranslate(self) -> None:
        self.header.setText(_("Supervisor"))
        for index, title in enumerate(
            (
                _("&Live"),
                _("S&ummary"),
                _("&Office"),
                _("&Counters and devices"),
                _("Card printer calibration"),
            )
        ):
            self.tabs.setTabText(index, title)
        for part in (self.live, self.summary, self.office, self.devices, self.calibration):
            part.retranslate()
        self._show_note()

    def _show_note(self) -> None:
        user = self._context.user
        # A hint only: the core refuses whatever the role does not allow, whoever asks.
        allowed = user is None or user.may(Permission.VIEW_REPORTS)
        self.note.setText(
            ""
            if allowed
            else _("This screen is for supervisors and administrators: your role cannot use it.")
        )
        self.note.setVisible(not allowed)

    def refresh(self) -> None:
        if self._context.user is None:
            return
        self._show_note()
        self.live.start()
        self.office.refresh()
        self.devices.refresh()
        self.calibration.refresh()

    def stop_work(self) -> None:
        self.live.stop()
