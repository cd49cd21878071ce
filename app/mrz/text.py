"""From whatever a reader or a person hands over to clean MRZ lines of a known format.

Readers differ: some send CRLF, some lowercase, some type all 88 characters on one line.
Everything that is only a difference of presentation is accepted here; everything that
makes the text not an MRZ raises ``MrzFormatError`` with a code and a message to show.
"""

from __future__ import annotations

import re
import string
from collections.abc import Sequence

from app.i18n import _
from app.mrz.layout import LAYOUTS
from app.mrz.model import MrzErrorCode, MrzFormat, MrzFormatError

# Non-ASCII text has only its ASCII letters upper-cased: ``str.upper`` would turn "ß" into
# "SS" and hide an illegal character behind a wrong length.
_ASCII_UPPER = str.maketrans(string.ascii_lowercase, string.ascii_uppercase)
_MRZ_TEXT = re.compile(r"[A-Z0-9<]+")
_ILLEGAL = re.compile(r"[^A-Z0-9<]")

# The line lengths of the formats, e.g. (44, 44), and the length of each typed as one line.
_WHOLE_MRZ_SHAPES = frozenset(
    (layout.line_length,) * layout.line_count for layout in LAYOUTS.values()
)
_ONE_LINE_SPLITS: dict[int, tuple[int, int]] = {
    layout.total_length: (layout.line_length, layout.line_count) for layout in LAYOUTS.values()
}
_TD1_LINE_LENGTH = 30
_TWO_LINE_LENGTHS = (44, 36)

_FORMATS: dict[tuple[int, bool], MrzFormat] = {
    (30, False): MrzFormat.TD1,
    (30, True): MrzFormat.TD1,  # there are no TD1 visas; a V there is just a document code
    (36, False): MrzFormat.TD2,
    (36, True): MrzFormat.MRVB,
    (44, False): MrzFormat.TD3,
    (44, True): MrzFormat.MRVA,
}


def read_lines(mrz: str | Sequence[str]) -> tuple[tuple[str, ...], MrzFormat]:
    """The MRZ's lines (trimmed, upper-cased, split if typed as one) and its format.

    ``mrz`` is the text with lines separated by newlines (any convention), or the lines.
    """
    text = mrz if isinstance(mrz, str) else "\n".join(mrz)
    text = text.upper() if text.isascii() else text.translate(_ASCII_UPPER)
    lines = [line for line in map(str.strip, text.splitlines()) if line]
    if not lines:
        raise MrzFormatError(
            MrzErrorCode.EMPTY,
            _("There is no MRZ text: scan or type the lines at the bottom of the document."),
        )
    if _MRZ_TEXT.fullmatch("".join(lines)) is None:
        raise _illegal_character(lines)
    if tuple(map(len, lines)) not in _WHOLE_MRZ_SHAPES:
        if len(lines) != 1:
            raise _wrong_shape(lines)
        lines = _split_one_line(lines[0])
    first = lines[0][0]
    if not first.isalpha():
        raise MrzFormatError(
            MrzErrorCode.UNKNOWN_FORMAT,
            _(
                "The MRZ does not start with the letter of a document code; "
                "check that its lines are in the right order."
            ),
            line=1,
            position=1,
        )
    return tuple(lines), _FORMATS[len(lines[0]), first == "V"]


def _illegal_character(lines: list[str]) -> MrzFormatError:
    number, found = next(
        (number, found)
        for number, line in enumerate(lines, start=1)
        if (found := _ILLEGAL.search(line)) is not None
    )
    character = found.group()
    shown = character if character.isprintable() else f"U+{ord(character):04X}"
    return MrzFormatError(
        MrzErrorCode.ILLEGAL_CHARACTER,
        _(
            'Line {line}, position {position}: "{character}" cannot be part of an MRZ, '
            "which has only the letters A-Z, the digits 0-9 and <."
        ).format(line=number, position=found.start() + 1, character=shown),
        line=number,
        position=found.start() + 1,
    )


def _split_one_line(line: str) -> list[str]:
    split = _ONE_LINE_SPLITS.get(len(line))
    if split is None:
        raise MrzFormatError(
            MrzErrorCode.UNKNOWN_FORMAT,
            _(
                "The MRZ was read as one line of {found} characters; a whole MRZ has "
                "88 (passport), 72 or 90 characters."
            ).format(found=len(line)),
            line=1,
        )
    length, count = split
    return [line[start : start + length] for start in range(0, length * count, length)]


def _wrong_shape(lines: list[str]) -> MrzFormatError:
    """What is wrong with two or more lines that do not have the lengths of an MRZ."""
    if len(lines) == 3:
        expected = _TD1_LINE_LENGTH
    elif len(lines) == 2:
        # A line of a known length says which length the other should have; when both
        # have one, the longer: readers drop characters more often than they add them.
        known = sorted(
            (len(line) for line in lines if len(line) in _TWO_LINE_LENGTHS), reverse=True
        )
        if not known:
            return MrzFormatError(
                MrzErrorCode.UNKNOWN_FORMAT,
                _(
                    "The lines have {first} and {second} characters; the lines of a "
                    "two-line MRZ have 44 (passport) or 36 characters."
                ).format(first=len(lines[0]), second=len(lines[1])),
            )
        expected = known[0]
    else:
        return MrzFormatError(
            MrzErrorCode.WRONG_LINE_COUNT,
            _("The text has {found} lines; an MRZ has 2 or 3.").format(found=len(lines)),
        )
    number, line = next(
        (number, line) for number, line in enumerate(lines, start=1) if len(line) != expected
    )
    return MrzFormatError(
        MrzErrorCode.WRONG_LENGTH,
        _("Line {line} has {found} characters; an MRZ line has {expected}.").format(
            line=number, found=len(line), expected=expected
        ),
        line=number,
    )
