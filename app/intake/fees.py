"""The state fee of an application, chosen from the service's tariff in master data.

A tariff line (:class:`FeeTier`) gives the amount for an applicant category, a duration and
a decision speed. The line chosen is the most specific one that fits: the applicant's own
category before "any", the exact duration before a line that ignores the duration. When
the clerk has not chosen a value the tariff depends on (the speed, the duration), the fee
is not guessed: the clerk is asked for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from app.domain.masterdata import FeeTier, Service
from app.errors import ValidationError
from app.i18n import N_, _, ngettext

CURRENCY = "AZN"
# The age of majority under the Civil Code; the tariffs' "minor" category follows it.
ADULT_AGE = 18
ANY_CATEGORY = "any"


class ApplicantCategory(StrEnum):
    ADULT = "adult"
    MINOR = "minor"
    STUDENT = "student"  # full-time student: has its own, lower tariff lines

    @property
    def label(self) -> str:
        """The category as the object of a sentence ("There is no fee for a minor ...")."""
        return _(_CATEGORY_LABELS[self])


_CATEGORY_LABELS: dict[ApplicantCategory, str] = {
    ApplicantCategory.ADULT: N_("an adult"),
    ApplicantCategory.MINOR: N_("a minor"),
    ApplicantCategory.STUDENT: N_("a full-time student"),
}


def age_on(birth_date: date, day: date) -> int:
    """Full years of age on ``day``. Born on 29 February, one comes of age on 1 March in a
    common year: the birthday has not come on 28 February."""
    before_birthday = (day.month, day.day) < (birth_date.month, birth_date.day)
    return day.year - birth_date.year - before_birthday


def applicant_category(
    birth_date: date, submitted_on: date, *, full_time_student: bool = False
) -> ApplicantCategory:
    """The category by age on the day of submission, unless the clerk chose "student"."""
    if birth_date > submitted_on:
        raise ValidationError(
            _("The date of birth {birth} is after the day of submission {day}.").format(
                birth=birth_date.strftime("%d.%m.%Y"), day=submitted_on.strftime("%d.%m.%Y")
            ),
            field="birth_date",
        )
    if full_time_student:
        return ApplicantCategory.STUDENT
    if age_on(birth_date, submitted_on) >= ADULT_AGE:
        return ApplicantCategory.ADULT
    return ApplicantCategory.MINOR


@dataclass(frozen=True, slots=True)
class FeeQuote:
    """What the clerk tells the visitor: the amount to pay and how soon the decision comes."""

    service_code: str
    category: ApplicantCategory
    amount: Decimal
    duration_months: int | None
    working_days: int | None  # None: the service has no set decision time
    tier: FeeTier | None  # None: the service has no tariff at all

    @property
    def free(self) -> bool:
        return self.amount == 0

    @property
    def amount_text(self) -> str:
        return f"{self.amount:.2f} {CURRENCY}"

    def describe(self) -> str:
        """One line for the intake form: "160.00 AZN, decision in 15 working days"."""
        price = _("No fee") if self.free else self.amount_text
        if self.working_days is None:
            return price
        return ngettext(
            "{price}, decision in {count} working day",
            "{price}, decision in {count} working days",
            self.working_days,
        ).format(price=price, count=self.working_days)


def compute_fee(
    service: Service,
    *,
    category: str,
    duration_months: int | None,
    working_days: int | None,
) -> FeeQuote:
    """The fee for ``category`` (see :func:`applicant_category`), a duration and a speed.

    A service with no tariff lines charges no fee. Raises ValidationError, translated, when
    no line fits or when the tariff depends on a value that was not given.
    """
    applicant = ApplicantCategory(category)
    if not service.fees:
        only_speed = (
            service.decision_working_days[0] if len(service.decision_working_days) == 1 else None
        )
        return FeeQuote(
            service.code,
            applicant,
            Decimal("0"),
            duration_months,
            working_days if working_days is not None else only_speed,
            None,
        )
    fitting = [
        tier
        for tier in service.fees
        if tier.category in (applicant, ANY_CATEGORY)
        and (working_days is None or tier.working_days == working_days)
        and (
            duration_months is None
            or tier.duration_months is None
            or tier.duration_months == duration_months
        )
    ]
    if not fitting:
        raise ValidationError(_no_tier_message(applicant, duration_months, working_days))

    def specificity(tier: FeeTier) -> tuple[bool, bool]:
        return tier.category == applicant, tier.duration_months is not None

    best_rank = max(specificity(tier) for tier in fitting)
    best = [tier for tier in fitting if specificity(tier) == best_rank]
    if len({tier.working_days for tier in best}) > 1:
        raise ValidationError(
            _("The fee depends on how soon the decision is wanted: choose the speed."),
            field="working_days",
        )
    if len({tier.duration_months for tier in best}) > 1:
        raise ValidationError(
            _("The fee depends on the duration: choose the duration."), field="duration_months"
        )
    tier = best[0]
    return FeeQuote(
        service.code,
        applicant,
        tier.amount,
        tier.duration_months if tier.duration_months is not None else duration_months,
        tier.working_days,
        tier,
    )


def _no_tier_message(
    applicant: ApplicantCategory, duration_months: int | None, working_days: int | None
) -> str:
    terms = [applicant.label]
    if duration_months is not None:
        terms.append(
            ngettext("for {count} month", "for {count} months", duration_months).format(
                count=duration_months
            )
        )
    if working_days is not None:
        terms.append(
            ngettext(
                "decided in {count} working day", "decided in {count} working days", working_days
            ).format(count=working_days)
        )
    return _(
        "There is no fee for {terms} in the master data. "
        "Check the duration and the speed, or ask the supervisor."
    ).format(terms=" ".join(terms))
