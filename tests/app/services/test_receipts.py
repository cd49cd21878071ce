"""The receipt of a submitted application: read from the records in the office's language,
with a QR code that this desk's trust list verifies as a receipt."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest

from app.bootstrap import Started
from app.config import Config
from app.domain.applications import ApplicationForm
from app.domain.users import Actor
from app.errors import ConflictError, NotFoundError
from app.security.qr_codec import Claim, QrKind, VerdictStatus
from app.services import applications, receipts, trust
from app.services.printouts import RenderRequest
from printing.spool import PaperKind
from tests.printing import reading
from tests.support.submitted import PAYMENT_REFERENCE, submit_temporary_residence


def test_a_submitted_applications_receipt_names_everything(
    started: Started, backend_config: Config, clerk: Actor
) -> None:
    application = submit_temporary_residence(started.core, clerk)

    data = receipts.receipt_for(started.core, clerk, backend_config, application.id)

    assert data.application_number == application.number == "AGS-261124-0001"
    assert data.office_name == "Ağsu Regional Miqrasiya İdarəsi"  # the office prints in az
    assert data.desk == "demo desk"
    assert data.clerk == "Aynur Məmmədova"
    assert data.person_name == "HÜSEYNOVA GÜLNARƏ"
    assert data.person_birth_date is not None and data.person_birth_date.year == 1991
    assert data.service == "Müvəqqəti yaşamaq icazəsi"
    assert (data.fee, data.currency) == (Decimal("160.00"), "AZN")
    assert data.payment_reference == PAYMENT_REFERENCE
    assert data.documents_received[:3] == ("Ərizə forması", "Pasportun surəti", "Tibbi arayış")
    assert len(data.documents_received) == 8
    assert data.decision_due == application.decision_due
    assert data.decision_due is not None and data.decision_due.isoformat() == "2026-12-15"
    assert data.issued_at == application.submitted_at
    assert not data.duplicate


def test_the_qr_code_verifies_as_this_desks_receipt(
    started: Started, backend_config: Config, clerk: Actor
) -> None:
    application = submit_temporary_residence(started.core, clerk)
    data = receipts.receipt_for(started.core, clerk, backend_config, application.id)

    verdict = trust.verify_code(started.core, data.qr_text)

    assert verdict.status is VerdictStatus.VALID, verdict.message
    assert verdict.kind is QrKind.RECEIPT
    assert verdict.document_number == application.number
    assert verdict.claims[Claim.AMOUNT] == 16000  # qəpik
    assert verdict.claims[Claim.OFFICE] == "AGS"
    assert verdict.claims[Claim.SURNAME] == "HÜSEYNOVA"
    # Still valid when the visitor comes back for the card, long after the decision.
    assert trust.verify_code(
        started.core, data.qr_text, at=started.core.clock.now() + timedelta(days=300)
    ).is_valid


@pytest.mark.parametrize("backend_config", ["sqlite"], indirect=True)
def test_the_office_language_words_the_receipt(
    started: Started, backend_config: Config, clerk: Actor
) -> None:
    application = submit_temporary_residence(started.core, clerk)
    russian = receipts.receipt_for(
        started.core, clerk, replace(backend_config, language="ru"), application.id
    )
    assert russian.service == "Разрешение на временное проживание"
    assert russian.documents_received[1] == "Копия паспорта"
    assert russian.office_name == "Агсуинское региональное миграционное управление"


@pytest.mark.parametrize("backend_config", ["sqlite"], indirect=True)
def test_the_printable_receipt_reads_back_on_both_papers(
    started: Started, backend_config: Config, clerk: Actor
) -> None:
    application = submit_temporary_residence(started.core, clerk)
    printable = receipts.receipt_printable(
        started.core, clerk, replace(backend_config, language="en"), application.id
    )
    assert printable.papers == (PaperKind.A4, PaperKind.ROLL)
    for paper in printable.papers:
        pdf = printable.render(RenderRequest(paper))
        shown = " ".join(reading.text(pdf).split())
        for value in ("AGS-261124-0001", "HÜSEYNOVA GÜLNARƏ", "160.00 AZN", "15.12.2026"):
            assert value in shown, (paper, value)
        assert "Proof of means" in shown
        assert "DUPLICATE" not in shown
        (page, *_rest) = reading.render(pdf, dpi=200)
        (code,) = reading.qr_texts(page)
        assert trust.verify_code(started.core, code).is_valid
    marked = printable.render(RenderRequest(PaperKind.A4, duplicate=True))
    assert "DUPLICATE" in reading.text(marked)


@pytest.mark.parametrize("backend_config", ["sqlite"], indirect=True)
def test_a_draft_has_no_receipt(started: Started, backend_config: Config, clerk: Actor) -> None:
    draft = applications.save_draft(
        started.core, clerk, ApplicationForm(service_code="temp_residence")
    ).value
    with pytest.raises(ConflictError, match="still a draft"):
        receipts.receipt_for(started.core, clerk, backend_config, draft.id)
    with pytest.raises(NotFoundError):
        receipts.receipt_for(started.core, clerk, backend_config, uuid.uuid4())
