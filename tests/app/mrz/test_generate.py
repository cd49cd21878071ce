"""Writing MRZs: the specimens come out exactly, names are cut and transliterated by ICAO rules."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from app.mrz import (
    MrzFields,
    MrzFormat,
    MrzFormatError,
    check_digit,
    generate,
    generate_mrva,
    generate_mrvb,
    generate_td1,
    generate_td2,
    generate_td3,
    name_field,
    parse_mrz,
    transliterate_name,
)

TODAY = date(2026, 11, 24)
ERIKSSON: dict[str, Any] = {
    "issuing_state": "UTO",
    "surname": "Eriksson",
    "given_names": "Anna Maria",
    "birth_date": date(1974, 8, 12),
    "sex": "F",
    "expiry_date": date(2012, 4, 15),
}
STEVENSON: dict[str, Any] = {
    "issuing_state": "UTO",
    "surname": "Stevenson",
    "given_names": "Peter John",
    "document_number": "D23145890734",
    "nationality": "UTO",
    "birth_date": date(1934, 7, 12),
    "sex": "M",
    "expiry_date": date(1995, 7, 12),
}
VISA: dict[str, Any] = {
    **ERIKSSON,
    "document_number": "L8988901C",
    "nationality": "XXX",
    "birth_date": date(1940, 9, 7),
    "expiry_date": date(1996, 12, 10),
}


@pytest.mark.parametrize(
    ("text", "digit"),
    [("L898902C3", "6"), ("740812", "2"), ("120415", "9"), ("D23145890734", "9"), ("<<<", "0")],
)
def test_check_digit(text: str, digit: str) -> None:
    assert check_digit(text) == digit


def test_td3_specimen() -> None:
    assert generate_td3(
        **ERIKSSON, document_number="L898902C3", nationality="UTO", optional_data="ZE184226B"
    ) == (
        "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
        "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
    )


def test_td1_specimen() -> None:
    assert generate_td1(**ERIKSSON, document_number="D23145890", nationality="UTO") == (
        "I<UTOD231458907<<<<<<<<<<<<<<<",
        "7408122F1204159UTO<<<<<<<<<<<6",
        "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
    )


def test_td2_specimen() -> None:
    assert generate_td2(**ERIKSSON, document_number="D23145890", nationality="UTO") == (
        "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<",
        "D231458907UTO7408122F1204159<<<<<<<6",
    )


def test_visa_specimens() -> None:
    assert generate_mrva(**VISA, optional_data="6ZE184226B") == (
        "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
        "L8988901C4XXX4009078F96121096ZE184226B<<<<<<",
    )
    assert generate_mrvb(**VISA) == (
        "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<",
        "L8988901C4XXX4009078F9612109<<<<<<<<",
    )


def test_long_document_numbers_as_in_icao_part_11() -> None:
    assert generate_td1(**STEVENSON) == (
        "I<UTOD23145890<7349<<<<<<<<<<<",
        "3407127M9507122UTO<<<<<<<<<<<2",
        "STEVENSON<<PETER<JOHN<<<<<<<<<",
    )
    assert generate_td2(**STEVENSON) == (
        "I<UTOSTEVENSON<<PETER<JOHN<<<<<<<<<<",
        "D23145890<UTO3407127M95071227349<<<8",
    )


def test_long_number_and_optional_data_share_the_field() -> None:
    lines = generate_td1(**STEVENSON, optional_data="AB12", optional_data_2="XYZ")
    assert lines[0] == "I<UTOD23145890<7349<AB12<<<<<<"
    result = parse_mrz(lines, today=TODAY)
    assert result.valid
    assert (result.document_number, result.optional_data, result.optional_data_2) == (
        "D23145890734",
        "AB12",
        "XYZ",
    )


def test_generic_generate_matches_the_named_functions() -> None:
    fields = MrzFields(
        document_type="ID",
        issuing_state="AZE",
        surname="Rəhimova",
        given_names="Aynur",
        document_number="AZE123456",
        nationality="AZE",
        birth_date=date(1992, 1, 31),
        sex="F",
        expiry_date=date(2034, 1, 30),
        optional_data="9RT2QX7",
    )
    assert generate(MrzFormat.TD1, fields) == generate_td1(
        document_type="ID",
        issuing_state="AZE",
        surname="Rəhimova",
        given_names="Aynur",
        document_number="AZE123456",
        nationality="AZE",
        birth_date=date(1992, 1, 31),
        sex="F",
        expiry_date=date(2034, 1, 30),
        optional_data="9RT2QX7",
    )


def test_permit_card_round_trip() -> None:
    lines = generate_td1(
        document_type="IR",
        issuing_state="AZE",
        surname="Ağayev-Şirinov",
        given_names="İlkin Çingiz",
        document_number="MR0012345",
        nationality="XXA",
        birth_date=date(2001, 6, 30),
        sex="X",
        expiry_date=date(2028, 6, 29),
    )
    result = parse_mrz(lines, today=TODAY)
    assert result.valid
    assert (result.document_type, result.nationality, result.sex) == ("IR", "XXA", "X")
    assert (result.surname, result.given_names) == ("AGAYEV SIRINOV", "ILKIN CINGIZ")
    assert lines[2] == "AGAYEV<SIRINOV<<ILKIN<CINGIZ<<"


def test_unknown_date_parts_are_written_as_fillers() -> None:
    lines = generate_td3(
        **{**ERIKSSON, "birth_date": "7408<<"}, document_number="X1", nationality="UTO"
    )
    assert lines[1][13:20] == "7408<<" + check_digit("7408<<")
    assert parse_mrz(lines, today=TODAY).valid


# --- names ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Məmmədova Gülşən", "MAMMADOVA<GULSAN"),
        ("İsmayılov", "ISMAYILOV"),
        ("Çələbi Ağa", "CALABI<AGA"),
        ("Şükür Öztürk", "SUKUR<OZTURK"),
        ("Jean-Luc", "JEAN<LUC"),
        ("O'Brien", "O<BRIEN"),
        ("O' Brien", "O<BRIEN"),  # never a double filler: that would split the name
        ("  anna   maria  ", "ANNA<MARIA"),
        ("Łukasz Ñoño", "UKASZ<OO"),  # other letters are out of scope and dropped
        ("Иван", ""),
        ("Louis 2nd", "LOUIS<2ND"),
        ("Anna\u00a0Maria\tLeyla", "ANNA<MARIA<LEYLA"),
        ("Anna–Maria", "ANNA<MARIA"),
    ],
)
def test_transliteration(name: str, expected: str) -> None:
    assert transliterate_name(name) == expected


@pytest.mark.parametrize(
    ("surname", "given_names", "width", "expected"),
    [
        ("Eriksson", "Anna Maria", 30, "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"),
        # Given names are cut first, and the cut name ends in a letter.
        ("Eriksson", "Anna Maria", 18, "ERIKSSON<<ANNA<MAR"),
        # A cut between two given names drops the dangling filler.
        ("Eriksson", "Anna Maria", 15, "ERIKSSON<<ANNA<"),
        ("Eriksson", "Anna Maria", 11, "ERIKSSON<<A"),
        # When the surname alone is too long it is cut too, keeping << and an initial.
        ("Eriksson", "Anna Maria", 9, "ERIKSS<<A"),
        ("Vanderbijlparkhuizenstraat", "Anna", 20, "VANDERBIJLPARKHUI<<A"),
        ("Vanderbijlparkhuizenstraat", "", 20, "VANDERBIJLPARKHUIZEN"),
        ("Van Der Berg", "Anna", 9, "VAN<DE<<A"),
        ("Van Der Berg", "Anna", 8, "VAN<D<<A"),
        ("Van Der Berg", "Anna", 7, "VAN<<A<"),
    ],
)
def test_name_truncation(surname: str, given_names: str, width: int, expected: str) -> None:
    field = name_field(surname, given_names, width)
    assert field == expected
    assert len(field) == width


def test_truncated_name_on_a_card_reads_back() -> None:
    lines = generate_td1(
        issuing_state="AZE",
        surname="Nilavadhanananda",
        given_names="Chayapa Dejthamrong Krasu",
        document_number="AA0000001",
        nationality="THA",
        birth_date=date(1970, 1, 1),
        sex="F",
        expiry_date=date(2030, 1, 1),
    )
    assert lines[2] == "NILAVADHANANANDA<<CHAYAPA<DEJT"
    result = parse_mrz(lines, today=TODAY)
    assert result.valid
    assert (result.surname, result.given_names) == ("NILAVADHANANANDA", "CHAYAPA DEJT")
    assert result.warnings == ("name_may_be_truncated",)


# --- values the format cannot hold ----------------------------------------------------

BASE: dict[str, Any] = {**ERIKSSON, "document_number": "AB1234567", "nationality": "AZE"}


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"document_number": "AB-123"}, "illegal_character", "document_number"),
        ({"document_number": "AB<123"}, "illegal_character", "document_number"),
        ({"document_number": "ßA12"}, "illegal_character", "document_number"),
        ({"nationality": "AZı"}, "invalid_value", "nationality"),
        ({"document_number": ""}, "invalid_value", "document_number"),
        ({"document_number": "A" * 24}, "too_long", "document_number"),
        ({"optional_data": "ÄÖ"}, "illegal_character", "optional_data"),
        ({"optional_data": "X" * 16}, "too_long", "optional_data"),
        ({"optional_data_2": "Y" * 12}, "too_long", "optional_data_2"),
        ({"optional_data_2": "Y-Y"}, "illegal_character", "optional_data_2"),
        ({"issuing_state": "AZER"}, "invalid_value", "issuing_state"),
        ({"nationality": "A1"}, "invalid_value", "nationality"),
        ({"nationality": ""}, "invalid_value", "nationality"),
        ({"sex": "Q"}, "invalid_value", "sex"),
        ({"birth_date": "7408"}, "invalid_value", "birth_date"),
        ({"expiry_date": "12O415"}, "invalid_value", "expiry_date"),
        ({"document_type": "V"}, "invalid_value", "document_type"),
        ({"document_type": "PPP"}, "invalid_value", "document_type"),
        ({"document_type": ""}, "invalid_value", "document_type"),
    ],
)
def test_values_a_card_cannot_hold(change: dict[str, str], code: str, field: str) -> None:
    with pytest.raises(MrzFormatError) as caught:
        generate_td1(**{**BASE, **change})
    assert (caught.value.code, caught.value.field) == (code, field)
    assert "{" not in str(caught.value)


def test_long_number_leaves_less_room_for_optional_data() -> None:
    with pytest.raises(MrzFormatError) as caught:
        generate_td2(**STEVENSON, optional_data="ABC")
    assert caught.value.code == "too_long"
    assert caught.value.field == "optional_data"
    assert "room for 2" in str(caught.value)


@pytest.mark.parametrize("generator", [generate_mrva, generate_mrvb])
def test_visas_have_no_long_numbers(generator: Callable[..., tuple[str, str]]) -> None:
    with pytest.raises(MrzFormatError) as caught:
        generator(**{**VISA, "document_number": "L8988901C1"})
    assert (caught.value.code, caught.value.field) == ("too_long", "document_number")


def test_visa_document_type_starts_with_v() -> None:
    with pytest.raises(MrzFormatError) as caught:
        generate_mrva(**{**VISA, "document_type": "P"})
    assert caught.value.field == "document_type"
