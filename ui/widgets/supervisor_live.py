"""The supervisor's live view: each service's queue, each counter and its clerk, today's
measures and the alerts.

It reloads when the queue changes, here or at any desk of the office (:class:`QueueFeed`,
without its periodic reload). What time alone changes is handled apart, without reading the
queue again: the waits shown grow by the clock between two reloads, and the alerts no queue
change announces (a kiosk's printer, the link to the centre) are read alone, now and then.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from enum import Enum
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QLabel, QListWidget, QVBoxLayout, QWidget
from shiboken6 import isValid

from app.domain.changes import Changes, Topic
from app.i18n import _
from app.services import live_view
from app.services.live_view import Activity, Alert, CounterLive, LiveView, ServiceLive
from ui.context import DeskContext
from ui.models.table import ColumnSpec, DataclassTableModel, record_table
from ui.ops import describe_error
from ui.queue_feed import QueueFeed
from ui.widgets.banner import Banner

if TYPE_CHECKING:
    from app.services.core import Core

ALERTS_MS = 60_000  # the alerts alone, read again: a sync grows overdue with no notice
TICK_MS = 15_000  # the waits shown move on with the clock, from the last reload


def _minutes(seconds: float | None) -> str:
    return "" if seconds is None else str(int(seconds // 60))


def _percent(share: float | None) -> str:
    return "" if share is None else f"{round(share * 100)}%"


def _service(
    header: Callable[[], str], value: Callable[[ServiceLive], Any], right: bool = False
) -> ColumnSpec[ServiceLive]:
    return ColumnSpec(header, value, right)


def _counter(
    header: Callable[[], str], value: Callable[[CounterLive], Any], right: bool = False
) -> ColumnSpec[CounterLive]:
    return ColumnSpec(header, value, right)


def describe_activity(counter: CounterLive) -> str:
    text = counter.activity.label
    if counter.activity is Activity.PAUSED and counter.pause_reason is not None:
        text += f" · {counter.pause_reason.label} {counter.pause_note}".rstrip()
    return text


class ServiceLiveColumn(Enum):
    PREFIX = _service(lambda: _("Letter"), lambda r: r.prefix)
    SERVICE = _service(lambda: _("Service"), lambda r: r.display_name)
    WAITING = _service(lambda: _("Waiting"), lambda r: r.waiting, True)
    PRIORITY = _service(lambda: _("Priority"), lambda r: r.priority_waiting, True)
    LONGEST = _service(
        lambda: _("Longest wait, min"), lambda r: _minutes(r.longest_wait_seconds), True
    )
    OPEN = _service(lambda: _("Open counters"), lambda r: r.open_counters, True)
    SERVED = _service(lambda: _("Served today"), lambda r: r.served_today, True)
    LEVEL = _service(lambda: _("Within target"), lambda r: _percent(r.service_level), True)


class CounterLiveColumn(Enum):
    NUMBER = _counter(lambda: _("Counter"), lambda r: r.number, True)
    CLERK = _counter(lambda: _("Clerk"), lambda r: r.clerk_name or "")
    ACTIVITY = _counter(lambda: _("Now"), describe_activity)
    TICKET = _counter(lambda: _("Ticket"), lambda r: r.ticket_number or "")
    SINCE = _counter(
        lambda: _("For, min"),
        lambda r: (
            _minutes(max(0.0, (datetime.now(UTC) - r.since).total_seconds())) if r.since else ""
        ),
        True,
    )
    SERVED = _counter(lambda: _("Served today"), lambda r: r.served_today, True)
    IDLE = _counter(lambda: _("Idle today, min"), lambda r: _minutes(r.idle_seconds), True)


def measures_text(view: LiveView) -> str:
    overall = view.measures.overall
    return _(
        "Today: {issued} tickets, {served} served, {no_shows} not come, {waiting} waiting. "
        "Average wait {average} min; called within {target} min: {level}."
    ).format(
        issued=overall.issued,
        served=overall.served,
        no_shows=overall.no_shows,
        waiting=view.waiting,
        average=_minutes(overall.average_wait) or "—",
        target=view.target_wait_minutes,
        level=_percent(overall.service_level) or "—",
    )


class LiveViewWidget(QWidget):
    sig_loaded = Signal(object)  # LiveView
    sig_alerts_changed = Signal(object)  # tuple[Alert, ...]
    sig_refused = Signal(str)  # the core's message

    def __init__(self, context: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self.view: LiveView | None = None
        self._loaded_at = 0.0  # time.monotonic() of the last reload
        self.alerts: tuple[Alert, ...] = ()
        self.banner = Banner("connection")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("today")
        self.alert_list = QListWidget()
        self.alert_list.setAccessibleName("alerts")
        self.alert_list.setMaximumHeight(110)
        self.services: DataclassTableModel[ServiceLive] = DataclassTableModel(ServiceLiveColumn)
        self.service_table = record_table(self.services, "services now")
        self.counters: DataclassTableModel[CounterLive] = DataclassTableModel(CounterLiveColumn)
        self.counter_table = record_table(self.counters, "counters now")
        self._services_label = QLabel()
        self._counters_label = QLabel()
        self._alerts_label = QLabel()
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.summary)
        layout.addWidget(self._alerts_label)
        layout.addWidget(self.alert_list)
        layout.addWidget(self._services_label)
        layout.addWidget(self.service_table, 1)
        layout.addWidget(self._counters_label)
        layout.addWidget(self.counter_table, 1)
        self.feed = QueueFeed(context, self._load, self, periodic_ms=0)
        self.feed.sig_loaded.connect(self._on_loaded)
        self.feed.sig_connection.connect(self._on_connection)
        self._alerts_timer = QTimer(self)
        self._alerts_timer.setInterval(ALERTS_MS)
        self._alerts_timer.timeout.connect(self.refresh_alerts)
        self._tick = QTimer(self)
        self._tick.setInterval(TICK_MS)
        self._tick.timeout.connect(self._show)
        context.bus.sig_changed.connect(self._on_changed)
        self.retranslate()

    def retranslate(self) -> None:
        self._services_label.setText(_("Queues"))
        self._counters_label.setText(_("Counters and clerks"))
        self._alerts_label.setText(_("Alerts"))
        self.services.retranslate()
        self.counters.retranslate()
        self._show()

    def start(self) -> None:
        user, core = self._context.user, self._context.core
        if user is None or core is None:
            return
        if not user.may(live_view.VIEW):
            # Asked once, for the core's own refusal: following the queue for someone who
            # may not see it would only repeat that refusal on every change.
            self._context.ops.query(live_view.live_view, core, self._context.actor).failure(
                self._on_refused
            ).run()
            return
        self.feed.start()
        self._alerts_timer.start()
        self._tick.start()

    def stop(self) -> None:
        self._alerts_timer.stop()
        self._tick.stop()
        self.feed.stop()

    def _load(self, core: Core) -> LiveView | None:
        if self._context.user is None:
            return None
        return live_view.live_view(core, self._context.actor)

    def _on_loaded(self, view: LiveView | None) -> None:
        if view is None:
            return
        self.view = view
        self._loaded_at = time.monotonic()
        self.alerts = view.alerts
        self._show()
        self.sig_loaded.emit(view)

    def _on_refused(self, error: BaseException) -> None:
        if isValid(self):
            message = describe_error(error)
            self.summary.setText(message)
            self.sig_refused.emit(message)

    def refresh_alerts(self) -> None:
        core = self._context.core
        if core is None or self.view is None or self._context.ops.closed:
            return  # nothing shown yet: the first reload brings the alerts with it
        self._context.ops.query(live_view.live_alerts, core, self._context.actor).success(
            self._on_alerts
        ).failure(lambda _error: None).run()  # the next reload says what is wrong

    def _on_alerts(self, alerts: tuple[Alert, ...]) -> None:
        if not isValid(self):
            return
        self.alerts = alerts
        self._show_alerts()
        self.sig_alerts_changed.emit(alerts)

    def _on_changed(self, changes: Changes) -> None:
        if changes.touches(Topic.PRINTS, Topic.SYNC):
            self.refresh_alerts()

    def _on_connection(self, connected: bool, message: str) -> None:
        self.banner.show_message("" if connected else message)

    def _show(self) -> None:
        view = self.view
        if view is None:
            return
        # Between two reloads the ones waiting wait longer: the clock moves the figures on.
        late = time.monotonic() - self._loaded_at
        self.services.set_rows(
            [_aged(service, late) if service.waiting else service for service in view.services]
        )
        self.counters.set_rows(view.counters)
        self.summary.setText(measures_text(view))
        self._show_alerts()

    def _show_alerts(self) -> None:
        self.alert_list.clear()
        for alert in self.alerts:
            self.alert_list.addItem(alert.message)
        if not self.alerts:
            self.alert_list.addItem(_("No alerts."))


def _aged(service: ServiceLive, seconds: float) -> ServiceLive:
    return replace(service, longest_wait_seconds=service.longest_wait_seconds + int(seconds))
