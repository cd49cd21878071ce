"""MRZ dates: six characters YYMMDD whose century has to be chosen, and may be partly unknown.

A date of birth cannot lie in the future, so it takes the latest century that keeps it on or
before today. A date of expiry is mostly ahead: it takes the century that puts it within
49 years back and 50 years ahead of today.
"""

from __future__ import annotations

from datetime import date

EXPIRY_YEARS_AHEAD = 50

_DIGITS_AND_FILLER = frozenset("0123456789<")


def birth_date_from(raw: str, today: date) -> date | None:
    """The date of birth, or ``None`` when ``raw`` is not a whole date (see ``is_partial``)."""
    if not raw.isdigit():
        return None
    # One conversion and two divisions: cheaper than converting three slices.
    yy, month_day = divmod(int(raw), 10_000)
    month, day = divmod(month_day, 100)
    latest_year = today.year - (today.year - yy) % 100
    try:
        born = date(latest_year, month, day)
        if born <= today:
            return born
    except ValueError:
        pass  # 29 February may exist in the century before: 2000 is a leap year, 1900 not
    try:
        return date(latest_year - 100, month, day)
    except ValueError:
        return None


def expiry_date_from(raw: str, today: date) -> date | None:
    """The date of expiry, or ``None`` when ``raw`` is not a whole date (see ``is_partial``)."""
    if not raw.isdigit():
        return None
    # One conversion and two divisions: cheaper than converting three slices.
    yy, month_day = divmod(int(raw), 10_000)
    month, day = divmod(month_day, 100)
    earliest_year = today.year + EXPIRY_YEARS_AHEAD - 99
    try:
        return date(earliest_year + (yy - earliest_year) % 100, month, day)
    except ValueError:
        return None


def is_partial(raw: str) -> bool:
    """Whether a date that did not read is partly unknown ("7408<<") rather than wrong.

    ICAO 9303 has the issuer print fillers for the parts of a date it does not know.
    """
    return not raw.isdigit() and _DIGITS_AND_FILLER.issuperset(raw)


def to_yymmdd(value: date) -> str:
    return f"{value.year % 100:02d}{value.month:02d}{value.day:02d}"
