"""Settings' "Central server" box: where this desk stands with the centre, and its enrolment.

An administrator types the server's address and the one-time code the centre gave, and
presses Enter. Enrolling calls the centre, so it runs on the operations layer's network pool,
never on the UI thread; a refusal is shown as the clerk-readable message. Other roles see the
box without the form (the core refuses them anyway).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QPushButton, QWidget

from app.clock import office_zone
from app.domain.changes import Changes, Topic
from app.domain.users import Permission
from app.i18n import _
from ui.context import DeskContext
from ui.ops import describe_error
from ui.widgets.forms import enter_moves_to, error_label, show_error, text_field

if TYPE_CHECKING:
    from app.config import Config
    from app.domain.changes import Outcome
    from app.domain.users import Actor
    from app.services.core import Core
    from app.sync.state import Enrolment, SyncStatus


def _enrol(
    core: Core, config: Config, actor: Actor, server_url: str, code: str
) -> Outcome[Enrolment]:
    from app.sync.enrolment import enrol

    return enrol(core, config, actor, server_url=server_url, code=code)


def _status(core: Core) -> SyncStatus:
    from app.sync.state import sync_status

    return sync_status(core)


class EnrolmentBox(QGroupBox):
    sig_enrolled = Signal(object)  # Enrolment
    sig_refused = Signal(str)  # why enrolling failed, as shown

    def __init__(self, context: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._status: SyncStatus | None = None
        self.state = QLabel()
        self.state.setWordWrap(True)
        self.server = text_field("server address")
        self.code = text_field("enrolment code")
        self.enrol_button = QPushButton()
        self.error = error_label()
        self._server_label = QLabel()
        self._server_label.setBuddy(self.server)
        self._code_label = QLabel()
        self._code_label.setBuddy(self.code)
        form = QFormLayout(self)
        form.addRow(self.state)
        form.addRow(self._server_label, self.server)
        form.addRow(self._code_label, self.code)
        form.addRow("", self.enrol_button)
        form.addRow(self.error)
        enter_moves_to(self.server, self.code)
        self.code.returnPressed.connect(self.enrol)
        self.enrol_button.clicked.connect(self.enrol)
        context.bus.sig_changed.connect(self._on_changed)
        self.retranslate()

    def retranslate(self) -> None:
        self.setTitle(_("Central server"))
        self._server_label.setText(_("Server &address"))
        self._code_label.setText(_("Enrolment &code"))
        self.server.setPlaceholderText(_("https://centre.example:8443"))
        self.code.setPlaceholderText(_("the one-time code from the centre"))
        self.enrol_button.setText(_("&Enrol this desk"))
        self.enrol_button.setAccessibleName(_("Enrol this desk"))
        self._show()

    def refresh(self) -> None:
        core = self._context.core
        if core is not None:
            self._context.ops.query(_status, core).success(self._on_status).run()

    @property
    def _may_enrol(self) -> bool:
        user = self._context.user
        return user is not None and self._context.actor.may(Permission.MANAGE_OFFICE)

    def _show(self) -> None:
        enrolment = self._status.enrolment if self._status is not None else None
        if enrolment is not None:
            self.state.setText(
                _("Enrolled with {server} for the office {office} on {day}.").format(
                    server=enrolment.server_url,
                    office=enrolment.office_code,
                    day=enrolment.enrolled_at.astimezone(office_zone()).strftime("%d.%m.%Y"),
                )
            )
        elif self._may_enrol:
            self.state.setText(
                _(
                    "This desk is not enrolled with the centre: what is done here waits on the "
                    "desk. Enter the server's address and the one-time code from the centre."
                )
            )
        else:
            self.state.setText(
                _("This desk is not enrolled with the centre. An administrator enrols it here.")
            )
        form_shown = self._status is not None and enrolment is None and self._may_enrol
        for widget in (
            self._server_label,
            self.server,
            self._code_label,
            self.code,
            self.enrol_button,
        ):
            widget.setVisible(form_shown)
        self.state.setAccessibleName(self.state.text())

    def enrol(self) -> None:
        core = self._context.core
        if core is None or not self.enrol_button.isEnabled() or not self._may_enrol:
            return
        self.enrol_button.setEnabled(False)
        show_error(self.error, "")
        self.state.setText(_("Enrolling with the centre…"))
        self._context.ops.io(
            _enrol,
            core,
            self._context.config,
            self._context.actor,
            self.server.text(),
            self.code.text(),
        ).success(self._on_enrolled).failure(self._on_failed).run()

    def _on_enrolled(self, outcome: Outcome[Enrolment]) -> None:
        self.enrol_button.setEnabled(True)
        self.code.clear()
        self.sig_enrolled.emit(outcome.value)
        # Run on the network pool, not as a mutation: the change notice is announced here.
        self._context.bus.sig_changed.emit(outcome.changes)

    def _on_failed(self, error: BaseException) -> None:
        self.enrol_button.setEnabled(True)
        message = describe_error(error)
        self._show()
        show_error(self.error, message)
        self.code.setFocus()
        self.sig_refused.emit(message)

    def _on_status(self, status: SyncStatus) -> None:
        self._status = status
        self._show()

    def _on_changed(self, changes: Changes) -> None:
        if changes.touches(Topic.SYNC):
            self.refresh()
