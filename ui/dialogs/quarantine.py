"""The records the centre refused, for a supervisor: when, what kind, which record, and why.

They are kept on the desk, never deleted and never sent again by themselves. Everyone sees how
many there are (the status bar counts them); the list itself is a supervisor's, and the core
refuses it to anyone else, in words this dialog shows in place of the table.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from enum import Enum
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from app.clock import office_zone
from app.i18n import _
from app.sync.state import QuarantinedRecord, quarantined
from ui.context import DeskContext
from ui.models.table import ColumnSpec, DataclassTableModel, record_table
from ui.ops import describe_error
from ui.widgets.forms import error_label, show_error


def _when(value: datetime) -> str:
    return value.astimezone(office_zone()).strftime("%d.%m.%Y %H:%M")


def _column(
    header: Callable[[], str], value: Callable[[QuarantinedRecord], Any]
) -> ColumnSpec[QuarantinedRecord]:
    return ColumnSpec(header, value)


class QuarantineColumn(Enum):
    WHEN = _column(lambda: _("When"), lambda r: _when(r.created_at))
    KIND = _column(lambda: _("Kind"), lambda r: f"{r.entity} · {r.operation}")
    RECORD = _column(lambda: _("Record"), lambda r: r.entity_id)
    REASON = _column(lambda: _("Reason"), lambda r: r.reason)


class QuarantineDialog(QDialog):
    sig_loaded = Signal(int)  # how many records are listed
    sig_refused = Signal(str)  # the core's refusal, as shown

    def __init__(self, context: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self.explanation = QLabel()
        self.explanation.setWordWrap(True)
        self.model: DataclassTableModel[QuarantinedRecord] = DataclassTableModel(QuarantineColumn)
        self.table = record_table(self.model, "refused records")
        self.error = error_label()
        buttons = QDialogButtonBox()
        self.close_button = buttons.addButton(_("Close"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.reject)
        box = QVBoxLayout(self)
        box.addWidget(self.explanation)
        box.addWidget(self.table, 1)
        box.addWidget(self.error)
        box.addWidget(buttons)
        self.resize(820, 420)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Records the centre refused"))
        self.explanation.setText(
            _(
                "The centre did not accept these records. They are kept on this desk and are "
                "not sent again by themselves; each needs a supervisor's decision."
            )
        )
        self.close_button.setText(_("Close"))
        self.model.retranslate()

    def load(self) -> None:
        core = self._context.core
        if core is None or self._context.user is None:
            return
        self._context.ops.query(quarantined, core, self._context.actor).success(
            self._on_loaded
        ).failure(self._on_failed).run()

    def _on_loaded(self, records: list[QuarantinedRecord]) -> None:
        show_error(self.error, "")
        self.table.show()
        self.model.set_rows(records)
        self.table.setFocus()
        self.sig_loaded.emit(len(records))

    def _on_failed(self, error: BaseException) -> None:
        message = describe_error(error)
        self.model.set_rows([])
        self.table.hide()
        show_error(self.error, message)
        self.close_button.setFocus()
        self.sig_refused.emit(message)
