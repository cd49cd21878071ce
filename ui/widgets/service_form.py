"""The fields of one service's intake form, built from its master data.

Each field gets the editor its kind calls for (a line for text, codes and dates, a list for
choices, a box for yes/no), its label in the current language and a line under it for its
problem. Enter moves on to the next field, as on a paper-like form.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.domain.masterdata import FieldKind, FormField, Service
from app.i18n import current_language
from app.intake.choices import choice_label
from app.intake.defaults import expand_typed_date, suggestions
from ui.widgets.forms import error_label, show_error

Editor = QLineEdit | QComboBox | QCheckBox

_PLACEHOLDERS = {
    FieldKind.DATE: "dd.mm.yyyy",
    FieldKind.PHONE: "+994 50 123 45 67",
    FieldKind.TAX_ID: "1234567890",
    FieldKind.PERSONAL_CODE: "5ZX9K2L",
}


class EnterMovesOn(QObject):
    """Enter in a list or a box moves to the next field; line edits do it themselves."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and event.modifiers() == Qt.KeyboardModifier.NoModifier
            and isinstance(watched, QComboBox | QCheckBox)
            and not (isinstance(watched, QComboBox) and watched.view().isVisible())
        ):
            watched.focusNextChild()
            return True
        return False


class _Row:
    def __init__(self, field: FormField, editor: Editor) -> None:
        self.field = field
        self.editor = editor
        self.label = QLabel()
        self.label.setBuddy(editor)
        self.problem = error_label()


class ServiceForm(QWidget):
    sig_edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service: Service | None = None
        self.today = date.today()
        self._rows: dict[str, _Row] = {}
        self._enter = EnterMovesOn(self)
        self._layout = QFormLayout()
        self._layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addLayout(self._layout)

    # --- building ----------------------------------------------------------------------------

    def build(self, service: Service, today: date) -> None:
        """Replace the fields with ``service``'s; values typed before are dropped."""
        while self._layout.rowCount():
            self._layout.removeRow(0)
        self._rows.clear()
        self.service = service
        self.today = today
        for field in service.fields:
            row = _Row(field, self._editor(field))
            self._rows[field.key] = row
            holder = QWidget()
            column = QVBoxLayout(holder)
            column.setContentsMargins(0, 0, 0, 0)
            column.setSpacing(1)
            column.addWidget(row.editor)
            column.addWidget(row.problem)
            self._layout.addRow(row.label, holder)
        self.retranslate()

    def _editor(self, field: FormField) -> Editor:
        editor: Editor
        if field.kind is FieldKind.CHOICE:
            editor = QComboBox()
            editor.addItem("—", "")
            for code in field.choices:
                editor.addItem(choice_label(field.key, code), code)
            editor.currentIndexChanged.connect(lambda _index: self._on_edited())
            editor.installEventFilter(self._enter)
        elif field.kind is FieldKind.BOOLEAN:
            editor = QCheckBox()
            editor.toggled.connect(lambda _on: self._on_edited())
            editor.installEventFilter(self._enter)
        else:
            editor = QLineEdit()
            editor.setPlaceholderText(_PLACEHOLDERS.get(field.kind, ""))
            editor.returnPressed.connect(editor.focusNextChild)
            editor.textEdited.connect(lambda _text: self._on_edited())
            if field.kind is FieldKind.DATE:
                editor.editingFinished.connect(lambda e=editor: self._expand_date(e))
        editor.setAccessibleName(field.key)
        editor.setObjectName(field.key)
        return editor

    def retranslate(self) -> None:
        language = current_language()
        for row in self._rows.values():
            mark = " *" if row.field.required else ""
            row.label.setText(row.field.label.in_language(language) + mark)
            if isinstance(row.editor, QComboBox):
                for index, code in enumerate(row.field.choices, start=1):
                    row.editor.setItemText(index, choice_label(row.field.key, code))

    # --- values ------------------------------------------------------------------------------

    def _on_edited(self) -> None:
        self._fill_suggestions()
        self.sig_edited.emit()

    def _expand_date(self, editor: QLineEdit) -> None:
        written = expand_typed_date(editor.text(), self.today)
        if written != editor.text():
            editor.setText(written)
            self._on_edited()
        else:
            self._fill_suggestions()

    def _fill_suggestions(self) -> None:
        if self.service is None:
            return
        for key, value in suggestions(self.service, self.values(), self.today).items():
            editor = self._rows[key].editor
            if isinstance(editor, QLineEdit) and not editor.hasFocus():
                editor.setText(value)

    def values(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for key, row in self._rows.items():
            editor = row.editor
            if isinstance(editor, QComboBox):
                found[key] = str(editor.currentData() or "")
            elif isinstance(editor, QCheckBox):
                found[key] = "true" if editor.isChecked() else ""
            else:
                found[key] = editor.text()
        return found

    def set_values(self, values: dict[str, str]) -> None:
        for key, row in self._rows.items():
            value = values.get(key, "")
            editor = row.editor
            editor.blockSignals(True)
            if isinstance(editor, QComboBox):
                editor.setCurrentIndex(max(0, editor.findData(value)))
            elif isinstance(editor, QCheckBox):
                editor.setChecked(value == "true")
            else:
                editor.setText(value)
            editor.blockSignals(False)

    def clear(self) -> None:
        self.set_values({})
        self.show_problems({})

    # --- problems and focus ------------------------------------------------------------------

    def show_problems(self, problems: dict[str, str]) -> None:
        for key, row in self._rows.items():
            show_error(row.problem, problems.get(key, ""))

    def editor(self, key: str) -> Editor | None:
        row = self._rows.get(key)
        return row.editor if row else None

    def line_edits(self) -> list[QLineEdit]:
        return [row.editor for row in self._rows.values() if isinstance(row.editor, QLineEdit)]

    def first_empty_required(self) -> Editor | None:
        values = self.values()
        for key, row in self._rows.items():
            if row.field.required and not values.get(key, "").strip():
                return row.editor
        return None

    def first_editor(self) -> Editor | None:
        return next(iter(self._rows.values())).editor if self._rows else None

    def problem_text(self, key: str) -> str:
        row = self._rows.get(key)
        return row.problem.text() if row and row.problem.isVisibleTo(self) else ""
