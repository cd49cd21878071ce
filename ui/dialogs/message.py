"""Message dialogs with translated buttons (Qt ships no Azerbaijani for its standard ones)."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from app.i18n import _


def ask(parent: QWidget | None, title: str, text: str, *, yes: str, no: str) -> bool:
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(title)
    box.setText(text)
    yes_button = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    box.addButton(no, QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(yes_button)
    box.exec()
    return box.clickedButton() is yes_button


def inform(parent: QWidget | None, title: str, text: str) -> None:
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(title)
    box.setText(text)
    box.addButton(_("OK"), QMessageBox.ButtonRole.AcceptRole)
    box.exec()
