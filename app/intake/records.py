"""Domain values straight from a parsed master data file, without the database.

The desk reads services from its database (:func:`app.services.masterdata.to_service`);
tests, benchmarks and previews of a file not yet imported build them from the file's
records with the same meaning.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING

from app.domain.masterdata import (
    ChecklistItem,
    FeeTier,
    FormField,
    Holiday,
    LocalizedText,
    Service,
)

if TYPE_CHECKING:
    # Only for types: importing the file format loads pydantic, which these rules never need.
    from app.services.masterdata_file import HolidayRecord, ServiceRecord

# Records carry no id: the database gives one on import. A name-based UUID keeps a service
# built from a file the same from one run to the next.
_SERVICE_NAMESPACE = uuid.UUID("6f1b7a52-8a4e-5c1d-9b0e-3c2f4d5e6a7b")


def service_from_record(record: ServiceRecord) -> Service:
    return Service(
        id=uuid.uuid5(_SERVICE_NAMESPACE, record.code),
        code=record.code,
        name=record.name.text(),
        queue_prefix=record.queue_prefix,
        applicant_kind=record.applicant_kind,
        fields=tuple(
            FormField(
                key=field.key,
                label=field.label.text(),
                kind=field.kind,
                required=field.required,
                choices=tuple(field.choices),
                pattern=field.pattern,
                default=field.default,
            )
            for field in record.fields
        ),
        checklist=tuple(
            ChecklistItem(item.key, item.label.text(), item.required) for item in record.checklist
        ),
        fees=tuple(
            FeeTier(fee.category, fee.duration_months, fee.working_days, fee.amount)
            for fee in record.fees
        ),
        decision_working_days=tuple(record.decision_working_days),
        active=record.active,
    )


def holidays_from_records(records: Iterable[HolidayRecord]) -> tuple[Holiday, ...]:
    return tuple(
        Holiday(record.date, LocalizedText(record.name.az, record.name.ru, record.name.en))
        for record in records
    )
