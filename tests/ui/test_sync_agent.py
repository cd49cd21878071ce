"""The sync agent and its status bar against the real central server on a loopback port: F9
sends what waits; the centre's decision reaches the Applications screen; with the centre down
the desk says offline, loses nothing and backs off, then syncs by itself once it is back; a long
sync is cancelled with Esc and leaves a consistent state; the refused records are counted for
all and listed for a supervisor only; an administrator enrols the desk in Settings."""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import replace
from datetime import date

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import update

from app.db.models import SyncStateRow
from app.domain.persons import PersonData, Sex
from app.domain.users import Actor
from app.intake.lifecycle import ApplicationState
from app.services import applications, audit, persons
from app.services.core import Core
from app.sync.enrolment import enrol
from app.sync.run import SyncReport
from app.sync.state import sync_status
from tests.server import conftest as server_fixtures
from tests.support.actors import demo_actor
from tests.support.central import CentralServer
from tests.support.submitted import submit_temporary_residence
from tests.ui.conftest import Desk
from tests.ui.keys import press_enter, type_text
from tests.ui.test_login_lock_language import _log_in
from ui.screens.applications import ApplicationsScreen
from ui.screens.settings import SettingsScreen
from ui.sync_agent import SyncAgent, SyncTiming
from ui.widgets.sync_status import SyncStatusWidget

central = server_fixtures.central  # the real server, started as the server tests start it

WAIT_MS = 20_000
NEVER = 3600.0
# Only what a test does starts a sync: F9, or the delay it shortens for the occasion.
QUIET = SyncTiming(period=NEVER, first_delay=NEVER, debounce=NEVER)


def _core(desk: Desk) -> Core:
    return desk.context.require_core()


def _enrol(desk: Desk, central: CentralServer) -> None:
    enrol(
        _core(desk),
        desk.context.config,
        Actor.system("test"),
        server_url=central.url,
        code=central.enrol_code(),
    )


def _start(
    qtbot: QtBot, desk: Desk, username: str = "clerk", timing: SyncTiming = QUIET
) -> SyncStatusWidget:
    desk.window.sync_agent.timing = timing
    # After a logout the login screen keeps the last user name, and a dialog may be in front.
    desk.window.login.username.clear()
    desk.window.activateWindow()
    qtbot.waitUntil(desk.window.isActiveWindow, timeout=WAIT_MS)
    _log_in(qtbot, desk, username)
    widget = desk.window.status.sync
    qtbot.waitUntil(lambda: widget.agent.state.status is not None, timeout=WAIT_MS)
    return widget


def _press_f9(qtbot: QtBot, desk: Desk) -> None:
    # F9 belongs to the main window: the progress dialog of an earlier sync may be in front.
    desk.window.activateWindow()
    qtbot.waitUntil(desk.window.isActiveWindow, timeout=WAIT_MS)
    qtbot.keyClick(desk.window, Qt.Key.Key_F9)


def _sync(qtbot: QtBot, desk: Desk) -> SyncReport:
    with qtbot.waitSignal(desk.window.sync_agent.sig_finished, timeout=WAIT_MS) as finished:
        _press_f9(qtbot, desk)
    report = finished.args[0]
    assert isinstance(report, SyncReport)
    return report


def _stats(central: CentralServer) -> dict[str, int]:
    return dict(json.loads(central.command("stats", "--json")))


def test_f9_sends_what_waits_and_new_records_follow_by_themselves(
    qtbot: QtBot, desk: Desk, central: CentralServer
) -> None:
    _enrol(desk, central)
    core = _core(desk)
    clerk = demo_actor(core, "clerk")
    submit_temporary_residence(core, clerk)
    pending = sync_status(core).pending
    assert pending > 0
    # The last sync found this computer's clock ten minutes behind the centre's.
    with core.database.writing() as session:
        session.execute(update(SyncStateRow).values(clock_offset_seconds=600.0))
    widget = _start(qtbot, desk)
    assert widget.isVisible()
    assert widget.pending.text() == f"{pending} waiting"
    assert widget.link.text() == "Centre: not synced yet"
    assert widget.last.text() == "Never synced"
    assert widget.clock.isVisible() and "10 minutes behind" in widget.clock.toolTip()

    report = _sync(qtbot, desk)
    assert report.push.sent == pending and not report.cancelled
    assert widget.pending.text() == "0 waiting"
    assert widget.link.text() == "Online"
    assert re.fullmatch(r"Last sync \d\d:\d\d", widget.last.text())
    assert widget.progress is not None and not widget.progress.isVisible()
    assert not widget.clock.isVisible()  # measured again: the clocks agree
    assert desk.window.statusBar().currentMessage().startswith(f"Synced: {pending} records sent")
    assert _stats(central)["records"] == pending

    # A record saved through the desk goes up a moment later, without F9.
    agent = desk.window.sync_agent
    agent.timing = replace(QUIET, debounce=0.2)
    data = PersonData(
        surname="QULIYEV",
        given_names="ORXAN",
        birth_date=date(1988, 5, 2),
        sex=Sex.MALE,
        nationality="TUR",
    )
    with qtbot.waitSignal(agent.sig_finished, timeout=WAIT_MS) as finished:
        desk.context.ops.mutate(persons.create_person, core, clerk, data, force=True).run()
    assert finished.args[0].push.sent > 0
    assert sync_status(core).pending == 0
    assert widget.pending.text() == "0 waiting"


def test_a_decision_made_at_the_centre_reaches_the_applications_screen(
    qtbot: QtBot, desk: Desk, central: CentralServer
) -> None:
    _enrol(desk, central)
    core = _core(desk)
    clerk = demo_actor(core, "clerk")
    application = submit_temporary_residence(core, clerk)
    _start(qtbot, desk)
    _sync(qtbot, desk)
    central.command("decide", application.number or "", "approve")
    screen = desk.window.show_screen("applications")
    assert isinstance(screen, ApplicationsScreen)

    def shown_state() -> ApplicationState | None:
        return next((r.state for r in screen.model.rows if r.id == application.id), None)

    qtbot.waitUntil(lambda: shown_state() is not None, timeout=WAIT_MS)
    assert shown_state() is not ApplicationState.APPROVED

    report = _sync(qtbot, desk)
    assert report.pull is not None and report.pull.applied >= 2
    # The screen refreshes on the change notice the agent announces.
    qtbot.waitUntil(lambda: shown_state() is ApplicationState.APPROVED, timeout=WAIT_MS)
    decided = applications.get_application(core, clerk, application.id)
    assert decided.state is ApplicationState.APPROVED


def test_offline_loses_nothing_backs_off_and_syncs_once_the_centre_is_back(
    qtbot: QtBot, desk: Desk, central: CentralServer
) -> None:
    _enrol(desk, central)
    core = _core(desk)
    submit_temporary_residence(core, demo_actor(core, "clerk"))
    pending = sync_status(core).pending
    widget = _start(qtbot, desk)
    agent = widget.agent
    # Short backoffs, so that the retries happen during the test; their growth is the same.
    agent.timing = replace(QUIET, first_backoff=0.2, max_backoff=5.0)
    central.stop()

    delays: list[float | None] = []
    agent.sig_failed.connect(lambda _message: delays.append(agent.next_delay))
    with qtbot.waitSignal(agent.sig_failed, timeout=WAIT_MS) as failed:
        _press_f9(qtbot, desk)
    assert "centre" in failed.args[0]
    assert widget.link.text() == "Offline"
    assert widget.link.toolTip() == failed.args[0]
    # Sync now shows why, until the clerk closes it.
    assert widget.progress is not None and widget.progress.isVisible()
    assert widget.progress.message.text() == failed.args[0]
    qtbot.keyClick(widget.progress, Qt.Key.Key_Escape)
    assert not widget.progress.isVisible()

    # The agent tries again by itself, each time after a longer wait.
    qtbot.waitUntil(lambda: len(delays) >= 3, timeout=WAIT_MS)
    for failures, delay in enumerate(delays[:3], start=1):
        nominal = agent.timing.backoff(failures)
        assert delay is not None and 0.8 * nominal <= delay <= nominal
    assert delays[0] < delays[1] < delays[2]  # type: ignore[operator]
    assert agent.failures >= 3
    assert sync_status(core).pending == pending  # nothing lost: it waits
    assert widget.pending.text() == f"{pending} waiting"
    assert widget.link.text() in ("Offline", "Syncing…")

    with qtbot.waitSignal(agent.sig_finished, timeout=WAIT_MS) as finished:
        central.start()
    assert finished.args[0].push.sent == pending
    assert agent.failures == 0
    assert widget.link.text() == "Online"
    assert widget.pending.text() == "0 waiting"
    assert agent.next_delay is not None and agent.next_delay > 0.5 * NEVER  # back to the period
    assert _stats(central)["records"] == pending


def test_esc_cancels_a_long_sync_and_leaves_a_consistent_state(
    qtbot: QtBot, desk: Desk, central: CentralServer
) -> None:
    _enrol(desk, central)
    core = _core(desk)
    # A long outbox, queued straight: the audit chain of each record would only slow the test.
    with core.changing(Actor.system("test")) as tx:
        for number in range(3000):  # six batches
            audit.queue_outbox(
                tx.session,
                seq=1_000_000 + number,
                at=core.clock.now(),
                desk_id=core.desk_id,
                entity="setting",
                entity_id=f"test-{number}",
                operation="setting.changed",
                payload={"value": number},
            )
    total = sync_status(core).pending
    widget = _start(qtbot, desk)
    agent = widget.agent

    def batch_done(fraction: float | None, _message: str) -> bool:
        return fraction is not None

    with qtbot.waitSignal(agent.sig_progress, timeout=WAIT_MS, check_params_cb=batch_done):
        _press_f9(qtbot, desk)
    assert widget.progress is not None and widget.progress.isVisible()
    with qtbot.waitSignal(agent.sig_finished, timeout=WAIT_MS) as finished:
        qtbot.keyClick(widget.progress, Qt.Key.Key_Escape)
        assert not widget.progress.isVisible()  # at once; the sync stops at its next check
    report = finished.args[0]
    assert report.cancelled and report.pull is None
    assert 0 < report.push.sent < total
    # What the centre acknowledged is marked sent; the rest waits, none of it twice.
    left = sync_status(core).pending
    assert left == total - report.push.sent
    assert _stats(central)["records"] == report.push.sent
    assert widget.pending.text() == f"{left} waiting"
    assert widget.link.text() == "Online"
    assert (
        desk.window.statusBar()
        .currentMessage()
        .startswith(f"Sync cancelled: {report.push.sent} records sent")
    )

    again = _sync(qtbot, desk)
    assert again.push.sent == left and not again.cancelled
    assert sync_status(core).pending == 0
    assert _stats(central)["records"] == total


def test_refused_records_are_counted_for_all_and_listed_for_a_supervisor(
    qtbot: QtBot, desk: Desk, central: CentralServer
) -> None:
    _enrol(desk, central)
    core = _core(desk)
    hologram = str(uuid.uuid4())
    with core.changing(Actor.system("test")) as tx:
        # A kind of record the centre does not take: a desk newer than its server.
        tx.record(
            action="hologram.made", entity="hologram", entity_id=hologram, before=None, after={}
        )
    widget = _start(qtbot, desk, "clerk")
    assert not widget.refused.isVisible()
    assert _sync(qtbot, desk).push.quarantined == 1
    assert widget.refused.isVisible() and widget.refused.text() == "1 refused"

    with qtbot.waitSignal(widget.sig_quarantine_opened, timeout=WAIT_MS) as opened:
        qtbot.mouseClick(widget.refused, Qt.MouseButton.LeftButton)
    dialog = opened.args[0]
    qtbot.waitUntil(dialog.error.isVisible, timeout=WAIT_MS)
    assert dialog.error.text().startswith("Your role does not allow this")
    assert dialog.model.rows == [] and not dialog.table.isVisible()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()

    desk.window.log_out()
    widget = _start(qtbot, desk, "supervisor")
    qtbot.waitUntil(widget.refused.isVisible, timeout=WAIT_MS)
    with qtbot.waitSignal(widget.sig_quarantine_opened, timeout=WAIT_MS) as opened:
        qtbot.mouseClick(widget.refused, Qt.MouseButton.LeftButton)
    dialog = opened.args[0]
    qtbot.waitUntil(lambda: len(dialog.model.rows) == 1, timeout=WAIT_MS)
    (record,) = dialog.model.rows
    assert record.entity == "hologram" and record.entity_id == hologram
    assert "hologram" in record.reason
    assert not dialog.error.isVisible()


def test_an_administrator_enrols_the_desk_in_settings(
    qtbot: QtBot, desk: Desk, central: CentralServer
) -> None:
    # A clerk sees that the desk is not enrolled, and no form.
    widget = _start(qtbot, desk, "clerk")
    qtbot.waitUntil(lambda: widget.link.text() == "Centre: not enrolled", timeout=WAIT_MS)
    screen = desk.window.show_screen("settings")
    assert isinstance(screen, SettingsScreen)
    box = screen.enrolment
    qtbot.waitUntil(lambda: "An administrator enrols it" in box.state.text(), timeout=WAIT_MS)
    assert not box.server.isVisible()
    desk.window.log_out()

    widget = _start(qtbot, desk, "admin", timing=replace(QUIET, first_delay=0.2))
    agent: SyncAgent = widget.agent
    qtbot.waitUntil(lambda: widget.link.text() == "Centre: not enrolled", timeout=WAIT_MS)
    assert not agent.running and agent.next_delay is None  # idle: nothing to sync with
    _press_f9(qtbot, desk)
    assert "not enrolled" in desk.window.statusBar().currentMessage()

    screen = desk.window.show_screen("settings")
    assert isinstance(screen, SettingsScreen)
    box = screen.enrolment
    qtbot.waitUntil(box.server.isVisible, timeout=WAIT_MS)
    type_text(qtbot, box.server, central.url)
    press_enter(qtbot, box.server)
    assert box.code.hasFocus()
    type_text(qtbot, box.code, "aaaa-bbbb-cccc-dddd")
    with qtbot.waitSignal(box.sig_refused, timeout=WAIT_MS) as refused:
        press_enter(qtbot, box.code)
    assert "Ask the centre for a new code" in refused.args[0]
    assert box.error.text() == refused.args[0]

    box.code.clear()
    type_text(qtbot, box.code, central.enrol_code())
    # Enrolled, the agent makes its first sync of the session by itself.
    with qtbot.waitSignal(agent.sig_finished, timeout=WAIT_MS):
        press_enter(qtbot, box.code)
    assert widget.link.text() == "Online"
    assert re.fullmatch(r"Last sync \d\d:\d\d", widget.last.text())
    qtbot.waitUntil(lambda: box.state.text().startswith("Enrolled with"), timeout=WAIT_MS)
    assert central.url in box.state.text() and "AGS" in box.state.text()
    assert not box.server.isVisible()
    status = sync_status(_core(desk))
    assert status.enrolment is not None and status.enrolment.server_url == central.url
