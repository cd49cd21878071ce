"""Applications: the office's applications filtered by state, service, dates and number, with
each one's history; drafts and e-applications from the portal are continued at Intake, and the
clerk moves an application on (sent, card printed, handed over) or records a withdrawal.

Keyboard: Ctrl+F goes to the number filter; Enter on a row continues a draft at Intake;
Ctrl+P prints (or reprints, marked as a duplicate) a submitted application's receipt; Ctrl+D
opens the Scan screen for a document of the application's checklist.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from enum import Enum
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelection, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.clock import office_zone
from app.domain.applications import Application, ApplicationFilter, ApplicationSummary, Channel
from app.domain.changes import Changes, Topic
from app.domain.day_close import Void
from app.domain.masterdata import Service
from app.domain.users import Permission
from app.i18n import _, current_language
from app.intake.defaults import expand_typed_date
from app.intake.lifecycle import ApplicationState, can_transition
from app.intake.validation import parse_date
from app.services import applications, corrections
from app.services.attachments import takes_documents
from ui.context import DeskContext
from ui.models.table import ColumnSpec, DataclassTableModel, record_table
from ui.ops import describe_error
from ui.widgets.card_button import CardButton
from ui.widgets.forms import error_label, heading, show_error
from ui.widgets.receipt_button import ReceiptButton

if TYPE_CHECKING:
    from app.services.core import Core

FILTER_DELAY_MS = 150
E_GOV_WAITING = "e_gov_waiting"  # the state filter's entry for portal applications to complete


def _day(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "astimezone"):
        value = value.astimezone(office_zone())
    return str(value.strftime("%d.%m.%Y"))


def _column(
    header: Callable[[], str], value: Callable[[ApplicationSummary], Any]
) -> ColumnSpec[ApplicationSummary]:
    return ColumnSpec(header, value)


class ApplicationColumn(Enum):
    NUMBER = _column(lambda: _("Number"), lambda r: r.number or _("(draft)"))
    PERSON = _column(lambda: _("Applicant"), lambda r: r.person_name)
    SERVICE = _column(
        lambda: _("Service"), lambda r: r.service_name.in_language(current_language())
    )
    STATE = _column(lambda: _("State"), lambda r: r.state.label)
    CHANNEL = _column(lambda: _("Made"), lambda r: r.channel.label)
    FEE = _column(lambda: _("Fee, AZN"), lambda r: f"{r.fee_amount:.2f}" if r.fee_amount else "")
    DUE = _column(lambda: _("Decision due"), lambda r: _day(r.decision_due))
    CHANGED = _column(lambda: _("Last change"), lambda r: _day(r.updated_at))


# The moves a clerk makes here; the centre's decisions come by sync, submission from Intake.
CLERK_MOVES: tuple[ApplicationState, ...] = (
    ApplicationState.SENT,
    ApplicationState.CARD_PRINTED,
    ApplicationState.HANDED_OVER,
    ApplicationState.WITHDRAWN,
)


def _load_services(core: Core, context: DeskContext) -> list[Service]:
    return applications.services(core, context.actor)


class ApplicationsScreen(QWidget):
    sig_listed = Signal(int)  # how many rows are shown
    sig_shown = Signal(object)  # Application
    sig_voided = Signal(object)  # Void

    def __init__(self, context: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._services: dict[str, Service] = {}
        self._current: Application | None = None
        self.header = heading()
        self.state = QComboBox()
        self.state.setAccessibleName("state filter")
        self.service = QComboBox()
        self.service.setAccessibleName("service filter")
        self.date_from = QLineEdit()
        self.date_from.setAccessibleName("from date")
        self.date_to = QLineEdit()
        self.date_to.setAccessibleName("to date")
        self.number = QLineEdit()
        self.number.setAccessibleName("number filter")
        self.number.setClearButtonEnabled(True)
        self.model: DataclassTableModel[ApplicationSummary] = DataclassTableModel(ApplicationColumn)
        self.table = record_table(self.model, "applications")
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.continue_button = QPushButton()
        self.scan_button = QPushButton()
        self.move_buttons = {state: QPushButton() for state in CLERK_MOVES}
        self.receipt = ReceiptButton(context, self, hidden_when_idle=False)
        self.card = CardButton(context, self)
        self.void_button = QPushButton()
        self.error = error_label()

        filters = QHBoxLayout()
        for widget in (self.state, self.service, self.date_from, self.date_to, self.number):
            filters.addWidget(widget)
        actions = QHBoxLayout()
        actions.addWidget(self.continue_button)
        actions.addWidget(self.scan_button)
        for button in self.move_buttons.values():
            actions.addWidget(button)
        actions.addWidget(self.receipt.button)
        actions.addWidget(self.card.button)
        actions.addWidget(self.card.void_button)
        actions.addWidget(self.void_button)
        actions.addStretch(1)
        body = QHBoxLayout()
        body.addWidget(self.table, 3)
        body.addWidget(self.detail, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addLayout(filters)
        layout.addLayout(body, 1)
        layout.addWidget(self.error)
        layout.addLayout(actions)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(FILTER_DELAY_MS)
        self._timer.timeout.connect(self._run_list)
        self.state.currentIndexChanged.connect(lambda _i: self._run_list())
        self.service.currentIndexChanged.connect(lambda _i: self._run_list())
        for edit in (self.date_from, self.date_to, self.number):
            edit.textEdited.connect(lambda _t: self._timer.start())
        for edit in (self.date_from, self.date_to):
            edit.editingFinished.connect(lambda e=edit: self._expand(e))
        self.table.selectionModel().selectionChanged.connect(self._on_selection)
        self.table.activated.connect(lambda _index: self.continue_selected())
        self.continue_button.clicked.connect(self.continue_selected)
        self.scan_button.clicked.connect(self.scan_for_selected)
        self.void_button.clicked.connect(lambda _c=False: self.void_receipt())
        self.card.sig_message.connect(lambda text: show_error(self.error, text))
        for state, button in self.move_buttons.items():
            button.clicked.connect(lambda _c=False, s=state: self.move_selected(s))
        QShortcut(QKeySequence("Ctrl+F"), self, self.number.setFocus)
        QShortcut(QKeySequence("Ctrl+D"), self, self.scan_for_selected)
        context.bus.sig_changed.connect(self._on_changed)
        self.setFocusProxy(self.table)
        self._fill_states()
        self.retranslate()

    def retranslate(self) -> None:
        self.header.setText(_("Applications"))
        self._fill_states()
        self._fill_services()
        self.date_from.setPlaceholderText(_("from dd.mm.yyyy"))
        self.date_to.setPlaceholderText(_("to dd.mm.yyyy"))
        self.number.setPlaceholderText(_("Application number (Ctrl+F)"))
        self.continue_button.setText(_("&Continue at Intake (Enter)"))
        self.scan_button.setText(_("Scan a &document… (Ctrl+D)"))
        self.scan_button.setToolTip(_("Scan a document of the checklist and attach it (Ctrl+D)"))
        labels = {
            ApplicationState.SENT: _("Mark &sent to the centre"),
            ApplicationState.CARD_PRINTED: _("Card &printed"),
            ApplicationState.HANDED_OVER: _("&Handed over"),
            ApplicationState.WITHDRAWN: _("&Withdraw…"),
        }
        for state, button in self.move_buttons.items():
            button.setText(labels[state])
        self.receipt.retranslate()
        self.card.retranslate()
        self.void_button.setText(_("&Void receipt…"))
        self.model.retranslate()
        if self._current is not None:
            self._show(self._current)

    def _fill_states(self) -> None:
        current = self.state.currentData()
        self.state.blockSignals(True)
        self.state.clear()
        self.state.addItem(_("All states"), "")
        self.state.addItem(_("E-applications to complete"), E_GOV_WAITING)
        for state in ApplicationState:
            self.state.addItem(state.label, state.value)
        self.state.setCurrentIndex(max(0, self.state.findData(current)))
        self.state.blockSignals(False)

    def _fill_services(self) -> None:
        current = self.service.currentData()
        self.service.blockSignals(True)
        self.service.clear()
        self.service.addItem(_("All services"), "")
        language = current_language()
        for code, service in self._services.items():
            self.service.addItem(service.name.in_language(language), code)
        self.service.setCurrentIndex(max(0, self.service.findData(current)))
        self.service.blockSignals(False)

    def _expand(self, edit: QLineEdit) -> None:
        today = date.today()
        written = expand_typed_date(edit.text(), today)
        if written != edit.text():
            edit.setText(written)
            self._run_list()

    # --- listing -------------------------------------------------------------------------------

    def refresh(self) -> None:
        core = self._context.core
        if core is None or self._context.user is None:
            return
        self._context.ops.query(_load_services, core, self._context).success(
            self._on_services
        ).run()
        self._run_list()

    def _on_services(self, services: list[Service]) -> None:
        self._services = {service.code: service for service in services}
        self._fill_services()

    def show_electronic_waiting(self) -> None:
        self.state.setCurrentIndex(self.state.findData(E_GOV_WAITING))

    def current_filter(self) -> ApplicationFilter:
        state = self.state.currentData() or ""
        states: tuple[ApplicationState, ...] = ()
        channel = None
        if state == E_GOV_WAITING:
            states, channel = (ApplicationState.DRAFT,), Channel.E_GOV
        elif state:
            states = (ApplicationState(state),)
        return ApplicationFilter(
            states=states,
            service_code=self.service.currentData() or None,
            channel=channel,
            date_from=parse_date(self.date_from.text().strip()),
            date_to=parse_date(self.date_to.text().strip()),
            text=self.number.text(),
        )

    def _run_list(self) -> None:
        core = self._context.core
        if core is None or self._context.user is None:
            return
        self._context.ops.query(
            applications.list_applications, core, self._context.actor, self.current_filter()
        ).success(self._on_listed).run()

    def _on_listed(self, rows: list[ApplicationSummary]) -> None:
        selected = self._current.id if self._current else None
        self.model.set_rows(rows)
        for index, row in enumerate(rows):
            if row.id == selected:
                self.table.selectRow(index)
                break
        else:
            if rows:
                self.table.selectRow(0)
            else:
                self._current = None
                self.detail.setText(_("No applications match these filters."))
                self._update_buttons()
        self.sig_listed.emit(len(rows))

    # --- one application -----------------------------------------------------------------------

    def _on_selection(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        summary = self.selected()
        core = self._context.core
        if summary is None or core is None:
            return
        self._context.ops.query(
            applications.get_application, core, self._context.actor, summary.id
        ).success(self._show).run()

    def selected(self) -> ApplicationSummary | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _show(self, application: Application) -> None:
        self._current = application
        service = self._services.get(application.service_code)
        name = service.name.in_language(current_language()) if service else application.service_code
        lines = [
            f"<h3>{application.number or _('(draft)')}</h3>",
            name,
            _("State: {state}").format(state=application.state.label),
            _("Made: {channel}").format(channel=application.channel.label),
        ]
        if application.external_ref:
            lines.append(_("Portal reference: {ref}").format(ref=application.external_ref))
        if application.payment_reference:
            lines.append(_("Paid: {reference}").format(reference=application.payment_reference))
        if service is not None and service.checklist:
            lines.append("<br><b>" + _("Documents") + "</b>")
            for item in service.checklist:
                label = item.label.in_language(current_language())
                if item.key in application.received:
                    lines.append("✓ " + _("{document} — received").format(document=label))
                else:
                    lines.append("✗ " + _("{document} — missing").format(document=label))
        lines.append("<br><b>" + _("History") + "</b>")
        for entry in application.history:
            when = entry.at.astimezone(office_zone()).strftime("%d.%m.%Y %H:%M")
            note = f" — {entry.note}" if entry.note else ""
            lines.append(f"{when} · {entry.actor_name} · {entry.to_state.label}{note}")
        self.detail.setText("<br>".join(lines))
        self._update_buttons()
        self.sig_shown.emit(application)

    def _update_buttons(self) -> None:
        current = self._current
        self.continue_button.setEnabled(
            current is not None and current.state is ApplicationState.DRAFT
        )
        self.scan_button.setEnabled(current is not None and takes_documents(current.state))
        for state, button in self.move_buttons.items():
            button.setEnabled(current is not None and can_transition(current.state, state))
        self.receipt.offer(current)
        self.card.offer(current)
        # Voiding is a supervisor's correction: offered to them only, refused by the core to others.
        user = self._context.user
        self.void_button.setEnabled(
            current is not None
            and current.number is not None
            and user is not None
            and user.may(Permission.CORRECT_RECORDS)
        )

    def continue_selected(self) -> None:
        current = self._current
        if current is None or current.state is not ApplicationState.DRAFT:
            return
        self._context.bus.sig_open.emit("intake", current.id)

    def scan_for_selected(self) -> None:
        current = self._current
        if current is not None and takes_documents(current.state):
            self._context.bus.sig_open.emit("scan", current.id)

    def move_selected(self, target: ApplicationState, note: str | None = None) -> None:
        current = self._current
        core = self._context.core
        if current is None or core is None:
            return
        if target is ApplicationState.WITHDRAWN and note is None:
            note, accepted = QInputDialog.getText(
                self, _("Withdraw"), _("Why is the application withdrawn?")
            )
            if not accepted:
                return
        show_error(self.error, "")
        self._context.ops.mutate(
            applications.change_state,
            core,
            self._context.actor,
            current.id,
            target,
            note=note or "",
        ).success(self._show).failure(lambda e: show_error(self.error, describe_error(e))).run()

    def void_receipt(self, reason: str | None = None) -> None:
        current = self._current
        core = self._context.core
        if current is None or core is None:
            return
        if reason is None:
            reason, accepted = QInputDialog.getText(
                self, _("Void receipt"), _("Why is the receipt voided? The reason is audited.")
            )
            if not accepted:
                return
        show_error(self.error, "")
        self._context.ops.mutate(
            corrections.void_receipt, core, self._context.actor, current.id, reason
        ).success(self._on_voided).failure(
            lambda e: show_error(self.error, describe_error(e))
        ).run()

    def _on_voided(self, void: Void) -> None:
        show_error(
            self.error,
            _("The receipt {number} is void: {reason}").format(
                number=void.number, reason=void.reason
            ),
        )
        self.sig_voided.emit(void)

    def select_application(self, application_id: uuid.UUID) -> None:
        for index in range(self.model.rowCount()):
            row = self.model.row_at(index)
            if row is not None and row.id == application_id:
                self.table.selectRow(index)
                return

    def _on_changed(self, changes: Changes) -> None:
        if changes.touches(Topic.APPLICATIONS):
            self._run_list()
        if changes.touches(Topic.MASTER_DATA):
            self.refresh()
