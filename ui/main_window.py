"""The main window: login, the desk's screens with their navigation, the lock screen."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QWidget,
)

from app.config import Config, save_setting
from app.db.backup import restore_sqlite
from app.domain.changes import Changes, Topic
from app.domain.users import Actor, User
from app.errors import DatabaseCorruptError, DeskError
from app.i18n import N_, _, current_language, set_language
from ui.context import DeskContext
from ui.dialogs.message import inform
from ui.idle import IdleWatcher
from ui.ops import describe_error
from ui.print_follow_up import PrintFollowUp
from ui.screens.lock import LockScreen
from ui.screens.login import LoginScreen
from ui.sync_agent import SyncAgent
from ui.widgets.status import DeskStatusBar

if TYPE_CHECKING:
    from app.bootstrap import Started
    from app.services.setup import DeskIdentity

log = logging.getLogger(__name__)

# A print that failed after the preview closed: long enough to be seen on looking up.
PRINT_NOTICE_MS = 60_000

# The screens of the desk, in the order of the navigation (Alt+1, Alt+2, ...), each as
# "module:class" and its title. A screen is built the first time it is opened, so start-up and
# an idle desk carry only what was used. Each later module adds its own line.
SCREENS: list[tuple[str, str, str]] = [
    ("home", "ui.screens.home:HomeScreen", N_("Home")),
    ("intake", "ui.screens.intake:IntakeScreen", N_("Intake")),
    ("queue", "ui.screens.queue:QueueScreen", N_("Queue")),
    ("persons", "ui.screens.persons:PersonsScreen", N_("Persons")),
    ("applications", "ui.screens.applications:ApplicationsScreen", N_("Applications")),
    ("verify", "ui.screens.verify:VerifyScreen", N_("Verify")),
    ("settings", "ui.screens.settings:SettingsScreen", N_("Settings")),
    ("scan", "ui.screens.scan:ScanScreen", N_("Scan")),
    ("supervisor", "ui.screens.supervisor:SupervisorScreen", N_("Supervisor")),
    ("day_close", "ui.screens.day_close:DayCloseScreen", N_("Day close")),
]


def _screen_factory(spec: str) -> Callable[[DeskContext], QWidget]:
    module, name = spec.split(":")
    factory: Callable[[DeskContext], QWidget] = getattr(import_module(module), name)
    return factory


def _open_core(config: Config) -> Started:
    from app.bootstrap import start_core

    return start_core(config)


def _record_session_event(context: DeskContext, actor: Actor, reason: str) -> None:
    from app.services import auth

    auth.record_lock(context.require_core(), actor, reason=reason)


class MainWindow(QMainWindow):
    sig_core_ready = Signal()  # the database is open (or failed to open: see core_error)
    sig_shell_shown = Signal()
    sig_locked = Signal()

    def __init__(self, context: DeskContext) -> None:
        super().__init__()
        self.context = context
        self.core_error: str | None = None
        self.stack = QStackedWidget()
        self.login = LoginScreen(context)
        self.lock = LockScreen(context)
        self.shell = QWidget()
        self.navigation = QListWidget()
        self.navigation.setAccessibleName("navigation")
        self.navigation.setMaximumWidth(220)
        # Large targets: the list is used all day, by keyboard and by mouse.
        self.navigation.setStyleSheet(
            "QListWidget { font-size: 12pt; } QListWidget::item { padding: 8px 6px; }"
        )
        self.pages = QStackedWidget()
        self.screens: dict[str, QWidget] = {}
        shell_layout = QHBoxLayout(self.shell)
        shell_layout.addWidget(self.navigation)
        shell_layout.addWidget(self.pages, 1)
        for widget in (self.login, self.shell, self.lock):
            self.stack.addWidget(widget)
        self.setCentralWidget(self.stack)
        self.sync_agent = SyncAgent(context, self)
        self.status = DeskStatusBar(context, self.sync_agent)
        self.setStatusBar(self.status)
        self.print_follow_up = PrintFollowUp(context, self)
        self.print_follow_up.sig_job_failed.connect(self._on_print_job_failed)
        self.resize(1100, 720)

        self.idle = IdleWatcher(self)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self.idle)
        self.idle.sig_idle.connect(self._on_idle)

        self.login.sig_logged_in.connect(self._on_logged_in)
        self.login.sig_language_chosen.connect(self.switch_language)
        self.login.sig_restore_requested.connect(self.restore_backup)
        self.lock.sig_unlocked.connect(self._on_unlocked)
        self.lock.sig_switch_user.connect(self.log_out)
        self.navigation.currentRowChanged.connect(self._open_page)
        context.ops.sig_failed.connect(self._on_operation_failed)
        context.bus.sig_changed.connect(self._on_changed)
        context.bus.sig_open.connect(self.open_record)
        self._add_shortcuts()
        self.retranslate()

    # --- start-up ----------------------------------------------------------------------------

    def start(self) -> None:
        """Open the database on the worker; the login screen is already on screen."""
        self.context.ops.query(_open_core, self.context.config).success(
            self._on_core_started
        ).failure(self._on_core_failed).run()

    def _on_core_started(self, started: Started) -> None:
        self.context.core = started.core
        self.context.identity = started.identity
        self.core_error = None
        if started.identity is None:
            self.login.set_ready(False, _("This desk is not set up yet."))
            self.sig_core_ready.emit()
            self._run_setup()
            return
        self.login.set_ready(True)
        self.login.show_office()
        self.status.retranslate()
        self.sig_core_ready.emit()

    def _run_setup(self) -> None:
        from ui.dialogs.setup_wizard import SetupWizard

        wizard = SetupWizard(self.context, self)
        wizard.sig_set_up.connect(self._on_set_up)
        wizard.open()

    def _on_set_up(self, identity: DeskIdentity) -> None:
        self.context.identity = identity
        self.login.set_ready(True)
        self.login.show_office()
        self.status.retranslate()

    def _on_core_failed(self, error: BaseException) -> None:
        self.core_error = describe_error(error)
        self.login.set_ready(False, self.core_error)
        self.sig_core_ready.emit()
        if isinstance(error, DatabaseCorruptError) and error.latest_backup:
            self._offer_restore(error, Path(error.latest_backup))

    def _offer_restore(self, error: DeskError, backup: Path) -> None:
        # Offered on the login screen itself, not in a modal box: the clerk reads the problem,
        # and Enter on the button restores; nothing waits on an answer.
        del error
        self.login.offer_restore(backup)

    def restore_backup(self, backup: Path) -> None:
        from datetime import UTC, datetime

        self.login.set_ready(False, _("Restoring the backup…"))
        self.context.ops.query(
            restore_sqlite, self.context.config, backup, now=datetime.now(UTC)
        ).success(lambda _kept: self.start()).failure(self._on_core_failed).run()

    # --- sessions ----------------------------------------------------------------------------

    def _on_logged_in(self, user: User) -> None:
        self.context.user = user
        if user.language and user.language != current_language():
            self.switch_language(user.language)
        self._build_screens()
        self.stack.setCurrentWidget(self.shell)
        self.navigation.setCurrentRow(0)
        self.navigation.setFocus()
        self.idle.start(self.context.idle_lock_minutes * 60_000)
        self.status.retranslate()
        self.sync_agent.start()
        self._refresh_screens()
        self.sig_shell_shown.emit()
        self._reopen_unfinished_form()

    def _reopen_unfinished_form(self) -> None:
        """After a crash or a power cut, the form the clerk was typing comes back first."""
        from app.services import form_drafts

        core = self.context.core
        if core is None or self.context.user is None:
            return

        def reopen(draft: object) -> None:
            if draft is not None:
                self.show_screen("intake")

        self.context.ops.query(form_drafts.recover, core, self.context.actor).success(reopen).run()

    def show_screen(self, key: str) -> QWidget | None:
        """Open the screen ``key`` (built on first use) and give it the focus."""
        for row, (screen_key, _spec, _title) in enumerate(SCREENS):
            if screen_key == key:
                self._go_to(row)
                return self.screens.get(key)
        return None

    def open_record(self, key: str, record_id: object) -> None:
        screen = self.show_screen(key)
        opener = getattr(screen, "open_record", None)
        if opener is not None:
            opener(record_id)

    def _build_screens(self) -> None:
        self._stop_screens_work()
        # Cleared quietly: the current row passing through the old rows would open (build)
        # screens that the lines below delete while their first loading is still under way.
        self.navigation.blockSignals(True)
        self.navigation.clear()
        self.navigation.blockSignals(False)
        while (page := self.pages.widget(0)) is not None:
            self.pages.removeWidget(page)
            page.deleteLater()
        self.screens.clear()
        for _key, _spec, _title in SCREENS:
            self.pages.addWidget(QWidget())  # the screen itself comes on first opening
            self.navigation.addItem(QListWidgetItem())
        self._retranslate_navigation()

    def _open_page(self, row: int) -> None:
        if not 0 <= row < len(SCREENS):
            return
        key, spec, _title = SCREENS[row]
        if key not in self.screens:
            screen = _screen_factory(spec)(self.context)
            chosen = getattr(screen, "sig_language_chosen", None)
            if chosen is not None:
                chosen.connect(self.switch_language)
            placeholder = self.pages.widget(row)
            self.pages.insertWidget(row, screen)
            if placeholder is not None:
                self.pages.removeWidget(placeholder)
                placeholder.deleteLater()
            self.screens[key] = screen
            refresh = getattr(screen, "refresh", None)
            if refresh is not None:
                refresh()
        self.pages.setCurrentIndex(row)
        # A screen's own F9 (the queue's "End service") comes first there; elsewhere F9 syncs.
        current = self.pages.currentWidget()
        claimed = current is not None and any(
            s.key() == self._sync_shortcut.key() for s in current.findChildren(QShortcut)
        )
        self._sync_shortcut.setEnabled(not claimed)

    def _retranslate_navigation(self) -> None:
        for row, (_key, _spec, title) in enumerate(SCREENS):
            item = self.navigation.item(row)
            if item is not None:
                item.setText(f"{row + 1}  {_(title)}")

    def lock_desk(self) -> None:
        if self.context.user is None or self.stack.currentWidget() is not self.shell:
            return
        self.idle.stop()
        core = self.context.core
        if core is not None:
            self.context.ops.query(
                _record_session_event, self.context, self.context.actor, "lock"
            ).run()
        self.lock.prepare()
        self.stack.setCurrentWidget(self.lock)
        self.lock.password.setFocus()
        self.sig_locked.emit()

    def _on_idle(self) -> None:
        self.lock_desk()

    def _on_unlocked(self, user: User) -> None:
        self.context.user = user
        self.stack.setCurrentWidget(self.shell)
        self.idle.start(self.context.idle_lock_minutes * 60_000)

    def log_out(self) -> None:
        if self.context.user is not None and self.context.core is not None:
            self.context.ops.query(
                _record_session_event, self.context, self.context.actor, "logout"
            ).run()
        self.idle.stop()
        self.sync_agent.stop_work()
        self.print_follow_up.stop()
        self.context.user = None
        self.stack.setCurrentWidget(self.login)
        self.login.reset()
        self.status.retranslate()

    # --- language ----------------------------------------------------------------------------

    def switch_language(self, language: str) -> None:
        if language == current_language():
            return
        set_language(language)
        self.context.bus.sig_language_changed.emit(language)
        self.retranslate()
        self.context.ops.io(save_setting, self.context.config, "language", language).run()
        if self.context.user is not None and self.context.core is not None:
            from app.services import auth

            self.context.ops.mutate(
                auth.set_own_language, self.context.core, self.context.actor, language
            ).run()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Reception Desk"))
        self.login.retranslate()
        self.lock.retranslate()
        self.status.retranslate()
        for screen in self.screens.values():
            screen.retranslate()  # type: ignore[attr-defined]
        self._retranslate_navigation()

    # --- keyboard ----------------------------------------------------------------------------

    def _add_shortcuts(self) -> None:
        QShortcut(QKeySequence("Ctrl+L"), self, self.lock_desk)
        QShortcut(QKeySequence("Ctrl+Shift+L"), self, self.log_out)
        for number in range(1, 10):
            QShortcut(QKeySequence(f"Alt+{number}"), self, partial(self._go_to, number - 1))
        QShortcut(QKeySequence("Alt+0"), self, partial(self._go_to, 9))  # the tenth screen
        self._sync_shortcut = QShortcut(QKeySequence("F9"), self, self.sync_now)

    def sync_now(self) -> None:
        if self.stack.currentWidget() is self.shell:
            self.status.sync.sync_now()

    def _go_to(self, row: int) -> None:
        if self.stack.currentWidget() is self.shell and row < self.navigation.count():
            self.navigation.setCurrentRow(row)
            page = self.pages.widget(row)
            if page is not None:
                page.setFocus(Qt.FocusReason.ShortcutFocusReason)

    # --- change notices ----------------------------------------------------------------------

    def _stop_screens_work(self) -> None:
        """Long work a screen runs (a scan through the feeder) stops, keeping what it finished,
        so that closing or a new login does not wait for it."""
        for screen in self.screens.values():
            stop = getattr(screen, "stop_work", None)
            if stop is not None:
                stop()

    def _refresh_screens(self) -> None:
        for screen in self.screens.values():
            refresh = getattr(screen, "refresh", None)
            if refresh is not None:
                refresh()

    def _on_changed(self, changes: Changes) -> None:
        if changes.touches(Topic.OFFICE):
            self.status.retranslate()

    def _on_operation_failed(self, message: str) -> None:
        if self.isVisible() and QApplication.platformName() != "offscreen":
            inform(self, _("Reception Desk"), message)
        self.statusBar().showMessage(message, 15_000)

    def _on_print_job_failed(self, message: str) -> None:
        # In the status bar, not a message box: it comes while the clerk types elsewhere.
        self.statusBar().showMessage(message, PRINT_NOTICE_MS)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.context.user is not None and self.context.core is not None:
            self.context.ops.query(
                _record_session_event, self.context, self.context.actor, "logout"
            ).run()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self.idle)
        self._stop_screens_work()
        self.print_follow_up.stop()
        self.sync_agent.shutdown()
        self.context.ops.shutdown()
        if self.context.core is not None:
            self.context.core.database.dispose()
        super().closeEvent(event)
