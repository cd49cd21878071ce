"""The Persons screen as a clerk uses it: a passport reader types the MRZ, the form fills,
the person is saved; search finds them by other spellings; a probable duplicate is shown
before anything is created."""

from __future__ import annotations

import uuid

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.mrz import generate_td3
from tests.ui.conftest import Desk
from tests.ui.keys import press_enter, type_text
from tests.ui.test_login_lock_language import _log_in
from ui.main_window import SCREENS
from ui.screens.persons import PersonsScreen


def _open_persons(qtbot: QtBot, desk: Desk) -> PersonsScreen:
    _log_in(qtbot, desk, "clerk")
    window = desk.window
    row = [key for key, _spec, _title in SCREENS].index("persons")
    qtbot.keyClick(window.navigation, Qt.Key(Qt.Key.Key_1 + row), Qt.KeyboardModifier.AltModifier)
    screen = window.screens["persons"]
    assert isinstance(screen, PersonsScreen)
    assert window.pages.currentWidget() is screen
    return screen


def _mrz() -> tuple[str, str]:
    from datetime import date

    return generate_td3(
        issuing_state="AZE",
        surname="ƏLİYEV",
        given_names="RAMİL",
        document_number="C01234567",
        nationality="AZE",
        birth_date=date(1985, 3, 12),
        sex="M",
        expiry_date=date(2031, 5, 1),
    )


def test_reader_typed_mrz_fills_the_form_and_saves(qtbot: QtBot, desk: Desk) -> None:
    screen = _open_persons(qtbot, desk)
    line1, line2 = _mrz()
    type_text(qtbot, screen.search, line1)
    press_enter(qtbot, screen.search)
    type_text(qtbot, screen.search, line2)
    with qtbot.waitSignal(screen.sig_searched, timeout=10_000):
        press_enter(qtbot, screen.search)
    form = screen.form
    qtbot.waitUntil(lambda: screen.right.currentWidget() is form, timeout=5000)
    assert form.surname.text() == "ALIYEV" and form.given_names.text() == "RAMIL"
    assert form.document_number.text() == "C01234567"
    assert form.nationality.text() == "AZE"
    assert form.birth_date.date().toString("yyyy-MM-dd") == "1985-03-12"
    assert form.other_spellings.text()  # the Cyrillic form is suggested

    with qtbot.waitSignal(screen.sig_saved, timeout=10_000):
        qtbot.keyClick(form.save_button, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)

    for spelling in ("Алиев", "Əliyev", "aliev 1985", "C01234567"):
        screen.search.clear()
        type_text(qtbot, screen.search, spelling)
        with qtbot.waitSignal(screen.sig_searched, timeout=10_000):
            press_enter(qtbot, screen.search)
        assert [row.surname for row in screen.model.rows] == ["ALIYEV"], spelling

    with qtbot.waitSignal(screen.sig_person_shown, timeout=10_000):
        screen.table.selectRow(0)
        screen.table.activated.emit(screen.model.index(0, 0))
    assert "C01234567" in screen.card.text()


def test_probable_duplicate_is_shown_before_creating(qtbot: QtBot, desk: Desk) -> None:
    screen = _open_persons(qtbot, desk)
    for attempt in range(2):
        qtbot.keyClick(screen.search, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
        form = screen.form
        form.surname.clear()  # the form starts from the name in the search box
        form.given_names.clear()
        type_text(qtbot, form.surname, "Məmmədov")
        type_text(qtbot, form.given_names, "Elşən")
        form.birth_date.setDate(form.birth_date.date().fromString("1990-01-15", "yyyy-MM-dd"))
        type_text(qtbot, form.nationality, "AZE")
        if attempt == 0:
            with qtbot.waitSignal(screen.sig_saved, timeout=10_000):
                form.save_button.click()
        else:
            form.save_button.click()
            qtbot.waitUntil(screen.force_button.isVisible, timeout=10_000)
    assert "may be registered already" in screen.message.text()
    assert [row.surname for row in screen.model.rows] == ["Məmmədov"]
    with qtbot.waitSignal(screen.sig_saved, timeout=10_000):
        screen.force_button.click()


def test_bad_input_names_the_field(qtbot: QtBot, desk: Desk) -> None:
    screen = _open_persons(qtbot, desk)
    qtbot.keyClick(screen.search, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    form = screen.form
    type_text(qtbot, form.surname, "Quliyeva")
    type_text(qtbot, form.nationality, "A1")
    form.save_button.click()
    qtbot.waitUntil(form.error.isVisible, timeout=10_000)
    assert "three-letter code" in form.error.text()
    assert form.nationality.hasFocus()


def test_a_record_is_corrected_and_its_card_lists_applications(qtbot: QtBot, desk: Desk) -> None:
    from app.domain.applications import ApplicationForm
    from app.services import applications
    from tests.support.actors import demo_actor

    screen = _open_persons(qtbot, desk)
    line1, line2 = _mrz()
    type_text(qtbot, screen.search, line1)
    press_enter(qtbot, screen.search)
    type_text(qtbot, screen.search, line2)
    with qtbot.waitSignal(screen.sig_searched, timeout=10_000):
        press_enter(qtbot, screen.search)
    with qtbot.waitSignal(screen.sig_saved, timeout=10_000):
        qtbot.keyClick(screen.form.save_button, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(screen.model.rows), timeout=10_000)
    core = desk.context.require_core()
    person_id = screen.model.rows[0].id
    draft = applications.save_draft(
        core, demo_actor(core, "clerk"), ApplicationForm("registration_stay", person_id)
    ).value
    # A card loaded before the draft existed may still arrive: wait for the one that has it.
    screen.table.activated.emit(screen.model.index(0, 0))
    qtbot.waitUntil(lambda: "(draft)" in screen.card.text(), timeout=10_000)
    assert "Applications" in screen.card.text()
    assert draft.state.label in screen.card.text()

    qtbot.keyClick(screen.table, Qt.Key.Key_F2)
    form = screen.form
    assert screen.right.currentWidget() is form and form.header.text() == "Edit person"
    assert form.given_names.text() == "RAMIL"
    form.given_names.clear()
    type_text(qtbot, form.given_names, "RAMIL ELDAR")
    with qtbot.waitSignal(screen.sig_saved, timeout=10_000) as saved:
        qtbot.keyClick(form.save_button, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert saved.args[0].id == person_id and saved.args[0].given_names == "RAMIL ELDAR"
    assert "was saved" in screen.message.text()


def _two_records(desk: Desk) -> list[uuid.UUID]:
    from datetime import date

    from app.domain.persons import DocumentKind, NewDocument, PersonData, Sex
    from app.services import persons
    from tests.support.actors import demo_actor

    core = desk.context.require_core()
    clerk = demo_actor(core, "clerk")
    made = []
    for number, given in (("P1111111", "NIGAR"), ("P2222222", "NİGAR")):
        data = PersonData("QASIMOVA", given, date(1992, 6, 1), Sex.FEMALE, "AZE")
        document = NewDocument(DocumentKind.PASSPORT, number, "AZE")
        made.append(
            persons.create_person(core, clerk, data, documents=[document], force=True).value.id
        )
    return made


def _show(qtbot: QtBot, screen: PersonsScreen, query: str) -> None:
    screen.search.clear()
    type_text(qtbot, screen.search, query)
    with qtbot.waitSignal(screen.sig_person_shown, timeout=10_000):
        press_enter(qtbot, screen.search)


def _accept_next_dialog(qtbot: QtBot) -> None:
    """Press Enter in the confirmation box that the next action opens (its default: Merge)."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    def accept() -> None:
        box = QApplication.activeModalWidget()
        if box is None:
            QTimer.singleShot(20, accept)
            return
        qtbot.keyClick(box, Qt.Key.Key_Return)

    QTimer.singleShot(20, accept)


@pytest.mark.parametrize("username", ["supervisor", "clerk"])
def test_merging_a_duplicate_is_a_supervisors_correction(
    qtbot: QtBot, desk: Desk, username: str
) -> None:
    _log_in(qtbot, desk, username)
    keep, duplicate = _two_records(desk)
    window = desk.window
    row = [key for key, _spec, _title in SCREENS].index("persons")
    qtbot.keyClick(window.navigation, Qt.Key(Qt.Key.Key_1 + row), Qt.KeyboardModifier.AltModifier)
    screen = window.screens["persons"]
    assert isinstance(screen, PersonsScreen)

    _show(qtbot, screen, "P1111111")
    qtbot.keyClick(screen.table, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    assert "press Ctrl+M again" in screen.message.text()
    _show(qtbot, screen, "P2222222")
    assert "Merge this record into QASIMOVA NIGAR" in screen.merge_button.text()
    _accept_next_dialog(qtbot)
    qtbot.keyClick(screen.table, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    core = desk.context.require_core()
    from app.services import persons
    from tests.support.actors import demo_actor

    if username == "clerk":
        qtbot.waitUntil(lambda: "does not allow" in screen.message.text(), timeout=10_000)
        assert persons.get_person(core, demo_actor(core, "clerk"), duplicate).id == duplicate
        return
    qtbot.waitUntil(lambda: "was merged" in screen.message.text(), timeout=10_000)
    merged = persons.get_person(core, demo_actor(core, "clerk"), duplicate)
    assert merged.id == keep  # the duplicate now leads to the record kept
    documents = persons.list_documents(core, demo_actor(core, "clerk"), keep)
    assert {d.number for d in documents} == {"P1111111", "P2222222"}
