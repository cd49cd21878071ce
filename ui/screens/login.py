"""The login screen: user name, password, language. Enter moves on, Enter again logs in."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.users import User
from app.i18n import _
from ui.context import DeskContext
from ui.ops import describe_error
from ui.widgets.forms import (
    enter_moves_to,
    error_label,
    heading,
    password_field,
    show_error,
    text_field,
)
from ui.widgets.language import LanguageBox

if TYPE_CHECKING:
    from app.services.auth import LoginResult


class LoginScreen(QWidget):
    sig_logged_in = Signal(object)  # User
    sig_language_chosen = Signal(str)
    sig_restore_requested = Signal(object)  # Path of the backup to put back

    def __init__(self, context: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._ready = False
        self.title = heading()
        self.office = QLabel()
        self.state = QLabel()
        self.state.setWordWrap(True)
        self.username = text_field("username")
        self.password = password_field("password")
        self.login_button = QPushButton()
        self.login_button.setDefault(True)
        self.error = error_label()
        self.restore_button = QPushButton()
        self.restore_button.hide()
        self.restore_button.clicked.connect(self._on_restore)
        self._backup: Path | None = None
        self.language = LanguageBox()
        self.language.sig_language_chosen.connect(self.sig_language_chosen)

        self._form = QFormLayout()
        self._username_label = QLabel()
        self._password_label = QLabel()
        self._username_label.setBuddy(self.username)
        self._password_label.setBuddy(self.password)
        self._form.addRow(self._username_label, self.username)
        self._form.addRow(self._password_label, self.password)

        box = QVBoxLayout()
        box.addWidget(self.title)
        box.addWidget(self.office)
        box.addSpacing(12)
        box.addLayout(self._form)
        box.addWidget(self.error)
        buttons = QHBoxLayout()
        buttons.addWidget(self.language)
        buttons.addStretch(1)
        buttons.addWidget(self.login_button)
        box.addLayout(buttons)
        box.addWidget(self.state)
        box.addWidget(self.restore_button)
        panel = QWidget()
        panel.setLayout(box)
        panel.setMaximumWidth(520)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(panel, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)

        enter_moves_to(self.username, self.password)
        self.password.returnPressed.connect(self._on_submit)
        self.login_button.clicked.connect(self._on_submit)
        self.setTabOrder(self.username, self.password)
        self.setTabOrder(self.password, self.login_button)
        self.setTabOrder(self.login_button, self.language)
        self.retranslate()
        self.set_ready(False, _("Opening the database…"))

    def retranslate(self) -> None:
        self.title.setText(_("Reception Desk"))
        self._username_label.setText(_("&User name"))
        self._password_label.setText(_("&Password"))
        self.login_button.setText(_("Log in"))
        self.login_button.setAccessibleName(_("Log in"))
        self.username.setPlaceholderText(_("e.g. clerk"))
        self.language.retranslate()
        self._retranslate_restore()
        self.show_office()

    def _retranslate_restore(self) -> None:
        if self._backup is not None:
            self.restore_button.setText(
                _("&Restore the latest backup ({name}); the damaged file is kept").format(
                    name=self._backup.name
                )
            )
            self.restore_button.setAccessibleName(_("Restore the latest backup"))

    def offer_restore(self, backup: Path) -> None:
        self._backup = backup
        self._retranslate_restore()
        self.restore_button.show()
        self.restore_button.setFocus()

    def _on_restore(self) -> None:
        if self._backup is not None:
            self.restore_button.hide()
            self.sig_restore_requested.emit(self._backup)

    def show_office(self) -> None:
        identity = self._context.identity
        from app.i18n import current_language

        self.office.setText(
            identity.office.name.in_language(current_language()) if identity else ""
        )

    def set_ready(self, ready: bool, state: str = "") -> None:
        self._ready = ready
        self.login_button.setEnabled(ready)
        self.state.setText(state)
        self.state.setVisible(bool(state))

    def reset(self) -> None:
        self.password.clear()
        show_error(self.error, "")
        self.username.setFocus()

    def _on_submit(self) -> None:
        if not self._ready:
            return
        username, password = self.username.text().strip(), self.password.text()
        if not username:
            show_error(self.error, _("Enter your user name."))
            self.username.setFocus()
            return
        if not password:
            show_error(self.error, _("Enter your password."))
            self.password.setFocus()
            return
        self.login_button.setEnabled(False)
        show_error(self.error, "")
        from app.services import auth

        core = self._context.require_core()
        self._context.ops.mutate(auth.login, core, username, password).success(
            self._on_logged_in
        ).failure(self._on_failed).run()

    def _on_logged_in(self, result: LoginResult) -> None:
        self.login_button.setEnabled(True)
        self.password.clear()
        self._context.idle_lock_minutes = result.idle_lock_minutes
        user: User = result.user
        self.sig_logged_in.emit(user)

    def _on_failed(self, error: BaseException) -> None:
        self.login_button.setEnabled(True)
        self.password.clear()
        self.password.setFocus()
        show_error(self.error, describe_error(error))
