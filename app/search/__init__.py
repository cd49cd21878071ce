"""Person search across scripts: name keys, spelling suggestions and query parsing."""

from __future__ import annotations

from app.search.names import (
    ParsedQuery,
    az_lower,
    az_title,
    az_upper,
    fold,
    phonetic_key,
    search_keys,
    similarity,
    strip_gender_ending,
    tokenize_query,
    transliterate_az_to_cyrillic,
    transliterate_cyrillic_to_latin_az,
)

__all__ = [
    "ParsedQuery",
    "az_lower",
    "az_title",
    "az_upper",
    "fold",
    "phonetic_key",
    "search_keys",
    "similarity",
    "strip_gender_ending",
    "tokenize_query",
    "transliterate_az_to_cyrillic",
    "transliterate_cyrillic_to_latin_az",
]
