"""Text that is no MRZ: each kind of problem has its code and a message that says where."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from app.mrz import MrzErrorCode, MrzFormatError, parse_mrz

TD3 = (
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
)
TD1 = (
    "I<UTOD231458907<<<<<<<<<<<<<<<",
    "7408122F1204159UTO<<<<<<<<<<<6",
    "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
)


def error_for(mrz: str | Sequence[str]) -> MrzFormatError:
    with pytest.raises(MrzFormatError) as caught:
        parse_mrz(mrz)
    return caught.value


@pytest.mark.parametrize("mrz", ["", "   ", "\r\n\n \t\n", [], ["", "  "]])
def test_empty(mrz: str | list[str]) -> None:
    error = error_for(mrz)
    assert error.code == "empty"
    assert error.code is MrzErrorCode.EMPTY
    assert "no MRZ" in str(error)


@pytest.mark.parametrize(
    ("mrz", "line", "position", "shown"),
    [
        ((TD3[0][:-1] + "#", TD3[1]), 1, 44, '"#"'),
        ((TD3[0], TD3[1][:5] + " " + TD3[1][6:]), 2, 6, '" "'),
        ((TD3[0], TD3[1][:20] + "É" + TD3[1][21:]), 2, 21, '"É"'),
        ((TD1[0], TD1[1], TD1[2][:3] + "ß" + TD1[2][4:]), 3, 4, '"ß"'),
        ((TD3[0][:7] + "\x00" + TD3[0][8:], TD3[1]), 1, 8, '"U+0000"'),
        ("".join(TD3)[:50] + "«" + "".join(TD3)[51:], 1, 51, '"«"'),
    ],
)
def test_illegal_character(
    mrz: str | tuple[str, ...], line: int, position: int, shown: str
) -> None:
    error = error_for(mrz)
    assert error.code == "illegal_character"
    assert (error.line, error.position) == (line, position)
    assert f"Line {line}, position {position}: {shown}" in str(error)


@pytest.mark.parametrize(
    ("mrz", "line", "found", "expected"),
    [
        ((TD3[0], TD3[1][:-1]), 2, 43, 44),
        ((TD3[0] + "<", TD3[1]), 1, 45, 44),
        ((TD3[0][:36], TD3[1]), 1, 36, 44),
        ((TD1[0], TD1[1][:-2], TD1[2]), 2, 28, 30),
        ((TD1[0] + "<<<<<<", TD1[1], TD1[2]), 1, 36, 30),
    ],
)
def test_wrong_length(mrz: tuple[str, ...], line: int, found: int, expected: int) -> None:
    error = error_for(mrz)
    assert error.code == "wrong_length"
    assert error.line == line
    assert str(error) == f"Line {line} has {found} characters; an MRZ line has {expected}."


@pytest.mark.parametrize("mrz", [(*TD1, TD1[2]), (*TD3, *TD3), tuple(TD1[0] for _ in range(5))])
def test_wrong_line_count(mrz: tuple[str, ...]) -> None:
    error = error_for(mrz)
    assert error.code == "wrong_line_count"
    assert f"has {len(mrz)} lines" in str(error)


@pytest.mark.parametrize(
    "mrz",
    [
        "P<UTOERIKSSON",  # one line of no whole-MRZ length
        TD3[0],  # only the first line was scanned
        ("P<UTOERIKSSON<<ANNA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F120415<<<<<<<<<<<"),
        (TD1[1], TD1[0], TD1[2]),  # the lines in the wrong order
        ("<" + TD3[0][1:], TD3[1]),
    ],
)
def test_unknown_format(mrz: str | tuple[str, ...]) -> None:
    assert error_for(mrz).code == "unknown_format"


def test_messages_are_translated_and_filled_in() -> None:
    error = error_for((TD3[0], TD3[1][:40]))
    assert "{" not in str(error)
    assert error.message == str(error)


def test_format_error_is_a_value_error() -> None:
    assert issubclass(MrzFormatError, ValueError)
