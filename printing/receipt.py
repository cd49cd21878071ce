"""The receipt a visitor takes home after handing in an application: on A4 or an 80 mm roll.

It names the office, desk and clerk, the application and the person, the service, the fee and
its payment reference, the documents received and the date the decision is due, and carries a
QR code that proves the receipt (signed by the caller; printing signs nothing).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Final

from app.i18n import N_
from printing.fonts import Face
from printing.layout import MM, Align, Column, Paper
from printing.pdf import PdfCanvas
from printing.qr import ErrorCorrection, qr_matrix
from printing.wording import DUPLICATE_MARK, day, moment, money, translator


@dataclass(frozen=True, slots=True)
class ReceiptData:
    office_name: str
    desk: str
    clerk: str
    application_number: str
    person_name: str
    person_birth_date: date | None
    service: str
    fee: Decimal
    currency: str
    payment_reference: str  # empty when no fee is due
    documents_received: tuple[str, ...]
    decision_due: date | None  # None for a service whose decision has no set term
    issued_at: datetime
    qr_text: str  # the signed receipt code
    # A copy printed again: marked, so that two originals of one receipt never circulate.
    duplicate: bool = False


@dataclass(frozen=True, slots=True)
class _Format:
    """What differs between the sheet and the roll."""

    page_width: float
    page_height: float | None  # None: as long as the content (the roll is cut after it)
    margin: float
    size: float  # body text
    title_size: float
    label_width: float
    qr_side: float


_FORMATS: Final = {
    Paper.A4: _Format(210 * MM, 297 * MM, 18 * MM, 10.5, 16, 60 * MM, 40 * MM),
    # 80 mm roll printers print 72 mm of it: 4 mm margins either side.
    Paper.ROLL_80: _Format(80 * MM, None, 4 * MM, 8, 11, 25 * MM, 40 * MM),
}

_TITLE = N_("Receipt for submitted documents")
_NOTHING = "—"


def render_receipt(data: ReceiptData, *, language: str, paper: Paper) -> bytes:
    """The receipt as a one-page PDF (more pages on A4 only if the document list is long)."""
    t = translator(language)
    form = _FORMATS[paper]
    column = _content(data, language, form)
    height = form.page_height or column.height + 2 * form.margin
    pdf = PdfCanvas(form.page_width, height, title=t(_TITLE))
    canvas = pdf.canvas
    top = height - form.margin

    def next_page() -> float:
        canvas.showPage()
        return top

    if form.page_height is None:
        column.draw(canvas, form.margin, top)  # the page was made to the column's measure
    else:
        column.draw(canvas, form.margin, top, bottom=form.margin, next_page=next_page)
    return pdf.finish()


def _content(data: ReceiptData, language: str, form: _Format) -> Column:
    t = translator(language)
    column = Column(form.page_width - 2 * form.margin)
    size = form.size

    def row(label: str, value: str, face: Face = Face.SANS_BOLD) -> None:
        column.row(t(label), value, label_width=form.label_width, size=size, value_face=face)

    column.text(data.office_name, Face.SANS_BOLD, form.title_size, align=Align.CENTER)
    column.gap(size * 0.5)
    column.text(t(_TITLE), Face.SANS_BOLD, size + 2, align=Align.CENTER)
    if data.duplicate:
        column.gap(size * 0.5)
        column.banner(t(DUPLICATE_MARK), size + 4)
    column.rule()
    row(N_("Application number"), data.application_number, Face.MONO)
    row(N_("Date"), moment(data.issued_at))
    row(N_("Desk"), data.desk)
    row(N_("Clerk"), data.clerk)
    column.rule()
    row(N_("Applicant"), data.person_name)
    if data.person_birth_date is not None:
        row(N_("Date of birth"), day(data.person_birth_date))
    row(N_("Service"), data.service)
    row(N_("State fee"), money(data.fee, data.currency, language))
    row(N_("Payment reference"), data.payment_reference or _NOTHING, Face.MONO)
    row(N_("Decision due by"), day(data.decision_due) if data.decision_due else _NOTHING)
    column.rule()
    column.text(t(N_("Documents received")), Face.SANS_BOLD, size)
    for number, document in enumerate(data.documents_received, start=1):
        column.text(f"{number}. {document}", Face.SANS, size)
    if not data.documents_received:
        column.text(_NOTHING, Face.SANS, size)
    column.rule()
    column.qr(qr_matrix(data.qr_text, error_correction=ErrorCorrection.M), side=form.qr_side)
    column.text(
        t(N_("Scan the code to check that this receipt is genuine.")),
        Face.SANS,
        size - 1,
        align=Align.CENTER,
    )
    column.gap(size * 0.5)
    column.text(
        t(N_("Keep this receipt: you will need it to collect the decision.")),
        Face.SANS,
        size - 1,
        align=Align.CENTER,
    )
    return column
