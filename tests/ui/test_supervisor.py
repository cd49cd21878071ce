"""The Supervisor screen on a real SQLite desk: the live view follows a clerk's call made
elsewhere (no reload timer), the summary is previewed and saved as PDF and CSV, users and the
queue's rules are managed, and a clerk is refused every action by the core."""

from __future__ import annotations

import csv
import io
import os
from dataclasses import replace
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from app.config import load_config
from app.domain.prints import PrintEntry, PrintKind, PrintResult
from app.printer_settings import card_offset
from app.services import print_log, queue, settings, users
from app.services.live_view import Activity, LiveView
from tests.support.actors import demo_actor
from tests.support.cups import PrivateCups
from tests.ui.conftest import Desk
from tests.ui.keys import type_text
from tests.ui.test_login_lock_language import _log_in
from ui.main_window import SCREENS
from ui.screens.supervisor import SupervisorScreen
from ui.widgets.supervisor_summary import SummaryPreview, SummaryWidget

WAIT_MS = 10_000
REFUSED = "Your role does not allow this"


def open_supervisor(qtbot: QtBot, desk: Desk, username: str = "supervisor") -> SupervisorScreen:
    """Log in and open the screen with Alt+<its number>."""
    # What the screen saves goes to the test's own settings file, never the user's.
    desk.context.config = replace(
        desk.context.config, config_file=Path(os.environ["RECEPTION_CONFIG"])
    )
    _log_in(qtbot, desk, username)
    row = [key for key, _spec, _title in SCREENS].index("supervisor")
    qtbot.keyClick(
        desk.window.navigation, Qt.Key(Qt.Key.Key_1 + row), Qt.KeyboardModifier.AltModifier
    )
    screen = desk.window.screens["supervisor"]
    assert isinstance(screen, SupervisorScreen)
    return screen


def _save_to(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    """The save dialog answers as if the supervisor chose ``path`` (a stand-in: a modal
    dialog would wait for a person)."""

    def chosen(*_args: object, **_kwargs: object) -> tuple[str, str]:
        return str(path), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(chosen))


def test_the_live_view_follows_a_clerks_call(qtbot: QtBot, desk: Desk) -> None:
    screen = open_supervisor(qtbot, desk)
    live = screen.live
    core = desk.context.require_core()
    for _ in range(3):
        queue.issue_ticket(core, queue.KIOSK, "registration_stay")
    qtbot.waitUntil(lambda: live.view is not None and live.view.waiting == 3, timeout=WAIT_MS)
    assert live.feed.watching and live.feed.periodic_ms == 0  # change notices only
    assert "3 tickets" in live.summary.text()
    assert [row.waiting for row in live.services.rows if row.prefix == "A"] == [3]

    # The clerk calls at another program's pace: straight through the core, so only the
    # queue's change watcher can tell this screen.
    clerk = demo_actor(core, "clerk")
    with qtbot.waitSignal(
        live.sig_loaded,
        timeout=WAIT_MS,
        check_params_cb=lambda view: _counter_activity(view, 1) is Activity.CALLED,
    ):
        called = queue.call_next(core, clerk, 1).value
    assert called is not None
    view = live.view
    assert view is not None and view.waiting == 2
    counter = next(row for row in live.counters.rows if row.number == 1)
    assert (counter.clerk_name, counter.ticket_number) == ("clerk", called.number)
    assert live.alert_list.item(0).text() == "No alerts."


def _counter_activity(view: LiveView, number: int) -> Activity | None:
    return next((c.activity for c in view.counters if c.number == number), None)


def _summary_of_a_ticket(qtbot: QtBot, desk: Desk) -> tuple[SummaryWidget, SummaryPreview]:
    """Today's summary, with one ticket issued, opened in its preview with its pages shown."""
    queue.issue_ticket(desk.context.require_core(), queue.KIOSK, "registration_stay")
    screen = open_supervisor(qtbot, desk)
    summary = screen.summary
    screen.tabs.setCurrentWidget(summary)
    with qtbot.waitSignal(summary.sig_preview_opened, timeout=20_000) as opened:
        qtbot.mouseClick(summary.buttons["preview"], Qt.MouseButton.LeftButton)
    preview = opened.args[0]
    assert isinstance(preview, SummaryPreview)
    qtbot.waitUntil(lambda: preview.shown_pages() > 0, timeout=WAIT_MS)
    return summary, preview


def test_the_summary_is_previewed_and_saved(
    qtbot: QtBot, desk: Desk, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    summary, preview = _summary_of_a_ticket(qtbot, desk)
    assert preview.summary.queue.issued == 1
    preview.reject()

    pdf = tmp_path / "day.pdf"
    _save_to(monkeypatch, pdf)
    with qtbot.waitSignal(summary.sig_saved, timeout=20_000):
        qtbot.mouseClick(summary.buttons["save"], Qt.MouseButton.LeftButton)
    assert len(PdfReader(pdf).pages) >= 1

    # A week, as CSV: the range runs Monday to Sunday around the chosen day.
    summary.period.setCurrentIndex(summary.period.findData("week"))
    first, last = summary.chosen_period()
    assert (last - first).days == 6 and first.weekday() == 0
    table = tmp_path / "week.csv"
    _save_to(monkeypatch, table)
    with qtbot.waitSignal(summary.sig_saved, timeout=20_000):
        qtbot.mouseClick(summary.buttons["save"], Qt.MouseButton.LeftButton)
    text = table.read_bytes().decode("utf-8-sig")
    assert first.strftime("%d.%m.%Y") in text
    assert list(csv.reader(io.StringIO(text)))  # a file spreadsheets read
    assert not summary.progress.isVisible()


def test_users_and_the_target_wait_are_managed(qtbot: QtBot, desk: Desk) -> None:
    screen = open_supervisor(qtbot, desk)
    office = screen.office
    screen.tabs.setCurrentWidget(office)
    qtbot.waitUntil(lambda: len(office.users.rows) == 3, timeout=WAIT_MS)

    type_text(qtbot, office.username, "leyla")
    type_text(qtbot, office.full_name, "Leyla Quliyeva")
    type_text(qtbot, office.password, "a long enough password 7")
    with qtbot.waitSignal(office.sig_done, timeout=WAIT_MS) as done:
        qtbot.mouseClick(office.buttons["create"], Qt.MouseButton.LeftButton)
    created = done.args[1]
    assert (created.username, created.role.value, created.active) == ("leyla", "clerk", True)
    qtbot.waitUntil(lambda: len(office.users.rows) == 4, timeout=WAIT_MS)

    row = [u.username for u in office.users.rows].index("leyla")
    office.user_table.selectRow(row)
    with qtbot.waitSignal(office.sig_done, timeout=WAIT_MS) as done:
        qtbot.mouseClick(office.buttons["active"], Qt.MouseButton.LeftButton)
    assert done.args[1].active is False
    qtbot.waitUntil(
        lambda: not next(u for u in office.users.rows if u.username == "leyla").active,
        timeout=WAIT_MS,
    )

    qtbot.waitUntil(lambda: office.target_wait.value() == 15, timeout=WAIT_MS)
    office.target_wait.setValue(20)
    assert office.level_min_called.value() == 5  # the default: the live view's alert waits
    office.level_min_called.setValue(12)
    with qtbot.waitSignal(office.sig_done, timeout=WAIT_MS):
        qtbot.mouseClick(office.buttons["rules"], Qt.MouseButton.LeftButton)
    core = desk.context.require_core()
    rules, alerts = settings.office_rules(core, demo_actor(core, "supervisor"))
    assert alerts.service_level_min_called == 12
    assert rules.target_wait_minutes == 20
    # The live view reads the new target on the change notice.
    qtbot.waitUntil(
        lambda: screen.live.view is not None and screen.live.view.target_wait_minutes == 20,
        timeout=WAIT_MS,
    )


def test_a_clerk_is_refused_every_action_by_the_core(
    qtbot: QtBot, desk: Desk, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    screen = open_supervisor(qtbot, desk, "clerk")
    assert screen.note.isVisibleTo(screen)
    qtbot.waitUntil(lambda: REFUSED in screen.live.summary.text(), timeout=WAIT_MS)
    assert screen.live.view is None and not screen.live.feed.watching

    office, devices, summary = screen.office, screen.devices, screen.summary
    type_text(qtbot, office.username, "intruder")
    type_text(qtbot, office.full_name, "Not Allowed")
    type_text(qtbot, office.password, "a long enough password 7")
    actions = [
        (office.sig_refused, office.buttons["create"]),
        (office.sig_refused, office.buttons["rules"]),
        (devices.sig_refused, devices.buttons["add_counter"]),
        (devices.sig_refused, devices.buttons["devices"]),
    ]
    for signal, button in actions:
        with qtbot.waitSignal(signal, timeout=WAIT_MS) as refused:
            qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        assert REFUSED in refused.args[0], button.accessibleName()

    _save_to(monkeypatch, tmp_path / "summary.pdf")
    qtbot.mouseClick(summary.buttons["save"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: REFUSED in summary.error.text(), timeout=WAIT_MS)
    assert not (tmp_path / "summary.pdf").exists()
    core = desk.context.require_core()
    listed = users.list_users(core, demo_actor(core, "supervisor"))
    assert "intruder" not in [user.username for user in listed]


def test_a_card_printer_is_calibrated_with_its_test_card(
    qtbot: QtBot,
    desk: Desk,
    private_cups: PrivateCups,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CUPS_SERVER", private_cups.server)
    queue_ = private_cups.add_pdf_queue("Card_Calibration_1")
    screen = open_supervisor(qtbot, desk)
    calibration = screen.calibration
    screen.tabs.setCurrentWidget(calibration)
    calibration.refresh()
    qtbot.waitUntil(lambda: calibration.printer.findData(queue_.name) >= 0, timeout=WAIT_MS)
    calibration.printer.setCurrentIndex(calibration.printer.findData(queue_.name))
    with qtbot.waitSignal(calibration.sig_printed, timeout=WAIT_MS) as printed:
        qtbot.mouseClick(calibration.print_button, Qt.MouseButton.LeftButton)
    card = private_cups.wait_for_output(queue_, printed.args[0].job_id)
    assert card.read_bytes().startswith(b"%PDF")
    calibration.x_mm.setValue(0.6)
    calibration.y_mm.setValue(-0.4)
    with qtbot.waitSignal(calibration.sig_saved, timeout=WAIT_MS):
        qtbot.mouseClick(calibration.save_button, Qt.MouseButton.LeftButton)
    offset = card_offset(desk.context.config, queue_.name)
    assert (offset.x_mm, offset.y_mm) == (0.6, -0.4)
    # Kept in this computer's settings file, read again on the next start.
    assert (
        card_offset(load_config(config_file=os.environ["RECEPTION_CONFIG"]), queue_.name) == offset
    )


def test_a_printed_summary_is_in_the_print_log(
    qtbot: QtBot, desk: Desk, private_cups: PrivateCups, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CUPS_SERVER", private_cups.server)
    queue_ = private_cups.add_pdf_queue("Office_A4_1")
    core = desk.context.require_core()
    _summary, preview = _summary_of_a_ticket(qtbot, desk)
    preview.printer.setCurrentText(queue_.name)
    with qtbot.waitSignal(preview.sig_printed, timeout=20_000) as printed:
        qtbot.mouseClick(preview.print_button, Qt.MouseButton.LeftButton)
    entry = printed.args[0]
    assert isinstance(entry, PrintEntry)
    assert (entry.kind, entry.result, entry.printer) == (
        PrintKind.SUMMARY,
        PrintResult.SENT,
        queue_.name,
    )
    assert entry.actor_name == "supervisor" and entry.reprint == 0
    day = preview.summary.first_day.strftime("%d.%m.%Y")
    assert entry.number.endswith(day)
    assert private_cups.wait_for_output(queue_, entry.job_id).read_bytes().startswith(b"%PDF")
    logged = print_log.list_prints(
        core, demo_actor(core, "supervisor"), kind=PrintKind.SUMMARY, limit=10
    )
    assert [line.id for line in logged] == [entry.id]
