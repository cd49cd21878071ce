"""A submitted application made through the core, for the tests of what is printed for it."""

from __future__ import annotations

from datetime import date

from app.domain.applications import Application, ApplicationForm, PaymentMethod
from app.domain.persons import DocumentKind, NewDocument, PersonData, Sex
from app.domain.users import Actor
from app.services import applications, persons
from app.services.core import Core
from tests.support.intake import all_documents, valid_values

TODAY = date(2026, 11, 24)  # the tests' clock, in Baku
PAYMENT_REFERENCE = "ASP-2026-11-000123"


def submit_temporary_residence(
    core: Core,
    clerk: Actor,
    *,
    surname: str = "HÜSEYNOVA",
    document: str = "C01234567",
    today: date = TODAY,
) -> Application:
    """A temporary residence application for 12 months, decided in 15 working days, paid."""
    person = persons.create_person(
        core,
        clerk,
        PersonData(
            surname=surname,
            given_names="GÜLNARƏ",
            birth_date=date(1991, 3, 14),
            sex=Sex.FEMALE,
            nationality="GEO",
        ),
        documents=[
            NewDocument(DocumentKind.PASSPORT, document, "GEO", expiry_date=date(2031, 1, 1))
        ],
        force=True,
    ).value
    service = next(s for s in applications.services(core, clerk) if s.code == "temp_residence")
    values = {**valid_values(service, today), "duration_months": "12", "working_days": "15"}
    form = ApplicationForm(
        service_code=service.code,
        person_id=person.id,
        values=values,
        received=all_documents(service),
        payment_method=PaymentMethod.ASANPAY,
        payment_reference=PAYMENT_REFERENCE,
    )
    return applications.submit_application(core, clerk, form).value
