"""Valid values for every service's intake form, derived from its master data fields."""

from __future__ import annotations

from datetime import date, timedelta

from app.domain.masterdata import FieldKind, Service

# Dates by field key, as days from today, that satisfy the rules between them.
_DATE_OFFSETS = {
    "arrival_date": -3,
    "stay_until": 60,
    "current_stay_until": 10,
    "requested_until": 100,
    "temp_permit_until": 90,
}
_BY_KIND = {
    FieldKind.TEXT: "Sample text",
    FieldKind.ADDRESS: "Bakı, Nizami küçəsi 10, mənzil 5",
    FieldKind.PHONE: "050 123 45 67",
    FieldKind.TAX_ID: "1700123451",
    FieldKind.PERSONAL_CODE: "5ZX9K2L",
    FieldKind.NUMBER: "150",
    FieldKind.BOOLEAN: "",
}


def valid_values(service: Service, today: date) -> dict[str, str]:
    values: dict[str, str] = {}
    for field in service.fields:
        if field.kind is FieldKind.DATE:
            day = today + timedelta(days=_DATE_OFFSETS.get(field.key, 0))
            values[field.key] = day.strftime("%d.%m.%Y")
        elif field.kind is FieldKind.CHOICE:
            values[field.key] = field.choices[0]
        else:
            values[field.key] = _BY_KIND[field.kind]
    return values


def all_documents(service: Service) -> tuple[str, ...]:
    return tuple(item.key for item in service.checklist)
