"""First start with the set-up wizard; a damaged database offered its backup; the smoke run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.config import Config
from app.db.lifecycle import open_database
from tests.ui.conftest import open_desk
from tests.ui.keys import press_enter, type_text


def test_first_start_runs_the_set_up_wizard(qtbot: QtBot, config: Config) -> None:
    from ui.dialogs.setup_wizard import SetupWizard

    window, context = open_desk(qtbot, config)
    try:
        qtbot.waitUntil(lambda: window.findChild(SetupWizard) is not None, timeout=10_000)
        wizard = window.findChild(SetupWizard)
        assert wizard is not None
        qtbot.waitUntil(lambda: wizard.office.count() == 8, timeout=10_000)
        wizard.office.setCurrentIndex(wizard.office.findData("SHK"))
        type_text(qtbot, wizard.username, "boss")
        type_text(qtbot, wizard.full_name, "Şahin Əhmədov")
        type_text(qtbot, wizard.password, "a long password")
        type_text(qtbot, wizard.repeat, "a different one")
        wizard.create_button.click()
        assert wizard.error.text() == "The two passwords differ."
        wizard.repeat.clear()
        type_text(qtbot, wizard.repeat, "a long password")
        with qtbot.waitSignal(wizard.sig_set_up, timeout=10_000):
            wizard.create_button.click()
        assert "Shaki" in window.login.office.text()
        assert window.login.login_button.isEnabled()

        type_text(qtbot, window.login.username, "boss")
        type_text(qtbot, window.login.password, "a long password")
        with qtbot.waitSignal(window.sig_shell_shown, timeout=10_000):
            press_enter(qtbot, window.login.password)
        assert "Şahin Əhmədov" in window.status.user.text()
    finally:
        context.ops.shutdown()
        if context.core is not None:
            context.core.database.dispose()


def test_damaged_database_is_explained_and_restored(
    qtbot: QtBot, demo_config: tuple[Config, dict[str, str]], clock: object
) -> None:
    config, _passwords = demo_config
    from datetime import UTC, datetime

    open_database(config, now=datetime.now(UTC)).database.dispose()  # the day's backup
    config.database_path.write_bytes(b"\x00not a database" * 500)
    window, context = open_desk(qtbot, config)
    try:
        assert window.core_error is not None and "damaged" in window.core_error
        assert window.login.state.text() == window.core_error
        assert not window.login.login_button.isEnabled()
        restore = window.login.restore_button
        assert restore.isVisible() and "desk-" in restore.text()
        with qtbot.waitSignal(window.sig_core_ready, timeout=20_000):
            qtbot.keyClick(restore, Qt.Key.Key_Space)
        assert not restore.isVisible()
        assert window.core_error is None
        assert window.login.login_button.isEnabled()
        kept = list(config.data_dir.glob("desk.sqlite3.replaced-*"))
        assert kept and kept[0].read_bytes().startswith(b"\x00not a database")
    finally:
        context.ops.shutdown()
        if context.core is not None:
            context.core.database.dispose()


def test_smoke_run_prints_ready(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ui.app", "--smoke", "--data-dir", str(tmp_path / "data")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "ready"
