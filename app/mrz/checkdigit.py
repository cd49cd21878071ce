"""The ICAO 9303 check digit: weights 7, 3, 1 repeating, sum modulo 10.

Characters count as their value: digits as themselves, A-Z as 10-35, the filler ``<`` as 0.
"""

from __future__ import annotations

import string
from operator import mul

FILLER = "<"
MRZ_ALPHABET = string.digits + string.ascii_uppercase + FILLER

# A ``bytes.translate`` table from each ASCII character of the alphabet to its value. The
# parser translates a whole MRZ once and weighs slices of the result: multiplying and
# summing bytes with ``map`` runs in C, several times faster than a loop over characters,
# and the parser needs the check digits of five fields per document.
CHECK_VALUES = bytes(
    MRZ_ALPHABET.index(chr(code)) if chr(code) in MRZ_ALPHABET[:-1] else 0 for code in range(256)
)
# Long enough for the longest field checked, the composite of TD1 (50 characters).
_WEIGHTS = bytes((7, 3, 1) * 20)

# What a check digit character stands for; a character that is no digit can match nothing.
DIGIT_VALUES: dict[str, int] = {digit: int(digit) for digit in string.digits}


def weighted_sum_digit(values: bytes) -> int:
    """The check digit of a field already translated with ``CHECK_VALUES``."""
    total: int = sum(map(mul, _WEIGHTS, values))
    return total % 10


def check_digit(text: str) -> str:
    """The check digit of ``text`` (characters A-Z, 0-9 and ``<`` only) as a single digit."""
    return str(weighted_sum_digit(text.encode("ascii").translate(CHECK_VALUES)))
