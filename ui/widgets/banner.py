"""A plain, hard-to-miss line across the top of a screen: the office's database is out of
reach, and what that means for the person looking at it."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget


class Banner(QLabel):
    def __init__(self, accessible_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        self.setAccessibleName(accessible_name)
        self.setWordWrap(True)
        self.setStyleSheet(
            "QLabel#banner { background: #b00020; color: white; font-weight: bold;"
            " padding: 8px 12px; }"
        )
        self.hide()

    def show_message(self, message: str) -> None:
        self.setText(message)
        self.setVisible(bool(message))
