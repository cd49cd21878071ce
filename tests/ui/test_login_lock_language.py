"""The login flow, the lock screen and the language switch, through the real widgets."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.i18n import current_language
from tests.ui.conftest import Desk
from tests.ui.keys import press_enter, type_text
from ui.main_window import SCREENS


def _log_in(qtbot: QtBot, desk: Desk, username: str, password: str | None = None) -> None:
    login = desk.window.login
    type_text(qtbot, login.username, username)
    press_enter(qtbot, login.username)  # Enter moves on to the password
    assert login.password.hasFocus()
    type_text(qtbot, login.password, password or desk.passwords[username])
    with qtbot.waitSignal(desk.window.sig_shell_shown, timeout=10_000):
        press_enter(qtbot, login.password)


def test_login_shows_the_desk_with_user_and_office(qtbot: QtBot, desk: Desk) -> None:
    window = desk.window
    assert window.stack.currentWidget() is window.login
    assert window.login.login_button.isEnabled()
    _log_in(qtbot, desk, "clerk")
    assert window.stack.currentWidget() is window.shell
    assert "Aynur Məmmədova" in window.status.user.text()
    assert "Reception clerk" in window.status.user.text()
    assert "Aghsu" in window.status.office.text()
    qtbot.waitUntil(lambda: window.status.sync.pending.text().endswith(" waiting"), timeout=5000)
    assert window.navigation.count() >= 2


def test_wrong_password_is_explained_and_keeps_the_login(qtbot: QtBot, desk: Desk) -> None:
    login = desk.window.login
    type_text(qtbot, login.username, "clerk")
    press_enter(qtbot, login.username)
    type_text(qtbot, login.password, "not it at all")
    press_enter(qtbot, login.password)
    qtbot.waitUntil(login.error.isVisible, timeout=10_000)
    assert login.error.text() == "Wrong user name or password."
    assert desk.window.stack.currentWidget() is login
    assert login.password.text() == ""


def test_empty_fields_are_named(qtbot: QtBot, desk: Desk) -> None:
    login = desk.window.login
    press_enter(qtbot, login.password)
    assert login.error.text() == "Enter your user name."


def test_idle_desk_locks_and_only_its_user_unlocks(qtbot: QtBot, desk: Desk) -> None:
    window = desk.window
    _log_in(qtbot, desk, "clerk")
    with qtbot.waitSignal(window.sig_locked, timeout=5000):
        window.idle.start(50)  # the office's idle time, shortened
    assert window.stack.currentWidget() is window.lock
    assert "Aynur Məmmədova" in window.lock.who.text()

    type_text(qtbot, window.lock.password, desk.passwords["supervisor"])
    press_enter(qtbot, window.lock.password)
    qtbot.waitUntil(window.lock.error.isVisible, timeout=10_000)
    assert window.stack.currentWidget() is window.lock

    type_text(qtbot, window.lock.password, desk.passwords["clerk"])
    press_enter(qtbot, window.lock.password)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.shell, timeout=10_000)
    assert window.idle.active


def test_ctrl_l_locks_and_switch_user_logs_out(qtbot: QtBot, desk: Desk) -> None:
    window = desk.window
    _log_in(qtbot, desk, "supervisor")
    with qtbot.waitSignal(window.sig_locked, timeout=5000):
        qtbot.keyClick(window.navigation, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    qtbot.mouseClick(window.lock.switch_button, Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is window.login
    assert desk.context.user is None
    assert window.status.user.text() == ""


def test_language_switch_at_run_time(qtbot: QtBot, desk: Desk) -> None:
    window = desk.window
    login = window.login
    assert login.login_button.text() == "Log in"
    login.language.setCurrentIndex(login.language.findData("ru"))
    login.language.activated.emit(login.language.currentIndex())
    assert current_language() == "ru"
    assert login.login_button.text() == "Войти"
    assert "Агсу" in login.office.text()

    login.language.setCurrentIndex(login.language.findData("az"))
    login.language.activated.emit(login.language.currentIndex())
    assert login.login_button.text() == "Daxil ol"
    assert "Ağsu" in login.office.text()
    _log_in(qtbot, desk, "clerk")
    assert "Qəbul" in window.status.user.text() or "qəbul" in window.status.user.text()

    settings_row = [key for key, _spec, _title in SCREENS]
    window.navigation.setCurrentRow(settings_row.index("settings"))
    settings = window.screens["settings"]
    settings.language.setCurrentIndex(settings.language.findData("en"))
    settings.language.activated.emit(settings.language.currentIndex())
    assert current_language() == "en"
    assert "Reception clerk" in window.status.user.text()
    assert window.navigation.item(settings_row.index("settings")).text().endswith("Settings")
