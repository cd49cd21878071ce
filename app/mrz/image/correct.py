"""From the classifier's probabilities to MRZ text: what each position may hold, then the
check digits.

Each position of a format admits only some characters: digits in dates and check digits,
letters and fillers in names and country codes, M, F or < for sex. Taking the likeliest
admitted character already settles most look-alikes (0/O, 1/I, 8/B, 5/S, 2/Z). Where a
document number or optional data (letters and digits both) still fails its check digit,
the second choices the classifier gave some weight are tried, one substitution at a time
and then in pairs, and the text that passes the most check digits with the least change
of likelihood is kept. A substitution is never taken unless it makes more check digits
pass, so names (which no check digit covers) are never changed by it; nor is a check digit
itself ever changed, since one changed to agree with its field would prove nothing.
"""

from __future__ import annotations

import itertools
import string
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from app.mrz.checkdigit import FILLER
from app.mrz.image.classifier import ALPHABET, UNREADABLE
from app.mrz.layout import LAYOUTS, Layout
from app.mrz.model import MrzFormat, MrzFormatError
from app.mrz.parse import parse_mrz

_DIGITS = frozenset(string.digits)
_LETTERS = frozenset(string.ascii_uppercase)
_ANY = frozenset(ALPHABET)
_LETTERS_OR_FILLER = _LETTERS | {FILLER}
_DIGITS_OR_FILLER = _DIGITS | {FILLER}
_SEX = frozenset("MF<X")
# A second choice is tried only when the classifier gave it at least this share of the
# probability of its first choice: below that, a check digit that happens to match would
# be luck, not evidence.
MIN_RATIO = 0.002
_MAX_ALTERNATIVES = 3  # per position
# A check digit read with less probability than this corrects nothing.
TRUSTED_CHECK_DIGIT = 0.5
_MAX_ROUNDS = 4

Probabilities = NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class Correction:
    """One character changed to make the check digits pass (line and position from 1)."""

    line: int
    position: int
    read: str
    corrected: str


@dataclass(frozen=True, slots=True)
class Decoded:
    mrz_format: MrzFormat
    text: str  # the lines joined
    confidence: tuple[float, ...]  # per position: the chosen character's probability
    unreadable: tuple[int, ...]  # positions (0-based, in the joined text) with no character
    corrections: tuple[Correction, ...]
    check_positions: tuple[int, ...]  # where the format's check digits are


def allowed_characters(mrz_format: MrzFormat) -> tuple[frozenset[str], ...]:
    """What each position of the joined lines of ``mrz_format`` may hold."""
    layout = LAYOUTS[mrz_format]
    allowed = [_ANY] * layout.total_length
    allowed[0] = _LETTERS
    for position in range(1, 5):
        allowed[position] = _LETTERS_OR_FILLER
    for where, characters in (
        (layout.name, _LETTERS_OR_FILLER),
        (layout.nationality, _LETTERS_OR_FILLER),
        (layout.birth_date, _DIGITS_OR_FILLER),
        (layout.expiry_date, _DIGITS_OR_FILLER),
    ):
        allowed[where] = [characters] * (where.stop - where.start)
    allowed[layout.sex] = _SEX
    # A document number longer than nine has a filler where its check digit would be.
    allowed[layout.document_number_check] = _DIGITS_OR_FILLER
    allowed[layout.birth_date_check] = _DIGITS
    allowed[layout.expiry_date_check] = _DIGITS
    if layout.optional_data_check is not None:
        # An unused personal number may have a filler for its check digit.
        allowed[layout.optional_data_check] = _DIGITS_OR_FILLER
    if layout.composite_check is not None:
        allowed[layout.composite_check] = _DIGITS
    return tuple(allowed)


def format_of(first_character: str, line_length: int, lines: int) -> MrzFormat:
    """The format a located MRZ has, once its first character is known (V: a visa)."""
    if lines == 3:
        return MrzFormat.TD1
    visa = first_character == "V"
    if line_length == 44:
        return MrzFormat.MRVA if visa else MrzFormat.TD3
    return MrzFormat.MRVB if visa else MrzFormat.TD2


def decode(probabilities: Probabilities, line_length: int, lines: int) -> Decoded:
    """The MRZ text the probabilities say, corrected by position and check digits."""
    first_letters = [ALPHABET.index(letter) for letter in sorted(_LETTERS)]
    first = ALPHABET[first_letters[int(np.argmax(probabilities[0, first_letters]))]]
    mrz_format = format_of(first, line_length, lines)
    allowed = allowed_characters(mrz_format)
    choices = [
        _ranked(row, characters) for row, characters in zip(probabilities, allowed, strict=True)
    ]
    text = [ranked[0][0] for ranked in choices]
    unreadable = tuple(
        position
        for position, row in enumerate(probabilities)
        if row[UNREADABLE] > max(row[ALPHABET.index(c)] for c in allowed[position])
    )
    layout = LAYOUTS[mrz_format]
    corrected = _by_check_digits(text, choices, layout, mrz_format)
    confidence = []
    for position, character in enumerate(corrected):
        share = dict(choices[position])
        confidence.append(share.get(character, 0.0))
    corrections = tuple(
        Correction(
            line=position // line_length + 1,
            position=position % line_length + 1,
            read=before,
            corrected=after,
        )
        for position, (before, after) in enumerate(zip(text, corrected, strict=True))
        if before != after
    )
    return Decoded(
        mrz_format=mrz_format,
        text="".join(corrected),
        confidence=tuple(confidence),
        unreadable=unreadable,
        corrections=corrections,
        check_positions=check_positions(layout),
    )


def check_positions(layout: Layout) -> tuple[int, ...]:
    """Where the check digits of ``layout`` are, in the joined lines."""
    found = [layout.document_number_check, layout.birth_date_check, layout.expiry_date_check]
    found += [p for p in (layout.optional_data_check, layout.composite_check) if p is not None]
    return tuple(found)


def _ranked(row: NDArray[np.float32], allowed: frozenset[str]) -> list[tuple[str, float]]:
    """The admitted characters by probability, each with its share of the probability of
    the admitted characters and of "unreadable" together."""
    weights = {character: float(row[ALPHABET.index(character)]) for character in allowed}
    total = sum(weights.values()) + float(row[UNREADABLE])
    return sorted(
        ((character, weight / total) for character, weight in weights.items()),
        key=lambda item: -item[1],
    )


def _failures(text: Sequence[str], mrz_format: MrzFormat, trusted: frozenset[str]) -> int:
    """How many of the ``trusted`` check digits ``text`` fails."""
    try:
        result = parse_mrz(_lines(text, mrz_format))
    except MrzFormatError:
        return 99
    return sum(1 for name in result.failed_checks if name in trusted)


def _trusted_checks(layout: Layout, choices: list[list[tuple[str, float]]]) -> frozenset[str]:
    """The check digits read clearly enough to correct other characters by: one that is
    itself unsure would only make its field agree with a guess."""
    where = {
        "document_number": layout.document_number_check,
        "birth_date": layout.birth_date_check,
        "expiry_date": layout.expiry_date_check,
        "optional_data": layout.optional_data_check,
        "composite": layout.composite_check,
    }
    return frozenset(
        name
        for name, position in where.items()
        if position is not None and choices[position][0][1] >= TRUSTED_CHECK_DIGIT
    )


def _lines(text: Sequence[str], mrz_format: MrzFormat) -> list[str]:
    layout = LAYOUTS[mrz_format]
    joined = "".join(text)
    step = layout.line_length
    return [joined[start : start + step] for start in range(0, len(joined), step)]


def _checked_positions(layout: Layout) -> list[int]:
    """The positions some check digit covers, the check digits themselves left out: a check
    digit changed to agree with its field would vouch for nothing."""
    positions: set[int] = set()
    for where in (layout.document_number, layout.birth_date, layout.expiry_date):
        positions.update(range(where.start, where.stop))
    positions.update(range(layout.optional_data.start, layout.optional_data.stop))
    if layout.composite_check is not None:
        for part in layout.composite_fields:
            positions.update(range(part.start, part.stop))
    return sorted(positions - set(check_positions(layout)))


def _by_check_digits(
    text: list[str],
    choices: list[list[tuple[str, float]]],
    layout: Layout,
    mrz_format: MrzFormat,
) -> list[str]:
    current = list(text)
    trusted = _trusted_checks(layout, choices)
    failures = _failures(current, mrz_format, trusted)
    if failures == 0:
        return current
    alternatives: list[tuple[int, str, float]] = []
    for position in _checked_positions(layout):
        ranked = choices[position]
        best = ranked[0][1]
        alternatives.extend(
            (position, character, share / best)
            for character, share in ranked[1 : 1 + _MAX_ALTERNATIVES]
            if best > 0 and share / best >= MIN_RATIO
        )
    for _round in range(_MAX_ROUNDS):
        if failures == 0:
            break
        best_step: tuple[int, float, list[str]] | None = None
        for position, character, ratio in alternatives:
            if current[position] == character or text[position] != current[position]:
                continue
            trial = list(current)
            trial[position] = character
            found = _failures(trial, mrz_format, trusted)
            if found < failures and (
                best_step is None or (found, -ratio) < (best_step[0], -best_step[1])
            ):
                best_step = (found, ratio, trial)
        if best_step is None:
            break
        failures, _ratio, current = best_step
    if failures == 0:
        return current
    # Two wrong characters in one field: neither alone makes its check digit pass.
    best_pair: tuple[int, float, list[str]] | None = None
    for (p1, c1, r1), (p2, c2, r2) in itertools.combinations(alternatives, 2):
        if p1 == p2 or r1 * r2 < MIN_RATIO:
            continue
        trial = list(current)
        trial[p1], trial[p2] = c1, c2
        found = _failures(trial, mrz_format, trusted)
        if found < failures and (
            best_pair is None or (found, -r1 * r2) < (best_pair[0], -best_pair[1])
        ):
            best_pair = (found, r1 * r2, trial)
    return current if best_pair is None else best_pair[2]
