"""Words, dates and amounts as a printout shows them, in the language the office prints in.

A printout's language is the office's setting, not the clerk's screen language, so labels are
marked with ``N_()`` where they are defined and translated here with ``translate_to``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal

from babel.numbers import format_decimal

from app.clock import office_zone
from app.i18n import LANGUAGES, N_, translate_to

# The card is bilingual: the state language first, then English for readers abroad.
CARD_LANGUAGES: tuple[str, str] = ("az", "en")
# Printed across a receipt or ticket made again: two originals of one paper never circulate.
DUPLICATE_MARK = N_("DUPLICATE")


def translator(language: str) -> Callable[[str], str]:
    """A function translating marked labels into ``language``."""
    if language not in LANGUAGES:
        raise ValueError(f"unsupported printout language {language!r}")

    def translate(message: str) -> str:
        return translate_to(language, message)

    return translate


def bilingual(message: str, separator: str = " / ") -> str:
    """The label in both card languages, or once where the two read the same (a proper name,
    or a catalogue that has no translation yet)."""
    first, second = (translate_to(language, message) for language in CARD_LANGUAGES)
    return first if first == second else f"{first}{separator}{second}"


def day(value: date) -> str:
    # Day first with dots: how dates are written in Azerbaijan and Russia, and what the
    # desk's screens show.
    return value.strftime("%d.%m.%Y")


def moment(value: datetime) -> str:
    """Date and time on the office's clock: the core keeps moments in UTC, a visitor reads
    the time of the wall clock."""
    if value.tzinfo is not None:
        value = value.astimezone(office_zone())
    return value.strftime("%d.%m.%Y %H:%M")


def money(amount: Decimal, currency: str, language: str) -> str:
    """An amount with two decimals and the language's separators: "1.234,50 AZN" in az."""
    return f"{format_decimal(amount, format='#,##0.00', locale=language)} {currency}"
