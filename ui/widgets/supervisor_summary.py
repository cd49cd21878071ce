"""The office's summary for a day, a week or a month: previewed as it prints, printed on the
A4 printer, or saved as PDF, CSV or XLSX.

The summary is read on the database worker and drawn or written on the I/O pool, so a month
of tickets never holds the screen: a busy bar shows meanwhile, and Cancel drops the result
(the reading itself is one query and finishes on its own).
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QDate, QIODevice, Signal
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from app.clock import office_today
from app.domain.changes import Changes, Outcome, Topic
from app.domain.prints import PrintEntry
from app.domain.reports import DailySummary
from app.i18n import N_, _
from app.printer_settings import printer_for
from app.services import report_files, reports
from printing.spool import PaperKind
from printing.summary import render_summary
from ui.context import DeskContext
from ui.ops import describe_error
from ui.widgets.forms import error_label, show_error

PERIODS: tuple[tuple[str, str], ...] = (
    ("day", N_("Day")),
    ("week", N_("Week")),
    ("month", N_("Month")),
)
# What a file's ending makes of the summary, given its language.
WRITERS: dict[str, Callable[[DailySummary, str], bytes]] = {
    ".pdf": lambda summary, language: render_summary(summary, language=language),
    ".csv": report_files.summary_csv,
    ".xlsx": report_files.summary_xlsx,
}


def period_of(kind: str, day: date) -> tuple[date, date]:
    """The first and last day of the day, week (Monday to Sunday) or month holding ``day``."""
    if kind == "week":
        first = day - timedelta(days=day.weekday())
        return first, first + timedelta(days=6)
    if kind == "month":
        last = calendar.monthrange(day.year, day.month)[1]
        return day.replace(day=1), day.replace(day=last)
    return day, day


def _write(path: Path, summary: DailySummary, language: str) -> Path:
    writer = WRITERS.get(path.suffix.lower(), WRITERS[".pdf"])
    path.write_bytes(writer(summary, language))
    return path


class SummaryWidget(QWidget):
    sig_ready = Signal(object)  # the DailySummary read
    sig_saved = Signal(object)  # the Path written
    sig_preview_opened = Signal(object)  # SummaryPreview

    def __init__(self, context: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._run = 0  # each request's number: a cancelled one's result is dropped
        self.preview: SummaryPreview | None = None
        self.period = QComboBox()
        self.period.setAccessibleName("period")
        self.day = QDateEdit()
        self.day.setAccessibleName("day")
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("dd.MM.yyyy")
        self.buttons = {key: QPushButton() for key in ("preview", "save", "cancel")}
        for key, button in self.buttons.items():
            button.setAccessibleName(key)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # one query: its length is not known beforehand
        self.progress.hide()
        self.buttons["cancel"].hide()
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.error = error_label()
        self._period_label = QLabel()
        self._period_label.setBuddy(self.period)
        row = QHBoxLayout()
        row.addWidget(self._period_label)
        row.addWidget(self.period)
        row.addWidget(self.day)
        row.addStretch(1)
        actions = QHBoxLayout()
        for key in ("preview", "save"):
            actions.addWidget(self.buttons[key])
        actions.addStretch(1)
        busy = QHBoxLayout()
        busy.addWidget(self.progress, 1)
        busy.addWidget(self.buttons["cancel"])
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addLayout(actions)
        layout.addLayout(busy)
        layout.addWidget(self.status)
        layout.addWidget(self.error)
        layout.addStretch(1)
        self.buttons["preview"].clicked.connect(self.open_preview)
        self.buttons["save"].clicked.connect(self.save_as)
        self.buttons["cancel"].clicked.connect(self.cancel)
        core = context.core
        today = office_today(core.clock) if core is not None else date.today()
        self.day.setDate(QDate(today.year, today.month, today.day))

    def retranslate(self) -> None:
        self._period_label.setText(_("&Period:"))
        chosen = self.period.currentData()
        self.period.clear()
        for key, label in PERIODS:
            self.period.addItem(_(label), key)
        self.period.setCurrentIndex(max(0, self.period.findData(chosen)))
        self.buttons["preview"].setText(_("Pre&view and print…"))
        self.buttons["save"].setText(_("&Save as PDF, CSV or XLSX…"))
        self.buttons["cancel"].setText(_("Cancel"))

    def chosen_period(self) -> tuple[date, date]:
        chosen = self.day.date()
        day = date(chosen.year(), chosen.month(), chosen.day())
        return period_of(str(self.period.currentData() or "day"), day)

    # --- reading, then drawing or writing, off the UI thread -----------------------------------

    def _read(self, then: Callable[[DailySummary], None]) -> None:
        core = self._context.core
        if core is None or self._context.user is None:
            return
        self._run += 1
        run = self._run
        first, last = self.chosen_period()
        self._busy(True, _("Reading the summary…"))

        def arrived(summary: DailySummary) -> None:
            if isValid(self) and run == self._run:
                self.sig_ready.emit(summary)
                then(summary)

        self._context.ops.query(
            reports.daily_summary, core, self._context.actor, first, last
        ).success(arrived).failure(self._on_failed).run()

    def _busy(self, busy: bool, text: str = "") -> None:
        self.progress.setVisible(busy)
        self.buttons["cancel"].setVisible(busy)
        for key in ("preview", "save"):
            self.buttons[key].setEnabled(not busy)
        self.status.setText(text)
        if busy:
            show_error(self.error, "")

    def cancel(self) -> None:
        self._run += 1
        self._busy(False, _("Cancelled."))

    def _on_failed(self, error: BaseException) -> None:
        if not isValid(self):
            return
        self._busy(False)
        show_error(self.error, describe_error(error))

    def open_preview(self) -> None:
        self._read(self._draw)

    def _draw(self, summary: DailySummary) -> None:
        self.status.setText(_("Drawing the pages…"))
        language = self._context.config.language
        run = self._run
        self._context.ops.io(render_summary, summary, language=language).success(
            lambda pdf: self._show_preview(run, summary, pdf)
        ).failure(self._on_failed).run()

    def _show_preview(self, run: int, summary: DailySummary, pdf: bytes) -> None:
        if not isValid(self) or run != self._run:
            return
        self._busy(False)
        self.preview = SummaryPreview(self._context, summary, pdf, self)
        self.preview.open()
        self.sig_preview_opened.emit(self.preview)

    def save_as(self) -> None:
        first, last = self.chosen_period()
        suggested = f"summary-{first.isoformat()}" + (
            f"-{last.isoformat()}" if last != first else ""
        )
        path, _chosen = QFileDialog.getSaveFileName(
            self,
            _("Save the summary"),
            str(Path.home() / f"{suggested}.pdf"),
            _("PDF (*.pdf);;CSV (*.csv);;Excel workbook (*.xlsx)"),
        )
        if not path:
            return
        target = Path(path)
        if target.suffix.lower() not in WRITERS:
            target = target.with_suffix(".pdf")
        self._read(lambda summary: self._write(target, summary))

    def _write(self, target: Path, summary: DailySummary) -> None:
        self.status.setText(_("Writing {name}…").format(name=target.name))
        run = self._run
        self._context.ops.io(_write, target, summary, self._context.config.language).success(
            lambda path: self._on_saved(run, path)
        ).failure(self._on_failed).run()

    def _on_saved(self, run: int, path: Path) -> None:
        if not isValid(self) or run != self._run:
            return
        self._busy(False, _("Saved: {path}").format(path=path))
        self.sig_saved.emit(path)


class SummaryPreview(QDialog):
    """The summary's pages as they print, and Print to this computer's A4 printer."""

    sig_ready = Signal()
    sig_printed = Signal(object)  # PrintEntry
    sig_failed = Signal(str)

    def __init__(
        self, context: DeskContext, summary: DailySummary, pdf: bytes, parent: QWidget
    ) -> None:
        super().__init__(parent)
        self._context = context
        self.summary = summary
        self.pdf_bytes = pdf
        self.setWindowTitle(_("Summary"))
        self.resize(760, 820)
        self.pdf = QPdfDocument(self)
        self._buffer = QBuffer(self)  # the bytes QtPdf reads: kept while shown
        self._buffer.setData(QByteArray(pdf))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.view = QPdfView(self)
        self.view.setAccessibleName("preview")
        self.view.setDocument(self.pdf)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.printer = QComboBox()
        self.printer.setEditable(True)
        self.printer.setAccessibleName("printer")
        self.printer.setCurrentText(printer_for(context.config, PaperKind.A4) or "")
        self.message = error_label()
        self.print_button = QPushButton(_("&Print (Enter)"))
        self.print_button.setDefault(True)
        close = QPushButton(_("Close (Esc)"))
        buttons = QHBoxLayout()
        buttons.addWidget(QLabel(_("A4 printer:")))
        buttons.addWidget(self.printer, 1)
        buttons.addWidget(self.print_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.print_button.clicked.connect(self.print_summary)
        close.clicked.connect(self.reject)
        self.pdf.statusChanged.connect(self._on_status)
        self.pdf.load(self._buffer)
        self._on_status(self.pdf.status())

    def _on_status(self, status: QPdfDocument.Status) -> None:
        if status is QPdfDocument.Status.Ready:
            self.sig_ready.emit()

    def shown_pages(self) -> int:
        ready = self.pdf.status() is QPdfDocument.Status.Ready
        return self.pdf.pageCount() if ready else 0

    def print_summary(self) -> None:
        printer = self.printer.currentText().strip()
        if not printer:
            show_error(self.message, _("Choose the A4 printer first."))
            return
        from app.services import printouts
        from ui.printers import printer_backend

        self.print_button.setEnabled(False)
        show_error(self.message, "")
        # Logged as every print is: who printed which summary, when, on which printer.
        self._context.ops.io(
            printouts.print_document,
            self._context.require_core(),
            self._context.actor,
            printouts.summary_printable(self.summary, self.pdf_bytes),
            printouts.PrintOrder(printer=printer, paper=PaperKind.A4),
            printer_backend(self._context.config),
        ).success(self._on_printed).failure(self._on_failed).run()

    def _on_printed(self, outcome: Outcome[PrintEntry]) -> None:
        # Printing runs on the I/O pool, not as a database mutation: announce what it logged.
        self._context.bus.sig_changed.emit(outcome.changes)
        if isValid(self):
            self.sig_printed.emit(outcome.value)
            self.accept()

    def _on_failed(self, error: BaseException) -> None:
        # A printer's fault was logged as a failed print: whoever shows the log refreshes.
        self._context.bus.sig_changed.emit(Changes(frozenset({Topic.PRINTS})))
        if not isValid(self):
            return
        self.print_button.setEnabled(True)
        message = describe_error(error)
        show_error(self.message, message)
        self.sig_failed.emit(message)
