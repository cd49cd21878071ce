"""The first screen after login: who is at the desk, the office, what waits to be sent."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.domain.changes import Changes, Topic
from app.i18n import _, current_language
from app.services import outbox
from ui.context import DeskContext
from ui.widgets.forms import heading


class HomeScreen(QWidget):
    def __init__(self, context: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._pending: int | None = None
        self.greeting = heading()
        self.office = QLabel()
        self.pending = QLabel()
        self.shortcuts = QLabel()
        self.shortcuts.setWordWrap(True)
        box = QVBoxLayout(self)
        for widget in (self.greeting, self.office, self.pending, self.shortcuts):
            box.addWidget(widget)
        box.addStretch(1)
        context.bus.sig_changed.connect(self._on_changed)
        self.retranslate()

    @staticmethod
    def title() -> str:
        return _("Home")

    def retranslate(self) -> None:
        user, identity = self._context.user, self._context.identity
        self.greeting.setText(_("Welcome, {name}").format(name=user.full_name) if user else "")
        self.office.setText(
            identity.office.name.in_language(current_language()) if identity else ""
        )
        self.pending.setText(
            _("Records waiting to be sent to the centre: {count}").format(count=self._pending)
            if self._pending is not None
            else ""
        )
        self.shortcuts.setText(
            _(
                "Keyboard: Alt+1…9 open the screens in the list, Ctrl+L locks the desk, "
                "Ctrl+Shift+L logs out."
            )
        )

    def refresh(self) -> None:
        core = self._context.core
        if core is None:
            return
        self._context.ops.query(outbox.pending_count, core).success(self._on_counted).run()

    def _on_counted(self, count: int) -> None:
        self._pending = count
        self.retranslate()

    def _on_changed(self, changes: Changes) -> None:
        if changes.touches(Topic.OUTBOX, Topic.SESSION):
            self.refresh()
