"""Intake forms: every field kind, the Azerbaijani codes and phones, rules between fields."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from app.domain.masterdata import FieldKind, FormField, LocalizedText, Service
from app.i18n import set_language
from app.intake.validation import (
    FieldProblem,
    normalize_phone,
    parse_date,
    validate_field,
    validate_form,
)

TODAY = date(2026, 3, 19)


def check(kind: FieldKind, raw: str, *, required: bool = True, **extra: Any) -> str:
    """The normalized value; fails the test when the field is refused."""
    result = validate_field(field_of(kind, required=required, **extra), raw, today=TODAY)
    assert isinstance(result, str), result
    return result


def refusal(kind: FieldKind, raw: str, *, required: bool = True, **extra: Any) -> str:
    """The message of a refused field; fails the test when the field is accepted."""
    result = validate_field(field_of(kind, required=required, **extra), raw, today=TODAY)
    assert isinstance(result, FieldProblem), result
    assert result.field_key == "sample"
    return result.message


def field_of(
    kind: FieldKind, *, required: bool, choices: tuple[str, ...] = (), pattern: str | None = None
) -> FormField:
    label = LocalizedText("Nümunə", "Образец", "Sample")
    return FormField("sample", label, kind, required, choices, pattern)


def test_required_and_optional() -> None:
    for kind in FieldKind:
        if kind is not FieldKind.BOOLEAN:
            assert refusal(kind, "   ") == "“Sample” is required."
            assert check(kind, "", required=False) == ""


def test_text_is_trimmed_and_limited() -> None:
    assert check(FieldKind.TEXT, "  Azersun   Holding\n MMC ") == "Azersun Holding MMC"
    assert check(FieldKind.TEXT, "x" * 200) == "x" * 200
    assert refusal(FieldKind.TEXT, "x" * 201) == (
        "“Sample” is too long: 201 characters, at most 200 fit."
    )
    assert check(FieldKind.ADDRESS, " Bakı, Nizami küç. 10, mənzil 5 ") == (
        "Bakı, Nizami küç. 10, mənzil 5"
    )
    assert "at most 300" in refusal(FieldKind.ADDRESS, "y" * 301)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-03-19", "2026-03-19"),
        ("19.03.2026", "2026-03-19"),
        ("1.3.2026", "2026-03-01"),
        (" 29.02.2024 ", "2024-02-29"),
    ],
)
def test_dates_accepted(raw: str, expected: str) -> None:
    assert check(FieldKind.DATE, raw) == expected


@pytest.mark.parametrize("raw", ["31.02.2026", "29.02.2026", "2026/03/19", "19.03.26", "tomorrow"])
def test_dates_refused(raw: str) -> None:
    assert refusal(FieldKind.DATE, raw) == (
        f"“Sample”: {raw} is not a date. Write it as dd.mm.yyyy, e.g. 19.03.2026."
    )
    assert parse_date(raw) is None


def test_dates_must_be_plausible() -> None:
    assert check(FieldKind.DATE, "01.01.1906") == "1906-01-01"
    assert check(FieldKind.DATE, "31.12.2036") == "2036-12-31"
    assert refusal(FieldKind.DATE, "31.12.1905") == (
        "“Sample”: 31.12.1905 is not a plausible date; it must lie between 01.01.1906 "
        "and 31.12.2036."
    )
    assert "not a plausible date" in refusal(FieldKind.DATE, "2037-01-01")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("150", "150"), ("12.50", "12.50"), ("12,50", "12.50"), ("1 200,00", "1200.00"), ("0", "0")],
)
def test_numbers_accepted(raw: str, expected: str) -> None:
    assert check(FieldKind.NUMBER, raw) == expected


@pytest.mark.parametrize("raw", ["12a", "NaN", "Infinity", "1e3", "1.2.3", "+5", "."])
def test_numbers_refused(raw: str) -> None:
    assert "is not a number" in refusal(FieldKind.NUMBER, raw)


def test_negative_numbers_refused() -> None:
    assert refusal(FieldKind.NUMBER, "-5") == "“Sample” cannot be negative."


def test_choices() -> None:
    choices = ("issue", "extension")
    assert check(FieldKind.CHOICE, " Extension ", choices=choices) == "extension"
    assert refusal(FieldKind.CHOICE, "renewal", choices=choices) == (
        "“Sample”: renewal is not one of the offered values (issue, extension)."
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("+994 50 123 45 67", "+994501234567"),
        ("+994501234567", "+994501234567"),
        ("050 123 45 67", "+994501234567"),
        ("(012) 493-12-34", "+994124931234"),
        ("994 70 555 44 33", "+994705554433"),
        ("00994 55 111 22 33", "+994551112233"),
        ("+7 912 345 67 89", "+79123456789"),
        ("+90 532 123 4567", "+905321234567"),
        ("0049 30 1234567", "+49301234567"),
    ],
)
def test_phones_accepted(raw: str, expected: str) -> None:
    assert check(FieldKind.PHONE, raw) == expected
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "+994 50 123 45 6",  # a digit short
        "+994 50 123 45 678",  # a digit too many
        "+994 050 123 45 67",  # the trunk 0 kept after the country code
        "50 123 45 67",  # neither local nor international
        "050 123 45",
        "+1234567",  # 7 digits: too short for any country
        "+1234567890123456",  # 16 digits: longer than E.164 allows
        "+994 50 ABC 45 67",
        "+٩٩٤٥٠١٢٣٤٥٦٧",  # Arabic-Indic digits
    ],
)
def test_phones_refused(raw: str) -> None:
    assert "is not a phone number" in refusal(FieldKind.PHONE, raw)
    assert normalize_phone(raw) is None


def test_tax_id() -> None:
    assert check(FieldKind.TAX_ID, "1700038881") == "1700038881"
    assert check(FieldKind.TAX_ID, " 1700 038 881 ") == "1700038881"
    for raw in ("170003888", "17000388811", "170003888A", "１７００038881"):
        assert refusal(FieldKind.TAX_ID, raw) == (
            f"“Sample”: a VÖEN has exactly 10 digits; {raw} does not."
        )


def test_personal_code() -> None:
    assert check(FieldKind.PERSONAL_CODE, "5zx7k2p") == "5ZX7K2P"
    assert check(FieldKind.PERSONAL_CODE, " 1ab 2cd3 ") == "1AB2CD3"
    # Typed on an Azerbaijani keyboard: İ and ı are the Latin I.
    assert check(FieldKind.PERSONAL_CODE, "4İ8ı2KM") == "4I8I2KM"
    for raw in ("5ZX7K2", "5ZX7K2PQ", "5ZX-K2P", "5ZŞ7K2P", "5ЗХ7К2Р"):
        assert refusal(FieldKind.PERSONAL_CODE, raw) == (
            f"“Sample”: a FIN has exactly 7 Latin letters and digits; {raw} does not."
        )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("true", "true"), ("Bəli", "true"), ("1", "true"), ("no", "false"), ("", "false")],
)
def test_booleans(raw: str, expected: str) -> None:
    assert check(FieldKind.BOOLEAN, raw, required=False) == expected


def test_boolean_refused() -> None:
    assert refusal(FieldKind.BOOLEAN, "maybe") == "“Sample”: answer yes or no."


def test_master_data_pattern_applies_after_normalizing() -> None:
    assert check(FieldKind.TEXT, "AB-12", pattern=r"[A-Z]{2}-\d+") == "AB-12"
    assert refusal(FieldKind.TEXT, "ab12", pattern=r"[A-Z]{2}-\d+") == (
        "“Sample” does not have the expected form."
    )


def full_temp_residence() -> dict[str, str]:
    return {
        "request": "issue",
        "ground": "work",
        "duration_months": "12",
        "working_days": "15",
        "address": "Bakı, Nizami küç. 10",
        "phone": "050 123 45 67",
    }


def test_a_valid_form_comes_back_normalized(services: dict[str, Service]) -> None:
    form = validate_form(services["temp_residence"], full_temp_residence(), today=TODAY)
    assert form.ok
    assert form.service_code == "temp_residence"
    assert form.values["phone"] == "+994501234567"
    assert form.values["duration_months"] == "12"
    work = validate_form(
        services["work_permit"],
        {
            "request": "extension",
            "employer_voen": "1700038881",
            "employer_name": "Azersun Holding",
            "position": "Engineer",
            "duration_months": "6",
            "working_days": "10",
        },
        today=TODAY,
    )
    assert work.ok, work.problems
    assert work.values["liberated_territories"] == "false"
    assert "phone" not in work.values


def test_every_problem_at_once(services: dict[str, Service]) -> None:
    values = full_temp_residence() | {
        "request": "",
        "duration_months": "7",
        "phone": "12345",
        "address": "   ",
        "unknown": "ignored",
    }
    form = validate_form(services["temp_residence"], values, today=TODAY)
    assert not form.ok
    assert [p.field_key for p in form.problems] == [
        "request",
        "duration_months",
        "address",
        "phone",
    ]
    assert form.problems_of("request") == ("“Request” is required.",)
    assert form.problems_of("address") == ("“Address of residence” is required.",)
    assert form.values["ground"] == "work"
    assert "unknown" not in form.values


def test_labels_follow_the_current_language(services: dict[str, Service]) -> None:
    set_language("ru")
    form = validate_form(services["temp_residence"], {}, today=TODAY)
    russian_label = services["temp_residence"].fields[0].label.ru
    assert russian_label in form.problems[0].message


def test_stay_ends_after_arrival(services: dict[str, Service]) -> None:
    service = services["registration_stay"]
    values = {"arrival_date": "10.03.2026", "address": "Bakı", "stay_until": "10.03.2026"}
    form = validate_form(service, values, today=TODAY)
    assert form.problems == (
        FieldProblem(
            "stay_until",
            "“Staying until” (10.03.2026) must be after “Date of arrival” (10.03.2026).",
        ),
    )
    assert validate_form(service, values | {"stay_until": "2026-06-10"}, today=TODAY).ok


def test_arrival_is_not_in_the_future(services: dict[str, Service]) -> None:
    for code in ("registration_stay", "refugee_status"):
        values = {
            "arrival_date": "20.03.2026",
            "stay_until": "20.06.2026",
            "address": "Bakı",
            "country_of_origin": "Syria",
        }
        form = validate_form(services[code], values, today=TODAY)
        assert form.problems_of("arrival_date") == (
            "“Date of arrival” (20.03.2026) cannot be later than today.",
        )


def test_extension_ends_after_the_current_stay(services: dict[str, Service]) -> None:
    service = services["stay_extension"]
    values = {
        "current_stay_until": "30.03.2026",
        "requested_until": "15.03.2026",
        "reason": "Treatment",
        "working_days": "3",
        "address": "Bakı",
    }
    form = validate_form(service, values, today=TODAY)
    assert [p.field_key for p in form.problems] == ["requested_until"]
    assert "must be after “Current stay ends”" in form.problems[0].message
    assert validate_form(service, values | {"requested_until": "30.04.2026"}, today=TODAY).ok


def test_temporary_permit_still_valid(services: dict[str, Service]) -> None:
    service = services["perm_residence"]
    values = {
        "request": "issue",
        "temp_permit_number": "TR123456",
        "temp_permit_until": "18.03.2026",
        "working_days": "60",
        "address": "Bakı",
    }
    form = validate_form(service, values, today=TODAY)
    assert form.problems == (
        FieldProblem(
            "temp_permit_until",
            "“Temporary permit valid until” (18.03.2026) has passed: it must be today or later.",
        ),
    )
    # Valid until a day means valid on that day too.
    assert validate_form(service, values | {"temp_permit_until": "19.03.2026"}, today=TODAY).ok


def test_cross_field_rules_wait_for_valid_dates(services: dict[str, Service]) -> None:
    values = {"arrival_date": "yesterday", "address": "Bakı", "stay_until": "01.01.2020"}
    form = validate_form(services["registration_stay"], values, today=TODAY)
    assert [p.field_key for p in form.problems] == ["arrival_date"]
