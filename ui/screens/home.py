"""The first screen after login: who is at the desk, the office and the districts it serves,
and the keys that move around the desk. (What waits to be sent is in the status bar.)"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.i18n import _, current_language
from ui.context import DeskContext
from ui.widgets.forms import heading


class HomeScreen(QWidget):
    def __init__(self, context: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self.greeting = heading()
        self.office = QLabel()
        self.districts = QLabel()
        self.districts.setWordWrap(True)
        self.shortcuts = QLabel()
        self.shortcuts.setWordWrap(True)
        box = QVBoxLayout(self)
        for widget in (self.greeting, self.office, self.districts, self.shortcuts):
            box.addWidget(widget)
        box.addStretch(1)
        self.retranslate()

    def retranslate(self) -> None:
        language = current_language()
        user, identity = self._context.user, self._context.identity
        self.greeting.setText(_("Welcome, {name}").format(name=user.full_name) if user else "")
        self.office.setText(identity.office.name.in_language(language) if identity else "")
        served = (
            ", ".join(d.in_language(language) for d in identity.office.districts)
            if identity
            else ""
        )
        self.districts.setText(
            _("Districts served: {names}").format(names=served) if served else ""
        )
        self.shortcuts.setText(
            _(
                "Keyboard: Alt+1…9 open the screens in the list, Ctrl+L locks the desk, "
                "Ctrl+Shift+L logs out."
            )
        )

    def refresh(self) -> None:
        self.retranslate()
