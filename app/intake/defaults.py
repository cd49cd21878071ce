"""Suggested values of an intake form's date fields, as the service's master data gives them.

A field's ``default`` is "today" or another date field's key, each optionally shifted by a
number of days: "arrival_date+90" suggests a stay of ninety days from the arrival typed. The
suggestion fills an empty field only; what the clerk typed is never replaced.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, timedelta

from app.domain.masterdata import FieldKind, Service
from app.intake.validation import parse_date

_RULE = re.compile(r"(today|[a-z][a-z0-9_]*)([+-][0-9]{1,4})?")
SHOWN_FORMAT = "%d.%m.%Y"


def suggested_date(rule: str, values: Mapping[str, str], today: date) -> date | None:
    """The date ``rule`` gives for the form's current ``values``; None if it cannot yet."""
    match = _RULE.fullmatch(rule)
    if match is None:
        return None
    base_name, shift = match.group(1), match.group(2)
    base = today if base_name == "today" else parse_date(values.get(base_name, "").strip())
    if base is None:
        return None
    try:
        return base + timedelta(days=int(shift or 0))
    except OverflowError:
        return None


def suggestions(service: Service, values: Mapping[str, str], today: date) -> dict[str, str]:
    """Values for the empty date fields that have a rule, in the form the clerk types them."""
    found: dict[str, str] = {}
    for field in service.fields:
        if field.kind is not FieldKind.DATE or not field.default:
            continue
        if values.get(field.key, "").strip():
            continue
        day = suggested_date(field.default, {**values, **found}, today)
        if day is not None:
            found[field.key] = day.strftime(SHOWN_FORMAT)
    return found


def expand_typed_date(text: str, today: date) -> str:
    """What a clerk types quickly, written out: "2011" is 20.11 of this year, "201125" is
    20.11.2025, "20112025" is 20.11.2025. Anything else comes back unchanged, for the
    validation to judge."""
    digits = text.strip()
    if not digits.isdigit() or not digits.isascii():
        return text
    if len(digits) == 4:
        day, month, year = digits[:2], digits[2:], str(today.year)
    elif len(digits) == 6:
        day, month, year = digits[:2], digits[2:4], _century(int(digits[4:]), today)
    elif len(digits) == 8:
        day, month, year = digits[:2], digits[2:4], digits[4:]
    else:
        return text
    return f"{day}.{month}.{year}"


def _century(two_digits: int, today: date) -> str:
    """A two-digit year in the century that puts it at most ten years ahead of today."""
    year = today.year - today.year % 100 + two_digits
    if year > today.year + 10:
        year -= 100
    return str(year)
