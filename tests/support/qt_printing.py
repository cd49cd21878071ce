"""Print a demo document through Qt's QPrinter in a process of its own, and say what Qt saw.

``python -m tests.support.qt_printing PRINTER card|receipt`` prints JSON: the printers Qt
lists, and the job's result or the fault's message. A process of its own, because the CUPS
library Qt loads reads ``CUPS_SERVER`` once, when first used.
"""

from __future__ import annotations

import json
import os
import sys

from app.i18n import set_language


def main(printer: str, document: str) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    set_language("en")
    from PySide6.QtWidgets import QApplication

    from printing.card import render_card
    from printing.demo import demo_card, demo_receipt
    from printing.layout import Paper
    from printing.receipt import render_receipt
    from printing.spool import Media, PrinterError
    from ui.printers import QtPrinterBackend

    app = QApplication.instance() or QApplication([])
    backend = QtPrinterBackend()
    if document == "card":
        pdf, media = render_card(demo_card()), Media.card()
    else:
        pdf, media = render_receipt(demo_receipt("en"), language="en", paper=Paper.A4), Media.a4()
    answer: dict[str, object] = {"printers": [p.name for p in backend.list_printers()]}
    try:
        backend.submit(pdf, printer=printer, media=media, copies=1, title=f"Qt {document}")
        answer["sent"] = True
    except PrinterError as error:
        answer["error"] = error.message
        answer["kept"] = error.pdf == pdf
    print(json.dumps(answer))
    del app


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
