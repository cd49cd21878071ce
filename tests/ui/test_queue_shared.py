"""Shared office mode on the session's real PostgreSQL: a call made at one desk shows on the
waiting-room display (another program, its own connection) within a second, through LISTEN/
NOTIFY; and a desk that loses the database says so plainly, keeps trying, and calls nothing
until it is back."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from dataclasses import replace

import psycopg
import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.bootstrap import start_core
from app.clock import ManualClock
from app.config import Config
from app.services import queue, setup
from tests.support.postgres import PostgresCluster
from tests.support.queue_ui import open_queue, own_desk, press
from tests.ui.conftest import Desk, open_desk
from ui.display.announcer import Announcer
from ui.display.window import DisplayWindow

pytestmark = pytest.mark.postgres
WAIT_MS = 20_000


@pytest.fixture
def office_db(
    pg_cluster: PostgresCluster, config: Config, clock: ManualClock
) -> tuple[Config, dict[str, str], str]:
    """The demo office on a fresh database of the session's cluster: its config, passwords
    and the database's name."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    shared = replace(config, database_url=pg_cluster.create_database(name), language="en")
    started = start_core(shared, clock=clock)
    demo = setup.initialize_demo(started.core).value
    started.core.database.dispose()
    return shared, {user: password for user, _role, password in demo.passwords}, name


@pytest.fixture
def shared_desk(qtbot: QtBot, office_db: tuple[Config, dict[str, str], str]) -> Iterator[Desk]:
    config, passwords, _name = office_db
    window, context = open_desk(qtbot, config)
    yield Desk(window, context, passwords)
    context.ops.shutdown()
    if context.core is not None:
        context.core.database.dispose()


def _admin(cluster: PostgresCluster, sql: str) -> None:
    dsn = f"host=127.0.0.1 port={cluster.port} user=postgres dbname=postgres"
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute(sql)  # type: ignore[arg-type]


def test_a_call_at_one_desk_is_on_the_display_within_a_second(
    qtbot: QtBot, shared_desk: Desk, office_db: tuple[Config, dict[str, str], str]
) -> None:
    config = office_db[0]
    with own_desk(config) as display_context:
        display = DisplayWindow(display_context, announcer=Announcer(("en",), audio=False))
        qtbot.addWidget(display)
        display.show()
        with qtbot.waitSignal(display.sig_shown, timeout=WAIT_MS):
            display.start()
        qtbot.waitUntil(lambda: display.feed.watching, timeout=WAIT_MS)
        assert display_context.require_core().database.dialect == "postgresql"

        panel = open_queue(qtbot, shared_desk, counter=3)
        core = shared_desk.context.require_core()
        for _ in range(3):
            queue.issue_ticket(core, queue.KIOSK, "work_permit")
        qtbot.waitUntil(lambda: len(panel.waiting.rows) == 3, timeout=WAIT_MS)

        for expected in ("E001", "E002", "E003"):
            qtbot.waitUntil(panel.buttons["next"].isEnabled, timeout=WAIT_MS)
            pressed = time.monotonic()
            with qtbot.waitSignal(display.sig_called, timeout=WAIT_MS) as called:
                press(qtbot, panel, Qt.Key.Key_F5)
            shown_after = time.monotonic() - pressed
            assert called.args[0].number == expected and called.args[0].counter_number == 3
            assert shown_after < 1.0, f"{expected} took {shown_after:.3f} s to reach the display"
            assert display.current_calls()[0] == (expected, 3)
            qtbot.waitUntil(lambda: panel.current() is not None, timeout=WAIT_MS)
            press(qtbot, panel, Qt.Key.Key_F7, shift=True)  # not come: the counter is free


def test_a_lost_database_is_shown_plainly_and_nothing_is_called_until_it_is_back(
    qtbot: QtBot,
    shared_desk: Desk,
    office_db: tuple[Config, dict[str, str], str],
    pg_cluster: PostgresCluster,
) -> None:
    _config, _passwords, name = office_db
    panel = open_queue(qtbot, shared_desk, counter=1)
    queue.issue_ticket(shared_desk.context.require_core(), queue.KIOSK, "registration_stay")
    qtbot.waitUntil(lambda: len(panel.waiting.rows) == 1, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: panel.feed.watching, timeout=WAIT_MS)

    # The office's server refuses the desk: every connection of this database is cut.
    _admin(pg_cluster, f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
    _admin(
        pg_cluster,
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        f"WHERE datname = '{name}' AND pid <> pg_backend_pid()",
    )
    try:
        qtbot.waitUntil(lambda: panel.banner.isVisibleTo(panel), timeout=WAIT_MS)
        assert "connection to the office's database was lost" in panel.banner.text()
        assert not panel.buttons["next"].isEnabled()
        press(qtbot, panel, Qt.Key.Key_F5)  # refused on the spot: nothing is sent
        assert panel.current() is None
    finally:
        _admin(pg_cluster, f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')

    # Back: the banner goes by itself, and F5 calls the one waiting ticket, once.
    qtbot.waitUntil(lambda: not panel.banner.isVisibleTo(panel), timeout=WAIT_MS)
    qtbot.waitUntil(panel.buttons["next"].isEnabled, timeout=WAIT_MS)
    with qtbot.waitSignal(panel.sig_acted, timeout=WAIT_MS) as acted:
        press(qtbot, panel, Qt.Key.Key_F5)
    assert acted.args[1].number == "A001"
    qtbot.waitUntil(lambda: panel.current() is not None, timeout=WAIT_MS)
    assert panel.waiting.rows == []
