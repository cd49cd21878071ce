"""Fees from the bundled tariffs: every service with tariff lines, and what happens when none
fits."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import pytest

from app.domain.masterdata import FeeTier, LocalizedText, Service
from app.errors import ValidationError
from app.intake.fees import (
    ApplicantCategory,
    age_on,
    applicant_category,
    compute_fee,
)

ADULT = ApplicantCategory.ADULT
MINOR = ApplicantCategory.MINOR
STUDENT = ApplicantCategory.STUDENT


@pytest.mark.parametrize(
    ("code", "category", "terms", "amount"),
    [
        ("temp_residence", ADULT, (12, 15), "160"),
        ("temp_residence", ADULT, (3, 20), "30"),
        ("temp_residence", ADULT, (36, 15), "480"),
        ("temp_residence", STUDENT, (24, 20), "80"),
        ("temp_residence", STUDENT, (12, 15), "60"),
        ("temp_residence", MINOR, (3, 20), "25"),
        ("work_permit", ADULT, (6, 10), "900"),
        ("work_permit", ADULT, (3, 20), "350"),
        ("work_permit", ADULT, (24, 15), "1600"),
        ("stay_extension", ADULT, (None, 3), "20"),
        ("stay_extension", ADULT, (None, 1), "40"),
        ("perm_residence", ADULT, (None, 60), "100"),
        ("perm_residence", ADULT, (None, 35), "250"),
        ("foreign_pupils", MINOR, (3, 20), "25"),
        ("registration_stay", ADULT, (None, 1), "0"),
        ("refugee_status", MINOR, (None, 1), "0"),
    ],
)
def test_bundled_tariffs(
    services: dict[str, Service],
    code: str,
    category: ApplicantCategory,
    terms: tuple[int | None, int],
    amount: str,
) -> None:
    months, days = terms
    quote = compute_fee(
        services[code], category=category, duration_months=months, working_days=days
    )
    assert quote.amount == Decimal(amount)
    assert quote.working_days == days
    assert quote.free == (amount == "0")
    assert quote.tier is not None


def test_every_tariff_line_can_be_quoted(services: dict[str, Service]) -> None:
    for service in services.values():
        for tier in service.fees:
            category = ADULT if tier.category == "any" else ApplicantCategory(tier.category)
            quote = compute_fee(
                service,
                category=category,
                duration_months=tier.duration_months,
                working_days=tier.working_days,
            )
            assert quote.tier == tier, (service.code, tier)


def test_what_the_clerk_reads(services: dict[str, Service]) -> None:
    paid = compute_fee(
        services["temp_residence"], category="adult", duration_months=12, working_days=15
    )
    assert paid.amount_text == "160.00 AZN"
    assert paid.describe() == "160.00 AZN, decision in 15 working days"
    free = compute_fee(
        services["registration_stay"], category="adult", duration_months=None, working_days=None
    )
    assert free.free
    assert free.describe() == "No fee, decision in 1 working day"


def test_a_service_without_tariff_charges_nothing(services: dict[str, Service]) -> None:
    for code in ("citizenship", "fines"):
        quote = compute_fee(
            services[code], category="adult", duration_months=None, working_days=None
        )
        assert quote.free
        assert quote.tier is None
        assert quote.working_days is None
        assert quote.describe() == "No fee"


def test_no_tier_names_the_terms(services: dict[str, Service]) -> None:
    with pytest.raises(ValidationError) as raised:
        compute_fee(
            services["temp_residence"], category="minor", duration_months=6, working_days=15
        )
    assert str(raised.value) == (
        "There is no fee for a minor for 6 months decided in 15 working days in the master "
        "data. Check the duration and the speed, or ask the supervisor."
    )
    with pytest.raises(ValidationError, match="for an adult decided in 5 working days"):
        compute_fee(
            services["stay_extension"], category="adult", duration_months=None, working_days=5
        )
    with pytest.raises(ValidationError, match="for an adult for 1 month decided in 1 working day"):
        compute_fee(services["work_permit"], category="adult", duration_months=1, working_days=1)


def test_a_missing_choice_is_asked_for_not_guessed(services: dict[str, Service]) -> None:
    with pytest.raises(ValidationError, match="choose the speed") as raised:
        compute_fee(
            services["temp_residence"], category="adult", duration_months=12, working_days=None
        )
    assert raised.value.field == "working_days"
    with pytest.raises(ValidationError, match="choose the duration") as raised:
        compute_fee(
            services["work_permit"], category="adult", duration_months=None, working_days=10
        )
    assert raised.value.field == "duration_months"
    # Two speeds for the same terms: the speed is asked for even without a duration.
    with pytest.raises(ValidationError, match="choose the speed"):
        compute_fee(
            services["stay_extension"], category="adult", duration_months=None, working_days=None
        )
    # A single line needs no choice.
    quote = compute_fee(
        services["perm_residence"], category="adult", duration_months=None, working_days=50
    )
    assert (quote.amount, quote.duration_months) == (Decimal("150"), 60)


def test_the_own_category_comes_before_any() -> None:
    service = Service(
        id=uuid.uuid4(),
        code="sample",
        name=LocalizedText("Nümunə", "Образец", "Sample"),
        queue_prefix="S",
        applicant_kind="person",
        fields=(),
        checklist=(),
        fees=(
            FeeTier("any", 12, 20, Decimal("100")),
            FeeTier("student", 12, 20, Decimal("40")),
            FeeTier("any", None, 15, Decimal("70")),
            FeeTier("any", 12, 15, Decimal("90")),
        ),
        decision_working_days=(20, 15),
        active=True,
    )

    def amount(category: str, months: int, days: int) -> Decimal:
        return compute_fee(
            service, category=category, duration_months=months, working_days=days
        ).amount

    assert amount("student", 12, 20) == 40
    assert amount("adult", 12, 20) == 100
    # The exact duration before a line that ignores the duration.
    assert amount("adult", 12, 15) == 90
    assert amount("adult", 6, 15) == 70


@pytest.mark.parametrize(
    ("born", "on", "student", "category"),
    [
        (date(2008, 3, 19), date(2026, 3, 19), False, ADULT),  # 18 today
        (date(2008, 3, 20), date(2026, 3, 19), False, MINOR),  # 18 tomorrow
        (date(2010, 1, 1), date(2026, 3, 19), True, STUDENT),
        (date(1990, 1, 1), date(2026, 3, 19), True, STUDENT),
        (date(2008, 2, 29), date(2026, 2, 28), False, MINOR),
        (date(2008, 2, 29), date(2026, 3, 1), False, ADULT),
    ],
)
def test_category_by_age_on_the_day_of_submission(
    born: date, on: date, student: bool, category: ApplicantCategory
) -> None:
    assert applicant_category(born, on, full_time_student=student) is category


def test_age_and_an_impossible_birth_date() -> None:
    assert age_on(date(1990, 6, 15), date(2026, 6, 14)) == 35
    assert age_on(date(1990, 6, 15), date(2026, 6, 15)) == 36
    with pytest.raises(ValidationError, match=r"20\.03\.2026 is after"):
        applicant_category(date(2026, 3, 20), date(2026, 3, 19))


def test_an_unknown_category_is_a_programming_error(services: dict[str, Service]) -> None:
    with pytest.raises(ValueError):
        compute_fee(services["work_permit"], category="any", duration_months=6, working_days=10)
