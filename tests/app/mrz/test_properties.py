"""Properties over many generated documents: what is written reads back the same, and a
changed character fails exactly the check digits that cover it."""

from __future__ import annotations

import string
from dataclasses import dataclass
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from app.mrz import MrzFields, MrzFormat, generate, parse_mrz

TODAY = date(2026, 11, 24)
LETTERS = string.ascii_uppercase
ALPHANUMERIC = string.ascii_uppercase + string.digits
VALUE = {character: value for value, character in enumerate(string.digits + LETTERS)}
VISAS = (MrzFormat.MRVA, MrzFormat.MRVB)

# Written out from ICAO 9303 rather than taken from the module, so the test checks it.
NAME_WIDTH = {
    MrzFormat.TD1: 30,
    MrzFormat.TD2: 31,
    MrzFormat.TD3: 39,
    MrzFormat.MRVA: 39,
    MrzFormat.MRVB: 31,
}
OPTIONAL_WIDTH = {
    MrzFormat.TD1: 15,
    MrzFormat.TD2: 7,
    MrzFormat.TD3: 14,
    MrzFormat.MRVA: 16,
    MrzFormat.MRVB: 8,
}


@dataclass(frozen=True, slots=True)
class Document:
    mrz_format: MrzFormat
    fields: MrzFields
    surname_words: tuple[str, ...]
    given_words: tuple[str, ...]


words = st.lists(st.text(LETTERS, min_size=1, max_size=9), min_size=1, max_size=3)
codes = st.text(LETTERS, min_size=1, max_size=3)
optional_parts = st.lists(st.text(ALPHANUMERIC, min_size=1, max_size=5), max_size=3)


@st.composite
def documents(draw: st.DrawFn) -> Document:
    mrz_format = draw(st.sampled_from(MrzFormat))
    is_visa = mrz_format in VISAS
    surname = draw(words)
    given = draw(st.one_of(st.just([]), words))
    # Names that fit: truncation has its own tests.
    width = NAME_WIDTH[mrz_format]
    while len("<".join(surname)) + 2 + len("<".join(given)) > width:
        (given or surname).pop()
    if not surname:
        surname = ["X"]
    longest_number = 9 if is_visa else 9 + OPTIONAL_WIDTH[mrz_format] - 1
    number = draw(st.text(ALPHANUMERIC, min_size=1, max_size=longest_number))
    room = OPTIONAL_WIDTH[mrz_format]
    if len(number) > 9:
        room -= len(number) - 9 + 2  # the rest of the number, its check digit, a filler
    optional = "<".join(draw(optional_parts))[: max(room, 0)].strip("<")
    document_type = draw(st.text(LETTERS, min_size=1, max_size=2))
    document_type = "V" + document_type[1:] if is_visa else document_type.replace("V", "P")
    fields = MrzFields(
        document_type=document_type,
        issuing_state=draw(codes),
        surname=" ".join(surname),
        given_names=" ".join(given),
        document_number=number,
        nationality=draw(codes),
        birth_date=draw(st.dates(TODAY.replace(year=TODAY.year - 100) + timedelta(1), TODAY)),
        sex=draw(st.sampled_from("MFX")),
        expiry_date=draw(st.dates(date(TODAY.year - 49, 1, 1), date(TODAY.year + 50, 12, 31))),
        optional_data=optional,
        optional_data_2=(
            "<".join(draw(optional_parts))[:11].strip("<") if mrz_format is MrzFormat.TD1 else ""
        ),
    )
    return Document(mrz_format, fields, tuple(surname), tuple(given))


@settings(max_examples=300, deadline=None)
@given(documents())
def test_what_is_written_reads_back(document: Document) -> None:
    fields = document.fields
    lines = generate(document.mrz_format, fields)
    result = parse_mrz(lines, today=TODAY)
    assert result.failed_checks == ()
    assert result.structural_errors == ()
    assert result.valid
    assert result.format is document.mrz_format
    assert result.document_type == fields.document_type
    assert result.issuing_state == fields.issuing_state
    assert result.surname == " ".join(document.surname_words)
    assert result.given_names == " ".join(document.given_words)
    assert result.document_number == fields.document_number
    assert result.nationality == fields.nationality
    assert result.birth_date == fields.birth_date
    assert result.sex == fields.sex
    assert result.expiry_date == fields.expiry_date
    assert result.optional_data == fields.optional_data
    assert result.optional_data_2 == fields.optional_data_2
    # Typed in one go by a reader, lower case: the same document.
    assert parse_mrz("".join(lines).lower(), today=TODAY) == result


def _positions(line: int, first: int, last: int, line_length: int) -> set[int]:
    """ICAO positions (line and positions from 1, inclusive) as indexes in the joined lines."""
    start = (line - 1) * line_length
    return set(range(start + first - 1, start + last))


def covered_by_checks(mrz_format: MrzFormat, number_length: int) -> dict[str, set[int]]:
    """For each check digit, the positions it covers, itself included (ICAO 9303 parts 4-7)."""
    if mrz_format is MrzFormat.TD1:
        covered = {
            "document_number": _positions(1, 6, 15, 30),
            "birth_date": _positions(2, 1, 7, 30),
            "expiry_date": _positions(2, 9, 15, 30),
            "composite": _positions(1, 6, 30, 30)
            | _positions(2, 1, 7, 30)
            | _positions(2, 9, 15, 30)
            | _positions(2, 19, 30, 30),
        }
        optional_start = _positions(1, 16, 16, 30)
    else:
        length = 36 if mrz_format in (MrzFormat.TD2, MrzFormat.MRVB) else 44
        covered = {
            "document_number": _positions(2, 1, 10, length),
            "birth_date": _positions(2, 14, 20, length),
            "expiry_date": _positions(2, 22, 28, length),
        }
        if mrz_format is MrzFormat.TD3:
            covered["optional_data"] = _positions(2, 29, 43, length)
        if mrz_format not in VISAS:
            covered["composite"] = (
                _positions(2, 1, 10, length)
                | _positions(2, 14, 20, length)
                | _positions(2, 22, length, length)
            )
        optional_start = _positions(2, 29, 29, length)
    if number_length > 9:
        # The rest of a long number and its check digit open the optional data.
        start = min(optional_start)
        covered["document_number"] |= set(range(start, start + number_length - 9 + 1))
    return covered


@settings(max_examples=400, deadline=None)
@given(documents(), st.data())
def test_a_changed_character_fails_exactly_the_checks_that_cover_it(
    document: Document, data: st.DataObject
) -> None:
    text = "".join(generate(document.mrz_format, document.fields))
    # Any letter or digit but the first, which tells a visa from other documents.
    position = data.draw(
        st.sampled_from([i for i, c in enumerate(text) if c != "<" and i > 0]), label="position"
    )
    old = text[position]
    # A new value that differs by no multiple of 10: weighted by 7, 3 or 1 it always
    # changes a check digit that covers it.
    new = data.draw(
        st.sampled_from([c for c in ALPHANUMERIC if (VALUE[c] - VALUE[old]) % 10]), label="new"
    )
    changed = text[:position] + new + text[position + 1 :]
    result = parse_mrz(changed, today=TODAY)
    covered = covered_by_checks(document.mrz_format, len(document.fields.document_number))
    expected = {name for name, positions in covered.items() if position in positions}
    assert set(result.failed_checks) == expected
    assert len(result.failed_checks) == len(expected)


@settings(max_examples=200, deadline=None)
@given(documents(), st.data())
def test_a_changed_digit_in_a_protected_field_names_that_field(
    document: Document, data: st.DataObject
) -> None:
    lines = generate(document.mrz_format, document.fields)
    text = "".join(lines)
    covered = covered_by_checks(document.mrz_format, len(document.fields.document_number))
    field = data.draw(st.sampled_from(sorted(covered)), label="field")
    digits = [i for i in sorted(covered[field]) if text[i].isdigit()]
    position = data.draw(st.sampled_from(digits), label="position")  # dates always have some
    new = data.draw(st.sampled_from(string.digits.replace(text[position], "")), label="new")
    changed = text[:position] + new + text[position + 1 :]
    assert field in parse_mrz(changed, today=TODAY).failed_checks


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(MrzFormat), words, words)
def test_names_too_long_are_cut_to_the_field_and_keep_their_start(
    mrz_format: MrzFormat, surname: list[str], given_names: list[str]
) -> None:
    surname = [*surname, "LONGSURNAMEPART" * 2]
    fields = MrzFields(
        document_type="V" if mrz_format in VISAS else "P",
        issuing_state="AZE",
        surname=" ".join(surname),
        given_names=" ".join(given_names),
        document_number="X1",
        nationality="AZE",
        birth_date=date(1990, 1, 1),
        sex="M",
        expiry_date=date(2030, 1, 1),
    )
    result = parse_mrz(generate(mrz_format, fields), today=TODAY)
    assert result.valid
    assert " ".join(surname).startswith(result.surname)
    assert result.given_names  # at least the initial of the given names survives
    assert " ".join(given_names).startswith(result.given_names)
