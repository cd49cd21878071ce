"""The permit card printed from the Applications screen once the centre's permit has come."""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.bootstrap import start_core
from app.clock import ManualClock
from app.config import Config
from app.domain.changes import Topic
from app.filestore import FileStore
from app.intake.lifecycle import ApplicationState
from app.mrz import generate_td1
from app.security.central_signer import TestCentralSigner
from app.security.keys import public_key_to_pem
from app.security.qr_codec import Claim, compact_date_of
from app.services import applications, attachments, permits
from app.services.printouts import PrintOrder
from app.sync.protocol import FeedChange, FeedKind, FeedOperation
from app.sync.pull import apply_page
from app.sync.push import SYNC_ACTOR
from printing.demo import demo_photo
from printing.spool import CupsBackend, JobState, PaperKind
from tests.app.services.test_print_log import _follow_until_ended
from tests.printing import reading
from tests.support.actors import demo_actor
from tests.support.cups import PdfQueue, PrivateCups
from tests.support.submitted import submit_temporary_residence
from tests.ui.conftest import Desk, open_desk
from tests.ui.test_login_lock_language import _log_in
from ui.screens.applications import ApplicationsScreen

WAIT_MS = 20_000
PERMIT = "AZR000042"
_names = itertools.count(1)


@pytest.fixture
def queue(private_cups: PrivateCups, monkeypatch: pytest.MonkeyPatch) -> PdfQueue:
    monkeypatch.setenv("CUPS_SERVER", private_cups.server)
    return private_cups.add_pdf_queue(f"Card_Printer_{next(_names)}")


def _approved_with_permit(config: Config, clock: ManualClock) -> str:
    """An application submitted with its photo, then the centre's decision and signed permit
    applied through sync's own appliers (the centre itself is tested in tests/server)."""
    started = start_core(config, clock=clock)
    core = started.core
    clerk = demo_actor(core, "clerk")
    application = submit_temporary_residence(core, clerk)
    attachments.store(
        core,
        clerk,
        FileStore.of(config),
        demo_photo(),
        media_type="image/jpeg" if demo_photo()[:2] == b"\xff\xd8" else "image/png",
        pages=1,
        application_id=application.id,
        checklist_key="photos",
    )
    signer = TestCentralSigner()
    valid_from, valid_until = date(2026, 11, 24), date(2027, 11, 23)
    birth = date(1991, 3, 14)
    qr_text = signer.sign_permit(
        {
            Claim.DOCUMENT_NUMBER: PERMIT,
            Claim.DOCUMENT_TYPE: 2,
            Claim.SURNAME: "HÜSEYNOVA",
            Claim.BIRTH_DATE: compact_date_of(birth),
            Claim.NATIONALITY: "GEO",
            Claim.OFFICE: "AGS",
        },
        issued_at=datetime(2026, 11, 24, 8, tzinfo=UTC),
        expires_at=datetime(2027, 11, 23, 20, tzinfo=UTC),
    )
    permit = {
        "number": PERMIT,
        "application_id": str(application.id),
        "person_id": str(application.person_id),
        "permit_type": {"az": "Müvəqqəti yaşamaq icazəsi", "en": "Temporary residence permit"},
        "surname": "HÜSEYNOVA",
        "given_names": "GÜLNARƏ",
        "nationality": "GEO",
        "birth_date": birth.isoformat(),
        "sex": "F",
        "valid_from": valid_from.isoformat(),
        "valid_until": valid_until.isoformat(),
        "office_code": "AGS",
        "mrz": list(
            generate_td1(
                document_type="IR",
                issuing_state="AZE",
                surname="HÜSEYNOVA",
                given_names="GÜLNARƏ",
                document_number=PERMIT,
                nationality="GEO",
                birth_date=birth,
                sex="F",
                expiry_date=valid_until,
            )
        ),
        "qr_text": qr_text,
    }
    now = clock.now()
    changes = [
        FeedChange(
            seq=1,
            kind=FeedKind.TRUSTED_KEY,
            key="central",
            operation=FeedOperation.UPSERT,
            payload={
                "public_key": public_key_to_pem(signer.public_key).decode(),
                "kinds": ["permit"],
                "label": "central service",
            },
            created_at=now,
        ),
        FeedChange(
            seq=2,
            kind=FeedKind.DECISION,
            key=str(application.id),
            operation=FeedOperation.UPSERT,
            payload={"application_id": str(application.id), "decision": "approved"},
            created_at=now,
        ),
        FeedChange(
            seq=3,
            kind=FeedKind.PERMIT,
            key=PERMIT,
            operation=FeedOperation.UPSERT,
            payload=permit,
            created_at=now + timedelta(seconds=1),
        ),
    ]
    with core.changing(SYNC_ACTOR) as tx:
        apply_page(tx, changes)
    core.database.dispose()
    return str(application.id)


def test_the_card_of_an_approved_application_is_printed_and_recorded(
    qtbot: QtBot,
    demo_config: tuple[Config, dict[str, str]],
    clock: ManualClock,
    private_cups: PrivateCups,
    queue: PdfQueue,
) -> None:
    config, passwords = demo_config
    application_id = _approved_with_permit(config, clock)
    window, context = open_desk(qtbot, config)
    desk = Desk(window, context, passwords)
    try:
        _log_in(qtbot, desk, "supervisor")
        screen = window.show_screen("applications")
        assert isinstance(screen, ApplicationsScreen)
        qtbot.waitUntil(
            lambda: screen._current is not None and str(screen._current.id) == application_id,
            timeout=WAIT_MS,
        )
        qtbot.waitUntil(screen.card.button.isEnabled, timeout=WAIT_MS)
        qtbot.keyClick(screen, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
        dialog = screen.card.dialog
        assert dialog is not None
        qtbot.waitUntil(lambda: dialog.shown_pages() == 2, timeout=WAIT_MS)  # front and back
        qtbot.waitUntil(lambda: dialog.printer.findData(queue.name) >= 0, timeout=WAIT_MS)
        dialog.printer.setCurrentIndex(dialog.printer.findData(queue.name))
        qtbot.waitUntil(dialog.print_button.isEnabled, timeout=WAIT_MS)
        with qtbot.waitSignal(dialog.sig_printed, timeout=WAIT_MS) as printed:
            qtbot.keyClick(dialog.print_button, Qt.Key.Key_Return)
        card = private_cups.wait_for_output(queue, printed.args[0].job_id)
        assert PERMIT in " ".join(reading.text(card.read_bytes()).split())
        core = context.require_core()
        application = applications.get_application(
            core, demo_actor(core, "clerk"), uuid.UUID(application_id)
        )
        assert application.state is ApplicationState.CARD_PRINTED

        # A damaged card: the supervisor voids it with a reason, and it is not printed again.
        qtbot.waitUntil(screen.card.void_button.isEnabled, timeout=WAIT_MS)
        with qtbot.waitSignal(screen.card.sig_voided, timeout=WAIT_MS) as voided:
            screen.card.void_card(reason="the card came out smudged")
        assert voided.args[0].number == PERMIT
        qtbot.waitUntil(lambda: "void" in screen.error.text(), timeout=WAIT_MS)
    finally:
        context.ops.shutdown()
        if context.core is not None:
            context.core.database.dispose()


def test_a_card_whose_job_the_print_service_failed_is_not_card_printed(
    demo_config: tuple[Config, dict[str, str]], clock: ManualClock, private_cups: PrivateCups
) -> None:
    config, _passwords = demo_config
    application_id = uuid.UUID(_approved_with_permit(config, clock))
    jammed = private_cups.add_failing_queue(f"Jammed_Card_Printer_{next(_names)}")
    working = private_cups.add_pdf_queue(f"Card_Printer_{next(_names)}")
    backend = CupsBackend(server=private_cups.server, timeout=30)
    core = start_core(config, clock=clock).core
    try:
        clerk = demo_actor(core, "clerk")

        def state() -> ApplicationState:
            return applications.get_application(core, clerk, application_id).state

        order = PrintOrder(printer=jammed.name, paper=PaperKind.CARD)
        sent = permits.print_card(core, clerk, config, PERMIT, order=order, backend=backend).value
        assert state() is ApplicationState.CARD_PRINTED  # the print service took the job

        followed = _follow_until_ended(core, clerk, sent, backend)
        assert followed.value.state in (JobState.ABORTED, JobState.CANCELED)
        assert followed.changes.touches(Topic.APPLICATIONS)
        assert state() is ApplicationState.APPROVED
        history = applications.get_application(core, clerk, application_id).history
        assert (history[-1].from_state, history[-1].to_state) == (
            ApplicationState.CARD_PRINTED,
            ApplicationState.APPROVED,
        )
        assert "did not come out" in history[-1].note

        # Printed again on a printer that works: the first copy, and card printed once more.
        order = PrintOrder(printer=working.name, paper=PaperKind.CARD)
        again = permits.print_card(core, clerk, config, PERMIT, order=order, backend=backend)
        assert (again.value.reprint, again.value.duplicate) == (0, False)
        assert state() is ApplicationState.CARD_PRINTED
        assert PERMIT in reading.text(
            private_cups.wait_for_output(working, again.value.job_id).read_bytes()
        )
    finally:
        core.database.dispose()
