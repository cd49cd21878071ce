"""The Verify screen as a clerk uses it: a 2D reader types a permit's code, the verdict shows
as a banner with the holder's data; forged, revoked and pictured codes too."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import cbor2
import pytest
import qrcode
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.bootstrap import start_core
from app.clock import ManualClock
from app.config import Config
from app.domain.users import Actor
from app.security.central_signer import TestCentralSigner
from app.security.desk_key import ReceiptClaims, sign_receipt
from app.security.qr_codec import Claim, decode
from app.services import masterdata
from tests.app.security.test_qr_codec import rebuild
from tests.support.trust import (
    REVOKED_NUMBER,
    key_record,
    masterdata_with,
    revoked_record,
    signed_permit,
)
from tests.ui.conftest import Desk, open_desk
from tests.ui.keys import press_enter, type_text
from tests.ui.test_login_lock_language import _log_in
from ui.main_window import SCREENS
from ui.screens.verify import VerifyScreen

CENTRAL = TestCentralSigner()


@pytest.fixture
def trusting_desk(
    qtbot: QtBot, demo_config: tuple[Config, dict[str, str]], clock: ManualClock
) -> Iterator[Desk]:
    """The demo desk, with master data that trusts the test central key and revokes a permit."""
    config, passwords = demo_config
    started = start_core(config, clock=clock)
    data = masterdata_with(key_record(CENTRAL), revoked_record())
    masterdata.import_masterdata(started.core, Actor.system(), data)
    started.core.database.dispose()
    window, context = open_desk(qtbot, config)
    yield Desk(window, context, passwords)
    context.ops.shutdown()
    if context.core is not None:
        context.core.database.dispose()


def _open_verify(qtbot: QtBot, desk: Desk) -> VerifyScreen:
    _log_in(qtbot, desk, "clerk")
    window = desk.window
    window.navigation.setCurrentRow([key for key, _spec, _title in SCREENS].index("verify"))
    screen = window.screens["verify"]
    assert isinstance(screen, VerifyScreen)
    screen.setFocus()
    assert screen.input.hasFocus()
    return screen


def _scan(qtbot: QtBot, screen: VerifyScreen, text: str) -> None:
    """As a 2D reader in keyboard mode: a keystroke a character, then Enter."""
    type_text(qtbot, screen.input, text)
    with qtbot.waitSignal(screen.sig_verified, timeout=10_000):
        press_enter(qtbot, screen.input)


def test_reader_typed_permit_is_valid_with_its_holder(qtbot: QtBot, trusting_desk: Desk) -> None:
    screen = _open_verify(qtbot, trusting_desk)

    _scan(qtbot, screen, signed_permit(CENTRAL))

    assert screen.banner.isVisible()
    assert "Valid" in screen.banner.text()
    assert "#1b5e20" in screen.banner.styleSheet()  # green
    details = screen.details.text()
    for expected in ("KƏRİMOV RÜSTƏM", "14.03.1991", "AZ2026-0012345", "UZB", "Aghsu"):
        assert expected in details, expected
    assert screen.input.hasFocus() and screen.input.selectedText() == screen.input.text()

    qtbot.keyClick(screen.input, Qt.Key.Key_Escape)
    assert screen.input.text() == "" and not screen.banner.isVisible()
    assert screen.details.text() == ""


def test_tampered_code_is_forged_and_shows_nothing(qtbot: QtBot, trusting_desk: Desk) -> None:
    screen = _open_verify(qtbot, trusting_desk)
    genuine = signed_permit(CENTRAL)
    claims = dict(decode(genuine).claims)
    claims[int(Claim.SURNAME)] = "BAŞQASI"
    forged = rebuild(genuine, payload=cbor2.dumps(claims))

    _scan(qtbot, screen, forged)

    assert "Forged or altered" in screen.banner.text()
    assert "#b71c1c" in screen.banner.styleSheet()  # red
    assert "BAŞQASI" not in screen.details.text()
    assert screen.details.text() == ""


def test_revoked_permit_says_so(qtbot: QtBot, trusting_desk: Desk) -> None:
    screen = _open_verify(qtbot, trusting_desk)

    _scan(qtbot, screen, signed_permit(CENTRAL, REVOKED_NUMBER))

    assert "Revoked" in screen.banner.text()
    assert REVOKED_NUMBER in screen.banner.text()
    assert REVOKED_NUMBER in screen.details.text()  # whose permit it was, to keep it back


def test_unknown_signer_and_garbage(qtbot: QtBot, trusting_desk: Desk) -> None:
    screen = _open_verify(qtbot, trusting_desk)

    _scan(qtbot, screen, signed_permit(TestCentralSigner()))
    assert "Unknown signer" in screen.banner.text()

    screen.input.clear()
    _scan(qtbot, screen, "not a code at all")
    assert "Unreadable" in screen.banner.text()


def test_pasted_code_is_checked_at_once(qtbot: QtBot, trusting_desk: Desk) -> None:
    screen = _open_verify(qtbot, trusting_desk)
    clipboard = QApplication.clipboard()
    clipboard.setText(signed_permit(CENTRAL))

    with qtbot.waitSignal(screen.sig_verified, timeout=10_000):
        qtbot.keyClick(screen.input, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)

    assert "Valid" in screen.banner.text()


def test_code_read_from_a_picture(qtbot: QtBot, trusting_desk: Desk, tmp_path: Path) -> None:
    screen = _open_verify(qtbot, trusting_desk)
    picture = tmp_path / "card-back.png"
    qrcode.make(signed_permit(CENTRAL), box_size=4).save(picture)
    photo = tmp_path / "card-back.jpg"
    qrcode.make(signed_permit(CENTRAL, REVOKED_NUMBER), box_size=6).convert("RGB").save(photo)

    with qtbot.waitSignal(screen.sig_verified, timeout=10_000):
        screen.read_image(picture)
    assert "Valid" in screen.banner.text()
    assert screen.input.text().startswith("AZP1:")

    with qtbot.waitSignal(screen.sig_verified, timeout=10_000):
        screen.read_image(photo)
    assert "Revoked" in screen.banner.text()


def test_a_picture_without_a_code_is_explained(
    qtbot: QtBot, trusting_desk: Desk, tmp_path: Path
) -> None:
    from PIL import Image

    screen = _open_verify(qtbot, trusting_desk)
    blank = tmp_path / "blank.png"
    Image.new("L", (200, 200), 255).save(blank)

    with qtbot.waitSignal(screen.sig_failed, timeout=10_000) as failed:
        screen.read_image(blank)

    assert "No QR code was found in blank.png" in failed.args[0]
    assert "No QR code" in screen.banner.text()


def test_receipt_signed_by_this_desk_shows_application_and_amount(
    qtbot: QtBot, trusting_desk: Desk
) -> None:
    screen = _open_verify(qtbot, trusting_desk)
    context = trusting_desk.context
    receipt = sign_receipt(
        context.require_core(),
        context.config,
        ReceiptClaims("AGS-261124-0007", Decimal("160.00"), service="temp_residence"),
    )

    _scan(qtbot, screen, receipt)

    assert "Valid" in screen.banner.text()
    details = screen.details.text()
    for expected in ("Receipt", "AGS-261124-0007", "160.00 AZN", "Temporary residence permit"):
        assert expected in details, expected
