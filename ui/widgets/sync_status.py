"""The link to the centre in the status bar: online or offline, the last sync, what waits to go,
what the centre refused, a warning when this computer's clock is off, and Sync now (F9).

Everything comes from the sync agent's state (:class:`ui.sync_agent.AgentState`); the widget
only shows it. "Offline" means the last attempt could not reach the centre: work goes on, and
what waits is sent once the link is back.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget

from app.clock import office_zone
from app.i18n import _, ngettext
from ui.context import DeskContext
from ui.dialogs.sync_progress import SyncProgressDialog
from ui.sync_agent import AgentState, Link, SyncAgent

if TYPE_CHECKING:  # the sync client loads with the first sync, not with the window
    from app.sync.run import SyncReport

MESSAGE_MS = 15_000


def _moment(value: datetime) -> str:
    """Office-local time; with the day when it was not today."""
    zone = office_zone()
    local = value.astimezone(zone)
    if local.date() == datetime.now(UTC).astimezone(zone).date():
        return local.strftime("%H:%M")
    return local.strftime("%d.%m %H:%M")


def link_text(state: AgentState) -> str:
    if state.running:
        return _("Syncing…")
    texts = {
        Link.UNKNOWN: _("Centre: not synced yet"),
        Link.NOT_ENROLLED: _("Centre: not enrolled"),
        Link.ONLINE: _("Online"),
        Link.OFFLINE: _("Offline"),
        Link.FAILED: _("Sync failed"),
    }
    return texts[state.link]


def report_text(report: SyncReport) -> str:
    received = report.pull.applied if report.pull is not None else 0
    if report.cancelled:
        text = _("Sync cancelled: {sent} records sent; the rest waits for the next sync.").format(
            sent=report.push.sent
        )
    else:
        text = _("Synced: {sent} records sent, {received} changes received.").format(
            sent=report.push.sent, received=received
        )
    if report.push.quarantined:
        text += " " + ngettext(
            "The centre refused {count} record: a supervisor sees why.",
            "The centre refused {count} records: a supervisor sees why.",
            report.push.quarantined,
        ).format(count=report.push.quarantined)
    return text


class SyncStatusWidget(QWidget):
    sig_message_posted = Signal(str)  # a passing message for the status bar
    sig_quarantine_opened = Signal(object)  # QuarantineDialog

    def __init__(
        self, context: DeskContext, agent: SyncAgent, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._context = context
        self.agent = agent
        self.progress: SyncProgressDialog | None = None
        self._asked = False  # the clerk asked for the sync under way: say how it ended
        self.link = QLabel()
        self.last = QLabel()
        self.pending = QLabel()
        self.refused = QPushButton()
        self.refused.setFlat(True)
        self.refused.setStyleSheet("color: #b00020;")
        self.clock = QLabel()
        self.clock.setStyleSheet("color: #b00020; font-weight: bold;")
        self.sync_button = QToolButton()
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for widget, name in (
            (self.link, "sync link"),
            (self.last, "last sync"),
            (self.pending, "waiting to be sent"),
            (self.refused, "refused records"),
            (self.clock, "clock warning"),
            (self.sync_button, "sync now"),
        ):
            widget.setObjectName(name.replace(" ", "_"))
            row.addWidget(widget)
        self.refused.clicked.connect(self.open_quarantine)
        self.sync_button.clicked.connect(self.sync_now)
        agent.sig_state_changed.connect(self._on_state_changed)
        agent.sig_finished.connect(self._on_finished)
        agent.sig_failed.connect(self._on_failed)
        self.retranslate()

    def retranslate(self) -> None:
        state = self.agent.state
        self.setVisible(state.active)
        status = state.status
        self.link.setText(link_text(state))
        self.link.setToolTip(state.message)
        self.last.setVisible(state.enrolled)
        last = status.last_sync_at if status is not None else None
        self.last.setText(
            _("Last sync {time}").format(time=_moment(last)) if last else _("Never synced")
        )
        self.pending.setVisible(status is not None)
        count = status.pending if status is not None else 0
        self.pending.setText(
            ngettext("{count} waiting", "{count} waiting", count).format(count=count)
        )
        self.pending.setToolTip(_("Records waiting to be sent to the centre"))
        refused = status.quarantined if status is not None else 0
        self.refused.setVisible(refused > 0)
        self.refused.setText(
            ngettext("{count} refused", "{count} refused", refused).format(count=refused)
        )
        self.refused.setToolTip(_("Records the centre refused: open the list"))
        self.clock.setVisible(state.clock_warning is not None)
        self.clock.setText(_("Check the clock"))
        self.clock.setToolTip(state.clock_warning or "")
        self.sync_button.setText(_("Sync now (F9)"))
        self.sync_button.setEnabled(state.enrolled)
        for label in (self.link, self.last, self.pending):
            label.setAccessibleName(label.text())
        self.clock.setAccessibleName(state.clock_warning or "")

    # --- actions -----------------------------------------------------------------------------

    def sync_now(self) -> None:
        """Sync at once and show its progress, with Cancel (Esc)."""
        task = self.agent.sync_now()
        if task is None:
            if self.agent.state.active and not self.agent.enrolled:
                self.sig_message_posted.emit(
                    _(
                        "This desk is not enrolled with the centre: an administrator enrols it in "
                        "Settings."
                    )
                )
            return
        self._asked = True
        if self.progress is None:
            self.progress = SyncProgressDialog(self.agent, self.window())
        self.progress.follow(task)
        self.progress.show()
        self.progress.raise_()
        self.progress.activateWindow()
        self.progress.cancel_button.setFocus()

    def open_quarantine(self) -> None:
        from ui.dialogs.quarantine import QuarantineDialog

        dialog = QuarantineDialog(self._context, self.window())
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        dialog.load()
        self.sig_quarantine_opened.emit(dialog)

    # --- the agent ---------------------------------------------------------------------------

    def _on_state_changed(self, _state: AgentState) -> None:
        self.retranslate()

    def _on_finished(self, report: SyncReport) -> None:
        if self._asked:
            self._asked = False
            self.sig_message_posted.emit(report_text(report))

    def _on_failed(self, message: str) -> None:
        if self._asked:
            self._asked = False
            self.sig_message_posted.emit(message)
