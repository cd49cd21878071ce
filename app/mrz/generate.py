"""Writing an MRZ from field values: for permit cards (TD1) and for test documents.

Each ``generate_*`` returns the lines with every check digit computed. Values are
upper-cased; names are transliterated and cut to fit (``app.mrz.names``). A value the
format cannot hold raises ``MrzFormatError`` naming the field.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from datetime import date

from app.i18n import N_, _
from app.mrz.checkdigit import FILLER, check_digit
from app.mrz.dates import to_yymmdd
from app.mrz.layout import LAYOUTS, Layout
from app.mrz.model import MrzErrorCode, MrzFormat, MrzFormatError
from app.mrz.names import name_field

# A date is a ``date``, or six characters YYMMDD with "<" for the parts the issuer does not
# know: a date of birth known only by its year is "74<<<<".
MrzDate = date | str


@dataclass(frozen=True, slots=True)
class MrzFields:
    """The values an MRZ is written from, as a person would type them."""

    document_type: str  # "P", "I", "ID", "IR", "V", ...
    issuing_state: str  # "AZE", "D", "XXA", ...
    surname: str
    given_names: str
    document_number: str  # longer than nine characters only on TD1, TD2 and TD3
    nationality: str
    birth_date: MrzDate
    sex: str  # "M", "F" or "X" (or "<")
    expiry_date: MrzDate
    optional_data: str = ""
    optional_data_2: str = ""  # TD1 only


def generate(mrz_format: MrzFormat, fields: MrzFields) -> tuple[str, ...]:
    """The lines of an MRZ of ``mrz_format`` holding ``fields``."""
    return _Writer(LAYOUTS[mrz_format], mrz_format).write(fields)


def generate_td1(
    *,
    document_type: str = "I",
    issuing_state: str,
    surname: str,
    given_names: str = "",
    document_number: str,
    nationality: str,
    birth_date: MrzDate,
    sex: str,
    expiry_date: MrzDate,
    optional_data: str = "",
    optional_data_2: str = "",
) -> tuple[str, str, str]:
    """The three lines of an identity card or residence permit."""
    fields = MrzFields(
        document_type=document_type,
        issuing_state=issuing_state,
        surname=surname,
        given_names=given_names,
        document_number=document_number,
        nationality=nationality,
        birth_date=birth_date,
        sex=sex,
        expiry_date=expiry_date,
        optional_data=optional_data,
        optional_data_2=optional_data_2,
    )
    line1, line2, line3 = generate(MrzFormat.TD1, fields)
    return line1, line2, line3


def _two_lines(fmt: MrzFormat, fields: MrzFields) -> tuple[str, str]:
    # The wrappers below take exactly MrzFields' keywords, so each passes its arguments on whole.
    line1, line2 = generate(fmt, fields)
    return line1, line2


def generate_td2(
    *,
    document_type: str = "I",
    issuing_state: str,
    surname: str,
    given_names: str = "",
    document_number: str,
    nationality: str,
    birth_date: MrzDate,
    sex: str,
    expiry_date: MrzDate,
    optional_data: str = "",
) -> tuple[str, str]:
    """The two lines of a TD2 card."""
    return _two_lines(MrzFormat.TD2, MrzFields(**locals()))


def generate_td3(
    *,
    document_type: str = "P",
    issuing_state: str,
    surname: str,
    given_names: str = "",
    document_number: str,
    nationality: str,
    birth_date: MrzDate,
    sex: str,
    expiry_date: MrzDate,
    optional_data: str = "",
) -> tuple[str, str]:
    """The two lines of a passport; ``optional_data`` is the personal number."""
    return _two_lines(MrzFormat.TD3, MrzFields(**locals()))


def generate_mrva(
    *,
    document_type: str = "V",
    issuing_state: str,
    surname: str,
    given_names: str = "",
    document_number: str,
    nationality: str,
    birth_date: MrzDate,
    sex: str,
    expiry_date: MrzDate,
    optional_data: str = "",
) -> tuple[str, str]:
    """The two lines of a full-page visa (MRV-A); its number has at most nine characters."""
    return _two_lines(MrzFormat.MRVA, MrzFields(**locals()))


def generate_mrvb(
    *,
    document_type: str = "V",
    issuing_state: str,
    surname: str,
    given_names: str = "",
    document_number: str,
    nationality: str,
    birth_date: MrzDate,
    sex: str,
    expiry_date: MrzDate,
    optional_data: str = "",
) -> tuple[str, str]:
    """The two lines of a smaller visa (MRV-B); its number has at most nine characters."""
    return _two_lines(MrzFormat.MRVB, MrzFields(**locals()))


_FIELD_LABELS: dict[str, str] = {
    "document_type": N_("document type"),
    "issuing_state": N_("issuing state"),
    "nationality": N_("nationality"),
    "document_number": N_("document number"),
    "birth_date": N_("date of birth"),
    "expiry_date": N_("date of expiry"),
    "sex": N_("sex"),
    "optional_data": N_("optional data"),
    "optional_data_2": N_("optional data of line 2"),
}
_LETTERS = frozenset(string.ascii_uppercase)
_ALPHANUMERIC = _LETTERS | frozenset(string.digits)
_DATE_CHARACTERS = frozenset(string.digits + FILLER)
_SEX_CODES = {"M": "M", "F": "F", "X": FILLER, FILLER: FILLER, "": FILLER}
_PRINCIPAL_NUMBER_LENGTH = 9


class _Writer:
    """Fills the character positions of one MRZ, field by field, from its layout."""

    def __init__(self, layout: Layout, mrz_format: MrzFormat) -> None:
        self.layout = layout
        self.is_visa = mrz_format in (MrzFormat.MRVA, MrzFormat.MRVB)
        self.text = [FILLER] * layout.total_length

    def write(self, fields: MrzFields) -> tuple[str, ...]:
        layout = self.layout
        self.put(slice(0, 2), _document_code(fields.document_type, is_visa=self.is_visa))
        self.put(slice(2, 5), _country("issuing_state", fields.issuing_state))
        width = layout.name.stop - layout.name.start
        self.put(layout.name, name_field(fields.surname, fields.given_names, width))
        self.put(layout.nationality, _country("nationality", fields.nationality))
        self.put(layout.sex, _sex(fields.sex))
        self.put_checked(layout.birth_date, _date("birth_date", fields.birth_date))
        self.put_checked(layout.expiry_date, _date("expiry_date", fields.expiry_date))
        self.put_number_and_optional_data(fields)
        if layout.optional_data_2 is not None:
            optional_2 = _code("optional_data_2", fields.optional_data_2)
            room = layout.optional_data_2.stop - layout.optional_data_2.start
            if len(optional_2) > room:
                raise _too_long("optional_data_2", fields.optional_data_2, room)
            self.put(layout.optional_data_2, optional_2)
        if layout.composite_check is not None:
            covered = "".join(self.read(part) for part in layout.composite_fields)
            self.put(layout.composite_check, check_digit(covered))
        joined = "".join(self.text)
        step = layout.line_length
        return tuple(joined[start : start + step] for start in range(0, len(joined), step))

    def put_number_and_optional_data(self, fields: MrzFields) -> None:
        layout = self.layout
        number = _code("document_number", fields.document_number, fillers=False)
        if not number:
            raise _invalid("document_number", fields.document_number)
        optional = _code("optional_data", fields.optional_data)
        room = layout.optional_data.stop - layout.optional_data.start
        if len(number) <= _PRINCIPAL_NUMBER_LENGTH:
            self.put_checked(layout.document_number, number)
        else:
            # The first nine characters, a filler where their check digit would be, and the
            # rest of the number with the check digit of the whole opening the optional data.
            longest = _PRINCIPAL_NUMBER_LENGTH + room - 1
            if not layout.continues_long_number or len(number) > longest:
                limit = longest if layout.continues_long_number else _PRINCIPAL_NUMBER_LENGTH
                raise _too_long("document_number", fields.document_number, limit)
            self.put(layout.document_number, number[:_PRINCIPAL_NUMBER_LENGTH])
            self.put(layout.document_number_check, FILLER)
            continuation = number[_PRINCIPAL_NUMBER_LENGTH:] + check_digit(number)
            self.put(layout.optional_data, continuation)
            room -= len(continuation) + 1  # a filler ends the continuation
        if optional:
            if len(optional) > room:
                raise _too_long("optional_data", fields.optional_data, max(room, 0))
            end = layout.optional_data.stop
            self.put(slice(end - room, end), optional)
        if layout.optional_data_check is not None:
            self.put(layout.optional_data_check, check_digit(self.read(layout.optional_data)))

    def put_checked(self, where: slice, value: str) -> None:
        """A field followed by its check digit."""
        self.put(where, value)
        self.put(where.stop, check_digit(self.read(where)))

    def put(self, where: slice | int, value: str) -> None:
        if isinstance(where, int):
            self.text[where] = value
            return
        width = where.stop - where.start
        assert len(value) <= width, "callers check lengths and say which field is too long"
        self.text[where] = value.ljust(width, FILLER)

    def read(self, where: slice) -> str:
        return "".join(self.text[where])


def _code(field: str, value: str, *, fillers: bool = True) -> str:
    """``value`` upper-cased, A-Z and 0-9 only; with ``fillers``, spaces and ``<`` separate."""
    cleaned = value.strip().upper()
    if fillers:
        cleaned = cleaned.replace(" ", FILLER).strip(FILLER)
        allowed = cleaned.replace(FILLER, "")
    else:
        allowed = cleaned
    # ASCII only: "ß".upper() is "SS", which would pass for letters the person never typed.
    if not (value.isascii() and _ALPHANUMERIC.issuperset(allowed)):
        raise MrzFormatError(
            MrzErrorCode.ILLEGAL_CHARACTER,
            _('The {field} "{value}" has characters an MRZ cannot hold: only A-Z and 0-9.').format(
                field=_(_FIELD_LABELS[field]), value=value
            ),
            field=field,
        )
    return cleaned


def _document_code(value: str, *, is_visa: bool) -> str:
    code = value.strip().upper()
    # The first letter tells a visa (V) from other documents when the MRZ is read back.
    if (
        not (value.isascii() and 1 <= len(code) <= 2 and _LETTERS.issuperset(code))
        or (code[0] == "V") != is_visa
    ):
        raise _invalid("document_type", value)
    return code


def _country(field: str, value: str) -> str:
    code = value.strip().upper()
    if not (value.isascii() and 1 <= len(code) <= 3 and _LETTERS.issuperset(code)):
        raise _invalid(field, value)
    return code


def _sex(value: str) -> str:
    code = _SEX_CODES.get(value.strip().upper())
    if code is None:
        raise _invalid("sex", value)
    return code


def _date(field: str, value: MrzDate) -> str:
    if isinstance(value, date):
        return to_yymmdd(value)
    if len(value) != 6 or not _DATE_CHARACTERS.issuperset(value):
        raise _invalid(field, value)
    return value


def _invalid(field: str, value: str) -> MrzFormatError:
    return MrzFormatError(
        MrzErrorCode.INVALID_VALUE,
        _('"{value}" cannot be the {field} in an MRZ.').format(
            value=value, field=_(_FIELD_LABELS[field])
        ),
        field=field,
    )


def _too_long(field: str, value: str, limit: int) -> MrzFormatError:
    return MrzFormatError(
        MrzErrorCode.TOO_LONG,
        _('The {field} "{value}" is too long for the MRZ, which has room for {limit}.').format(
            field=_(_FIELD_LABELS[field]), value=value, limit=limit
        ),
        field=field,
    )
