"""Names in the MRZ: transliterated to A-Z, joined with fillers, and cut to fit by ICAO rules.

Only what the desk meets is transliterated: the Azerbaijani letters, by the ICAO 9303
recommendation for Latin letters with diacritics (Ö and Ü as O and U, not OE and UE).
Other characters outside A-Z and 0-9 are dropped; transliterating other scripts is out of
scope.
"""

from __future__ import annotations

import string

from app.mrz.checkdigit import FILLER

_AZERBAIJANI = {
    "Ə": "A", "ə": "A",
    "Ç": "C", "ç": "C",
    "Ş": "S", "ş": "S",
    "Ğ": "G", "ğ": "G",
    "İ": "I", "i": "I", "I": "I", "ı": "I",
    "Ö": "O", "ö": "O",
    "Ü": "U", "ü": "U",
}  # fmt: skip
# Spaces, hyphens and apostrophes separate name parts, and a filler is what separates them.
_SEPARATORS = " -‐‑–—'‘’ʼ`"

_TO_MRZ: dict[int, str | None] = {ord(c): c.upper() for c in string.ascii_letters}
_TO_MRZ.update({ord(c): c for c in string.digits})
_TO_MRZ.update({ord(c): mapped for c, mapped in _AZERBAIJANI.items()})
_TO_MRZ.update({ord(c): FILLER for c in _SEPARATORS})


class _DropOthers(dict[int, str | None]):
    """A translation table that deletes every character it does not know but white space."""

    def __missing__(self, key: int) -> str | None:
        return FILLER if chr(key).isspace() else None


_TABLE = _DropOthers(_TO_MRZ)


def transliterate_name(name: str) -> str:
    """A name in MRZ letters: "Məmmədova Gülşən" becomes "MAMMADOVA<GULSAN".

    Runs of separators become one filler, so "O' Brien" cannot make the ``<<`` that
    separates surname from given names.
    """
    return FILLER.join(filter(None, name.translate(_TABLE).split(FILLER)))


def name_field(surname: str, given_names: str, width: int) -> str:
    """The name field of ``width`` characters: SURNAME<<GIVEN<NAMES, filled with ``<``.

    A name that does not fit is cut as ICAO 9303 asks: the given names first, then the
    surname, keeping the ``<<`` and at least the first letter of the given names. A cut
    name fills the field up to its last position, so a reader can tell it may be cut,
    unless the cut falls between two parts, where the dangling filler is dropped.
    """
    primary = transliterate_name(surname)
    secondary = transliterate_name(given_names)
    if not secondary:
        return primary[:width].rstrip(FILLER).ljust(width, FILLER)
    whole = f"{primary}{FILLER * 2}{secondary}"
    if len(whole) <= width:
        return whole.ljust(width, FILLER)
    room_for_given = width - len(primary) - 2
    if room_for_given >= 1:
        return f"{primary}{FILLER * 2}{secondary[:room_for_given].rstrip(FILLER)}".ljust(
            width, FILLER
        )
    cut_primary = primary[: width - 3].rstrip(FILLER)
    return f"{cut_primary}{FILLER * 2}{secondary[0]}".ljust(width, FILLER)
