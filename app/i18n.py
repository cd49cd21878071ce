"""Translations for everything a person reads: the core's messages, the printouts and the UI.

Strings are marked with ``_()`` (translated when called) or ``N_()`` (marked for extraction,
translated later, for module-level constants). The catalogues are gettext ``.po`` files under
``resources/translations/<lang>/LC_MESSAGES/reception.po``, compiled to ``.mo`` by ``make``.
English is the source language, so a missing catalogue falls back to the text as written.
"""

from __future__ import annotations

import gettext
import threading
from collections.abc import Callable
from pathlib import Path

from app.resources import resources_dir

DOMAIN = "reception"
LANGUAGES: tuple[str, ...] = ("az", "ru", "en")
DEFAULT_LANGUAGE = "az"
LANGUAGE_NAMES: dict[str, str] = {"az": "Azərbaycanca", "ru": "Русский", "en": "English"}

_lock = threading.Lock()
_current = DEFAULT_LANGUAGE
_catalogues: dict[str, gettext.NullTranslations] = {}
_listeners: list[Callable[[str], None]] = []


def translations_dir() -> Path:
    return resources_dir() / "translations"


def _catalogue(language: str) -> gettext.NullTranslations:
    with _lock:
        found = _catalogues.get(language)
        if found is None:
            found = gettext.translation(
                DOMAIN, localedir=translations_dir(), languages=[language], fallback=True
            )
            _catalogues[language] = found
        return found


def set_language(language: str) -> None:
    """Switch the language of everything translated from now on, and tell the listeners."""
    global _current
    if language not in LANGUAGES:
        raise ValueError(f"unsupported language {language!r}")
    _current = language
    for listener in list(_listeners):
        listener(language)


def current_language() -> str:
    return _current


def on_language_changed(listener: Callable[[str], None]) -> None:
    _listeners.append(listener)


def _(message: str) -> str:
    """Translate ``message`` into the current language."""
    return _catalogue(_current).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    return _catalogue(_current).ngettext(singular, plural, count)


def translate_to(language: str, message: str) -> str:
    """Translate into a given language, whatever the current one (printouts in the office's)."""
    return _catalogue(language).gettext(message)


def N_(message: str) -> str:
    """Mark a string for the catalogue without translating it now."""
    return message


def reset_catalogues() -> None:
    """Forget loaded catalogues (after ``make translations`` recompiled them, in tests)."""
    with _lock:
        _catalogues.clear()
