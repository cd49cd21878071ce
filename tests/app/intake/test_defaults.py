"""Suggested dates from master data rules, and quickly typed dates written out."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain.masterdata import Service
from app.intake.defaults import expand_typed_date, suggested_date, suggestions

TODAY = date(2026, 11, 24)


def test_rules_follow_today_or_another_field() -> None:
    assert suggested_date("today", {}, TODAY) == TODAY
    assert suggested_date("today-1", {}, TODAY) == date(2026, 11, 23)
    values = {"arrival_date": "20.11.2026"}
    assert suggested_date("arrival_date+90", values, TODAY) == date(2027, 2, 18)
    assert suggested_date("arrival_date+90", {}, TODAY) is None
    assert suggested_date("arrival_date+90", {"arrival_date": "soon"}, TODAY) is None
    assert suggested_date("Not a rule", {}, TODAY) is None


def test_stay_is_suggested_from_the_arrival_but_never_over_what_was_typed(
    services: dict[str, Service],
) -> None:
    service = services["registration_stay"]
    assert suggestions(service, {}, TODAY) == {}
    assert suggestions(service, {"arrival_date": "2026-11-20"}, TODAY) == {
        "stay_until": "18.02.2027"
    }
    typed = {"arrival_date": "20.11.2026", "stay_until": "01.01.2027"}
    assert suggestions(service, typed, TODAY) == {}


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("2011", "20.11.2026"),
        ("201125", "20.11.2025"),
        ("010185", "01.01.1985"),
        ("010136", "01.01.2036"),
        ("20112025", "20.11.2025"),
        ("20.11.2025", "20.11.2025"),
        ("123", "123"),
        ("", ""),
    ],
)
def test_quickly_typed_dates_are_written_out(typed: str, written: str) -> None:
    assert expand_typed_date(typed, TODAY) == written
