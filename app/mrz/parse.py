"""Reading an MRZ: every field decoded, every check digit verified.

Malformed text raises ``MrzFormatError``. Text that has the shape of an MRZ always gives an
``MrzResult``, even when check digits fail or a field is nonsense, so a clerk can see what
was read and what is wrong with it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from app.mrz.checkdigit import CHECK_VALUES, DIGIT_VALUES, FILLER, weighted_sum_digit
from app.mrz.dates import birth_date_from, expiry_date_from, is_partial
from app.mrz.layout import LAYOUTS
from app.mrz.model import MrzResult
from app.mrz.text import read_lines

_NAME_SEPARATOR = FILLER * 2  # between surname and given names

# "X" is not in ICAO 9303's MRZ alphabet for sex, but some issuers print it there.
_SEX: dict[str, str] = {"M": "M", "F": "F", FILLER: "X", "X": "X"}


def parse_mrz(mrz: str | Sequence[str], *, today: date | None = None) -> MrzResult:
    """Parse and check an MRZ given as text (lines separated by newlines) or as its lines.

    ``today`` decides the centuries of the dates (see ``app.mrz.dates``).
    Raises ``MrzFormatError`` when the text is not shaped like an MRZ at all.
    """
    lines, mrz_format = read_lines(mrz)
    layout = LAYOUTS[mrz_format]
    text = "".join(lines)
    if today is None:
        today = date.today()
    # The value of every character, for the check digits (see ``app.mrz.checkdigit``).
    values = text.encode("ascii").translate(CHECK_VALUES)
    # Tuples grown one name at a time: most documents add none, and then nothing is copied.
    failed: tuple[str, ...] = ()
    errors: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    number = text[layout.document_number]
    number_values = values[layout.document_number]
    number_check = text[layout.document_number_check]
    optional = text[layout.optional_data]
    if number_check == FILLER and layout.continues_long_number:
        # A number longer than nine: its other characters and its check digit open the
        # optional data, up to the first filler.
        continuation, _filler, optional = optional.partition(FILLER)
        number += continuation[:-1]
        number_values += continuation[:-1].encode("ascii").translate(CHECK_VALUES)
        number_check = continuation[-1:]
    if DIGIT_VALUES.get(number_check) != weighted_sum_digit(number_values):
        failed += ("document_number",)
    number = number.replace(FILLER, "")
    if not number:
        errors += ("document_number",)

    birth_raw = text[layout.birth_date]
    if DIGIT_VALUES.get(text[layout.birth_date_check]) != weighted_sum_digit(
        values[layout.birth_date]
    ):
        failed += ("birth_date",)
    birth_date = birth_date_from(birth_raw, today)
    if birth_date is None:
        if is_partial(birth_raw):
            warnings += ("birth_date_incomplete",)
        else:
            errors += ("birth_date",)

    expiry_raw = text[layout.expiry_date]
    if DIGIT_VALUES.get(text[layout.expiry_date_check]) != weighted_sum_digit(
        values[layout.expiry_date]
    ):
        failed += ("expiry_date",)
    expiry_date = expiry_date_from(expiry_raw, today)
    if expiry_date is None:
        if is_partial(expiry_raw):
            warnings += ("expiry_date_incomplete",)
        else:
            errors += ("expiry_date",)

    if layout.optional_data_check is not None:
        optional_check = text[layout.optional_data_check]
        # An unused personal number may have a filler instead of its check digit 0.
        unused = optional_check == FILLER and not text[layout.optional_data].strip(FILLER)
        if not unused and DIGIT_VALUES.get(optional_check) != weighted_sum_digit(
            values[layout.optional_data]
        ):
            failed += ("optional_data",)

    if layout.composite_check is not None:
        covered = b"".join([values[part] for part in layout.composite_fields])
        if DIGIT_VALUES.get(text[layout.composite_check]) != weighted_sum_digit(covered):
            failed += ("composite",)

    document_code = text[0:2]
    if not (document_code[1].isalpha() or document_code[1] == FILLER):
        errors += ("document_code",)
    issuing_state = text[2:5].rstrip(FILLER)
    if not issuing_state.isalpha():
        errors += ("issuing_state",)
    nationality = text[layout.nationality].rstrip(FILLER)
    if not nationality.isalpha():
        errors += ("nationality",)
    sex_read = text[layout.sex]
    sex = _SEX.get(sex_read)
    if sex is None:
        errors += ("sex",)
        sex = sex_read

    name_field = text[layout.name]
    if name_field[-1] != FILLER:
        # ICAO 9303 cuts a name that does not fit so that it ends in a letter.
        warnings += ("name_may_be_truncated",)
    surname, _separator, given_names = name_field.rstrip(FILLER).partition(_NAME_SEPARATOR)

    return MrzResult(
        format=mrz_format,
        document_code=document_code,
        document_type=document_code.rstrip(FILLER),
        issuing_state=issuing_state,
        surname=_words(surname),
        given_names=_words(given_names),
        document_number=number,
        nationality=nationality,
        birth_date=birth_date,
        birth_date_raw=birth_raw,
        sex=sex,
        expiry_date=expiry_date,
        expiry_date_raw=expiry_raw,
        optional_data=optional.strip(FILLER),
        optional_data_2=(
            text[layout.optional_data_2].strip(FILLER) if layout.optional_data_2 else ""
        ),
        lines=lines,
        failed_checks=failed,
        structural_errors=errors,
        warnings=warnings,
    )


def _words(name: str) -> str:
    """Name parts separated by single spaces, however many fillers stood between them."""
    words = name.replace(FILLER, " ")
    if "  " in words or words.startswith(" "):
        return " ".join(words.split())
    return words
