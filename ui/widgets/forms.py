"""Small helpers for forms built in code: labelled rows, Enter moves on, accessible names."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QLineEdit, QWidget


def password_field(accessible_name: str) -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setAccessibleName(accessible_name)
    field.setMinimumWidth(260)
    return field


def text_field(accessible_name: str) -> QLineEdit:
    field = QLineEdit()
    field.setAccessibleName(accessible_name)
    field.setMinimumWidth(260)
    return field


def enter_moves_to(source: QLineEdit, target: QWidget) -> None:
    """Enter in ``source`` moves on to ``target``, as clerks expect from paper-like forms."""
    source.returnPressed.connect(lambda: target.setFocus(Qt.FocusReason.TabFocusReason))


def heading(text: str = "", size_delta: int = 6) -> QLabel:
    label = QLabel(text)
    font = QFont(label.font())
    font.setPointSize(font.pointSize() + size_delta)
    font.setBold(True)
    label.setFont(font)
    return label


def error_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setObjectName("error")
    label.setStyleSheet("color: #b00020;")
    label.setAccessibleName("error")
    label.hide()
    return label


def show_error(label: QLabel, message: str) -> None:
    label.setText(message)
    label.setVisible(bool(message))
