"""Intake: the applicant from a passport reader's MRZ (or a search), the service's form, the
documents received, the fee and its payment, and submission. Everything typed is kept as a
scratchpad as it is typed, so a crash or a power cut loses nothing.

Keyboard: the reader types into the applicant line (or anywhere in the form: an MRZ is
recognised in any line); Enter moves on; Ctrl+D ticks every document; Ctrl+Enter submits;
Ctrl+S saves a draft; Ctrl+N starts a new form; F3 goes back to the applicant; after a
submission Ctrl+P opens the receipt's preview.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.clock import office_zone
from app.domain.applications import Application, ApplicationForm, FormDraft, PaymentMethod
from app.domain.changes import Changes, Topic
from app.domain.masterdata import Service
from app.domain.persons import Person, PersonSummary
from app.domain.queue import Ticket
from app.errors import ValidationError
from app.i18n import _, current_language
from app.intake.calendar import WorkingCalendar
from app.mrz import MrzFormatError, MrzResult
from app.mrz.image import MrzImageRead
from app.services import applications, form_drafts, mrz_intake, person_search, persons
from app.services.applications import FormProblemsError
from ui.context import DeskContext
from ui.models.table import DataclassTableModel, record_table
from ui.ops import describe_error
from ui.screens.persons import PersonColumn
from ui.widgets.forms import error_label, heading, show_error
from ui.widgets.mrz_input import MrzCollector, looks_like_mrz_line
from ui.widgets.receipt_button import ReceiptButton
from ui.widgets.service_form import ServiceForm

if TYPE_CHECKING:
    from app.services.core import Core

AUTOSAVE_DELAY_MS = 400  # a pause in typing; a crash loses at most the last moment's keys
_MRZ_WIDTHS = (44, 36, 30)


def _office_today() -> date:
    from datetime import datetime

    return datetime.now(office_zone()).date()


def _split_mrz_line(text: str) -> tuple[str, str] | None:
    """A reader's line typed at the end of a field: (what the field held before, the line)."""
    for width in _MRZ_WIDTHS:
        if len(text) >= width and looks_like_mrz_line(text[-width:].upper()):
            return text[:-width], text[-width:].upper()
    return None


def _load_setup(core: Core, context: DeskContext) -> tuple[list[Service], WorkingCalendar]:
    actor = context.actor
    return applications.services(core, actor), applications.working_calendar(core)


def _load_recovered(core: Core, context: DeskContext) -> tuple[FormDraft | None, Person | None]:
    draft = form_drafts.recover(core, context.actor)
    if draft is None or draft.form.person_id is None:
        return draft, None
    return draft, persons.get_person(core, context.actor, draft.form.person_id)


def _load_application(
    core: Core, context: DeskContext, application_id: uuid.UUID
) -> tuple[Application, Person | None]:
    application = applications.get_application(core, context.actor, application_id)
    person = (
        persons.get_person(core, context.actor, application.person_id)
        if application.person_id
        else None
    )
    return application, person


class IntakeScreen(QWidget):
    sig_applicant_chosen = Signal(object)  # Person
    sig_submitted = Signal(object)  # Application
    sig_draft_recovered = Signal(object)  # FormDraft
    sig_autosaved = Signal()
    sig_ready = Signal()  # services loaded, the form can be used

    def __init__(self, context: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._services: list[Service] = []
        self._calendar = WorkingCalendar(frozenset())
        self._person: Person | None = None
        self._application_id: uuid.UUID | None = None
        self._mrz = MrzCollector()
        self._pending_mrz: MrzResult | None = None
        self._loading = False  # filling the form from a draft: not an edit to save
        self._dirty = False
        self._recovered_checked = False
        self._ticket: Ticket | None = None  # the queue ticket of the visitor served, if any

        self.header = heading()
        self.applicant_label = QLabel()
        self.applicant = QLineEdit()
        self.applicant.setAccessibleName("applicant")
        self.applicant.setClearButtonEnabled(True)
        self.chosen = QLabel()
        self.chosen.setWordWrap(True)
        self.candidates: DataclassTableModel[PersonSummary] = DataclassTableModel(PersonColumn)
        self.candidate_table = record_table(self.candidates, "candidates")
        self.candidate_table.setMaximumHeight(150)
        self.candidate_table.hide()
        self.register_anyway = QPushButton()
        self.register_anyway.hide()

        self.service_label = QLabel()
        self.service = QComboBox()
        self.service.setAccessibleName("service")
        self.form = ServiceForm()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.form)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)

        self.checklist_label = QLabel()
        self.checklist = QListWidget()
        self.checklist.setAccessibleName("documents received")
        self.checklist.setMaximumHeight(170)
        self.all_received = QPushButton()
        self.checklist_problem = error_label()
        self.fee = QLabel()
        self.fee.setWordWrap(True)
        self.payment_method = QComboBox()
        self.payment_method.setAccessibleName("payment method")
        for method in PaymentMethod:
            self.payment_method.addItem(method.label, method.value)
        self.payment_reference = QLineEdit()
        self.payment_reference.setAccessibleName("payment reference")
        self.payment_problem = error_label()
        self.note = QLineEdit()
        self.note.setAccessibleName("note")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName("message")
        self.error = error_label()
        self.submit_button = QPushButton()
        self.draft_button = QPushButton()
        self.new_button = QPushButton()
        # The receipt of the application just submitted: Ctrl+P, or this button.
        self.receipt = ReceiptButton(context, self, hidden_when_idle=True)

        self._build_layout(scroll)
        self._connect()
        self.setFocusProxy(self.applicant)
        self.retranslate()

    # --- layout and wiring ---------------------------------------------------------------------

    def _build_layout(self, scroll: QScrollArea) -> None:
        top = QFormLayout()
        applicant_row = QVBoxLayout()
        applicant_row.addWidget(self.applicant)
        applicant_row.addWidget(self.chosen)
        applicant_row.addWidget(self.candidate_table)
        applicant_row.addWidget(self.register_anyway, 0, Qt.AlignmentFlag.AlignLeft)
        top.addRow(self.applicant_label, applicant_row)
        top.addRow(self.service_label, self.service)
        self.applicant_label.setBuddy(self.applicant)
        self.service_label.setBuddy(self.service)

        right = QVBoxLayout()
        right.addWidget(self.checklist_label)
        right.addWidget(self.checklist)
        right.addWidget(self.all_received, 0, Qt.AlignmentFlag.AlignLeft)
        right.addWidget(self.checklist_problem)
        right.addSpacing(8)
        right.addWidget(self.fee)
        self._payment_labels = (QLabel(), QLabel(), QLabel())
        payment = QFormLayout()
        payment.addRow(self._payment_labels[0], self.payment_method)
        payment.addRow(self._payment_labels[1], self.payment_reference)
        payment.addRow("", self.payment_problem)
        payment.addRow(self._payment_labels[2], self.note)
        self._payment_labels[1].setBuddy(self.payment_reference)
        right.addLayout(payment)
        right.addStretch(1)

        middle = QHBoxLayout()
        middle.addWidget(scroll, 3)
        middle.addLayout(right, 2)

        buttons = QHBoxLayout()
        buttons.addWidget(self.submit_button)
        buttons.addWidget(self.draft_button)
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.receipt.button)
        buttons.addStretch(1)

        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addLayout(top)
        layout.addLayout(middle, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.message)
        layout.addLayout(buttons)

    def _connect(self) -> None:
        self.applicant.returnPressed.connect(self._on_applicant_enter)
        self.applicant.textEdited.connect(self._on_applicant_edited)
        self.candidate_table.activated.connect(lambda _index: self._use_candidate())
        self.register_anyway.clicked.connect(self._on_register_anyway)
        self.service.currentIndexChanged.connect(self._on_service_changed)
        self.form.sig_edited.connect(self._on_edited)
        self.checklist.itemChanged.connect(lambda _item: self._on_edited())
        self.all_received.clicked.connect(self.tick_all_documents)
        self.payment_method.currentIndexChanged.connect(lambda _i: self._on_edited())
        for edit in (self.payment_reference, self.note):
            edit.textEdited.connect(lambda _t: self._on_edited())
            edit.returnPressed.connect(edit.focusNextChild)
        for edit in (self.payment_reference, self.note):
            self._watch_for_mrz(edit)
        self.submit_button.clicked.connect(self.submit)
        self.draft_button.clicked.connect(self.save_draft)
        self.new_button.clicked.connect(self.new_form)
        self._autosave = QTimer(self)
        self._autosave.setSingleShot(True)
        self._autosave.setInterval(AUTOSAVE_DELAY_MS)
        self._autosave.timeout.connect(self._keep_scratchpad)
        for keys, slot in (
            ("Ctrl+Return", self.submit),
            ("Ctrl+Enter", self.submit),
            ("Ctrl+S", self.save_draft),
            ("Ctrl+N", self.new_form),
            ("Ctrl+D", self.tick_all_documents),
            ("F3", self.focus_applicant),
        ):
            QShortcut(QKeySequence(keys), self, slot)
        self._context.bus.sig_changed.connect(self._on_changed)

    def _watch_for_mrz(self, edit: QLineEdit) -> None:
        """A reader typing, or a zone pasted, into any line of the form fills the applicant."""

        def on_enter() -> None:
            split = _split_mrz_line(edit.text())
            if split is None and not self._mrz.collecting:
                return
            before, line = split if split is not None else ("", edit.text())
            edit.setText(before)
            self._feed_mrz_line(line)

        def on_edited(text: str) -> None:
            zone = MrzCollector.whole_zone(text)
            if zone is not None:
                edit.clear()
                self._on_mrz(zone)

        edit.returnPressed.connect(on_enter)
        edit.textEdited.connect(on_edited)

    def retranslate(self) -> None:
        self.header.setText(_("Intake"))
        self.applicant_label.setText(_("&Applicant:"))
        self.applicant.setPlaceholderText(
            _("Read the passport (MRZ), or type a name, document number or FIN and press Enter")
        )
        self.register_anyway.setText(_("Register as a &new person: none of these is the applicant"))
        self.service_label.setText(_("Se&rvice:"))
        self.checklist_label.setText(_("Documents received:"))
        self.all_received.setText(_("All &documents received (Ctrl+D)"))
        self._payment_labels[0].setText(_("Paid through:"))
        self._payment_labels[1].setText(_("&Payment reference:"))
        self._payment_labels[2].setText(_("N&ote:"))
        for index, method in enumerate(PaymentMethod):
            self.payment_method.setItemText(index, method.label)
        self.submit_button.setText(_("&Submit (Ctrl+Enter)"))
        self.draft_button.setText(_("Save as dra&ft (Ctrl+S)"))
        self.new_button.setText(_("New form (Ctrl+N)"))
        self.receipt.retranslate()
        self.candidates.retranslate()
        self._fill_service_names()
        self.form.retranslate()
        self._fill_checklist(self._received())
        self._show_applicant()
        self._update_fee()

    # --- loading -------------------------------------------------------------------------------

    def refresh(self) -> None:
        core = self._context.core
        if core is None or self._context.user is None:
            return
        self._context.ops.query(_load_setup, core, self._context).success(self._on_setup).run()

    def _on_setup(self, loaded: tuple[list[Service], WorkingCalendar]) -> None:
        services, self._calendar = loaded
        current = self.current_service()
        self._services = services
        self.service.blockSignals(True)
        self.service.clear()
        for service in services:
            self.service.addItem("", service.code)
        self._fill_service_names()
        index = self.service.findData(current.code) if current else 0
        self.service.setCurrentIndex(max(0, index))
        self.service.blockSignals(False)
        if current is None or current.code != self.service.currentData():
            self._build_form({})
        if not self._recovered_checked:
            self._recovered_checked = True
            core = self._context.require_core()
            self._context.ops.query(_load_recovered, core, self._context).success(
                self._on_recovered
            ).run()
        else:
            self.sig_ready.emit()

    def _fill_service_names(self) -> None:
        language = current_language()
        for index, service in enumerate(self._services):
            self.service.setItemText(index, service.name.in_language(language))

    def _on_recovered(self, loaded: tuple[FormDraft | None, Person | None]) -> None:
        draft, person = loaded
        if draft is not None:
            self._load_form(draft.form, person, draft.application_id)
            self.message.setText(
                _(
                    "The form you were typing when the desk stopped was recovered: check it "
                    "and go on."
                )
            )
            self.sig_draft_recovered.emit(draft)
        self.sig_ready.emit()

    def _load_form(
        self, form: ApplicationForm, person: Person | None, application_id: uuid.UUID | None
    ) -> None:
        self._loading = True
        try:
            self._application_id = application_id
            self._person = person
            index = self.service.findData(form.service_code)
            self.service.blockSignals(True)
            self.service.setCurrentIndex(max(0, index))
            self.service.blockSignals(False)
            self._build_form(dict(form.values), received=form.received)
            method_index = self.payment_method.findData(
                form.payment_method.value if form.payment_method else PaymentMethod.ASANPAY.value
            )
            self.payment_method.setCurrentIndex(max(0, method_index))
            self.payment_reference.setText(form.payment_reference)
            self.note.setText(form.note)
            self._show_applicant()
            self._update_fee()
        finally:
            self._loading = False

    def open_record(self, application_id: object) -> None:
        if isinstance(application_id, Ticket):  # a visitor called at the queue panel
            self.start_for_ticket(application_id)
            return
        if isinstance(application_id, MrzImageRead):  # a passport read at the Scan screen
            self._on_mrz(application_id.result)
            return
        core = self._context.core
        if core is None or not isinstance(application_id, uuid.UUID):
            return
        self._context.ops.query(_load_application, core, self._context, application_id).success(
            lambda loaded: self.open_application(*loaded)
        ).run()

    def open_application(self, application: Application, person: Person | None) -> None:
        """Continue a draft or an e-application from the Applications screen."""
        self._load_form(application.as_form(), person, application.id)
        self.message.setText(
            _("Completing the application made on {day}.").format(
                day=application.created_at.astimezone(office_zone()).strftime("%d.%m.%Y")
            )
        )
        self._dirty = True
        self._autosave.start()
        self.focus_next_empty()

    # --- the applicant -------------------------------------------------------------------------

    def focus_applicant(self) -> None:
        self.applicant.setFocus()
        self.applicant.selectAll()

    def _on_applicant_edited(self, text: str) -> None:
        zone = MrzCollector.whole_zone(text)
        if zone is not None:
            self.applicant.clear()
            self._on_mrz(zone)

    def _on_applicant_enter(self) -> None:
        text = self.applicant.text()
        if looks_like_mrz_line(text) or self._mrz.collecting:
            self.applicant.clear()
            self._feed_mrz_line(text)
            return
        query = text.strip()
        core = self._context.core
        if not query or core is None:
            return
        self._context.ops.query(
            person_search.search_persons, core, self._context.actor, query
        ).success(self._on_found).run()

    def _feed_mrz_line(self, line: str) -> None:
        result = self._mrz.feed_line(line)
        if isinstance(result, MrzFormatError):
            show_error(self.error, result.message)
        elif result is not None:
            self._on_mrz(result)

    def _on_mrz(self, mrz: MrzResult) -> None:
        core = self._context.core
        if core is None:
            return
        self._pending_mrz = mrz
        show_error(self.error, "")
        self._context.ops.mutate(
            mrz_intake.applicant_from_mrz, core, self._context.actor, mrz
        ).success(self._on_applicant).failure(self._on_applicant_failed).run()

    def _on_applicant_failed(self, error: BaseException) -> None:
        if isinstance(error, persons.DuplicateCandidatesError):
            self._show_candidates(list(error.candidates), allow_new=True)
            self.message.setText(error.message)
            return
        show_error(self.error, describe_error(error))
        self.focus_applicant()

    def _on_found(self, rows: list[PersonSummary]) -> None:
        if len(rows) == 1:
            self._choose_summary(rows[0])
            return
        if not rows:
            self.message.setText(
                _(
                    "No one found. Read the passport's MRZ, or register the person on the "
                    "Persons screen."
                )
            )
        self._show_candidates(rows, allow_new=False)

    def _show_candidates(self, rows: list[PersonSummary], *, allow_new: bool) -> None:
        self.candidates.set_rows(rows)
        self.candidate_table.setVisible(bool(rows))
        self.register_anyway.setVisible(allow_new)
        if rows:
            self.candidate_table.setFocus()
            self.candidate_table.selectRow(0)

    def _use_candidate(self) -> None:
        selected = self.candidate_table.selectionModel().selectedRows()
        if selected:
            summary = self.candidates.row_at(selected[0].row())
            if summary is not None:
                self._choose_summary(summary)

    def _choose_summary(self, summary: PersonSummary) -> None:
        core = self._context.core
        if core is None:
            return
        self._context.ops.query(persons.get_person, core, self._context.actor, summary.id).success(
            self._on_applicant
        ).run()

    def _on_register_anyway(self) -> None:
        core = self._context.core
        if core is None or self._pending_mrz is None:
            return
        self._context.ops.mutate(
            mrz_intake.applicant_from_mrz, core, self._context.actor, self._pending_mrz, force=True
        ).success(self._on_applicant).failure(self._on_applicant_failed).run()

    def _on_applicant(self, person: Person) -> None:
        self._person = person
        self._pending_mrz = None
        self.candidate_table.hide()
        self.register_anyway.hide()
        self.message.setText("")
        self._show_applicant()
        self._update_fee()
        self._on_edited()
        self.sig_applicant_chosen.emit(person)
        self.focus_next_empty()

    def _show_applicant(self) -> None:
        person = self._person
        if person is None:
            self.chosen.setText(_("No applicant chosen yet."))
            return
        birth = person.birth_date.strftime("%d.%m.%Y") if person.birth_date else "—"
        fin_label = _("FIN")
        self.chosen.setText(
            f"<b>{person.full_name}</b> · {birth} · {person.nationality}"
            + (f" · {fin_label} {person.fin}" if person.fin else "")
        )

    # --- the form ------------------------------------------------------------------------------

    def current_service(self) -> Service | None:
        code = self.service.currentData()
        return next((s for s in self._services if s.code == code), None)

    def _on_service_changed(self, _index: int) -> None:
        # What was typed into fields both services share stays; the rest goes.
        kept = self.form.values()
        self._build_form(kept)
        self._on_edited()

    def _build_form(self, values: dict[str, str], received: tuple[str, ...] = ()) -> None:
        service = self.current_service()
        if service is None:
            return
        self.form.build(service, _office_today())
        self.form.set_values(values)
        for edit in self.form.line_edits():
            self._watch_for_mrz(edit)
        self._fill_checklist(received)
        self._update_fee()

    def _fill_checklist(self, received: tuple[str, ...]) -> None:
        service = self.current_service()
        self.checklist.blockSignals(True)
        self.checklist.clear()
        if service is not None:
            language = current_language()
            for item in service.checklist:
                mark = " *" if item.required else ""
                row = QListWidgetItem(item.label.in_language(language) + mark)
                row.setData(Qt.ItemDataRole.UserRole, item.key)
                row.setFlags(row.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                checked = item.key in received
                row.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
                self.checklist.addItem(row)
        self.checklist.blockSignals(False)

    def _received(self) -> tuple[str, ...]:
        keys = []
        for index in range(self.checklist.count()):
            item = self.checklist.item(index)
            if item.checkState() == Qt.CheckState.Checked:
                keys.append(str(item.data(Qt.ItemDataRole.UserRole)))
        return tuple(keys)

    def tick_all_documents(self) -> None:
        self.checklist.blockSignals(True)
        for index in range(self.checklist.count()):
            self.checklist.item(index).setCheckState(Qt.CheckState.Checked)
        self.checklist.blockSignals(False)
        self._on_edited()

    def focus_next_empty(self) -> None:
        target = self.form.first_empty_required() or self.form.first_editor()
        if target is not None:
            target.setFocus(Qt.FocusReason.TabFocusReason)

    def current_form(self) -> ApplicationForm:
        service = self.current_service()
        return ApplicationForm(
            service_code=service.code if service else "",
            person_id=self._person.id if self._person else None,
            values=self.form.values(),
            received=self._received(),
            payment_method=PaymentMethod(self.payment_method.currentData()),
            payment_reference=self.payment_reference.text(),
            note=self.note.text(),
        )

    def _on_edited(self) -> None:
        if self._loading:
            return
        self._dirty = True
        self._update_fee()
        self._autosave.start()

    def _update_fee(self) -> None:
        service = self.current_service()
        if service is None:
            self.fee.setText("")
            return
        today = _office_today()
        birth = self._person.birth_date if self._person else None
        try:
            quote = applications.quote_fee(service, self.current_form(), birth, today)
        except ValidationError as error:
            self.fee.setText(error.message)
            self._show_payment(True)
            return
        text = quote.describe()
        if quote.working_days is not None:
            due = self._calendar.add_working_days(today, quote.working_days)
            text += " · " + _("decision due {date}").format(date=due.strftime("%d.%m.%Y"))
        self.fee.setText(text)
        self._show_payment(not quote.free)

    def _show_payment(self, needed: bool) -> None:
        for widget in (self.payment_method, self.payment_reference, *self._payment_labels[:2]):
            widget.setEnabled(needed)

    # --- saving --------------------------------------------------------------------------------

    def _keep_scratchpad(self) -> None:
        core = self._context.core
        if core is None or self._context.user is None or not self._dirty:
            return
        self._context.ops.query(
            form_drafts.keep,
            core,
            self._context.actor,
            self.current_form(),
            application_id=self._application_id,
        ).success(lambda _changes: self.sig_autosaved.emit()).run()

    def submit(self) -> None:
        core = self._context.core
        if core is None:
            return
        self._autosave.stop()
        self._keep_scratchpad()  # what is on screen is safe whatever the answer
        show_error(self.error, "")
        self._context.ops.mutate(
            applications.submit_application,
            core,
            self._context.actor,
            self.current_form(),
            application_id=self._application_id,
        ).success(self._on_submitted).failure(self._on_refused).run()

    def _on_submitted(self, application: Application) -> None:
        parts = [
            _("Application {number} was submitted.").format(number=application.number),
        ]
        if application.fee_amount:
            parts.append(_("Fee: {amount} AZN.").format(amount=f"{application.fee_amount:.2f}"))
        if application.decision_due:
            parts.append(
                _("Decision due {date}.").format(date=application.decision_due.strftime("%d.%m.%Y"))
            )
        parts.append(_("Print the receipt with Ctrl+P."))
        self._reset()
        self.message.setText(" ".join(parts))
        self.receipt.offer(application)
        self.sig_submitted.emit(application)
        self._link_ticket(application)

    # --- the visitor called at the queue panel ------------------------------------------------

    def start_for_ticket(self, ticket: Ticket) -> None:
        """A new form for the called visitor, with the ticket's service chosen; the application
        submitted from it is linked to the ticket. A form with unsaved typing is never wiped."""
        if not self._services:  # the screen opens for the first time: its services are loading

            def when_ready() -> None:
                self.sig_ready.disconnect(when_ready)
                self.start_for_ticket(ticket)

            self.sig_ready.connect(when_ready)
            return
        if self._dirty or self._person is not None or self._application_id is not None:
            self.message.setText(
                _(
                    "Submit or save the form in progress first (Ctrl+S), then open ticket {number}."
                ).format(number=ticket.number)
            )
            return
        self._reset()
        self._ticket = ticket
        self.service.setCurrentIndex(max(0, self.service.findData(ticket.service_code)))
        self._dirty = False  # choosing the service is not typing
        self.message.setText(
            _("Ticket {number}: read the visitor's passport.").format(number=ticket.number)
        )

    def _link_ticket(self, application: Application) -> None:
        ticket, self._ticket, core = self._ticket, None, self._context.core
        if ticket is None or core is None:
            return
        from app.services import queue

        self._context.ops.mutate(
            queue.link_application, core, self._context.actor, ticket.id, application.id
        ).failure(lambda error: show_error(self.error, describe_error(error))).run()

    def _on_refused(self, error: BaseException) -> None:
        if not isinstance(error, FormProblemsError):
            show_error(self.error, describe_error(error))
            return
        by_field: dict[str, str] = {}
        for problem in error.problems:
            by_field.setdefault(problem.field_key, problem.message)
        self.form.show_problems(by_field)
        show_error(self.checklist_problem, by_field.get(applications.CHECKLIST_FIELD, ""))
        show_error(self.payment_problem, by_field.get(applications.PAYMENT_FIELD, ""))
        show_error(self.error, error.message)
        first = error.problems[0].field_key
        target: QWidget | None = self.form.editor(first)
        if first == applications.PERSON_FIELD:
            target = self.applicant
        elif first == applications.CHECKLIST_FIELD:
            target = self.checklist
        elif first == applications.PAYMENT_FIELD:
            target = self.payment_reference
        if target is not None:
            target.setFocus(Qt.FocusReason.OtherFocusReason)

    def save_draft(self) -> None:
        core = self._context.core
        if core is None:
            return
        self._autosave.stop()
        self._context.ops.mutate(
            applications.save_draft,
            core,
            self._context.actor,
            self.current_form(),
            application_id=self._application_id,
        ).success(self._on_draft_saved).failure(
            lambda error: show_error(self.error, describe_error(error))
        ).run()

    def _on_draft_saved(self, application: Application) -> None:
        self._reset()
        self.message.setText(_("The draft was saved; find it under Applications to go on with it."))
        del application

    def new_form(self) -> None:
        self._reset()
        self.message.setText("")

    def _reset(self) -> None:
        """An empty form for the next visitor; the scratchpad goes with the old one."""
        core = self._context.core
        self._autosave.stop()
        self._dirty = False
        self._application_id = None
        self._person = None
        self._mrz.reset()
        self._loading = True
        try:
            self.form.clear()
            self._fill_checklist(())
            self.payment_reference.clear()
            self.note.clear()
            self.candidate_table.hide()
            self.register_anyway.hide()
            for label in (self.error, self.checklist_problem, self.payment_problem):
                show_error(label, "")
            self._show_applicant()
            self._update_fee()
        finally:
            self._loading = False
        if core is not None and self._context.user is not None:
            self._context.ops.query(form_drafts.discard, core, self._context.actor).run()
        self.focus_applicant()

    def _on_changed(self, changes: Changes) -> None:
        if changes.touches(Topic.MASTER_DATA):
            self.refresh()
