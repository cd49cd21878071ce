"""Reading the ICAO 9303 specimens and the awkward documents the desk meets."""

from __future__ import annotations

import json
from datetime import date

import pytest

from app.mrz import (
    CHECK_LABELS,
    MrzFormat,
    check_label,
    generate_td1,
    generate_td3,
    parse_mrz,
    structural_error_label,
    to_json_dict,
    warning_label,
)

TODAY = date(2026, 11, 24)

# ICAO Doc 9303 specimens: Part 4 (TD3), Part 5 (TD1), Part 6 (TD2), Part 7 (MRV-A, MRV-B).
TD3 = (
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
)
TD1 = (
    "I<UTOD231458907<<<<<<<<<<<<<<<",
    "7408122F1204159UTO<<<<<<<<<<<6",
    "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
)
TD2 = (
    "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<",
    "D231458907UTO7408122F1204159<<<<<<<6",
)
MRVA = (
    "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L8988901C4XXX4009078F96121096ZE184226B<<<<<<",
)
MRVB = (
    "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<",
    "L8988901C4XXX4009078F9612109<<<<<<<<",
)
# Part 11, Appendix D: document numbers longer than nine characters.
TD1_LONG_NUMBER = (
    "I<UTOD23145890<7349<<<<<<<<<<<",
    "3407127M9507122UTO<<<<<<<<<<<2",
    "STEVENSON<<PETER<JOHN<<<<<<<<<",
)
TD2_LONG_NUMBER = (
    "I<UTOSTEVENSON<<PETER<JOHN<<<<<<<<<<",
    "D23145890<UTO3407127M95071227349<<<8",
)


def replaced(lines: tuple[str, ...], line: int, position: int, character: str) -> tuple[str, ...]:
    """``lines`` with the character at ICAO ``line`` and ``position`` (both from 1) replaced."""
    changed = list(lines)
    text = changed[line - 1]
    changed[line - 1] = text[: position - 1] + character + text[position:]
    return tuple(changed)


def test_td3_specimen() -> None:
    result = parse_mrz(TD3, today=TODAY)
    assert result.valid
    assert result.format is MrzFormat.TD3
    assert (result.document_code, result.document_type) == ("P<", "P")
    assert (result.issuing_state, result.nationality) == ("UTO", "UTO")
    assert (result.surname, result.given_names) == ("ERIKSSON", "ANNA MARIA")
    assert result.document_number == "L898902C3"
    assert (result.birth_date, result.expiry_date) == (date(1974, 8, 12), date(2012, 4, 15))
    assert result.sex == "F"
    assert (result.optional_data, result.optional_data_2) == ("ZE184226B", "")
    assert result.lines == TD3
    assert (result.failed_checks, result.structural_errors, result.warnings) == ((), (), ())


@pytest.mark.parametrize(("lines", "mrz_format"), [(TD1, MrzFormat.TD1), (TD2, MrzFormat.TD2)])
def test_card_specimens(lines: tuple[str, ...], mrz_format: MrzFormat) -> None:
    result = parse_mrz(lines, today=TODAY)
    assert result.valid
    assert result.format is mrz_format
    assert (result.document_type, result.issuing_state, result.nationality) == ("I", "UTO", "UTO")
    assert (result.surname, result.given_names) == ("ERIKSSON", "ANNA MARIA")
    assert result.document_number == "D23145890"
    assert (result.birth_date, result.expiry_date) == (date(1974, 8, 12), date(2012, 4, 15))
    assert (result.sex, result.optional_data, result.optional_data_2) == ("F", "", "")


@pytest.mark.parametrize(
    ("lines", "mrz_format", "optional_data"),
    [(MRVA, MrzFormat.MRVA, "6ZE184226B"), (MRVB, MrzFormat.MRVB, "")],
)
def test_visa_specimens(lines: tuple[str, ...], mrz_format: MrzFormat, optional_data: str) -> None:
    result = parse_mrz(lines, today=TODAY)
    assert result.valid
    assert result.format is mrz_format
    assert (result.document_type, result.issuing_state, result.nationality) == ("V", "UTO", "XXX")
    assert (result.surname, result.given_names) == ("ERIKSSON", "ANNA MARIA")
    assert result.document_number == "L8988901C"
    assert (result.birth_date, result.expiry_date) == (date(1940, 9, 7), date(1996, 12, 10))
    assert (result.sex, result.optional_data) == ("F", optional_data)


@pytest.mark.parametrize("lines", [TD1_LONG_NUMBER, TD2_LONG_NUMBER])
def test_long_document_number_continues_in_optional_data(lines: tuple[str, ...]) -> None:
    result = parse_mrz(lines, today=TODAY)
    assert result.valid
    assert result.document_number == "D23145890734"
    assert result.optional_data == ""
    assert (result.surname, result.given_names) == ("STEVENSON", "PETER JOHN")
    assert (result.birth_date, result.expiry_date) == (date(1934, 7, 12), date(1995, 7, 12))


def test_long_document_number_on_a_passport_keeps_the_personal_number() -> None:
    lines = generate_td3(
        issuing_state="AZE",
        surname="Quliyev",
        given_names="Anar",
        document_number="C12345678901",
        nationality="AZE",
        birth_date=date(1990, 5, 17),
        sex="M",
        expiry_date=date(2030, 5, 16),
        optional_data="5ZRT7KQ",
    )
    assert lines[1].startswith("C12345678<AZE")
    # The rest of the number, the check digit of all twelve characters (262 mod 10), a filler.
    assert lines[1][28:33] == "9012<"
    result = parse_mrz(lines, today=TODAY)
    assert result.valid
    assert (result.document_number, result.optional_data) == ("C12345678901", "5ZRT7KQ")


def test_long_number_with_a_wrong_continuation_fails_the_number_check() -> None:
    result = parse_mrz(replaced(TD1_LONG_NUMBER, 1, 17, "5"), today=TODAY)
    assert result.document_number == "D23145890754"
    assert result.failed_checks == ("document_number", "composite")


def test_filler_where_the_number_check_should_be_but_no_continuation() -> None:
    lines = replaced(replaced(TD1, 1, 15, "<"), 2, 30, "0")  # composite made right again
    result = parse_mrz(lines, today=TODAY)
    assert "document_number" in result.failed_checks
    assert not result.valid


# The positions (line, position from 1) of each check digit in the TD3 specimen, and the
# checks that fail when it is wrong: the composite covers the other check digits too.
@pytest.mark.parametrize(
    ("line", "position", "failed"),
    [
        (2, 10, ("document_number", "composite")),
        (2, 20, ("birth_date", "composite")),
        (2, 28, ("expiry_date", "composite")),
        (2, 43, ("optional_data", "composite")),
        (2, 44, ("composite",)),
    ],
)
def test_each_wrong_check_digit_is_named(line: int, position: int, failed: tuple[str, ...]) -> None:
    digit = TD3[line - 1][position - 1]
    wrong = str((int(digit) + 1) % 10)
    result = parse_mrz(replaced(TD3, line, position, wrong), today=TODAY)
    assert result.failed_checks == failed
    assert not result.valid
    assert result.structural_errors == ()


@pytest.mark.parametrize(
    ("lines", "line", "position", "failed"),
    [
        (TD1, 1, 15, ("document_number", "composite")),
        (TD1, 2, 7, ("birth_date", "composite")),
        (TD1, 2, 15, ("expiry_date", "composite")),
        (TD1, 2, 30, ("composite",)),
        (TD2, 2, 36, ("composite",)),
        (MRVA, 2, 10, ("document_number",)),
        (MRVB, 2, 20, ("birth_date",)),
        (MRVB, 2, 28, ("expiry_date",)),
    ],
)
def test_wrong_check_digits_in_the_other_formats(
    lines: tuple[str, ...], line: int, position: int, failed: tuple[str, ...]
) -> None:
    wrong = str((int(lines[line - 1][position - 1]) + 5) % 10)
    assert parse_mrz(replaced(lines, line, position, wrong), today=TODAY).failed_checks == failed


def test_a_letter_where_a_check_digit_belongs_fails_that_check() -> None:
    result = parse_mrz(replaced(TD3, 2, 20, "O"), today=TODAY)
    assert result.failed_checks == ("birth_date", "composite")


def _td3_without_personal_number() -> tuple[str, str]:
    return generate_td3(
        issuing_state="AZE",
        surname="Hasanova",
        given_names="Leyla",
        document_number="C01234567",
        nationality="AZE",
        birth_date=date(1985, 3, 2),
        sex="F",
        expiry_date=date(2029, 3, 1),
    )


def test_filler_for_the_check_digit_of_an_empty_personal_number_is_accepted() -> None:
    lines = _td3_without_personal_number()
    assert lines[1][42] == "0"
    # "<" and "0" both count 0 in the composite, so only the personal number check could mind.
    with_filler = replaced(lines, 2, 43, "<")
    result = parse_mrz(with_filler, today=TODAY)
    assert result.valid
    assert result.optional_data == ""


def test_filler_for_the_check_digit_of_a_personal_number_in_use_fails() -> None:
    result = parse_mrz(replaced(TD3, 2, 43, "<"), today=TODAY)
    assert "optional_data" in result.failed_checks


def test_every_check_has_a_translated_label() -> None:
    assert check_label("document_number") == "document number check digit"
    assert check_label("composite") == "composite check digit"
    assert all(check_label(name) for name in CHECK_LABELS)
    assert structural_error_label("birth_date") == "date of birth is not a date"
    assert warning_label("birth_date_incomplete") == "date of birth is partly unknown"


def test_labels_follow_the_language() -> None:
    from app.i18n import set_language

    set_language("az")
    try:
        # Whether or not the catalogue has it yet, a label is never empty.
        assert check_label("birth_date")
    finally:
        set_language("en")


# --- what readers hand over -----------------------------------------------------------


@pytest.mark.parametrize(
    "given",
    [
        "\n".join(TD3),
        "\r\n".join(TD3) + "\r\n",
        "  " + TD3[0] + "  \n\t" + TD3[1] + " \n\n",
        "\n".join(TD3).lower(),
        list(TD3),
        TD3,
        "".join(TD3),  # a reader that types all 88 characters without a newline
        ["", TD3[0], "   ", TD3[1], ""],
    ],
)
def test_presentation_differences_are_accepted(given: str | list[str]) -> None:
    result = parse_mrz(given, today=TODAY)
    assert result.valid
    assert result.lines == TD3


@pytest.mark.parametrize("lines", [TD1, TD2, MRVA, MRVB, TD1_LONG_NUMBER])
def test_every_format_typed_as_one_line(lines: tuple[str, ...]) -> None:
    assert parse_mrz("".join(lines), today=TODAY) == parse_mrz(lines, today=TODAY)


# --- dates ----------------------------------------------------------------------------


def _td1_born(birth: str, expiry: str = "300101") -> tuple[str, str, str]:
    return generate_td1(
        issuing_state="AZE",
        surname="Aliyev",
        given_names="Rauf",
        document_number="AA1234567",
        nationality="AZE",
        birth_date=birth,
        sex="M",
        expiry_date=expiry,
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("261124", date(2026, 11, 24)),  # born today
        ("261125", date(1926, 11, 25)),  # tomorrow a century ago, not tomorrow
        ("000229", date(2000, 2, 29)),
        ("991231", date(1999, 12, 31)),
        ("050101", date(2005, 1, 1)),
    ],
)
def test_birth_date_is_never_in_the_future(raw: str, expected: date) -> None:
    assert parse_mrz(_td1_born(raw), today=TODAY).birth_date == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("120415", date(2012, 4, 15)),  # expired
        ("361231", date(2036, 12, 31)),
        ("761231", date(2076, 12, 31)),  # fifty years ahead
        ("770101", date(1977, 1, 1)),  # more than fifty ahead: a century back
    ],
)
def test_expiry_date_prefers_the_future_up_to_fifty_years(raw: str, expected: date) -> None:
    assert parse_mrz(_td1_born("800101", raw), today=TODAY).expiry_date == expected


def test_today_defaults_to_the_current_date() -> None:
    assert parse_mrz(TD3).birth_date == date(1974, 8, 12)


@pytest.mark.parametrize("raw", ["7408<<", "74<<<<", "<<<<<<"])
def test_partly_unknown_birth_date_is_reported_not_fatal(raw: str) -> None:
    result = parse_mrz(_td1_born(raw), today=TODAY)
    assert result.birth_date is None
    assert result.birth_date_raw == raw
    assert result.warnings == ("birth_date_incomplete",)
    assert result.valid  # ICAO 9303 has issuers print fillers for unknown parts
    assert to_json_dict(result)["birth_date"] is None


def test_partly_unknown_expiry_date_is_reported() -> None:
    result = parse_mrz(_td1_born("800101", "30<<<<"), today=TODAY)
    assert result.expiry_date is None
    assert result.warnings == ("expiry_date_incomplete",)


@pytest.mark.parametrize("raw", ["741312", "740230", "740800", "010229"])
def test_impossible_dates_are_structural_errors(raw: str) -> None:
    result = parse_mrz(_td1_born(raw), today=TODAY)
    assert result.birth_date is None
    assert result.structural_errors == ("birth_date",)
    assert result.failed_checks == ()
    assert not result.valid


def test_letters_in_a_date_are_a_structural_error() -> None:
    result = parse_mrz(replaced(TD3, 2, 16, "O"), today=TODAY)  # OCR read 0 as O
    assert "birth_date" in result.structural_errors
    assert "birth_date" in result.failed_checks


# --- other fields ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "expected"),
    [("XXA", "XXA"), ("XXB", "XXB"), ("XXC", "XXC"), ("XXX", "XXX"), ("D", "D")],
)
def test_special_nationality_codes(code: str, expected: str) -> None:
    lines = generate_td3(
        issuing_state=code,
        surname="Schmidt",
        given_names="Karl",
        document_number="C01X00T47",
        nationality=code,
        birth_date=date(1964, 8, 12),
        sex="M",
        expiry_date=date(2027, 10, 31),
    )
    result = parse_mrz(lines, today=TODAY)
    assert result.valid
    assert (result.issuing_state, result.nationality) == (expected, expected)
    if code == "D":
        assert lines[0][2:5] == "D<<"
        assert lines[1][10:13] == "D<<"


def test_unspecified_sex_is_x() -> None:
    result = parse_mrz(replaced(TD3, 2, 21, "<"), today=TODAY)
    assert result.sex == "X"
    assert result.valid  # the sex is covered by no check digit


def test_unknown_sex_character_is_a_structural_error() -> None:
    result = parse_mrz(replaced(TD3, 2, 21, "Q"), today=TODAY)
    assert (result.sex, result.structural_errors, result.failed_checks) == ("Q", ("sex",), ())


@pytest.mark.parametrize(
    ("line", "position", "character", "error"),
    [
        (1, 2, "7", "document_code"),
        (1, 3, "1", "issuing_state"),
        (1, 3, "<", "issuing_state"),
    ],
)
def test_codes_that_cannot_be_right(line: int, position: int, character: str, error: str) -> None:
    result = parse_mrz(replaced(TD3, line, position, character), today=TODAY)
    assert result.structural_errors == (error,)
    assert not result.valid


def test_empty_document_number_is_a_structural_error() -> None:
    lines = replaced(TD2, 2, 1, "<")
    for position in range(2, 11):
        lines = replaced(lines, 2, position, "<" if position < 10 else "0")
    result = parse_mrz(lines, today=TODAY)
    assert "document_number" in result.structural_errors


@pytest.mark.parametrize(
    ("name_field", "surname", "given_names"),
    [
        ("VAN<DER<BERG<<MARIA<ELENA", "VAN DER BERG", "MARIA ELENA"),
        ("MAMMADOV", "MAMMADOV", ""),
        ("LI<<<<WEI", "LI", "WEI"),
    ],
)
def test_name_parts(name_field: str, surname: str, given_names: str) -> None:
    line1 = ("P<UTO" + name_field).ljust(44, "<")
    result = parse_mrz((line1, TD3[1]), today=TODAY)
    assert (result.surname, result.given_names) == (surname, given_names)
    assert "name_may_be_truncated" not in result.warnings


def test_a_name_that_fills_its_field_may_be_truncated() -> None:
    line1 = "P<UTONILAVADHANANANDA<<CHAYAPA<DEJTHAMRONG<K"
    result = parse_mrz((line1, TD3[1]), today=TODAY)
    assert result.surname == "NILAVADHANANANDA"
    assert result.given_names == "CHAYAPA DEJTHAMRONG K"
    assert result.warnings == ("name_may_be_truncated",)
    assert result.valid


def test_json_for_the_command_line() -> None:
    as_json = to_json_dict(parse_mrz(TD3, today=TODAY))
    assert as_json == {
        "format": "TD3",
        "document_type": "P",
        "issuing_state": "UTO",
        "surname": "ERIKSSON",
        "given_names": "ANNA MARIA",
        "document_number": "L898902C3",
        "nationality": "UTO",
        "birth_date": "1974-08-12",
        "sex": "F",
        "expiry_date": "2012-04-15",
        "optional_data": "ZE184226B",
        "valid": True,
        "failed_checks": [],
    }
    json.dumps(as_json)


def test_json_names_failed_checks() -> None:
    as_json = to_json_dict(parse_mrz(replaced(TD3, 2, 44, "1"), today=TODAY))
    assert (as_json["valid"], as_json["failed_checks"]) == (False, ["composite"])


def test_result_is_frozen() -> None:
    result = parse_mrz(TD3, today=TODAY)
    with pytest.raises(AttributeError):
        result.surname = "X"  # type: ignore[misc]
    assert result.text == "\n".join(TD3)
