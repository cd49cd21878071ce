"""The supervisor's live view on a real database: a day with tickets, calls and a pause; the
alerts (kiosk printer, overdue sync, a service under its level); and a clerk refused."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from app.bootstrap import Started
from app.clock import ManualClock
from app.db.models import SyncStateRow
from app.domain.prints import PrintKind, PrintResult
from app.domain.queue import PauseReason, QueuePolicy
from app.domain.users import Actor
from app.errors import PermissionDeniedError
from app.services import live_view, print_log, queue, queue_counters, settings
from app.services.live_view import Activity, AlertKind
from app.services.setup import DemoSetup

REGISTRATION = "registration_stay"  # A: counters 1 and 2
EXTENSION = "stay_extension"  # B: counter 1


def _issue(started: Started, code: str = REGISTRATION) -> uuid.UUID:
    return queue.issue_ticket(started.core, queue.KIOSK, code).value.id


def test_a_day_with_calls_and_a_pause(
    started: Started,
    demo: DemoSetup,
    clock: ManualClock,
    clerk: Actor,
    supervisor: Actor,
) -> None:
    core = started.core
    for _ in range(4):
        _issue(started)
    _issue(started, EXTENSION)
    clock.advance(timedelta(minutes=6))
    called = queue.call_next(core, clerk, 1).value
    assert called is not None
    queue.start_service(core, clerk, called.id)
    queue_counters.pause(core, supervisor, 2, PauseReason.LUNCH)
    clock.advance(timedelta(minutes=1))

    view = live_view.live_view(core, supervisor)
    counters = {c.number: c for c in view.counters}
    assert counters[1].activity is Activity.SERVING
    assert (counters[1].clerk_name, counters[1].ticket_number) == ("clerk", called.number)
    assert counters[2].activity is Activity.PAUSED
    assert counters[2].pause_reason is PauseReason.LUNCH
    assert counters[3].activity is Activity.CLOSED
    services = {s.code: s for s in view.services}
    assert services[REGISTRATION].waiting == 3
    assert services[REGISTRATION].longest_wait_seconds == 7 * 60
    assert services[EXTENSION].waiting == 1
    assert view.waiting == 4 and view.longest_wait_seconds == 7 * 60
    assert view.measures.overall.issued == 5 and view.measures.overall.called == 1
    assert services[REGISTRATION].service_level == 1.0  # called after 6 min, the target is 15
    assert view.alerts == ()

    queue.end_service(core, clerk, called.id)
    after = live_view.live_view(core, supervisor)
    assert {c.number: c for c in after.counters}[1].activity is Activity.IDLE
    assert after.version > view.version
    assert {s.code: s for s in after.services}[REGISTRATION].served_today == 1


def test_alerts_kiosk_printer_sync_and_service_level(
    started: Started,
    demo: DemoSetup,
    clock: ManualClock,
    clerk: Actor,
    supervisor: Actor,
) -> None:
    core = started.core
    # Five visitors called 20 minutes after they came: the target is 15.
    for _ in range(5):
        _issue(started)
    clock.advance(timedelta(minutes=20))
    for _ in range(5):
        ticket = queue.call_next(core, clerk, 1).value
        assert ticket is not None
        queue.mark_no_show(core, clerk, ticket.id)
    # The kiosk's last ticket did not print.
    printed = _issue(started)
    print_log.record_print(
        core,
        queue.KIOSK,
        kind=PrintKind.TICKET,
        record_id=printed,
        number="A006",
        printer="kiosk-roll",
        copies=1,
        result=PrintResult.FAILED,
        reason="Out of paper.",
    )
    # Enrolled with the centre, last synchronised nine hours ago.
    now = clock.now()
    with core.database.writing() as session:
        session.add(
            SyncStateRow(
                id=1,
                server_url="https://centre.example",
                remote_desk_id=uuid.uuid4(),
                office_code="AGS",
                enrolled_at=now - timedelta(days=3),
                feed_cursor=0,
                last_push_at=now - timedelta(hours=9),
                last_pull_at=now - timedelta(hours=9),
                clock_offset_seconds=0.0,
            )
        )

    alerts = {a.kind: a for a in live_view.live_view(core, supervisor).alerts}
    assert set(alerts) == {AlertKind.KIOSK_PRINTER, AlertKind.SYNC_OVERDUE, AlertKind.SERVICE_LEVEL}
    assert "Out of paper." in alerts[AlertKind.KIOSK_PRINTER].message
    assert "9 hours" in alerts[AlertKind.SYNC_OVERDUE].message
    assert alerts[AlertKind.SERVICE_LEVEL].subject == REGISTRATION
    assert "0%" in alerts[AlertKind.SERVICE_LEVEL].message
    assert {a.kind for a in live_view.live_alerts(core, supervisor)} == set(alerts)

    # A looser target takes the service's alert away: the level follows the office's rules.
    settings.set_queue_policy(core, supervisor, QueuePolicy(target_wait_minutes=30))
    kinds = {a.kind for a in live_view.live_view(core, supervisor).alerts}
    assert AlertKind.SERVICE_LEVEL not in kinds


def test_a_clerk_is_refused(started: Started, demo: DemoSetup, clerk: Actor) -> None:
    with pytest.raises(PermissionDeniedError):
        live_view.live_view(started.core, clerk)
    with pytest.raises(PermissionDeniedError):
        live_view.live_alerts(started.core, clerk)
    with pytest.raises(PermissionDeniedError):
        settings.set_alert_policy(started.core, clerk, settings.AlertPolicy())
    with pytest.raises(PermissionDeniedError):
        queue_counters.set_counter_services(started.core, clerk, 3, [REGISTRATION])
    with pytest.raises(PermissionDeniedError):
        queue_counters.list_counters(started.core, clerk)


def test_a_supervisor_sets_a_counters_services(
    started: Started, demo: DemoSetup, supervisor: Actor
) -> None:
    core = started.core
    changed = queue_counters.set_counter_services(core, supervisor, 3, [EXTENSION, REGISTRATION])
    assert changed.value.service_codes == (EXTENSION, REGISTRATION)
    number = queue_counters.next_counter_number(core, supervisor)
    queue_counters.set_counter_services(core, supervisor, number, [REGISTRATION])
    listed = {c.number: c.service_codes for c in queue_counters.list_counters(core, supervisor)}
    assert listed[3] == (EXTENSION, REGISTRATION) and listed[number] == (REGISTRATION,)
