"""The card printer's calibration, in the supervisor's screen: print the test card, read the
offset off its crosshairs, keep it for that printer (on this computer).

Card printers feed each card a little off; the test card shows by how much. The offset then
moves every card printed there, so a second test card shows whether it is right.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.config import Config
from app.i18n import _
from app.printer_settings import calibrate_card_printer, card_offset, printer_for
from printing.calibration import render_calibration_card
from printing.card import MAX_OFFSET_MM, CardOffset
from printing.spool import JobResult, Media, PaperKind, PrinterBackend, PrinterInfo
from ui.context import DeskContext
from ui.ops import describe_error
from ui.printers import printer_backend
from ui.widgets.forms import error_label, show_error


def _print_test_card(
    backend: PrinterBackend, printer: str, offset: CardOffset, language: str
) -> JobResult:
    pdf = render_calibration_card(language=language, offset=offset, printer=printer)
    return backend.submit(pdf, printer=printer, media=Media.card(), copies=1, title="calibration")


class CardCalibrationWidget(QWidget):
    sig_printed = Signal(object)  # JobResult
    sig_saved = Signal(object)  # Config

    def __init__(self, context: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._backend: PrinterBackend | None = None
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.printer = QComboBox()
        self.printer.setAccessibleName("card printer")
        self.x_mm = _millimetres("offset to the right")
        self.y_mm = _millimetres("offset upwards")
        self.print_button = QPushButton()
        self.save_button = QPushButton()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.error = error_label()
        self._labels = [QLabel(), QLabel(), QLabel()]
        form = QFormLayout()
        for label, field in zip(self._labels, (self.printer, self.x_mm, self.y_mm), strict=True):
            label.setBuddy(field)
            form.addRow(label, field)
        buttons = QHBoxLayout()
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addWidget(self.error)
        layout.addStretch(1)
        self.print_button.clicked.connect(self.print_test_card)
        self.save_button.clicked.connect(self.save_offset)
        self.printer.currentIndexChanged.connect(self._show_saved_offset)
        self.retranslate()

    def retranslate(self) -> None:
        self.intro.setText(
            _(
                "Print the test card, measure how far its crosshairs are from the card's "
                "centre, enter the offset and keep it. Every card printed on that printer moves "
                "by it; print the test card again to check."
            )
        )
        for label, text in zip(
            self._labels,
            (_("Card &printer:"), _("To the &right (mm):"), _("&Upwards (mm):")),
            strict=True,
        ):
            label.setText(text)
        self.print_button.setText(_("Print the &test card"))
        self.save_button.setText(_("&Keep the offset"))

    def refresh(self) -> None:
        self._context.ops.io(self._list_printers).success(self._show_printers).failure(
            lambda error: show_error(self.error, describe_error(error))
        ).run()

    def _list_printers(self) -> list[PrinterInfo]:
        if self._backend is None:
            self._backend = printer_backend()
        return self._backend.list_printers()

    def _show_printers(self, printers: list[PrinterInfo]) -> None:
        chosen = self.current_printer() or printer_for(self._context.config, PaperKind.CARD)
        self.printer.blockSignals(True)
        self.printer.clear()
        for info in printers:
            self.printer.addItem(info.name, info.name)
        if chosen:
            self.printer.setCurrentIndex(max(0, self.printer.findData(chosen)))
        self.printer.blockSignals(False)
        self._show_saved_offset()

    def current_printer(self) -> str:
        value = self.printer.currentData()
        return str(value) if value else ""

    def _show_saved_offset(self) -> None:
        printer = self.current_printer()
        if not printer:
            return
        try:
            offset = card_offset(self._context.config, printer)
        except Exception as error:
            show_error(self.error, describe_error(error))
            return
        self.x_mm.setValue(offset.x_mm)
        self.y_mm.setValue(offset.y_mm)

    def print_test_card(self) -> None:
        printer = self.current_printer()
        if not printer or self._backend is None:
            show_error(self.error, _("Choose the card printer first."))
            return
        show_error(self.error, "")
        offset = CardOffset(self.x_mm.value(), self.y_mm.value())
        self._context.ops.io(
            _print_test_card, self._backend, printer, offset, self._context.config.language
        ).success(self._on_printed).failure(
            lambda error: show_error(self.error, describe_error(error))
        ).run()

    def _on_printed(self, result: JobResult) -> None:
        self.message.setText(_("The test card went to the printer."))
        self.sig_printed.emit(result)

    def save_offset(self) -> None:
        # Not checked here: the core refuses a role that may not, and words the refusal.
        show_error(self.error, "")
        self._context.ops.io(
            calibrate_card_printer,
            self._context.config,
            self._context.actor,
            self.current_printer(),
            self.x_mm.value(),
            self.y_mm.value(),
        ).success(self._on_saved).failure(
            lambda error: show_error(self.error, describe_error(error))
        ).run()

    def _on_saved(self, config: Config) -> None:
        self._context.config = config
        self.message.setText(
            _("Kept: the offset of {printer}.").format(printer=self.current_printer())
        )
        self.sig_saved.emit(config)


def _millimetres(name: str) -> QDoubleSpinBox:
    field = QDoubleSpinBox()
    field.setAccessibleName(name)
    field.setRange(-MAX_OFFSET_MM, MAX_OFFSET_MM)
    field.setDecimals(1)
    field.setSingleStep(0.1)
    return field
