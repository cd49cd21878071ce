"""The office's people and queue rules, for supervisors and administrators: users (create,
disable or enable, reset a password, change a role) and the queue's priority ratio, target
wait and alert thresholds.

Nothing here decides who may: every action goes to the core, which refuses a clerk with its
own message, shown as it is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from enum import Enum
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from app.domain.changes import Changes, Outcome, Topic
from app.domain.queue import QueuePolicy
from app.domain.users import Actor, Role, User
from app.i18n import _
from app.services import settings, users
from app.services.settings import AlertPolicy
from ui.context import DeskContext
from ui.models.table import ColumnSpec, DataclassTableModel, record_table
from ui.ops import describe_error
from ui.widgets.forms import error_label, password_field, show_error, text_field

if TYPE_CHECKING:
    from app.services.core import Core


def _user(header: Callable[[], str], value: Callable[[User], Any]) -> ColumnSpec[User]:
    return ColumnSpec(header, value)


class UserColumn(Enum):
    USERNAME = _user(lambda: _("User name"), lambda u: u.username)
    FULL_NAME = _user(lambda: _("Full name"), lambda u: u.full_name)
    ROLE = _user(lambda: _("Role"), lambda u: u.role.label)
    ACTIVE = _user(lambda: _("Active"), lambda u: _("yes") if u.active else _("no"))


def _spin(name: str, low: int, high: int) -> QSpinBox:
    box = QSpinBox()
    box.setRange(low, high)
    box.setAccessibleName(name)
    return box


class OfficeWidget(QWidget):
    sig_done = Signal(str, object)  # the action, what the core returned
    sig_refused = Signal(str)  # the message shown

    def __init__(self, context: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._rules: tuple[QueuePolicy, AlertPolicy] | None = None
        self.users: DataclassTableModel[User] = DataclassTableModel(UserColumn)
        self.user_table = record_table(self.users, "users")
        self.username = text_field("user name")
        self.full_name = text_field("full name")
        self.role = QComboBox()
        self.role.setAccessibleName("role")
        self.password = password_field("new password")
        self.buttons = {key: QPushButton() for key in ("create", "active", "password", "role")}
        self.buttons["rules"] = QPushButton()
        for key, button in self.buttons.items():
            button.setAccessibleName(key)
        self.ratio_normal = _spin("normal tickets per cycle", 1, 20)
        self.ratio_priority = _spin("priority tickets per cycle", 1, 20)
        self.target_wait = _spin("target wait", 1, 240)
        self.level_goal = _spin("service level aimed at", 1, 100)
        self.level_min_called = _spin("visitors called before the level counts", 1, 100)
        self.sync_hours = _spin("sync overdue after", 1, 168)
        self.error = error_label()
        self.message = QLabel()
        self.message.setAccessibleName("message")
        self.message.setWordWrap(True)
        self._labels: dict[str, QLabel] = {}
        self._build()
        self.buttons["create"].clicked.connect(self.create_user)
        self.buttons["active"].clicked.connect(self.toggle_active)
        self.buttons["password"].clicked.connect(self.reset_password)
        self.buttons["role"].clicked.connect(self.change_role)
        self.buttons["rules"].clicked.connect(self.save_rules)
        context.bus.sig_changed.connect(self._on_changed)

    def _label(self, key: str, buddy: QWidget) -> QLabel:
        label = QLabel()
        label.setBuddy(buddy)
        self._labels[key] = label
        return label

    def _build(self) -> None:
        self._users_box, self._rules_box = QGroupBox(), QGroupBox()
        form = QFormLayout()
        fields: tuple[tuple[str, QWidget], ...] = (
            ("username", self.username),
            ("full_name", self.full_name),
            ("role", self.role),
            ("password", self.password),
        )
        for key, widget in fields:
            form.addRow(self._label(key, widget), widget)
        row = QHBoxLayout()
        for key in ("create", "active", "password", "role"):
            row.addWidget(self.buttons[key])
        people = QVBoxLayout(self._users_box)
        people.addWidget(self.user_table, 1)
        people.addLayout(form)
        people.addLayout(row)
        rules = QFormLayout(self._rules_box)
        for key, spin in (
            ("ratio_normal", self.ratio_normal),
            ("ratio_priority", self.ratio_priority),
            ("target_wait", self.target_wait),
            ("level_goal", self.level_goal),
            ("level_min_called", self.level_min_called),
            ("sync_hours", self.sync_hours),
        ):
            rules.addRow(self._label(key, spin), spin)
        rules.addRow("", self.buttons["rules"])
        layout = QVBoxLayout(self)
        layout.addWidget(self._users_box, 2)
        layout.addWidget(self._rules_box)
        layout.addWidget(self.error)
        layout.addWidget(self.message)

    def retranslate(self) -> None:
        self._users_box.setTitle(_("Users"))
        self._rules_box.setTitle(_("Queue rules"))
        texts = {
            "username": _("User &name:"),
            "full_name": _("&Full name:"),
            "role": _("R&ole:"),
            "password": _("&Password:"),
            "ratio_normal": _("Normal tickets per cycle:"),
            "ratio_priority": _("Priority tickets per cycle:"),
            "target_wait": _("&Target wait, min:"),
            "level_goal": _("Alert when the share called within the target falls under, percent:"),
            "level_min_called": _("… once this many visitors of the service were called today:"),
            "sync_hours": _("Alert when not synchronised for, hours:"),
        }
        for key, text in texts.items():
            self._labels[key].setText(text)
        self.buttons["create"].setText(_("&Create user"))
        self.buttons["active"].setText(_("&Disable or enable"))
        self.buttons["password"].setText(_("&Reset password"))
        self.buttons["role"].setText(_("Change &role"))
        self.buttons["rules"].setText(_("&Save the rules"))
        current = self.role.currentData()
        self.role.clear()
        for role in Role:
            self.role.addItem(role.label, role.value)
        self.role.setCurrentIndex(max(0, self.role.findData(current)))
        self.users.retranslate()

    # --- loading -----------------------------------------------------------------------------

    def refresh(self) -> None:
        core = self._context.core
        if core is None or self._context.user is None:
            return
        actor = self._context.actor
        ops = self._context.ops
        ops.query(users.list_users, core, actor).success(self._on_users).failure(
            self._on_refused
        ).run()
        ops.query(settings.office_rules, core, actor).success(self._on_rules).failure(
            self._on_refused
        ).run()

    def _on_users(self, listed: list[User]) -> None:
        if isValid(self):
            self.users.set_rows(listed)

    def _on_rules(self, rules: tuple[QueuePolicy, AlertPolicy]) -> None:
        if not isValid(self):
            return
        self._rules = rules
        policy, alerts = rules
        self.ratio_normal.setValue(policy.ratio_normal)
        self.ratio_priority.setValue(policy.ratio_priority)
        self.target_wait.setValue(policy.target_wait_minutes)
        self.level_goal.setValue(alerts.service_level_percent)
        self.level_min_called.setValue(alerts.service_level_min_called)
        self.sync_hours.setValue(alerts.sync_overdue_hours)

    def _on_changed(self, changes: Changes) -> None:
        if changes.touches(Topic.USERS, Topic.SETTINGS):
            self.refresh()

    # --- actions -----------------------------------------------------------------------------

    def selected(self) -> User | None:
        rows = self.user_table.selectionModel().selectedRows()
        return self.users.row_at(rows[0].row()) if rows else None

    def _run(self, key: str, function: Any, *args: Any, **kwargs: Any) -> None:
        core = self._context.core
        if core is None or self._context.user is None:
            return
        show_error(self.error, "")
        self._context.ops.mutate(function, core, self._context.actor, *args, **kwargs).success(
            lambda value: self._on_done(key, value)
        ).failure(self._on_refused).run()

    def _on_done(self, key: str, value: object) -> None:
        if not isValid(self):
            return
        if isinstance(value, User):
            self.message.setText(_("Saved: {user}.").format(user=value.username))
        else:
            self.message.setText(_("The rules are saved."))
        self.password.clear()
        self.sig_done.emit(key, value)

    def _on_refused(self, error: BaseException) -> None:
        if not isValid(self):
            return
        message = describe_error(error)
        show_error(self.error, message)
        self.sig_refused.emit(message)

    def _role(self) -> Role:
        return Role(self.role.currentData() or Role.CLERK.value)

    def create_user(self) -> None:
        user = self._context.user
        if user is None:
            return
        self._run(
            "create",
            users.create_user,
            office_id=user.office_id,
            username=self.username.text(),
            full_name=self.full_name.text(),
            role=self._role(),
            password=self.password.text(),
        )

    def toggle_active(self) -> None:
        user = self.selected()
        if user is not None:
            self._run("active", users.set_active, user.username, not user.active)

    def reset_password(self) -> None:
        user = self.selected()
        if user is not None:
            self._run("password", users.reset_password, user.username, self.password.text())

    def change_role(self) -> None:
        user = self.selected()
        if user is not None:
            self._run("role", users.set_role, user.username, self._role())

    def save_rules(self) -> None:
        policy, alerts = self._rules or (QueuePolicy(), AlertPolicy())
        self._run(
            "rules",
            _save_rules,
            replace(
                policy,
                ratio_normal=self.ratio_normal.value(),
                ratio_priority=self.ratio_priority.value(),
                target_wait_minutes=self.target_wait.value(),
            ),
            replace(
                alerts,
                service_level_percent=self.level_goal.value(),
                service_level_min_called=self.level_min_called.value(),
                sync_overdue_hours=self.sync_hours.value(),
            ),
        )


def _save_rules(
    core: Core, actor: Actor, policy: QueuePolicy, alerts: AlertPolicy
) -> Outcome[QueuePolicy]:
    """Both groups of values, one after the other on the database worker: the spin boxes keep
    each value within its bounds, so the second is not refused after the first is kept."""
    saved = settings.set_queue_policy(core, actor, policy)
    alerted = settings.set_alert_policy(core, actor, alerts)
    return replace(saved, changes=saved.changes | alerted.changes)
