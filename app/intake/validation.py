"""Checking an intake form against its service's fields, as master data describes them.

Every field is checked and every problem reported at once, so the clerk corrects the form in
one pass. Each message is translated into the current language and names the field by its
label in that language. Values come back normalized, as they are stored and printed: dates in
ISO form, phones as +994XXXXXXXXX, codes in capitals, numbers with a point.

Rules that join two fields are tied to the fields' keys, not to a service: wherever a form
has both an arrival date and a stay-until date, the stay ends after the arrival.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from types import MappingProxyType

from app.domain.masterdata import FieldKind, FormField, Service
from app.i18n import _, current_language

TEXT_MAX_LENGTH = 200
ADDRESS_MAX_LENGTH = 300
# A date on a migration form is a birth, an arrival, a permit's end: none lies more than
# 120 years back or 10 years ahead.
EARLIEST_YEARS_BACK = 120
LATEST_YEARS_AHEAD = 10

AZ_COUNTRY_CODE = "994"
AZ_NATIONAL_DIGITS = 9  # 50 123 45 67: operator or area code, then the subscriber
FOREIGN_MIN_DIGITS = 8
FOREIGN_MAX_DIGITS = 15  # E.164: at most 15 digits with the country code
TAX_ID_DIGITS = 10
PERSONAL_CODE_LENGTH = 7

# Dates that must lie in a given order, as (earlier, later) keys of fields of one form.
ORDERED_DATES: tuple[tuple[str, str], ...] = (
    ("arrival_date", "stay_until"),
    ("current_stay_until", "requested_until"),
)
DATES_NOT_IN_FUTURE: tuple[str, ...] = ("arrival_date",)
# A "valid until" date is still valid on that day itself.
DATES_NOT_PASSED: tuple[str, ...] = ("temp_permit_until",)

_WHITESPACE = re.compile(r"\s+")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_DOTTED_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_PHONE_SEPARATORS = re.compile(r"[\s\-().]")
_PERSONAL_CODE = re.compile(r"[A-Z0-9]{7}")
# The Azerbaijani keyboard types İ and ı for the Latin capital and small i.
_AZ_LETTERS_TO_ASCII = str.maketrans({"İ": "I", "ı": "I", "i": "I"})
_TRUE_WORDS = frozenset({"true", "1", "yes", "on", "bəli", "hə", "да"})
_FALSE_WORDS = frozenset({"false", "0", "no", "off", "", "xeyr", "yox", "нет"})


@dataclass(frozen=True, slots=True)
class FieldProblem:
    field_key: str  # "" for a problem of the whole form
    message: str


@dataclass(frozen=True, slots=True)
class ValidatedForm:
    """Normalized values of the fields that were filled in, and every problem found.

    Optional fields left empty are not in ``values``; a boolean is always there.
    """

    service_code: str
    values: Mapping[str, str]
    problems: tuple[FieldProblem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems

    def problems_of(self, field_key: str) -> tuple[str, ...]:
        return tuple(p.message for p in self.problems if p.field_key == field_key)


class _InvalidValueError(Exception):
    """A field's value is not acceptable; carries the message for the clerk."""


def validate_form(service: Service, values: Mapping[str, str], *, today: date) -> ValidatedForm:
    """Check every field of ``service`` in ``values``; keys the service does not know are
    ignored. ``today`` is the office's date, for the plausible range and the rules that
    compare with today."""
    language = current_language()
    normalized: dict[str, str] = {}
    problems: list[FieldProblem] = []
    for field in service.fields:
        result = validate_field(field, values.get(field.key, ""), today=today, language=language)
        if isinstance(result, FieldProblem):
            problems.append(result)
        elif result:
            normalized[field.key] = result
    fields = {field.key: field for field in service.fields}
    problems += _cross_field_problems(fields, normalized, today, language)
    return ValidatedForm(service.code, MappingProxyType(normalized), tuple(problems))


def validate_field(
    field: FormField, raw: str, *, today: date, language: str | None = None
) -> str | FieldProblem:
    """The normalized value ("" when an optional field is empty), or the problem."""
    label = field.label.in_language(language or current_language())
    text = _WHITESPACE.sub(" ", raw).strip()
    # An unticked box sends nothing: an empty boolean is an answer, "no".
    if not text and field.kind is not FieldKind.BOOLEAN:
        if field.required:
            return FieldProblem(field.key, _("“{field}” is required.").format(field=label))
        return ""
    try:
        value = _CHECKERS[field.kind](field, text, label, today)
        if field.pattern and not re.fullmatch(field.pattern, value):
            raise _InvalidValueError(
                _("“{field}” does not have the expected form.").format(field=label)
            )
    except _InvalidValueError as problem:
        return FieldProblem(field.key, str(problem))
    return value


def _text(field: FormField, text: str, label: str, today: date) -> str:
    return _within_length(text, label, TEXT_MAX_LENGTH)


def _address(field: FormField, text: str, label: str, today: date) -> str:
    return _within_length(text, label, ADDRESS_MAX_LENGTH)


def _within_length(text: str, label: str, limit: int) -> str:
    if len(text) > limit:
        raise _InvalidValueError(
            _("“{field}” is too long: {count} characters, at most {limit} fit.").format(
                field=label, count=len(text), limit=limit
            )
        )
    return text


def parse_date(text: str) -> date | None:
    """A date written as 2026-03-19 or 19.03.2026, or ``None``."""
    if found := _ISO_DATE.fullmatch(text):
        year, month, day = found.groups()
    elif found := _DOTTED_DATE.fullmatch(text):
        day, month, year = found.groups()
    else:
        return None
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None  # 31.02.2026


def _date(field: FormField, text: str, label: str, today: date) -> str:
    value = parse_date(text)
    if value is None:
        raise _InvalidValueError(
            _("“{field}”: {value} is not a date. Write it as dd.mm.yyyy, e.g. 19.03.2026.").format(
                field=label, value=text
            )
        )
    earliest = date(today.year - EARLIEST_YEARS_BACK, 1, 1)
    latest = date(today.year + LATEST_YEARS_AHEAD, 12, 31)
    if not earliest <= value <= latest:
        raise _InvalidValueError(
            _(
                "“{field}”: {value} is not a plausible date; it must lie between {earliest} "
                "and {latest}."
            ).format(
                field=label,
                value=_shown(value),
                earliest=_shown(earliest),
                latest=_shown(latest),
            )
        )
    return value.isoformat()


def _number(field: FormField, text: str, label: str, today: date) -> str:
    # Azerbaijani and Russian write a decimal comma and group thousands with spaces.
    compact = text.replace(" ", "").replace("\u00a0", "").replace(",", ".")
    if not _NUMBER.fullmatch(compact):
        raise _InvalidValueError(
            _("“{field}”: {value} is not a number. Write it as 12.50.").format(
                field=label, value=text
            )
        )
    value = Decimal(compact)  # the pattern lets only finite decimals through
    if value < 0:
        raise _InvalidValueError(_("“{field}” cannot be negative.").format(field=label))
    return format(value, "f")


def _choice(field: FormField, text: str, label: str, today: date) -> str:
    for choice in field.choices:
        if text.casefold() == choice.casefold():
            return choice
    raise _InvalidValueError(
        _("“{field}”: {value} is not one of the offered values ({choices}).").format(
            field=label, value=text, choices=", ".join(field.choices)
        )
    )


def normalize_phone(text: str) -> str | None:
    """An Azerbaijani number as +994XXXXXXXXX, a foreign one as + and its digits, or None.

    Accepted: +994 50 123 45 67, 00994..., 994..., and the local 050 123 45 67.
    """
    compact = _PHONE_SEPARATORS.sub("", text)
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    if compact.startswith(AZ_COUNTRY_CODE) and len(compact) == 3 + AZ_NATIONAL_DIGITS:
        compact = "+" + compact
    if compact.startswith("0") and len(compact) == 1 + AZ_NATIONAL_DIGITS:
        compact = "+" + AZ_COUNTRY_CODE + compact[1:]
    if not compact.startswith("+") or not compact[1:].isdigit() or not compact[1:].isascii():
        return None
    digits = compact[1:]
    if digits.startswith(AZ_COUNTRY_CODE):
        national = digits[len(AZ_COUNTRY_CODE) :]
        # A national number never starts with the trunk 0: "+994 050..." is a typing slip.
        if len(national) != AZ_NATIONAL_DIGITS or national.startswith("0"):
            return None
    elif not FOREIGN_MIN_DIGITS <= len(digits) <= FOREIGN_MAX_DIGITS:
        return None
    return compact


def _phone(field: FormField, text: str, label: str, today: date) -> str:
    value = normalize_phone(text)
    if value is None:
        raise _InvalidValueError(
            _(
                "“{field}”: {value} is not a phone number. Write an Azerbaijani number as "
                "+994 50 123 45 67 or 050 123 45 67, a foreign one with + and the country code."
            ).format(field=label, value=text)
        )
    return value


def _tax_id(field: FormField, text: str, label: str, today: date) -> str:
    compact = text.replace(" ", "")
    if len(compact) != TAX_ID_DIGITS or not (compact.isdigit() and compact.isascii()):
        raise _InvalidValueError(
            _("“{field}”: a VÖEN has exactly 10 digits; {value} does not.").format(
                field=label, value=text
            )
        )
    return compact


def _personal_code(field: FormField, text: str, label: str, today: date) -> str:
    compact = text.replace(" ", "").translate(_AZ_LETTERS_TO_ASCII).upper()
    if not _PERSONAL_CODE.fullmatch(compact):
        raise _InvalidValueError(
            _("“{field}”: a FIN has exactly 7 Latin letters and digits; {value} does not.").format(
                field=label, value=text
            )
        )
    return compact


def _boolean(field: FormField, text: str, label: str, today: date) -> str:
    word = text.casefold()
    if word in _TRUE_WORDS:
        return "true"
    if word in _FALSE_WORDS:
        return "false"
    raise _InvalidValueError(_("“{field}”: answer yes or no.").format(field=label))


_CHECKERS: dict[FieldKind, Callable[[FormField, str, str, date], str]] = {
    FieldKind.TEXT: _text,
    FieldKind.DATE: _date,
    FieldKind.NUMBER: _number,
    FieldKind.CHOICE: _choice,
    FieldKind.PHONE: _phone,
    FieldKind.TAX_ID: _tax_id,
    FieldKind.PERSONAL_CODE: _personal_code,
    FieldKind.ADDRESS: _address,
    FieldKind.BOOLEAN: _boolean,
}


def _cross_field_problems(
    fields: Mapping[str, FormField], values: Mapping[str, str], today: date, language: str
) -> list[FieldProblem]:
    """Rules between dates; they run only on dates that passed their own checks."""

    def date_of(key: str) -> date | None:
        field = fields.get(key)
        if field is None or field.kind is not FieldKind.DATE or key not in values:
            return None
        return date.fromisoformat(values[key])

    def label_of(key: str) -> str:
        return fields[key].label.in_language(language)

    problems = []
    for earlier_key, later_key in ORDERED_DATES:
        earlier, later = date_of(earlier_key), date_of(later_key)
        if earlier is not None and later is not None and later <= earlier:
            problems.append(
                FieldProblem(
                    later_key,
                    _(
                        "“{later}” ({later_date}) must be after “{earlier}” ({earlier_date})."
                    ).format(
                        later=label_of(later_key),
                        later_date=_shown(later),
                        earlier=label_of(earlier_key),
                        earlier_date=_shown(earlier),
                    ),
                )
            )
    for key in DATES_NOT_IN_FUTURE:
        value = date_of(key)
        if value is not None and value > today:
            problems.append(
                FieldProblem(
                    key,
                    _("“{field}” ({value}) cannot be later than today.").format(
                        field=label_of(key), value=_shown(value)
                    ),
                )
            )
    for key in DATES_NOT_PASSED:
        value = date_of(key)
        if value is not None and value < today:
            problems.append(
                FieldProblem(
                    key,
                    _("“{field}” ({value}) has passed: it must be today or later.").format(
                        field=label_of(key), value=_shown(value)
                    ),
                )
            )
    return problems


def _shown(value: date) -> str:
    return value.strftime("%d.%m.%Y")
