"""What a read MRZ is: its format, the result of parsing it, and the errors of malformed text."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from app.i18n import N_, _


class MrzFormat(StrEnum):
    """The ICAO 9303 layouts: cards (TD1, TD2), passports (TD3) and visas (MRV-A, MRV-B)."""

    TD1 = "TD1"  # 3 lines of 30: identity cards, residence permits
    TD2 = "TD2"  # 2 lines of 36: older identity cards and travel documents
    TD3 = "TD3"  # 2 lines of 44: passports
    MRVA = "MRVA"  # 2 lines of 44 starting with V: full-page visas
    MRVB = "MRVB"  # 2 lines of 36 starting with V: smaller visas


class MrzErrorCode(StrEnum):
    """Stable identifiers of why text is not an MRZ (or field values cannot make one)."""

    EMPTY = "empty"
    ILLEGAL_CHARACTER = "illegal_character"
    WRONG_LENGTH = "wrong_length"
    WRONG_LINE_COUNT = "wrong_line_count"
    UNKNOWN_FORMAT = "unknown_format"
    TOO_LONG = "too_long"  # generator: a value does not fit its field
    INVALID_VALUE = "invalid_value"  # generator: a value the format cannot hold


class MrzFormatError(ValueError):
    """Text that cannot be read as an MRZ. ``str(error)`` is the translated message to show;
    ``code`` says what is wrong for the program, ``line`` and ``position`` (1-based) where."""

    def __init__(
        self,
        code: MrzErrorCode,
        message: str,
        *,
        line: int | None = None,
        position: int | None = None,
        field: str = "",
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.line = line
        self.position = position
        self.field = field

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True, slots=True)
class MrzResult:
    """Every field of one MRZ, decoded, with what did not check out.

    Text fields have their fillers removed: names use spaces between parts, codes such as
    ``D<<`` (Germany) become ``D``. A date is ``None`` when the MRZ leaves part of it
    unknown (``<<``; then ``warnings`` says so and ``*_raw`` keeps the six characters) or
    when it is no date at all (then ``structural_errors`` names it).
    """

    format: MrzFormat
    document_code: str  # the two characters as printed, e.g. "P<", "ID", "V<"
    document_type: str  # the code without filler, e.g. "P", "ID", "IR", "V"
    issuing_state: str
    surname: str
    given_names: str
    document_number: str  # whole, including the part continued in the optional data
    nationality: str
    birth_date: date | None
    birth_date_raw: str
    sex: str  # "M", "F" or "X" (unspecified, "<" in the MRZ); the character read if other
    expiry_date: date | None
    expiry_date_raw: str
    optional_data: str  # TD3: the personal number; TD1: line 1 after the document number
    optional_data_2: str  # TD1 line 2 only; empty for the other formats
    lines: tuple[str, ...]  # as read, upper-cased and trimmed
    failed_checks: tuple[str, ...]  # check digits that do not match, named by CHECK_LABELS
    structural_errors: tuple[str, ...] = ()  # fields that cannot be right, by ERROR_LABELS
    warnings: tuple[str, ...] = ()  # acceptable oddities worth showing, by WARNING_LABELS

    @property
    def valid(self) -> bool:
        """Whether every check digit matches and every field is well formed."""
        return not self.failed_checks and not self.structural_errors

    @property
    def text(self) -> str:
        """The MRZ as lines joined by newlines, the way it is printed."""
        return "\n".join(self.lines)


# The names used in ``failed_checks``, ``structural_errors`` and ``warnings``. The labels are
# marked here and translated when asked for, so they follow the current language.
CHECK_LABELS: dict[str, str] = {
    "document_number": N_("document number check digit"),
    "birth_date": N_("date of birth check digit"),
    "expiry_date": N_("date of expiry check digit"),
    "optional_data": N_("personal number check digit"),
    "composite": N_("composite check digit"),
}

ERROR_LABELS: dict[str, str] = {
    "document_code": N_("document code is not a document type"),
    "issuing_state": N_("issuing state is not a country code"),
    "nationality": N_("nationality is not a country code"),
    "document_number": N_("document number is missing"),
    "birth_date": N_("date of birth is not a date"),
    "expiry_date": N_("date of expiry is not a date"),
    "sex": N_("sex is not M, F or <"),
}

WARNING_LABELS: dict[str, str] = {
    "birth_date_incomplete": N_("date of birth is partly unknown"),
    "expiry_date_incomplete": N_("date of expiry is partly unknown"),
    "name_may_be_truncated": N_("name fills its field and may have been shortened"),
}


def check_label(name: str) -> str:
    """The translated label of a failed check digit, e.g. "document number check digit"."""
    return _(CHECK_LABELS[name]) if name in CHECK_LABELS else name


def structural_error_label(name: str) -> str:
    """The translated label of a field in ``structural_errors``."""
    return _(ERROR_LABELS[name]) if name in ERROR_LABELS else name


def warning_label(code: str) -> str:
    """The translated label of a code in ``warnings``."""
    return _(WARNING_LABELS[code]) if code in WARNING_LABELS else code


def to_json_dict(result: MrzResult) -> dict[str, str | bool | list[str] | None]:
    """The fields the command line prints, with dates as ISO text (``None`` when unknown)."""
    return {
        "format": result.format.value,
        "document_type": result.document_type,
        "issuing_state": result.issuing_state,
        "surname": result.surname,
        "given_names": result.given_names,
        "document_number": result.document_number,
        "nationality": result.nationality,
        "birth_date": result.birth_date.isoformat() if result.birth_date else None,
        "sex": result.sex,
        "expiry_date": result.expiry_date.isoformat() if result.expiry_date else None,
        "optional_data": result.optional_data,
        "valid": result.valid,
        "failed_checks": list(result.failed_checks),
    }
