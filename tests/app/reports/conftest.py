"""The scripted office day on a real SQLite file, for the summary's tests."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from app.bootstrap import start_core
from app.clock import ManualClock
from app.config import Config
from app.services.core import Core
from tests.app.reports import scenario


@dataclass(frozen=True)
class Office:
    core: Core
    clock: ManualClock
    people: scenario.People


@pytest.fixture
def office(config: Config, clock: ManualClock) -> Iterator[Office]:
    started = start_core(config, clock=clock)
    yield Office(started.core, clock, scenario.people(started.core))
    started.core.database.dispose()


@pytest.fixture
def day(office: Office) -> Office:
    """The office after the 24th of November (see `scenario.DAY_FIGURES`)."""
    scenario.script_day(office.core, office.clock, office.people)
    return office
