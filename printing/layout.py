"""Measuring and placing text: fitting a line to a field, wrapping, and a top-down column.

Every string goes through `require_glyphs` before it is measured, so no document can draw a
character its font lacks. Sizes are in points unless a name says millimetres.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any, Final, Protocol

from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics

from printing.fonts import Face, font, require_glyphs
from printing.qr import QrMatrix, draw_qr

MM: Final[float] = float(mm)
# Card printers print at 300 dots per inch: a QR module of a whole number of dots has sharp
# edges instead of alternating wide and narrow modules.
PRINTER_DOT_MM: Final = 25.4 / 300
ELLIPSIS: Final = "…"

# DejaVu's ascender and descender (0.928 and 0.236 of the size) with a little air.
_ASCENT: Final = 0.93
LINE_SPACING: Final = 1.25


class Paper(Enum):
    A4 = "a4"
    ROLL_80 = "roll_80"  # 80 mm receipt roll, 72 mm printable


class Align(Enum):
    LEFT = "left"
    CENTER = "center"
    RIGHT = "right"


def text_width(text: str, face: Face, size: float) -> float:
    font(face)  # reportlab measures only registered fonts
    return float(pdfmetrics.stringWidth(text, face.value, size))


@dataclass(frozen=True, slots=True)
class FittedText:
    """A line made to fit a field: the text as drawn and the size it is drawn at."""

    text: str
    size: float
    shrunk: bool  # drawn smaller than asked
    cut: bool  # even the smallest size was too wide: cut, ending in an ellipsis


def fit_text(text: str, face: Face, *, width: float, size: float, min_size: float) -> FittedText:
    """``text`` at ``size`` if it fits ``width``; else as large as fits, down to ``min_size``;
    else cut at ``min_size`` with an ellipsis."""
    require_glyphs(text + ELLIPSIS, face)
    natural = text_width(text, face, size)
    if natural <= width:
        return FittedText(text, size, shrunk=False, cut=False)
    # Widths grow linearly with the size; round down to a tenth so rounding cannot overflow.
    scaled = math.floor(size * width / natural * 10) / 10
    if scaled >= min_size:
        return FittedText(text, scaled, shrunk=True, cut=False)
    # The longest prefix that fits with its ellipsis, by bisection over its length.
    shortest, longest = 0, len(text)
    while shortest < longest:
        middle = (shortest + longest + 1) // 2
        if text_width(_cut(text, middle), face, min_size) <= width:
            shortest = middle
        else:
            longest = middle - 1
    return FittedText(_cut(text, shortest), min_size, shrunk=True, cut=True)


def _cut(text: str, length: int) -> str:
    return text[:length].rstrip(" -,") + ELLIPSIS


def wrap_text(text: str, face: Face, size: float, width: float) -> tuple[str, ...]:
    """``text`` broken into lines no wider than ``width``: between words where it can, inside
    a word too long for a line of its own (a long reference number on a narrow roll)."""
    require_glyphs(text, face)
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if text_width(candidate, face, size) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        rest = word
        while text_width(rest, face, size) > width:
            head = _longest_fitting_prefix(rest, face, size, width)
            lines.append(rest[:head])
            rest = rest[head:]
        current = rest
    if current or not lines:
        lines.append(current)
    return tuple(lines)


def _longest_fitting_prefix(word: str, face: Face, size: float, width: float) -> int:
    length = len(word)
    while length > 1 and text_width(word[:length], face, size) > width:
        length -= 1
    return length


# --- a column of blocks, laid out top-down -----------------------------------------------------


class Block(Protocol):
    """Something placed in a column: its height is known before the page is made, which lets
    a roll document be cut exactly after its content."""

    @property
    def height(self) -> float: ...

    def draw(self, canvas: Any, left: float, top: float) -> None: ...


@dataclass(frozen=True, slots=True)
class _Line:
    text: str
    face: Face
    size: float
    x: float  # from the column's left edge to where the text starts

    @property
    def height(self) -> float:
        return self.size * LINE_SPACING

    def draw(self, canvas: Any, left: float, top: float) -> None:
        canvas.setFont(self.face.value, self.size)
        canvas.drawString(left + self.x, top - self.size * _ASCENT, self.text)


@dataclass(frozen=True, slots=True)
class _Row:
    """A label and its value side by side, the value wrapped to several lines if need be."""

    label: tuple[_Line, ...]
    value: tuple[_Line, ...]

    @property
    def height(self) -> float:
        lines = max(
            sum(line.height for line in self.label), sum(line.height for line in self.value)
        )
        # A little air between rows, so a wrapped value reads as one entry.
        return lines + self.value[0].size * 0.2

    def draw(self, canvas: Any, left: float, top: float) -> None:
        for lines in (self.label, self.value):
            y = top
            for line in lines:
                line.draw(canvas, left, y)
                y -= line.height


@dataclass(frozen=True, slots=True)
class _Gap:
    height: float

    def draw(self, canvas: Any, left: float, top: float) -> None:
        pass


@dataclass(frozen=True, slots=True)
class _Rule:
    width: float
    height: float

    def draw(self, canvas: Any, left: float, top: float) -> None:
        canvas.setLineWidth(0.5)
        middle = top - self.height / 2
        canvas.line(left, middle, left + self.width, middle)


@dataclass(frozen=True, slots=True)
class _Banner:
    """A line of bold text in a frame across the column: the mark of a duplicate."""

    line: _Line
    width: float

    @property
    def height(self) -> float:
        return self.line.size * (LINE_SPACING + 0.9)

    def draw(self, canvas: Any, left: float, top: float) -> None:
        pad = self.line.size * 0.5
        canvas.setLineWidth(1.2)
        canvas.rect(left, top - self.height, self.width, self.height, stroke=1, fill=0)
        self.line.draw(canvas, left, top - pad)


@dataclass(frozen=True, slots=True)
class _Qr:
    matrix: QrMatrix
    module: float
    x: float

    @property
    def height(self) -> float:
        return self.matrix.side_with_quiet_zone * self.module

    def draw(self, canvas: Any, left: float, top: float) -> None:
        draw_qr(canvas, self.matrix, x=left + self.x, y=top - self.height, module=self.module)


class Column:
    """Blocks stacked from the top, ``width`` points wide. Every text is checked against its
    font as it is added, so an unprintable character fails before any page is made."""

    def __init__(self, width: float) -> None:
        self.width = width
        self._blocks: list[Block] = []

    @property
    def height(self) -> float:
        return sum(block.height for block in self._blocks)

    def text(
        self, text: str, face: Face = Face.SANS, size: float = 9, *, align: Align = Align.LEFT
    ) -> None:
        """A paragraph: wrapped to the column, each line aligned."""
        for line in wrap_text(text, face, size, self.width):
            self._blocks.append(self._line(line, face, size, self.width, align))

    def fitted(
        self, text: str, face: Face, size: float, *, min_size: float, align: Align = Align.LEFT
    ) -> FittedText:
        """One line, shrunk to fit the column (for a ticket number, a name in large type)."""
        fitted = fit_text(text, face, width=self.width, size=size, min_size=min_size)
        self._blocks.append(self._line(fitted.text, face, fitted.size, self.width, align))
        return fitted

    def row(
        self,
        label: str,
        value: str,
        *,
        label_width: float,
        size: float,
        value_face: Face = Face.SANS_BOLD,
    ) -> None:
        gutter = size * 0.6
        value_width = self.width - label_width - gutter
        label_lines = tuple(
            self._line(line, Face.SANS, size, label_width, Align.LEFT)
            for line in wrap_text(label, Face.SANS, size, label_width)
        )
        value_lines = tuple(
            _Line(line, value_face, size, label_width + gutter)
            for line in wrap_text(value, value_face, size, value_width)
        )
        self._blocks.append(_Row(label_lines, value_lines))

    def banner(self, text: str, size: float) -> None:
        """One line of bold text, centred in a frame the column's width (shrunk to fit)."""
        inner = self.width - size
        fitted = fit_text(text, Face.SANS_BOLD, width=inner, size=size, min_size=size * 0.6)
        line = self._line(fitted.text, Face.SANS_BOLD, fitted.size, self.width, Align.CENTER)
        self._blocks.append(_Banner(line, self.width))

    def gap(self, height: float) -> None:
        self._blocks.append(_Gap(height))

    def rule(self, height: float = 3 * MM) -> None:
        self._blocks.append(_Rule(self.width, height))

    def qr(self, matrix: QrMatrix, *, side: float) -> None:
        """The code centred, at most ``side`` points wide with its quiet zone."""
        module = side / matrix.side_with_quiet_zone
        self._blocks.append(_Qr(matrix, module, (self.width - side) / 2))

    def draw(
        self,
        canvas: Any,
        left: float,
        top: float,
        *,
        bottom: float = 0.0,
        next_page: Callable[[], float] | None = None,
    ) -> None:
        """Draw the blocks from ``top`` down; a block that would cross ``bottom`` goes to a new
        page when ``next_page`` (which starts one and returns its top) is given."""
        y, page_top = top, top
        canvas.setFillGray(0)
        canvas.setStrokeGray(0)
        for block in self._blocks:
            # A block taller than a whole page is drawn anyway rather than turning pages for
            # ever.
            if y - block.height < bottom and next_page is not None and y < page_top:
                y = page_top = next_page()
                canvas.setFillGray(0)
                canvas.setStrokeGray(0)
            block.draw(canvas, left, y)
            y -= block.height

    @staticmethod
    def _line(text: str, face: Face, size: float, width: float, align: Align) -> _Line:
        spare = width - text_width(text, face, size)
        offset = {Align.LEFT: 0.0, Align.CENTER: spare / 2, Align.RIGHT: spare}[align]
        return _Line(text, face, size, max(offset, 0.0))
