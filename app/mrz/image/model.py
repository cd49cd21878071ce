"""What reading an MRZ from a picture gives: the parsed MRZ, how sure the reader is, the
portrait; and the error of a picture that has no MRZ."""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image

from app.errors import DeskError
from app.mrz.image.correct import Correction
from app.mrz.model import MrzResult, to_json_dict

# A read whose check digits fail is wrong somewhere, however clear its characters looked:
# its confidence never rises above this.
INVALID_CONFIDENCE_CAP = 0.5


class NoMrzFoundError(DeskError):
    """The picture shows no machine-readable zone (or not enough of one to read)."""


@dataclass(frozen=True, slots=True, eq=False)
class MrzImageRead:
    """One MRZ read from a picture.

    ``valid`` is true only when every check digit passes, every field is well formed and
    every character could be read: a clerk may take the fields as they are. Otherwise the
    fields are the reader's best guess, to be compared with the document.
    """

    result: MrzResult  # the corrected lines, parsed and checked
    raw_lines: tuple[str, ...]  # the classifier's first choices, "?" where it saw no character
    char_confidence: tuple[tuple[float, ...], ...]  # per line, per character, from 0 to 1
    confidence: float  # the lowest character confidence; at most 0.5 when not valid
    valid: bool
    corrections: tuple[Correction, ...]  # characters changed to make check digits pass
    unreadable: tuple[tuple[int, int], ...]  # (line, position) from 1 of illegible cells
    skew_degrees: float  # how much the MRZ's lines were tilted (counter-clockwise positive)
    page_turn_degrees: int  # 0, 90, 180 or 270: how far the picture was turned to read it
    mrz_corners: tuple[tuple[float, float], ...]  # the MRZ's four corners in the picture
    face: Image.Image | None  # the portrait, straightened; None when the side shows none
    origin: str  # the file or page it came from

    @property
    def lines(self) -> tuple[str, ...]:
        return self.result.lines

    def face_png(self) -> bytes | None:
        if self.face is None:
            return None
        buffer = io.BytesIO()
        self.face.save(buffer, "PNG")
        return buffer.getvalue()


def read_to_json(read: MrzImageRead) -> dict[str, object]:
    """What ``reception-admin mrz read --json`` prints: the parsed fields, then the reading."""
    fields: dict[str, object] = dict(to_json_dict(read.result))
    fields.update(
        {
            "valid": read.valid,
            "confidence": round(read.confidence, 4),
            "lines": list(read.lines),
            "raw_lines": list(read.raw_lines),
            "corrections": [
                {
                    "line": item.line,
                    "position": item.position,
                    "read": item.read,
                    "corrected": item.corrected,
                }
                for item in read.corrections
            ],
            "unreadable": [list(cell) for cell in read.unreadable],
            "lowest_characters": _lowest(read),
            "skew_degrees": round(read.skew_degrees, 2),
            "face_found": read.face is not None,
        }
    )
    return fields


def _lowest(read: MrzImageRead, count: int = 5) -> list[dict[str, object]]:
    """The characters the reader was least sure of, to compare with the document first."""
    cells = [
        (confidence, line, position)
        for line, row in enumerate(read.char_confidence, start=1)
        for position, confidence in enumerate(row, start=1)
    ]
    cells.sort()
    return [
        {
            "line": line,
            "position": position,
            "character": read.lines[line - 1][position - 1],
            "confidence": round(confidence, 4),
        }
        for confidence, line, position in cells[:count]
    ]
