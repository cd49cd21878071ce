"""Correcting classified MRZ cells by position and check digits, on probabilities made to order:
look-alikes settled, check digits never bent to agree, illegible cells reported."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from app.mrz import MrzFormat, generate_td1, generate_td3
from app.mrz.image.classifier import ALPHABET, CLASSES, UNREADABLE
from app.mrz.image.correct import Correction, allowed_characters, decode

LINES = generate_td3(
    issuing_state="UTO",
    surname="ERIKSSON",
    given_names="ANNA MARIA",
    document_number="L898902C3",
    nationality="UTO",
    birth_date="740812",
    sex="F",
    expiry_date="120415",
    optional_data="ZE184226B",
)
TEXT = "".join(LINES)


def _probabilities(
    text: str, changes: dict[int, dict[str, float]] | None = None
) -> NDArray[np.float32]:
    """What a sure classifier says of ``text``, with the cells in ``changes`` made unsure."""
    table = np.full((len(text), CLASSES), 0.0005, dtype=np.float32)
    for position, character in enumerate(text):
        table[position, ALPHABET.index(character)] = 0.98
    for position, spread in (changes or {}).items():
        table[position] = 0.0005
        for character, weight in spread.items():
            index = UNREADABLE if character == "?" else ALPHABET.index(character)
            table[position, index] = weight
    return np.asarray(table / table.sum(axis=1, keepdims=True), dtype=np.float32)


def test_a_sure_read_is_taken_as_it_is() -> None:
    decoded = decode(_probabilities(TEXT), 44, 2)

    assert decoded.mrz_format is MrzFormat.TD3
    assert decoded.text == TEXT
    assert decoded.corrections == ()
    assert decoded.unreadable == ()
    assert min(decoded.confidence) > 0.9


def test_position_rules_settle_look_alikes_without_a_check_digit() -> None:
    # The classifier prefers digits in the surname and a letter in the date of birth.
    surname = TEXT.index("ERIKSSON")
    birth = 44 + 13  # "740812"
    changes = {
        surname + 4: {"5": 0.6, "S": 0.4},
        surname + 6: {"0": 0.7, "O": 0.3},
        birth + 2: {"O": 0.7, "0": 0.3},
    }

    decoded = decode(_probabilities(TEXT, changes), 44, 2)

    assert decoded.text == TEXT  # names hold letters only, dates digits only
    assert decoded.corrections == ()  # position rules are not check-digit corrections
    # Among the characters a name admits, O is all but certain.
    assert decoded.confidence[surname + 6] > 0.9


def test_a_check_digit_settles_a_look_alike_in_the_document_number() -> None:
    # "L898902C3": the classifier takes its 8 for a B, with the 8 a close second.
    position = 44 + 1
    decoded = decode(_probabilities(TEXT, {position: {"B": 0.6, "8": 0.39}}), 44, 2)

    assert decoded.text == TEXT
    assert decoded.corrections == (Correction(line=2, position=2, read="B", corrected="8"),)
    assert decoded.confidence[position] < 0.5  # the classifier's own doubt stays visible


def test_an_unlikely_second_choice_is_not_taken_even_if_it_would_pass() -> None:
    position = 44 + 1
    decoded = decode(_probabilities(TEXT, {position: {"B": 0.9999, "8": 0.0001}}), 44, 2)

    assert decoded.text[position] == "B"
    assert decoded.corrections == ()


def test_a_check_digit_is_never_changed_to_agree_with_its_field() -> None:
    # The date of birth's check digit (2) read as 3, with 2 a close second: the read must
    # fail, not be made to pass.
    position = 44 + 19
    wrong = TEXT[:position] + "3" + TEXT[position + 1 :]
    decoded = decode(_probabilities(wrong, {position: {"3": 0.55, "2": 0.44}}), 44, 2)

    assert decoded.text[position] == "3"
    assert decoded.corrections == ()


def test_an_unsure_check_digit_corrects_nothing() -> None:
    # An identity card's blotted composite check digit, and a look-alike in the optional
    # data of line 2, which only the composite covers: no guess is made to agree with a guess.
    lines = generate_td1(
        issuing_state="UTO",
        surname="ERIKSSON",
        document_number="D23145890",
        nationality="UTO",
        birth_date="740812",
        sex="F",
        expiry_date="120415",
        optional_data_2="Z1234",
    )
    text = "".join(lines)
    composite, optional = 59, 48
    changes = {composite: {"?": 0.6, "8": 0.2, "0": 0.2}, optional: {"2": 0.7, "Z": 0.3}}

    decoded = decode(_probabilities(text, changes), 30, 3)

    assert composite in decoded.unreadable
    assert decoded.text[optional] == "2"
    assert decoded.corrections == ()

    # The same look-alike under a clearly printed composite check digit is corrected.
    decoded = decode(_probabilities(text, {optional: {"2": 0.7, "Z": 0.3}}), 30, 3)
    assert decoded.text == text
    assert decoded.corrections == (Correction(line=2, position=19, read="2", corrected="Z"),)


def test_allowed_characters_follow_the_layout() -> None:
    allowed = allowed_characters(MrzFormat.TD1)
    assert allowed[0] == frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    assert "<" in allowed[14] and "7" in allowed[14]  # check digit, or < for a long number
    assert allowed[30 + 6] == frozenset("0123456789")  # the date of birth's check digit
    assert allowed[30 + 7] == frozenset("MF<X")
    assert "0" not in allowed[60]  # the name
