"""The status bar: who is logged in, the office, the link to the centre, what waits to go."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from app.domain.changes import Changes, Topic
from app.i18n import _, current_language
from ui.context import DeskContext


class DeskStatusBar(QStatusBar):
    def __init__(self, context: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._pending: int | None = None
        self.user = QLabel()
        self.office = QLabel()
        self.link = QLabel()
        self.pending = QLabel()
        for label, name in (
            (self.user, "user"),
            (self.office, "office"),
            (self.link, "connection"),
            (self.pending, "pending"),
        ):
            label.setObjectName(name)
            self.addPermanentWidget(label)
        context.bus.sig_changed.connect(self._on_changed)
        self.retranslate()

    def retranslate(self) -> None:
        user, identity = self._context.user, self._context.identity
        self.user.setText(f"{user.full_name} · {user.role.label}" if user else "")
        self.office.setText(
            identity.office.name.in_language(current_language()) if identity else ""
        )
        # Sync with the central server is not configured on this desk yet: say so plainly.
        self.link.setText(_("Central server: not connected"))
        self.pending.setText(
            _("To send: {count}").format(count=self._pending) if self._pending is not None else ""
        )
        for label in (self.user, self.office, self.link, self.pending):
            label.setAccessibleName(label.text())

    def refresh(self) -> None:
        core = self._context.core
        if core is not None:
            from app.services import outbox

            self._context.ops.query(outbox.pending_count, core).success(self._on_counted).run()

    def _on_counted(self, count: int) -> None:
        self._pending = count
        self.retranslate()

    def _on_changed(self, changes: Changes) -> None:
        if changes.touches(Topic.OUTBOX, Topic.SESSION):
            self.refresh()
