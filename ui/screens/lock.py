"""The lock screen: the desk locked itself after idle time (or on Ctrl+L). Only the same
user's password unlocks it; another person logs the first one out and logs in."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.i18n import _
from ui.context import DeskContext
from ui.ops import describe_error
from ui.widgets.forms import error_label, heading, password_field, show_error


class LockScreen(QWidget):
    sig_unlocked = Signal(object)  # User
    sig_switch_user = Signal()

    def __init__(self, context: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self.title = heading()
        self.who = QLabel()
        self.password = password_field("password")
        self.unlock_button = QPushButton()
        self.unlock_button.setDefault(True)
        self.switch_button = QPushButton()
        self.error = error_label()

        box = QVBoxLayout()
        box.addWidget(self.title)
        box.addWidget(self.who)
        box.addWidget(self.password)
        box.addWidget(self.error)
        row = QHBoxLayout()
        row.addWidget(self.switch_button)
        row.addStretch(1)
        row.addWidget(self.unlock_button)
        box.addLayout(row)
        panel = QWidget()
        panel.setLayout(box)
        panel.setMaximumWidth(480)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(panel, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)

        self.password.returnPressed.connect(self._on_unlock)
        self.unlock_button.clicked.connect(self._on_unlock)
        self.switch_button.clicked.connect(self.sig_switch_user)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(_("The desk is locked"))
        self.unlock_button.setText(_("Unlock"))
        self.switch_button.setText(_("Log out and switch user"))
        self.password.setPlaceholderText(_("Password"))
        self.password.setAccessibleName(_("Password"))
        self._show_user()

    def _show_user(self) -> None:
        user = self._context.user
        self.who.setText(
            _("Locked by {name}. Enter the password to go on.").format(name=user.full_name)
            if user
            else ""
        )

    def prepare(self) -> None:
        self._show_user()
        self.password.clear()
        show_error(self.error, "")
        self.password.setFocus()

    def _on_unlock(self) -> None:
        user = self._context.user
        if user is None:
            self.sig_switch_user.emit()
            return
        if not self.password.text():
            show_error(self.error, _("Enter your password."))
            return
        from app.services import auth

        self.unlock_button.setEnabled(False)
        self._context.ops.mutate(
            auth.unlock, self._context.require_core(), user.id, self.password.text()
        ).success(self._on_unlocked).failure(self._on_failed).run()

    def _on_unlocked(self, user: object) -> None:
        self.unlock_button.setEnabled(True)
        self.password.clear()
        self.sig_unlocked.emit(user)

    def _on_failed(self, error: BaseException) -> None:
        self.unlock_button.setEnabled(True)
        self.password.clear()
        show_error(self.error, describe_error(error))
