"""The Intake screen as a clerk uses it: a reader types the MRZ, the applicant is registered
and chosen, the form is filled with the keyboard and submitted; every service's form submits;
problems are shown by field; drafts continue from the Applications screen."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.clock import office_zone
from app.config import Config
from app.db.models import ApplicationRow, PersonDocumentRow
from app.domain.applications import Application
from app.intake.lifecycle import ApplicationState
from app.mrz import generate_td1, generate_td3
from tests.support.intake import valid_values
from tests.ui.conftest import Desk, open_desk
from tests.ui.keys import press_enter, type_text
from tests.ui.test_login_lock_language import _log_in
from ui.main_window import SCREENS
from ui.screens.applications import ApplicationsScreen
from ui.screens.intake import IntakeScreen


def open_intake(qtbot: QtBot, desk: Desk) -> IntakeScreen:
    _log_in(qtbot, desk, "clerk")
    window = desk.window
    row = [key for key, _spec, _title in SCREENS].index("intake")
    qtbot.keyClick(window.navigation, Qt.Key(Qt.Key.Key_1 + row), Qt.KeyboardModifier.AltModifier)
    screen = window.screens["intake"]
    assert isinstance(screen, IntakeScreen)
    qtbot.waitUntil(lambda: screen.service.count() > 0, timeout=10_000)
    return screen


def passport_lines(number: str = "U12345678", surname: str = "YILMAZ") -> tuple[str, ...]:
    return generate_td3(
        issuing_state="TUR",
        surname=surname,
        given_names="MEHMET ALI",
        document_number=number,
        nationality="TUR",
        birth_date=date(1990, 7, 15),
        sex="M",
        expiry_date=date(2032, 1, 31),
    )


def read_passport(
    qtbot: QtBot, screen: IntakeScreen, widget: QLineEdit, lines: tuple[str, ...]
) -> None:
    """Type the zone as a desk reader does: each line, then Enter."""
    with qtbot.waitSignal(screen.sig_applicant_chosen, timeout=10_000):
        for line in lines:
            type_text(qtbot, widget, line)
            press_enter(qtbot, widget)


def _today() -> date:
    return datetime.now(office_zone()).date()


def test_reader_mrz_to_submitted_registration(qtbot: QtBot, desk: Desk) -> None:
    screen = open_intake(qtbot, desk)
    assert screen.current_service() is not None
    assert screen.current_service().code == "registration_stay"  # type: ignore[union-attr]
    read_passport(qtbot, screen, screen.applicant, passport_lines())
    assert "YILMAZ MEHMET ALI" in screen.chosen.text()
    arrival = screen.form.editor("arrival_date")
    assert isinstance(arrival, QLineEdit) and arrival.hasFocus()

    day = _today() - timedelta(days=2)
    type_text(qtbot, arrival, day.strftime("%d%m"))
    press_enter(qtbot, arrival)
    assert arrival.text() == day.strftime("%d.%m.%Y")
    address = screen.form.editor("address")
    assert isinstance(address, QLineEdit) and address.hasFocus()
    type_text(qtbot, address, "Bakı, Nizami küçəsi 10")
    press_enter(qtbot, address)
    stay_until = screen.form.editor("stay_until")
    assert isinstance(stay_until, QLineEdit)
    assert stay_until.text() == (day + timedelta(days=90)).strftime("%d.%m.%Y")

    qtbot.keyClick(screen, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert "No fee" in screen.fee.text()
    with qtbot.waitSignal(screen.sig_submitted, timeout=10_000) as submitted:
        qtbot.keyClick(screen, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    application = submitted.args[0]
    assert isinstance(application, Application)
    assert application.state is ApplicationState.SUBMITTED
    assert application.number is not None and application.number in screen.message.text()
    assert application.values["address"] == "Bakı, Nizami küçəsi 10"
    assert screen.applicant.hasFocus() and screen.chosen.text() == "No applicant chosen yet."

    core = desk.context.require_core()
    with core.reading() as session:
        document = session.execute(
            select(PersonDocumentRow).where(PersonDocumentRow.number == "U12345678")
        ).scalar_one()
        assert document.person_id == application.person_id


def test_mrz_typed_into_any_field_chooses_the_applicant(qtbot: QtBot, desk: Desk) -> None:
    screen = open_intake(qtbot, desk)
    address = screen.form.editor("address")
    assert isinstance(address, QLineEdit)
    type_text(qtbot, address, "Gəncə")
    lines = generate_td1(
        document_type="ID",
        issuing_state="GEO",
        document_number="13AB45678",
        birth_date=date(1988, 2, 29),
        sex="F",
        expiry_date=date(2030, 6, 1),
        nationality="GEO",
        surname="BERIDZE",
        given_names="NINO",
    )
    read_passport(qtbot, screen, address, lines)
    assert address.text() == "Gəncə"  # the reader's lines went to the applicant, not the field
    assert "BERIDZE NINO" in screen.chosen.text()


def test_problems_are_shown_by_field_and_nothing_is_filed(qtbot: QtBot, desk: Desk) -> None:
    screen = open_intake(qtbot, desk)
    screen.service.setCurrentIndex(screen.service.findData("temp_residence"))
    read_passport(qtbot, screen, screen.applicant, passport_lines("U55555555", "KAYA"))
    qtbot.keyClick(screen, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: screen.error.isVisibleTo(screen), timeout=10_000)
    assert "problems" in screen.error.text()
    assert screen.form.problem_text("address") == "“Address of residence” is required."
    assert "Documents still missing" in screen.checklist_problem.text()
    core = desk.context.require_core()
    with core.reading() as session:
        assert session.execute(select(ApplicationRow)).first() is None


SERVICES = (
    "registration_stay",
    "stay_extension",
    "temp_residence",
    "perm_residence",
    "work_permit",
    "citizenship",
    "refugee_status",
    "foreign_pupils",
    "fines",
)


def _fill(screen: IntakeScreen, values: dict[str, str]) -> None:
    for key, value in values.items():
        editor = screen.form.editor(key)
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(editor.findData(value))
        elif isinstance(editor, QCheckBox):
            editor.setChecked(value == "true")
        elif isinstance(editor, QLineEdit):
            editor.setText(value)
            editor.textEdited.emit(value)


@pytest.mark.parametrize("code", SERVICES)
def test_every_service_is_submitted_from_the_screen(qtbot: QtBot, desk: Desk, code: str) -> None:
    screen = open_intake(qtbot, desk)
    screen.service.setCurrentIndex(screen.service.findData(code))
    birth = date(2014, 4, 1) if code == "foreign_pupils" else date(1980, 1, 1)
    lines = generate_td3(
        issuing_state="IRN",
        surname="KARIMI",
        given_names="REZA",
        document_number="K12345678",
        nationality="IRN",
        birth_date=birth,
        sex="M",
        expiry_date=date(2031, 1, 1),
    )
    read_passport(qtbot, screen, screen.applicant, lines)
    service = screen.current_service()
    assert service is not None and service.code == code
    _fill(screen, valid_values(service, _today()))
    screen.tick_all_documents()
    if screen.payment_reference.isEnabled():
        type_text(qtbot, screen.payment_reference, "ASP-77 123 456")
    with qtbot.waitSignal(screen.sig_submitted, timeout=10_000) as submitted:
        screen.submit_button.click()
    application = submitted.args[0]
    assert application.service_code == code and application.state is ApplicationState.SUBMITTED


def test_a_saved_draft_is_continued_from_applications(qtbot: QtBot, desk: Desk) -> None:
    screen = open_intake(qtbot, desk)
    read_passport(qtbot, screen, screen.applicant, passport_lines("U77777777", "DEMIR"))
    address = screen.form.editor("address")
    assert isinstance(address, QLineEdit)
    type_text(qtbot, address, "Şəki, M.F. Axundzadə 3")
    qtbot.keyClick(screen, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "draft was saved" in screen.message.text(), timeout=10_000)
    assert address.text() == ""

    window = desk.window
    row = [key for key, _spec, _title in SCREENS].index("applications")
    qtbot.keyClick(window.navigation, Qt.Key(Qt.Key.Key_1 + row), Qt.KeyboardModifier.AltModifier)
    applications = window.screens["applications"]
    assert isinstance(applications, ApplicationsScreen)
    with qtbot.waitSignal(applications.sig_shown, timeout=10_000):
        applications.refresh()
    assert applications.model.rows[0].state is ApplicationState.DRAFT
    applications.continue_selected()

    def address_now() -> str:
        editor = screen.form.editor("address")  # the form is built anew for the draft
        return editor.text() if isinstance(editor, QLineEdit) else ""

    qtbot.waitUntil(lambda: address_now() == "Şəki, M.F. Axundzadə 3", timeout=10_000)
    assert window.pages.currentWidget() is screen
    assert "DEMIR" in screen.chosen.text()


def test_a_form_typed_when_the_process_is_killed_comes_back(
    qtbot: QtBot, demo_config: tuple[Config, dict[str, str]]
) -> None:
    """The desk process is killed (as by a power cut) while a form is being typed; the next
    start, after login, opens Intake with what was typed."""
    from tests.support import typing_desk

    config, passwords = demo_config
    environment = {
        **os.environ,
        "DESK_PASSWORD": passwords["clerk"],
        "QT_QPA_PLATFORM": "offscreen",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.support.typing_desk", str(config.data_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=environment,
        cwd=Path(__file__).resolve().parents[2],
        text=True,
    )
    try:
        assert process.stdout is not None
        deadline = time.monotonic() + 60
        line = ""
        while time.monotonic() < deadline and "KEPT" not in line:
            line = process.stdout.readline()
            if not line and process.poll() is not None:
                break
        assert "KEPT" in line, "the typing desk did not save its scratchpad"
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL

    window, context = open_desk(qtbot, config)
    try:
        desk = Desk(window, context, passwords)
        _log_in(qtbot, desk, "clerk")
        qtbot.waitUntil(lambda: "intake" in window.screens, timeout=10_000)
        screen = window.screens["intake"]
        assert isinstance(screen, IntakeScreen)
        qtbot.waitUntil(lambda: "recovered" in screen.message.text(), timeout=10_000)
        assert window.pages.currentWidget() is screen
        assert screen.current_service().code == "stay_extension"  # type: ignore[union-attr]
        values = screen.form.values()
        assert values["address"] == typing_desk.ADDRESS
        assert values["reason"] == typing_desk.REASON
    finally:
        context.ops.shutdown()
        if context.core is not None:
            context.core.database.dispose()
