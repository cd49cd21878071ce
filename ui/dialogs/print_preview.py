"""Preview and print: a document's pages as they will print, the printer for its paper, the
number of copies; Print (Enter) and Close (Esc).

The pages are shown by Qt's own PDF module (QtPdf, with its QPdfView), from the same bytes that
are sent to the printer. The printer list comes from the computer's print service (CUPS, or
the Windows spooler through Qt); the desk remembers the printer chosen for each paper. Printing
runs off the UI thread and is logged; a printer fault shows its message and keeps the
document on screen, with "Try again". A job the print service took is then followed by the
desk (`ui.print_follow_up`), which tells the clerk if it fails there later.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt, Signal
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.domain.changes import Changes, Outcome, Topic
from app.domain.prints import PrintEntry
from app.domain.users import Actor
from app.errors import DeskError
from app.i18n import N_, _, ngettext
from app.printer_settings import card_offset, printer_for, remember_printer
from app.services import printouts
from app.services.print_log import MAX_COPIES
from app.services.printouts import Preview, Printable, PrintOrder
from printing.card import NO_OFFSET, CardOffset
from printing.spool import PaperKind, PrinterBackend, PrinterInfo, PrinterState
from ui.context import DeskContext
from ui.ops import describe_error
from ui.widgets.forms import error_label, show_error

if TYPE_CHECKING:
    from app.services.core import Core

log = logging.getLogger(__name__)

Loader = Callable[["Core", Actor], Printable]
# What sends the chosen document to the printer and logs it: `printouts.print_document`, or a
# document's own (a permit card checks its photo and moves its application on).
Sender = Callable[["Core", Actor, Printable, PrintOrder, PrinterBackend], Outcome[PrintEntry]]

PAPER_LABELS: dict[PaperKind, str] = {
    PaperKind.A4: N_("A4 sheet"),
    PaperKind.ROLL: N_("80 mm roll"),
    PaperKind.CARD: N_("Card"),
}
_STATE_NOTES: dict[PrinterState, str] = {
    PrinterState.STOPPED: N_("stopped"),
    PrinterState.OFFLINE: N_("offline"),
}


class PrintPreviewDialog(QDialog):
    sig_ready = Signal()  # the pages are shown
    sig_printed = Signal(object)  # PrintEntry
    sig_failed = Signal(str)  # the message the clerk reads

    def __init__(
        self,
        context: DeskContext,
        load: Loader,
        parent: QWidget | None = None,
        *,
        backend: PrinterBackend | None = None,
        send: Sender | None = None,
    ) -> None:
        super().__init__(parent)
        self._context = context
        self._backend = backend
        self._send: Sender = send or printouts.print_document
        self._document: Printable | None = None
        self._preview: Preview | None = None
        self._printers: list[PrinterInfo] = []
        self._busy = False

        self.setWindowTitle(_("Print"))
        self.resize(760, 820)
        self.heading = QLabel(_("Preparing the document…"))
        self.heading.setWordWrap(True)
        self.pdf = QPdfDocument(self)
        self._buffer: QBuffer | None = None  # the bytes QtPdf reads: kept while shown
        self.view = QPdfView(self)
        self.view.setAccessibleName("preview")
        # Clicks may scroll the pages, but the keyboard stays on Print: Enter prints.
        self.view.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.view.setDocument(self.pdf)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.pages = QLabel()
        self.paper = QComboBox()
        self.paper.setAccessibleName("paper")
        self.printer = QComboBox()
        self.printer.setAccessibleName("printer")
        self.copies = QSpinBox()
        self.copies.setAccessibleName("copies")
        self.copies.setRange(1, MAX_COPIES)
        self.message = error_label()
        self.print_button = QPushButton(_("&Print (Enter)"))
        self.print_button.setDefault(True)
        self.print_button.setEnabled(False)
        self.close_button = QPushButton(_("Close (Esc)"))

        form = QFormLayout()
        self._paper_label = QLabel(_("P&aper:"))
        self._paper_label.setBuddy(self.paper)
        form.addRow(self._paper_label, self.paper)
        printer_label = QLabel(_("P&rinter:"))
        printer_label.setBuddy(self.printer)
        form.addRow(printer_label, self.printer)
        copies_label = QLabel(_("C&opies:"))
        copies_label.setBuddy(self.copies)
        form.addRow(copies_label, self.copies)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.pages)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addLayout(buttons)

        self.print_button.clicked.connect(self.print_document)
        self.close_button.clicked.connect(self.reject)
        self.paper.currentIndexChanged.connect(lambda _i: self._on_paper_changed())
        self.printer.currentIndexChanged.connect(lambda _i: self._on_printer_changed())
        self.pdf.statusChanged.connect(self._on_pdf_status)

        core = context.require_core()
        context.ops.query(load, core, context.actor).success(self._on_loaded).failure(
            self._on_load_failed
        ).run()

    # --- loading --------------------------------------------------------------------------------

    def backend(self) -> PrinterBackend:
        if self._backend is None:
            from ui.printers import printer_backend

            self._backend = printer_backend(self._context.config)
        return self._backend

    def _on_loaded(self, document: Printable) -> None:
        self._document = document
        self.heading.setText(f"<b>{document.title}</b>")
        self.paper.blockSignals(True)
        for paper in document.papers:
            self.paper.addItem(_(PAPER_LABELS[paper]), paper.value)
        # The usual paper, unless only another one has a printer on this computer.
        remembered = [p for p in document.papers if printer_for(self._context.config, p)]
        start = remembered[0] if remembered else document.papers[0]
        self.paper.setCurrentIndex(self.paper.findData(start.value))
        self.paper.blockSignals(False)
        self.paper.setVisible(len(document.papers) > 1)
        self._paper_label.setVisible(len(document.papers) > 1)
        self._context.ops.io(self.backend().list_printers).success(self._on_printers).failure(
            self._on_printers_failed
        ).run()
        self._render()

    def _on_load_failed(self, error: BaseException) -> None:
        self.heading.setText(_("The document cannot be printed."))
        self._show_message(describe_error(error))

    def _on_printers(self, printers: list[PrinterInfo]) -> None:
        self._printers = printers
        self._fill_printers()
        if not printers:
            self._show_message(
                _("No printer is set up on this computer: ask the administrator to add one.")
            )
        self._update_print_button()
        self._offer_print()

    def _on_printers_failed(self, error: BaseException) -> None:
        self._show_message(describe_error(error))

    def _fill_printers(self) -> None:
        paper = self.current_paper()
        wanted = printer_for(self._context.config, paper) if paper else None
        self.printer.blockSignals(True)
        self.printer.clear()
        for info in self._printers:
            text = info.name
            if info.description and info.description != info.name:
                text += f" — {info.description}"
            note = _STATE_NOTES.get(info.state)
            if note:
                text += f" ({_(note)})"
            self.printer.addItem(text, info.name)
        index = self.printer.findData(wanted) if wanted else -1
        if index < 0:
            index = next((i for i, p in enumerate(self._printers) if p.is_default), 0)
        self.printer.setCurrentIndex(index)
        self.printer.blockSignals(False)

    def current_paper(self) -> PaperKind | None:
        value = self.paper.currentData()
        return PaperKind(value) if value else None

    def current_printer(self) -> str:
        return str(self.printer.currentData() or "")

    def _card_offset(self) -> CardOffset:
        if self.current_paper() is not PaperKind.CARD or not self.current_printer():
            return NO_OFFSET
        try:
            return card_offset(self._context.config, self.current_printer())
        except DeskError as error:
            self._show_message(error.message)
            return NO_OFFSET

    def _on_paper_changed(self) -> None:
        self._fill_printers()
        self._render()

    def _on_printer_changed(self) -> None:
        # A card is drawn with its printer's own offset: the preview shows where it will land.
        if self.current_paper() is PaperKind.CARD:
            self._render()

    def _render(self) -> None:
        document, paper = self._document, self.current_paper()
        if document is None or paper is None:
            return
        self._context.ops.query(
            printouts.preview,
            self._context.require_core(),
            self._context.actor,
            document,
            paper,
            self._card_offset(),
        ).success(self._on_preview).failure(self._on_load_failed).run()

    def _on_preview(self, preview: Preview) -> None:
        self._preview = preview
        self.pdf.close()
        self._buffer = QBuffer(self)
        self._buffer.setData(QByteArray(preview.pdf))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.pdf.load(self._buffer)
        document = self._document
        if document is not None and preview.duplicate:
            self.heading.setText(
                f"<b>{document.title}</b><br>"
                + _("Printed before: this copy is marked as a duplicate.")
            )
        self._on_pdf_status(self.pdf.status())

    def _on_pdf_status(self, status: QPdfDocument.Status) -> None:
        if status is not QPdfDocument.Status.Ready:
            return
        count = self.pdf.pageCount()
        self.pages.setText(ngettext("{count} page", "{count} pages", count).format(count=count))
        self._update_print_button()
        self._offer_print()
        self.sig_ready.emit()

    def shown_pages(self) -> int:
        """How many pages the preview shows (0 until the document is ready)."""
        ready = self.pdf.status() is QPdfDocument.Status.Ready
        return self.pdf.pageCount() if ready else 0

    # --- printing -------------------------------------------------------------------------------

    def _update_print_button(self) -> None:
        self.print_button.setEnabled(
            not self._busy
            and self._document is not None
            and self.shown_pages() > 0
            and bool(self.current_printer())
        )

    def _offer_print(self) -> None:
        # The pages and the printer list arrive in either order; the keyboard goes to Print
        # once both are there, so Enter prints (a disabled button cannot take the focus).
        if self.print_button.isEnabled():
            self.print_button.setFocus()

    def print_document(self) -> None:
        document, paper, printer = self._document, self.current_paper(), self.current_printer()
        if document is None or paper is None or not printer or self._busy:
            return
        self._busy = True
        self._update_print_button()
        show_error(self.message, "")
        order = PrintOrder(
            printer=printer,
            paper=paper,
            copies=self.copies.value(),
            card_offset=self._card_offset(),
        )
        self._context.ops.io(
            self._send,
            self._context.require_core(),
            self._context.actor,
            document,
            order,
            self.backend(),
        ).success(self._on_printed).failure(self._on_print_failed).run()

    def _on_printed(self, outcome: Outcome[PrintEntry]) -> None:
        self._busy = False
        # Printing runs on the I/O pool, not as a database mutation: announce what it logged.
        self._context.bus.sig_changed.emit(outcome.changes)
        paper = self.current_paper()
        if paper is not None:
            try:
                self._context.config = remember_printer(
                    self._context.config, paper, self.current_printer()
                )
            except (DeskError, OSError) as error:
                # The print went out; only the choice for next time is not kept.
                log.warning("the printer choice was not saved: %s", error)
        self.sig_printed.emit(outcome.value)
        # The print service may still fail the job once this dialog is gone: the desk follows it.
        self._context.bus.sig_print_sent.emit(outcome.value, self.backend())
        self.accept()

    def _on_print_failed(self, error: BaseException) -> None:
        self._busy = False
        message = describe_error(error)
        self._show_message(message)
        # The failed attempt is in the print log: whoever shows the log refreshes.
        self._context.bus.sig_changed.emit(Changes(frozenset({Topic.PRINTS})))
        self.print_button.setText(_("&Try again"))
        self._update_print_button()
        self.print_button.setFocus()
        self.sig_failed.emit(message)

    def _show_message(self, message: str) -> None:
        show_error(self.message, message)


def receipt_preview(
    context: DeskContext, application_id: uuid.UUID, parent: QWidget | None = None
) -> PrintPreviewDialog:
    """The preview of an application's receipt, shown (window-modal) and returned."""
    from app.services import receipts

    config = context.config

    def load(core: Core, actor: Actor) -> Printable:
        return receipts.receipt_printable(core, actor, config, application_id)

    dialog = PrintPreviewDialog(context, load, parent)
    dialog.open()
    return dialog


def card_preview(
    context: DeskContext, permit_number: str, parent: QWidget | None = None
) -> PrintPreviewDialog:
    """The preview of a permit's card, shown (window-modal) and returned. It shows without
    the holder's photo too, so the clerk sees what is missing; printing then refuses."""
    from app.services import permits

    config = context.config

    def load(core: Core, actor: Actor) -> Printable:
        return permits.card_printable(core, actor, config, permit_number)

    def send(
        core: Core, actor: Actor, _document: Printable, order: PrintOrder, backend: PrinterBackend
    ) -> Outcome[PrintEntry]:
        return permits.print_card(core, actor, config, permit_number, order=order, backend=backend)

    dialog = PrintPreviewDialog(context, load, parent, send=send)
    dialog.open()
    return dialog
