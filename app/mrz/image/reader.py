"""Reading the MRZ of a passport or identity card from a picture: ``read_mrz_image``.

A file is loaded as the scanner's file import loads it (same size and pixel limits, same
messages for a damaged or unknown file; a PDF or TIFF is read page by page until one has an
MRZ). Each page is searched upright, then upside down, then on either side; where an MRZ is
found, its cells are classified, the text corrected by position and check digits, parsed,
and the portrait cut out beside it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from app.i18n import _
from app.mrz.image.classifier import ALPHABET, UNREADABLE, load_classifier
from app.mrz.image.correct import decode
from app.mrz.image.face import crop_face
from app.mrz.image.locate import MrzGeometry, find_mrz
from app.mrz.image.model import INVALID_CONFIDENCE_CAP, MrzImageRead, NoMrzFoundError
from app.mrz.image.segment import cell_patches, straightened
from app.mrz.parse import parse_mrz
from app.scanning.files import read_file
from app.scanning.model import ScannedPage, normalised

Source = Path | str | Image.Image | ScannedPage

# Quarter turns (counter-clockwise) tried in order: as given, upside down, on either side.
_TURNS = (0, 2, 1, 3)
# A read this sure of every character needs no other orientation tried.
_SURE = 0.9
# Below this mean character probability, evenly spaced rows are not OCR-B at all.
_NOT_OCR_B = 0.4
# The least probability a check digit must be read with for the read to be valid.
CHECK_DIGIT_CONFIDENCE = 0.5
_TRANSPOSE = {
    1: Image.Transpose.ROTATE_90,
    2: Image.Transpose.ROTATE_180,
    3: Image.Transpose.ROTATE_270,
}


def read_mrz_image(
    source: Source, *, today: date | None = None, with_face: bool = True
) -> MrzImageRead:
    """The MRZ read from a picture file, a picture or a scanned page.

    Raises :class:`NoMrzFoundError` when no page shows an MRZ, and
    ``app.scanning.model.FileRefusedError`` for a file that is too large, damaged or not a
    picture. ``today`` decides the centuries of the dates, as in ``parse_mrz``.
    """
    pages = _pages(source)
    for image, origin in pages:
        found = read_page(image, origin, today=today, with_face=with_face)
        if found is not None:
            return found
    name = pages[0][1] if len(pages) == 1 else Path(str(source)).name
    raise NoMrzFoundError(
        _(
            "No machine-readable zone was found in {name}. Scan the page with the two or "
            "three lines of letters, digits and < signs (for an identity card, its back), "
            "whole, flat and in focus."
        ).format(name=name)
    )


def read_page(
    image: Image.Image, origin: str, *, today: date | None = None, with_face: bool = True
) -> MrzImageRead | None:
    """The MRZ of one picture, whichever way up it lies, or None when it shows none."""
    picture = normalised(image)
    if picture.mode == "1":
        picture = picture.convert("L")
    gray = np.asarray(picture.convert("L") if picture.mode != "L" else picture, dtype=np.uint8)
    best: tuple[MrzImageRead, MrzGeometry, int] | None = None
    for turn in _TURNS:
        turned = np.ascontiguousarray(np.rot90(gray, turn))
        geometry = find_mrz(turned)
        if geometry is None:
            continue
        read = _with_turn(_read(turned, geometry, origin, today), turn, gray.shape)
        if best is None or _rank(read) > _rank(best[0]):
            best = (read, geometry, turn)
        if best[0].valid or _mean(best[0]) >= _SURE:
            break
    if best is None or _mean(best[0]) < _NOT_OCR_B:
        # Rows of evenly spaced print that the classifier cannot read at all are some other
        # text (a typewritten form, a table of figures), not an MRZ.
        return None
    read, geometry, turn = best
    if not with_face:
        return read
    upright = picture.transpose(_TRANSPOSE[turn]) if turn else picture
    return replace(read, face=crop_face(upright, geometry))


def _pages(source: Source) -> list[tuple[Image.Image, str]]:
    if isinstance(source, ScannedPage):
        return [(source.image, source.origin)]
    if isinstance(source, Image.Image):
        return [(source, _("the picture"))]
    return [(page.image, page.origin) for page in read_file(Path(source))]


def _read(
    gray: NDArray[np.uint8], geometry: MrzGeometry, origin: str, today: date | None
) -> MrzImageRead:
    patches = cell_patches(straightened(gray, geometry), geometry)
    probabilities = load_classifier().probabilities(patches)
    length, count = geometry.length, len(geometry.origins)
    decoded = decode(probabilities, length, count)
    raw = "".join(
        "?" if best == UNREADABLE else ALPHABET[best] for best in probabilities.argmax(axis=1)
    )
    lines = tuple(decoded.text[start : start + length] for start in range(0, len(raw), length))
    result = parse_mrz(lines, today=today)
    # Check digits vouch for the fields only when they were themselves read clearly: a
    # blotted check digit that happens to match proves nothing.
    clear_checks = all(
        decoded.confidence[position] >= CHECK_DIGIT_CONFIDENCE
        for position in decoded.check_positions
    )
    valid = result.valid and not decoded.unreadable and clear_checks
    lowest = min(decoded.confidence)
    return MrzImageRead(
        result=result,
        raw_lines=tuple(raw[start : start + length] for start in range(0, len(raw), length)),
        char_confidence=tuple(
            decoded.confidence[start : start + length] for start in range(0, len(raw), length)
        ),
        confidence=lowest if valid else min(lowest, INVALID_CONFIDENCE_CAP),
        valid=valid,
        corrections=decoded.corrections,
        unreadable=tuple(
            (position // length + 1, position % length + 1) for position in decoded.unreadable
        ),
        skew_degrees=geometry.angle_degrees,
        page_turn_degrees=0,
        mrz_corners=_corners(geometry),
        face=None,
        origin=origin,
    )


def _corners(geometry: MrzGeometry) -> tuple[tuple[float, float], ...]:
    """The MRZ's box: a half cell beyond its first and last cells, a capital's height
    above its first line and below its last."""
    dx, dy = geometry.direction
    nx, ny = geometry.normal
    along = (-0.5 * geometry.pitch, (geometry.length - 0.5) * geometry.pitch)
    across = 0.8 * geometry.cap_height
    first, last = geometry.origins[0], geometry.origins[-1]
    return (
        (first[0] + along[0] * dx - across * nx, first[1] + along[0] * dy - across * ny),
        (first[0] + along[1] * dx - across * nx, first[1] + along[1] * dy - across * ny),
        (last[0] + along[1] * dx + across * nx, last[1] + along[1] * dy + across * ny),
        (last[0] + along[0] * dx + across * nx, last[1] + along[0] * dy + across * ny),
    )


def _with_turn(read: MrzImageRead, turn: int, shape: tuple[int, ...]) -> MrzImageRead:
    """``read`` with its corners in the picture as given, and the turn that read it."""
    if turn == 0:
        return read
    height, width = shape[:2]
    corners = []
    for x, y in read.mrz_corners:
        # Undo numpy's counter-clockwise quarter turns: where (x, y) of the turned
        # picture was in the picture given.
        if turn == 1:
            corners.append((width - 1 - y, x))
        elif turn == 2:
            corners.append((width - 1 - x, height - 1 - y))
        else:
            corners.append((y, height - 1 - x))
    return replace(read, mrz_corners=tuple(corners), page_turn_degrees=90 * turn)


def _mean(read: MrzImageRead) -> float:
    values = [value for line in read.char_confidence for value in line]
    return sum(values) / len(values)


def _rank(read: MrzImageRead) -> tuple[bool, float]:
    return read.valid, _mean(read)
