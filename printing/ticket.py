"""The queue ticket from the 80 mm roll: the number large enough to read across the hall, then
the service, when it was taken, how many people are ahead, the likely wait and where to go."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final

from app.i18n import N_
from printing.fonts import Face
from printing.layout import MM, Align, Column
from printing.pdf import PdfCanvas
from printing.wording import DUPLICATE_MARK, moment, translator


@dataclass(frozen=True, slots=True)
class TicketData:
    number: str  # "A001": the service's prefix and the day's sequence
    service: str
    office_name: str
    issued_at: datetime
    people_ahead: int
    estimated_wait_minutes: int
    hall: str | None = None
    counter: str | None = None  # a counter, or a range of them ("1–4")
    duplicate: bool = False  # printed again for the same visitor: marked as such


ROLL_WIDTH: Final = 80 * MM
_MARGIN: Final = 4 * MM
_NUMBER_SIZE: Final = 48.0
_NUMBER_MIN_SIZE: Final = 28.0

_TITLE = N_("Queue ticket")


def render_ticket(data: TicketData, *, language: str) -> bytes:
    """The ticket as a one-page PDF, 80 mm wide and as long as its content."""
    t = translator(language)
    column = Column(ROLL_WIDTH - 2 * _MARGIN)
    column.text(data.office_name, Face.SANS_BOLD, 9, align=Align.CENTER)
    column.rule()
    column.text(t(N_("Your number")), Face.SANS, 10, align=Align.CENTER)
    column.fitted(
        data.number, Face.SANS_BOLD, _NUMBER_SIZE, min_size=_NUMBER_MIN_SIZE, align=Align.CENTER
    )
    column.text(data.service, Face.SANS_BOLD, 11, align=Align.CENTER)
    if data.duplicate:
        column.gap(2)
        column.banner(t(DUPLICATE_MARK), 12)
    column.rule()
    column.text(moment(data.issued_at), Face.SANS, 9, align=Align.CENTER)
    if data.people_ahead > 0:
        ahead = t(N_("People ahead of you: {count}")).format(count=data.people_ahead)
        wait = t(N_("Estimated wait: about {minutes} min")).format(
            minutes=max(data.estimated_wait_minutes, 1)
        )
        column.text(ahead, Face.SANS, 9, align=Align.CENTER)
        column.text(wait, Face.SANS, 9, align=Align.CENTER)
    else:
        column.text(t(N_("You are next.")), Face.SANS_BOLD, 9, align=Align.CENTER)
    if data.hall:
        column.text(
            t(N_("Hall: {hall}")).format(hall=data.hall), Face.SANS_BOLD, 10, align=Align.CENTER
        )
    if data.counter:
        column.text(
            t(N_("Counter: {counter}")).format(counter=data.counter),
            Face.SANS_BOLD,
            10,
            align=Align.CENTER,
        )
    column.rule()
    column.text(
        t(N_("Watch the screen: your number will be called.")), Face.SANS, 8, align=Align.CENTER
    )
    height = column.height + 2 * _MARGIN
    pdf = PdfCanvas(ROLL_WIDTH, height, title=t(_TITLE))
    column.draw(pdf.canvas, _MARGIN, height - _MARGIN)
    return pdf.finish()
