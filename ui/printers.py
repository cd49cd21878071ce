"""The computer's printers, as the desk's screens reach them.

On Linux (and macOS) the print service is CUPS, driven by `printing.spool.CupsBackend`. Windows
has no CUPS: there documents go through Qt's QPrinter to the Windows spooler, with
`QtPrinterBackend` below. ESC/POS thermal printers named in this computer's settings join
either (`printing.escpos_backend`). All answer to `printing.spool.PrinterBackend`, so the
services neither know nor care which one prints.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.i18n import _
from printing.escpos_backend import with_escpos
from printing.spool import (
    JobResult,
    JobState,
    Media,
    PaperKind,
    PrinterBackend,
    PrinterError,
    PrinterInfo,
    PrinterState,
    kept,
    system_backend,
)

if TYPE_CHECKING:
    from app.config import Config

# Pages are painted as images at this resolution: card and roll printers print at 300 dpi or
# less, and an A4 page at 300 dpi is already 35 MB of pixels.
RASTER_DPI = 300


def printer_backend(config: Config | None = None) -> PrinterBackend:
    """CUPS where the computer has it, else Qt's QPrinter (Windows); with ``config``, also the
    ESC/POS network printers it names."""
    system = system_backend()
    backend = system if system is not None else QtPrinterBackend()
    return with_escpos(backend, config.escpos_printers) if config is not None else backend


class QtPrinterBackend:
    """Printing through Qt's QPrinter: the desk's way to the Windows spooler.

    The Windows spooler cannot run where the tests run; on Linux Qt prints through CUPS, so
    the tests check this same code against their private CUPS scheduler instead. Each PDF page
    is rendered by QtPdf at the printer's resolution (at most `RASTER_DPI`) and painted from
    the paper's corner at its own size: full page, no margins, never "fit to page", so a card
    prints at 100 %. Qt is imported only when it is used, so importing this module costs
    nothing.
    """

    def list_printers(self) -> list[PrinterInfo]:
        from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

        states = {
            QPrinter.PrinterState.Idle: PrinterState.IDLE,
            QPrinter.PrinterState.Active: PrinterState.PRINTING,
            QPrinter.PrinterState.Aborted: PrinterState.STOPPED,
            QPrinter.PrinterState.Error: PrinterState.OFFLINE,
        }
        default = QPrinterInfo.defaultPrinterName()
        return [
            PrinterInfo(
                name=info.printerName(),
                is_default=info.printerName() == default,
                state=states.get(info.state(), PrinterState.IDLE),
                accepting_jobs=True,
                description=info.description(),
            )
            for info in QPrinterInfo.availablePrinters()
        ]

    def submit(
        self, pdf: bytes, *, printer: str, media: Media, copies: int = 1, title: str
    ) -> JobResult:
        from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QRectF, QSize, QSizeF
        from PySide6.QtGui import QPageLayout, QPageSize, QPainter
        from PySide6.QtPdf import QPdfDocument
        from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

        info = QPrinterInfo.printerInfo(printer)
        if info.isNull():
            raise PrinterError(
                kept(
                    _("There is no printer “{printer}” (any more): choose another printer.").format(
                        printer=printer
                    )
                ),
                printer=printer,
                pdf=pdf,
            )
        device = QPrinter(info, QPrinter.PrinterMode.HighResolution)
        device.setDocName(title)
        device.setCopyCount(copies)
        device.setFullPage(True)  # the page from its corner: the driver adds no margins
        if media.kind is PaperKind.A4:
            size = QPageSize(QPageSize.PageSizeId.A4)
        else:
            size = QPageSize(
                QSizeF(media.width_mm, media.height_mm),
                QPageSize.Unit.Millimeter,
                title,
                QPageSize.SizeMatchPolicy.ExactMatch,
            )
        device.setPageLayout(
            QPageLayout(size, QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0))
        )

        data = QByteArray(pdf)
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        document = QPdfDocument()
        document.load(buffer)
        if document.status() != QPdfDocument.Status.Ready:
            raise PrinterError(
                kept(_("The document could not be prepared for the printer.")),
                printer=printer,
                pdf=pdf,
                detail=str(document.error()),
            )
        dpi = min(device.resolution(), RASTER_DPI)
        scale = device.resolution() / dpi
        painter = QPainter()
        if not painter.begin(device):
            raise PrinterError(
                kept(
                    _(
                        "The printer “{printer}” did not take the document: try again or choose "
                        "another printer."
                    ).format(printer=printer)
                ),
                printer=printer,
                pdf=pdf,
            )
        try:
            for page in range(document.pageCount()):
                if page:
                    device.newPage()
                points = document.pagePointSize(page)
                pixels = QSize(round(points.width() / 72 * dpi), round(points.height() / 72 * dpi))
                image = document.render(page, pixels)
                # At the page's own size in printer pixels: 100 %, whatever dpi was rendered.
                target = QRectF(0, 0, pixels.width() * scale, pixels.height() * scale)
                painter.drawImage(target, image)
        finally:
            painter.end()
        return JobResult(job_id="", printer=printer)

    def job_state(self, job_id: str) -> JobState:
        # The Windows spooler's jobs are not followed through Qt: once handed over, a job's
        # fate shows in the spooler's own window.
        return JobState.UNKNOWN

    def cancel(self, job_id: str) -> None:
        # No job of the Windows spooler is followed (see job_state), so none is canceled.
        del job_id
