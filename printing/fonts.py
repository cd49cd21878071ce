"""The bundled fonts of the printouts, and the check that every character drawn has a glyph.

reportlab's own fonts (Helvetica and friends) know neither Ə nor Cyrillic, and a missing glyph
prints as an empty box that nobody notices until a permit is in someone's hand. So every
document draws with fonts from ``resources/fonts`` (DejaVu for text, OCR-B for the MRZ),
embedded in the PDF, and refuses text its font cannot show (`require_glyphs`).
"""

from __future__ import annotations

import threading
from enum import StrEnum
from pathlib import Path
from typing import Final

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from app.errors import DeskError
from app.i18n import _
from app.resources import resources_dir


class Face(StrEnum):
    """A font face the printouts use; the value is its name inside the PDF."""

    SANS = "DejaVuSans"
    SANS_BOLD = "DejaVuSans-Bold"
    MONO = "DejaVuSansMono"
    OCR_B = "OCRB"

    @property
    def file_name(self) -> str:
        return _FILES[self]


_FILES: Final = {
    Face.SANS: "DejaVuSans.ttf",
    Face.SANS_BOLD: "DejaVuSans-Bold.ttf",
    Face.MONO: "DejaVuSansMono.ttf",
    # Converted from the OpenType original: see printing/tools/convert_ocrb.py.
    Face.OCR_B: "OCRB.ttf",
}


class MissingGlyphsError(DeskError):
    """Text that the document's font cannot show: printing it would leave empty boxes."""

    def __init__(self, face: Face, missing: frozenset[str]) -> None:
        shown = " ".join(sorted(missing))
        codes = ", ".join(f"U+{ord(char):04X}" for char in sorted(missing))
        super().__init__(
            _(
                "The printout cannot show the characters {characters}: the font {font} has "
                "no glyph for them. Correct the text or ask for a font that has them."
            ).format(characters=shown, font=face.value),
            detail=codes,
        )
        self.face = face
        self.missing = missing


def fonts_dir() -> Path:
    return resources_dir() / "fonts"


# Printing runs on a small pool of threads: one lock keeps a face from being loaded twice.
_lock = threading.Lock()
_loaded: dict[Face, TTFont] = {}


def font(face: Face) -> TTFont:
    """The face, read from its file and registered with reportlab the first time it is asked
    for; later calls return the same object."""
    found = _loaded.get(face)
    if found is not None:
        return found
    with _lock:
        found = _loaded.get(face)
        if found is None:
            path = fonts_dir() / face.file_name
            if not path.is_file():
                raise DeskError(
                    _("The font file {name} is missing from the installation.").format(
                        name=face.file_name
                    ),
                    detail=str(path),
                )
            found = TTFont(face.value, str(path))
            pdfmetrics.registerFont(found)
            _loaded[face] = found
        return found


def missing_glyphs(text: str, face: Face) -> frozenset[str]:
    """The characters of ``text`` that ``face`` has no glyph for."""
    covered: dict[int, int] = font(face).face.charToGlyph
    return frozenset(char for char in set(text) if ord(char) not in covered)


def require_glyphs(text: str, face: Face) -> str:
    """``text`` itself when ``face`` can show all of it; otherwise `MissingGlyphsError`."""
    missing = missing_glyphs(text, face)
    if missing:
        raise MissingGlyphsError(face, missing)
    return text
