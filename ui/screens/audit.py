"""The audit log, searched: who changed what and when, with the record before and after.

Words in the search box must all match (a user, an action such as "receipt.void", an
application or permit number, a reason); the dates are office days, inclusive. Newest first,
a page at a time. The core allows it to supervisors and administrators only.

Keyboard: Ctrl+F goes to the search box; PgUp/PgDown (Alt+Left/Alt+Right) page.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from enum import Enum
from typing import Any

from PySide6.QtCore import QItemSelection, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.clock import office_zone
from app.domain.day_close import AuditQuery
from app.i18n import _
from app.intake.defaults import expand_typed_date
from app.intake.validation import parse_date
from app.services import corrections
from app.services.audit import AuditEntry
from ui.context import DeskContext
from ui.models.table import ColumnSpec, DataclassTableModel, record_table
from ui.ops import describe_error
from ui.widgets.forms import error_label, show_error

PAGE = 100
SEARCH_DELAY_MS = 250


def _column(
    header: Callable[[], str], value: Callable[[AuditEntry], Any]
) -> ColumnSpec[AuditEntry]:
    return ColumnSpec(header, value)


class AuditColumn(Enum):
    WHEN = _column(
        lambda: _("When"), lambda r: r.at.astimezone(office_zone()).strftime("%d.%m.%Y %H:%M:%S")
    )
    WHO = _column(lambda: _("Who"), lambda r: r.actor_name)
    ACTION = _column(lambda: _("Action"), lambda r: r.action)
    RECORD = _column(lambda: _("Record"), lambda r: f"{r.entity} {r.entity_id}")


def _pretty(value: dict[str, Any] | None) -> str:
    if value is None:
        return "—"
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True)


class AuditScreen(QWidget):
    sig_listed = Signal(int)  # how many entries the page shows

    def __init__(self, context: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._offset = 0
        self.search = QLineEdit()
        self.search.setAccessibleName("audit search")
        self.search.setClearButtonEnabled(True)
        self.date_from = QLineEdit()
        self.date_from.setAccessibleName("audit from date")
        self.date_to = QLineEdit()
        self.date_to.setAccessibleName("audit to date")
        self.newer = QPushButton()
        self.older = QPushButton()
        self.page_label = QLabel()
        self.model: DataclassTableModel[AuditEntry] = DataclassTableModel(AuditColumn)
        self.table = record_table(self.model, "audit log")
        self.before = QPlainTextEdit()
        self.before.setReadOnly(True)
        self.before.setAccessibleName("before")
        self.after = QPlainTextEdit()
        self.after.setReadOnly(True)
        self.after.setAccessibleName("after")
        self.before_label = QLabel()
        self.after_label = QLabel()
        self.error = error_label()

        filters = QHBoxLayout()
        filters.addWidget(self.search, 3)
        filters.addWidget(self.date_from, 1)
        filters.addWidget(self.date_to, 1)
        paging = QHBoxLayout()
        paging.addWidget(self.newer)
        paging.addWidget(self.older)
        paging.addWidget(self.page_label, 1)
        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.before_label, self.before, self.after_label, self.after):
            detail_layout.addWidget(widget)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.table)
        splitter.addWidget(detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.error)
        layout.addLayout(paging)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.run_search)
        for edit in (self.search, self.date_from, self.date_to):
            edit.textEdited.connect(lambda _t: self._timer.start())
        for edit in (self.date_from, self.date_to):
            edit.editingFinished.connect(lambda e=edit: self._expand(e))
        self.search.returnPressed.connect(self.run_search)
        self.table.selectionModel().selectionChanged.connect(self._on_selection)
        self.newer.clicked.connect(lambda: self._page(-PAGE))
        self.older.clicked.connect(lambda: self._page(PAGE))
        QShortcut(QKeySequence("Ctrl+F"), self, self.search.setFocus)
        QShortcut(QKeySequence("Alt+Left"), self, lambda: self._page(-PAGE))
        QShortcut(QKeySequence("Alt+Right"), self, lambda: self._page(PAGE))
        self.setFocusProxy(self.search)
        self.retranslate()

    def retranslate(self) -> None:
        self.search.setPlaceholderText(
            _("Search: user, action, application or permit number, reason (Ctrl+F)")
        )
        self.date_from.setPlaceholderText(_("from dd.mm.yyyy"))
        self.date_to.setPlaceholderText(_("to dd.mm.yyyy"))
        self.newer.setText(_("Newer (Alt+Left)"))
        self.older.setText(_("Older (Alt+Right)"))
        self.before_label.setText(_("Before"))
        self.after_label.setText(_("After"))
        self.model.retranslate()

    def _expand(self, edit: QLineEdit) -> None:
        written = expand_typed_date(edit.text(), date.today())
        if written != edit.text():
            edit.setText(written)
            self.run_search()

    def query(self) -> AuditQuery:
        return AuditQuery(
            text=self.search.text(),
            date_from=parse_date(self.date_from.text().strip()),
            date_to=parse_date(self.date_to.text().strip()),
            offset=self._offset,
            limit=PAGE,
        )

    def refresh(self) -> None:
        self.run_search(keep_page=True)

    def run_search(self, keep_page: bool = False) -> None:
        core = self._context.core
        if core is None or self._context.user is None:
            return
        if not keep_page:
            self._offset = 0
        show_error(self.error, "")
        self._context.ops.query(
            corrections.audit_entries, core, self._context.actor, self.query()
        ).success(self._on_listed).failure(self._on_failed).run()

    def _page(self, step: int) -> None:
        if step > 0 and self.model.rowCount() < PAGE:
            return  # the last page is shown
        self._offset = max(0, self._offset + step)
        self.run_search(keep_page=True)

    def _on_listed(self, entries: list[AuditEntry]) -> None:
        self.model.set_rows(entries)
        first = self._offset + 1 if entries else 0
        self.page_label.setText(
            _("Entries {first}–{last}").format(first=first, last=self._offset + len(entries))
        )
        self.newer.setEnabled(self._offset > 0)
        self.older.setEnabled(len(entries) == PAGE)
        if entries:
            self.table.selectRow(0)
        else:
            self.before.clear()
            self.after.clear()
        self.sig_listed.emit(len(entries))

    def _on_failed(self, error: BaseException) -> None:
        self.model.set_rows([])
        show_error(self.error, describe_error(error))
        self.sig_listed.emit(0)

    def _on_selection(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        entry = self.selected()
        self.before.setPlainText(_pretty(entry.before) if entry else "")
        self.after.setPlainText(_pretty(entry.after) if entry else "")

    def selected(self) -> AuditEntry | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None
