"""The language switch: Azerbaijani, Russian, English, at run time, without a restart."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QWidget

from app.i18n import LANGUAGE_NAMES, LANGUAGES, _, current_language


class LanguageBox(QComboBox):
    sig_language_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        for code in LANGUAGES:
            # Each language is named in itself, so anyone finds their own.
            self.addItem(LANGUAGE_NAMES[code], code)
        self.show_current()
        self.activated.connect(self._on_activated)
        self.retranslate()

    def show_current(self) -> None:
        self.blockSignals(True)
        self.setCurrentIndex(max(0, self.findData(current_language())))
        self.blockSignals(False)

    def retranslate(self) -> None:
        self.setAccessibleName(_("Language"))
        self.setToolTip(_("Language of the desk"))
        self.show_current()

    def _on_activated(self, index: int) -> None:
        self.sig_language_chosen.emit(self.itemData(index))
