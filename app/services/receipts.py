"""The receipt for a submitted application: what `printing.receipt` draws, read from the
records, worded in the office's language, with a QR code signed by this desk.

The receipt records the moment of submission: a reprint shows the same date, clerk and
documents (and a duplicate mark, added when it is printed), never the time of reprinting.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from decimal import Decimal
from typing import Final

from sqlalchemy import select

from app.config import Config
from app.db.models import DeskRow, ServiceRow, UserRow
from app.domain.applications import Application
from app.domain.day_close import VoidKind
from app.domain.prints import PrintKind
from app.domain.users import Actor
from app.errors import ConflictError
from app.i18n import _
from app.intake.lifecycle import ApplicationState
from app.security.desk_key import ReceiptClaims, sign_receipt
from app.services import applications, corrections, persons, setup
from app.services.core import Core
from app.services.masterdata import to_service
from app.services.printouts import Printable, RenderRequest
from printing.layout import Paper
from printing.receipt import ReceiptData, render_receipt
from printing.spool import PaperKind

CURRENCY: Final = "AZN"
_PAPERS: Final = {PaperKind.A4: Paper.A4, PaperKind.ROLL: Paper.ROLL_80}


def receipt_for(core: Core, actor: Actor, config: Config, application_id: uuid.UUID) -> ReceiptData:
    """The receipt of a submitted application, in the office's language (``config``)."""
    application = applications.get_application(core, actor, application_id)
    if application.state is ApplicationState.DRAFT or application.number is None:
        raise ConflictError(
            _("The application is still a draft: a receipt is given once it is submitted.")
        )
    person = (
        persons.get_person(core, actor, application.person_id)
        if application.person_id is not None
        else None
    )
    language = config.language
    with core.reading() as session:
        corrections.ensure_not_void(session, VoidKind.RECEIPT, application.number)
        identity = setup.desk_identity(session, core.desk_id)
        desk = session.get(DeskRow, identity.desk_id) if identity else None
        service_row = session.execute(
            select(ServiceRow).where(ServiceRow.code == application.service_code)
        ).scalar_one_or_none()
        service = to_service(service_row) if service_row is not None else None
        clerk_name = _submitted_by(application)
        clerk = session.execute(
            select(UserRow.full_name).where(UserRow.username == clerk_name)
        ).scalar_one_or_none()
    received = set(application.received)
    documents = (
        tuple(
            item.label.in_language(language) for item in service.checklist if item.key in received
        )
        if service is not None
        else tuple(application.received)
    )
    fee = application.fee_amount or Decimal("0.00")
    issued_at = application.submitted_at or application.updated_at
    qr_text = sign_receipt(
        core,
        config,
        ReceiptClaims(
            application_number=application.number,
            amount=fee,
            service=application.service_code,
            surname=person.surname if person else "",
            given_names=person.given_names if person else "",
        ),
        issued_at=issued_at,
    )
    return ReceiptData(
        office_name=identity.office.name.in_language(language) if identity else "",
        desk=desk.name if desk is not None else "",
        clerk=clerk or clerk_name,
        application_number=application.number,
        person_name=person.full_name if person else "",
        person_birth_date=person.birth_date if person else None,
        service=service.name.in_language(language) if service else application.service_code,
        fee=fee,
        currency=CURRENCY,
        payment_reference=application.payment_reference,
        documents_received=documents,
        decision_due=application.decision_due,
        issued_at=issued_at,
        qr_text=qr_text,
    )


def _submitted_by(application: Application) -> str:
    """The user name of the clerk who took the documents: who submitted the application."""
    for entry in application.history:
        if entry.to_state is ApplicationState.SUBMITTED:
            return entry.actor_name
    return application.created_by


def receipt_printable(
    core: Core, actor: Actor, config: Config, application_id: uuid.UUID
) -> Printable:
    """The receipt as a document to preview and print, on A4 or the 80 mm roll."""
    data = receipt_for(core, actor, config, application_id)
    language = config.language

    def render(request: RenderRequest) -> bytes:
        marked = replace(data, duplicate=request.duplicate)
        return render_receipt(marked, language=language, paper=_PAPERS[request.paper])

    return Printable(
        kind=PrintKind.RECEIPT,
        record_id=application_id,
        number=data.application_number,
        title=_("Receipt {number}").format(number=data.application_number),
        papers=(PaperKind.A4, PaperKind.ROLL),
        render=render,
    )
