"""QR codes drawn as vector rectangles: sharp at any printer resolution, small in the PDF.

The ``qrcode`` package computes the module matrix (reportlab's own QR widget is much slower);
the dark modules are drawn here as filled rectangles in pure black, one rectangle per run of
dark modules in a row, inside a white quiet zone of four modules as ISO/IEC 18004 asks.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any, Final

import qrcode
from qrcode.exceptions import DataOverflowError

from app.errors import DeskError
from app.i18n import _

QUIET_ZONE_MODULES: Final = 4
LARGEST_VERSION: Final = 40


class ErrorCorrection(Enum):
    """How much of a code may be damaged and still read: L 7 %, M 15 %, Q 25 %, H 30 %."""

    L = qrcode.constants.ERROR_CORRECT_L
    M = qrcode.constants.ERROR_CORRECT_M
    Q = qrcode.constants.ERROR_CORRECT_Q
    H = qrcode.constants.ERROR_CORRECT_H


class QrTooLargeError(DeskError):
    """The text needs a bigger code than the document has room for."""


@dataclass(frozen=True, slots=True)
class QrMatrix:
    """The modules of a code, row by row from the top; True is dark. No quiet zone."""

    version: int
    error_correction: ErrorCorrection
    dark: tuple[tuple[bool, ...], ...]

    @property
    def side(self) -> int:
        """Modules along one side, without the quiet zone."""
        return len(self.dark)

    @property
    def side_with_quiet_zone(self) -> int:
        return self.side + 2 * QUIET_ZONE_MODULES


def qr_matrix(
    text: str,
    *,
    error_correction: ErrorCorrection = ErrorCorrection.M,
    max_version: int = LARGEST_VERSION,
) -> QrMatrix:
    """The smallest code holding ``text``, or `QrTooLargeError` if it needs a version above
    ``max_version``."""
    code: Any = qrcode.QRCode(version=None, error_correction=error_correction.value, border=0)
    code.add_data(text)
    try:
        code.best_fit()
    except (DataOverflowError, ValueError):  # qrcode says "version 41" with a ValueError
        raise _too_large(len(text), None, max_version) from None
    version = int(code.version)
    if version > max_version:
        raise _too_large(len(text), version, max_version)
    code.makeImpl(False, _best_mask(code))
    dark = tuple(tuple(bool(module) for module in row) for row in code.modules)
    return QrMatrix(version=version, error_correction=error_correction, dark=dark)


# --- choosing the mask ---------------------------------------------------------------------------
#
# ISO/IEC 18004 has the encoder try the eight mask patterns and keep the one with the lowest
# penalty (long runs, 2x2 blocks, finder look-alikes, unbalanced dark share). qrcode does that
# module by module in Python, which took some 15 ms for a permit's code, most of a card's
# rendering time. The same choice is made here on rows held as integers: the penalty rules
# are qrcode's own (`qrcode.util.lost_point`, format bits left light as it scores them), so the
# symbol is the one ``QRCode.make()`` gives, and a test compares the two.

_AS_DIGITS: Final = bytes.maketrans(b"\x00\x01", b"01")

_differences_lock = threading.Lock()
_mask_differences_by_version: dict[int, tuple[tuple[int, ...], ...]] = {}


def _best_mask(code: Any) -> int:
    code.makeImpl(True, 0)
    base = [_row_bits(row) for row in code.modules]
    penalties = [
        _penalty([row ^ flip for row, flip in zip(base, flips, strict=True)], len(base))
        for flips in _mask_differences(code, base)
    ]
    return penalties.index(min(penalties))  # the first of equals, as qrcode picks


def _mask_differences(code: Any, base: Sequence[int]) -> tuple[tuple[int, ...], ...]:
    """For each mask, the modules it flips compared with mask 0: the data modules where the
    two patterns differ. That depends on the version only, so it is worked out once per
    version, from qrcode's own symbols."""
    version = int(code.version)
    with _differences_lock:
        known = _mask_differences_by_version.get(version)
        if known is None:
            differences = []
            for mask in range(8):
                code.makeImpl(True, mask)
                rows = (_row_bits(row) for row in code.modules)
                differences.append(tuple(a ^ b for a, b in zip(rows, base, strict=True)))
            known = _mask_differences_by_version[version] = tuple(differences)
        return known


def _row_bits(row: Sequence[bool | None]) -> int:
    """A row of modules as an integer, the leftmost module the highest bit."""
    return int(bytes(bool(module) for module in row).translate(_AS_DIGITS), 2)


def _penalty(rows: Sequence[int], side: int) -> int:
    full = (1 << side) - 1
    texts = [format(row, f"0{side}b") for row in rows]
    columns = ["".join(column) for column in zip(*texts, strict=True)]
    # Neither finder look-alike can overlap itself, so counting substrings counts them all.
    lines = "|".join(texts + columns)
    finder_like = lines.count("10111010000") + lines.count("00001011101")
    runs = 0
    for line in (*rows, *(int(column, 2) for column in columns)):
        for colour in (line, ~line & full):
            # A bit for each module that starts five of its colour in a row: a run of n >= 5
            # leaves n - 4 of them, and costs n - 2.
            fives = colour & (colour >> 1) & (colour >> 2) & (colour >> 3) & (colour >> 4)
            if fives:
                runs += fives.bit_count() + 2 * (fives & ~(fives << 1)).bit_count()
    blocks = 0
    for upper, lower in itertools.pairwise(rows):
        dark = upper & lower
        light = ~(upper | lower) & full
        blocks += (dark & (dark >> 1)).bit_count() + (light & (light >> 1)).bit_count()
    dark_share = sum(row.bit_count() for row in rows) / side**2
    balance = int(abs(dark_share * 100 - 50) / 5)
    return runs + 3 * blocks + 40 * finder_like + 10 * balance


def _too_large(length: int, needed: int | None, allowed: int) -> QrTooLargeError:
    return QrTooLargeError(
        _(
            "The text for the QR code is too long ({length} characters): it needs a larger "
            "code than this document can print (version {allowed} at most)."
        ).format(length=length, allowed=allowed),
        detail=f"needs version {needed if needed is not None else '> 40'}",
    )


def draw_qr(canvas: Any, matrix: QrMatrix, *, x: float, y: float, module: float) -> None:
    """Draw ``matrix`` with its quiet zone; (``x``, ``y``) is the bottom-left corner of the
    quiet zone and ``module`` the side of one module, in points."""
    side = matrix.side_with_quiet_zone * module
    canvas.saveState()
    # The quiet zone must be light whatever lies beneath: a tint under it stops readers.
    canvas.setFillGray(1)
    canvas.rect(x, y, side, side, stroke=0, fill=1)
    # Pure black (DeviceGray 0): a grey would be printed as a dither of dots.
    canvas.setFillGray(0)
    # From here one unit is one module and the origin the symbol's bottom-left corner, so each
    # rectangle is four small integers. They are written as PDF operators directly: going
    # through reportlab's path object costs more than the rest of a receipt.
    origin = QUIET_ZONE_MODULES * module
    canvas.transform(module, 0, 0, module, x + origin, y + origin)
    rectangles = [
        f"{start} {matrix.side - 1 - row_index} {length} 1 re"
        for row_index, row in enumerate(matrix.dark)
        for start, length in _dark_runs(row)
    ]
    # One fill for the whole symbol: no hairline seams where rectangles touch.
    canvas.addLiteral("\n".join(rectangles) + "\nf")
    canvas.restoreState()


def _dark_runs(row: tuple[bool, ...]) -> list[tuple[int, int]]:
    """(first column, length) of each run of dark modules in ``row``."""
    runs: list[tuple[int, int]] = []
    start: int | None = None
    for column, is_dark in enumerate(row):
        if is_dark and start is None:
            start = column
        elif not is_dark and start is not None:
            runs.append((start, column - start))
            start = None
    if start is not None:
        runs.append((start, len(row) - start))
    return runs
