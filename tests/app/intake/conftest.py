"""The bundled master data as domain values, read once for all intake tests."""

from __future__ import annotations

from functools import cache

import pytest

from app.domain.masterdata import Service
from app.intake.calendar import WorkingCalendar
from app.intake.records import holidays_from_records, service_from_record
from app.services.masterdata import bundled_masterdata
from app.services.masterdata_file import MasterDataFile, parse_masterdata


@cache
def bundled() -> MasterDataFile:
    return parse_masterdata(bundled_masterdata().read_bytes(), source="masterdata.jsonl")


@pytest.fixture(scope="session")
def services() -> dict[str, Service]:
    return {record.code: service_from_record(record) for record in bundled().services}


@pytest.fixture(scope="session")
def calendar() -> WorkingCalendar:
    return WorkingCalendar.from_holidays(holidays_from_records(bundled().holidays))
