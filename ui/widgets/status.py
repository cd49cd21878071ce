"""The status bar: who is logged in, the office, and the link to the centre with what waits."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from app.i18n import current_language
from ui.context import DeskContext
from ui.sync_agent import SyncAgent
from ui.widgets.sync_status import MESSAGE_MS, SyncStatusWidget


class DeskStatusBar(QStatusBar):
    def __init__(
        self, context: DeskContext, agent: SyncAgent, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._context = context
        self.user = QLabel()
        self.office = QLabel()
        for label, name in ((self.user, "user"), (self.office, "office")):
            label.setObjectName(name)
            self.addPermanentWidget(label)
        self.sync = SyncStatusWidget(context, agent)
        self.addPermanentWidget(self.sync)
        self.sync.sig_message_posted.connect(self._on_message_posted)
        self.retranslate()

    def retranslate(self) -> None:
        user, identity = self._context.user, self._context.identity
        self.user.setText(f"{user.full_name} · {user.role.label}" if user else "")
        self.office.setText(
            identity.office.name.in_language(current_language()) if identity else ""
        )
        for label in (self.user, self.office):
            label.setAccessibleName(label.text())
        self.sync.retranslate()

    def _on_message_posted(self, message: str) -> None:
        self.showMessage(message, MESSAGE_MS)
