"""The calibration card: what a card printer's offset is measured with.

A card printer puts its image a little off the card, each unit its own way. This test card is
an ID-1 page with bleed, like the permit card, carrying:

- two scales that start at the card's edges, numbered in millimetres from -5 to +12: where the
  left edge cuts the horizontal scale is the X offset to enter, where the bottom edge cuts the
  vertical one the Y offset (positive moves the content right and up, as `CardOffset` says);
- crosshairs at known places (the centre and 10 mm in from each corner), to check with a ruler
  that the printer neither shifts nor scales: the outer crosses are 65.60 mm apart across and
  33.98 mm apart up and down.

Printed again with the offsets entered, both scales read 0 at the edges.
"""

from __future__ import annotations

from typing import Any, Final

from app.i18n import N_
from printing.card import (
    BLEED_MM,
    ID1_HEIGHT_MM,
    ID1_WIDTH_MM,
    MAX_OFFSET_MM,
    NO_OFFSET,
    PAGE_HEIGHT_MM,
    PAGE_WIDTH_MM,
    CardOffset,
    shift_page,
)
from printing.fonts import Face
from printing.layout import MM, fit_text, text_width, wrap_text
from printing.pdf import PdfCanvas
from printing.wording import translator

CORNER_INSET_MM: Final = 10.0
CENTRE_MM: Final = (ID1_WIDTH_MM / 2, ID1_HEIGHT_MM / 2)
CROSSHAIRS_MM: Final[tuple[tuple[float, float], ...]] = (
    CENTRE_MM,
    (CORNER_INSET_MM, CORNER_INSET_MM),
    (ID1_WIDTH_MM - CORNER_INSET_MM, CORNER_INSET_MM),
    (CORNER_INSET_MM, ID1_HEIGHT_MM - CORNER_INSET_MM),
    (ID1_WIDTH_MM - CORNER_INSET_MM, ID1_HEIGHT_MM - CORNER_INSET_MM),
)
CROSS_ARM_MM: Final = 3.0
LINE_MM: Final = 0.12  # thin, but at least one dot of a 300 dpi printer

# The scales: the horizontal one along the left edge, the vertical one along the bottom edge.
SCALE_FROM_MM: Final = -MAX_OFFSET_MM
SCALE_TO_MM: Final = 12.0
HORIZONTAL_SCALE_Y_MM: Final = 20.0
VERTICAL_SCALE_X_MM: Final = 56.0

_TITLE = N_("Card printer calibration")
_READ_SCALES = N_(
    "Where the card's left edge cuts the horizontal scale is the X offset; where the bottom "
    "edge cuts the vertical scale is the Y offset (millimetres)."
)
_PRINT_AGAIN = N_(
    "Enter both as the printer's offset and print this card again: both scales "
    "then read 0 at the edges."
)
_DISTANCES = N_(
    "The outer crosses are {across} mm apart across and {up} mm up and down; if not, the "
    "printer scales the page: turn “fit to page” off."
)
_CURRENT = N_("Printer: {printer} · offset now X {x} mm, Y {y} mm")


def render_calibration_card(
    *, language: str, offset: CardOffset = NO_OFFSET, printer: str = ""
) -> bytes:
    """The test card as a one-page PDF at ID-1 size with 1 mm bleed, moved by ``offset`` (the
    one in force, so that a second print shows whether it is right)."""
    t = translator(language)
    pdf = PdfCanvas(PAGE_WIDTH_MM * MM, PAGE_HEIGHT_MM * MM, title=t(_TITLE))
    canvas = pdf.canvas
    trim = (BLEED_MM, BLEED_MM, BLEED_MM + ID1_WIDTH_MM, BLEED_MM + ID1_HEIGHT_MM)
    canvas.setTrimBox(tuple(edge * MM for edge in trim))
    canvas.setBleedBox((0, 0, PAGE_WIDTH_MM * MM, PAGE_HEIGHT_MM * MM))
    shift_page(canvas, offset)
    canvas.setFillGray(0)
    canvas.setStrokeGray(0)
    canvas.setLineWidth(LINE_MM * MM)
    for x, y in CROSSHAIRS_MM:
        _crosshair(canvas, x, y)
    _horizontal_scale(canvas)
    _vertical_scale(canvas)
    _texts(canvas, t, offset, printer)
    return pdf.finish()


def _pt(millimetres: float) -> float:
    """A position on the card (from its trimmed bottom-left corner) on the page, in points."""
    return (BLEED_MM + millimetres) * MM


def _crosshair(canvas: Any, x: float, y: float) -> None:
    canvas.line(_pt(x - CROSS_ARM_MM), _pt(y), _pt(x + CROSS_ARM_MM), _pt(y))
    canvas.line(_pt(x), _pt(y - CROSS_ARM_MM), _pt(x), _pt(y + CROSS_ARM_MM))
    canvas.circle(_pt(x), _pt(y), CROSS_ARM_MM * 0.5 * MM, stroke=1, fill=0)


def _ticks() -> list[tuple[float, float, str]]:
    """(position, length, label) in millimetres: every half millimetre, numbered every two."""
    ticks = []
    steps = round((SCALE_TO_MM - SCALE_FROM_MM) * 2)
    for step in range(steps + 1):
        position = SCALE_FROM_MM + step / 2
        whole = position == int(position)
        label = f"{int(position)}" if whole and int(position) % 2 == 0 else ""
        ticks.append((position, 1.8 if whole else 1.0, label))
    return ticks


def _horizontal_scale(canvas: Any) -> None:
    y = HORIZONTAL_SCALE_Y_MM
    canvas.line(_pt(SCALE_FROM_MM), _pt(y), _pt(SCALE_TO_MM), _pt(y))
    canvas.setFont(Face.SANS.value, 3.2)
    for position, length, label in _ticks():
        canvas.line(_pt(position), _pt(y), _pt(position), _pt(y + length))
        if label:
            canvas.drawCentredString(_pt(position), _pt(y + 2.3), label)


def _vertical_scale(canvas: Any) -> None:
    x = VERTICAL_SCALE_X_MM
    canvas.line(_pt(x), _pt(SCALE_FROM_MM), _pt(x), _pt(SCALE_TO_MM))
    canvas.setFont(Face.SANS.value, 3.2)
    for position, length, label in _ticks():
        canvas.line(_pt(x), _pt(position), _pt(x + length), _pt(position))
        if label:
            canvas.drawString(_pt(x + 2.3), _pt(position) - 1.1, label)


def _texts(canvas: Any, t: Any, offset: CardOffset, printer: str) -> None:
    left, width = 15.0, 56.0  # between the upper crosses
    title = fit_text(t(_TITLE), Face.SANS_BOLD, width=width * MM, size=7, min_size=5)
    canvas.setFont(Face.SANS_BOLD.value, title.size)
    centre = _pt(left) + (width * MM - text_width(title.text, Face.SANS_BOLD, title.size)) / 2
    canvas.drawString(centre, _pt(ID1_HEIGHT_MM - 4.5), title.text)

    size = 3.8
    current = t(_CURRENT).format(
        printer=printer or "—", x=f"{offset.x_mm:+.2f}", y=f"{offset.y_mm:+.2f}"
    )
    distances = t(_DISTANCES).format(
        across=f"{ID1_WIDTH_MM - 2 * CORNER_INSET_MM:.2f}",
        up=f"{ID1_HEIGHT_MM - 2 * CORNER_INSET_MM:.2f}",
    )
    baseline = ID1_HEIGHT_MM - 8.5
    canvas.setFont(Face.SANS.value, size)
    for paragraph in (current, t(_READ_SCALES), t(_PRINT_AGAIN), distances):
        for line in wrap_text(paragraph, Face.SANS, size, width * MM):
            canvas.drawString(_pt(left), _pt(baseline), line)
            baseline -= size * 1.2 / MM
        baseline -= 0.6
