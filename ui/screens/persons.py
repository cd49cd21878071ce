"""Persons: find anyone by any spelling, document or FIN as you type; see a person's card;
register a new person by hand or from a passport reader's MRZ, with probable duplicates
shown before anything is created."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from enum import Enum
from functools import partial
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelection, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.clock import office_zone
from app.domain.applications import ApplicationFilter, ApplicationSummary
from app.domain.changes import Changes, Outcome, Topic
from app.domain.persons import IdentityDocument, NewDocument, Person, PersonData, PersonSummary
from app.domain.users import Actor
from app.i18n import _, current_language
from app.mrz import MrzFormatError, MrzResult, check_label
from app.services import applications, person_search, persons
from ui.context import DeskContext
from ui.models.table import ColumnSpec, DataclassTableModel, record_table
from ui.ops import describe_error
from ui.widgets.forms import heading
from ui.widgets.mrz_input import MrzCollector, looks_like_mrz_line
from ui.widgets.person_form import PersonForm

if TYPE_CHECKING:
    from app.services.core import Core

SEARCH_DELAY_MS = 120  # long enough to skip the keystrokes of a fast typist, short to feel live


def _date(value: Any) -> str:
    return value.strftime("%d.%m.%Y") if value is not None else ""


def _column(
    header: Callable[[], str], value: Callable[[PersonSummary], Any]
) -> ColumnSpec[PersonSummary]:
    return ColumnSpec(header, value)


class PersonColumn(Enum):
    SURNAME = _column(lambda: _("Surname"), lambda r: r.surname)
    GIVEN_NAMES = _column(lambda: _("Given names"), lambda r: r.given_names)
    BIRTH_DATE = _column(lambda: _("Date of birth"), lambda r: _date(r.birth_date))
    NATIONALITY = _column(lambda: _("Nationality"), lambda r: r.nationality)
    DOCUMENT = _column(lambda: _("Document"), lambda r: r.document_number)


def _load_card(
    core: Core, context: DeskContext, person_id: uuid.UUID
) -> tuple[Person, list[IdentityDocument], list[ApplicationSummary]]:
    actor = context.actor
    person = persons.get_person(core, actor, person_id)
    return (
        person,
        persons.list_documents(core, actor, person.id),
        applications.list_applications(core, actor, ApplicationFilter(person_id=person.id)),
    )


def _save_edit(
    core: Core,
    actor: Actor,
    person_id: uuid.UUID,
    data: PersonData,
    documents: tuple[NewDocument, ...],
) -> Outcome[Person]:
    """The corrected record, and a document typed in added to it: each change audited."""
    outcome = persons.update_person(core, actor, person_id, data)
    topics = set(outcome.changes.topics)
    for document in documents:
        topics |= persons.add_document(core, actor, person_id, document).changes.topics
    return Outcome(persons.get_person(core, actor, person_id), Changes(frozenset(topics)))


class PersonsScreen(QWidget):
    sig_searched = Signal(str)  # the query whose results are now on screen
    sig_person_shown = Signal(object)  # Person
    sig_saved = Signal(object)  # Person

    def __init__(self, context: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._latest_query = ""
        self._pending_create: tuple[PersonData, tuple[NewDocument, ...]] | None = None
        self._mrz = MrzCollector()
        self.header = heading()
        self.search = QLineEdit()
        self.search.setAccessibleName("search")
        self.search.setClearButtonEnabled(True)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.model: DataclassTableModel[PersonSummary] = DataclassTableModel(PersonColumn)
        self.table = record_table(self.model, "search results")
        self.new_button = QPushButton()
        self.edit_button = QPushButton()
        self.edit_button.setEnabled(False)
        self.merge_button = QPushButton()
        self.merge_button.setEnabled(False)
        self._shown: Person | None = None
        self._merge_keep: Person | None = None  # the record a duplicate will be merged into
        self.force_button = QPushButton()
        self.force_button.hide()
        self.card = QLabel()
        self.card.setWordWrap(True)
        self.card.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.card.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.form = PersonForm()
        self.right = QStackedWidget()
        self.right.addWidget(self.card)
        self.right.addWidget(self.form)

        left = QVBoxLayout()
        left.addWidget(self.header)
        left.addWidget(self.search)
        left.addWidget(self.message)
        left.addWidget(self.table, 1)
        row = QHBoxLayout()
        row.addWidget(self.new_button)
        row.addWidget(self.edit_button)
        row.addWidget(self.merge_button)
        row.addWidget(self.force_button)
        row.addStretch(1)
        left.addLayout(row)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 3)
        layout.addWidget(self.right, 2)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self._run_search)
        self.search.textEdited.connect(self._on_text_edited)
        self.search.returnPressed.connect(self._on_search_enter)
        self.table.selectionModel().selectionChanged.connect(self._on_selection)
        self.table.activated.connect(lambda _index: self._show_selected())
        self.new_button.clicked.connect(self.start_new_person)
        self.edit_button.clicked.connect(self.edit_shown_person)
        self.merge_button.clicked.connect(self.merge_step)
        self.force_button.clicked.connect(self._on_force_create)
        self.form.sig_submitted.connect(self._on_form_submitted)
        self.form.sig_cancelled.connect(self._on_form_cancelled)
        QShortcut(QKeySequence("Ctrl+F"), self, self.focus_search)
        QShortcut(QKeySequence("Ctrl+N"), self, self.start_new_person)
        QShortcut(QKeySequence("F2"), self, self.edit_shown_person)
        QShortcut(QKeySequence("Ctrl+M"), self, self.merge_step)
        QShortcut(QKeySequence("Ctrl+S"), self, self.form.save_button.click)
        context.bus.sig_changed.connect(self._on_changed)
        self.setFocusProxy(self.search)
        self.retranslate()

    def retranslate(self) -> None:
        self.header.setText(_("Persons"))
        self.search.setPlaceholderText(
            _("Name in any spelling, document number, FIN, date of birth — or scan the MRZ")
        )
        self.new_button.setText(_("&New person (Ctrl+N)"))
        self.edit_button.setText(_("&Edit (F2)"))
        self._retranslate_merge()
        self.force_button.setText(_("Create &anyway: none of these is the person"))
        self.model.retranslate()
        self.form.retranslate()

    def refresh(self) -> None:
        if self._latest_query:
            self._run_search()

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    # --- searching ---------------------------------------------------------------------------

    def _on_text_edited(self, text: str) -> None:
        pasted = MrzCollector.whole_zone(text)
        if pasted is not None:
            self.search.clear()
            self._on_mrz(pasted)
            return
        self._timer.start()

    def _run_search(self) -> None:
        query = self.search.text().strip()
        self._latest_query = query
        core = self._context.core
        if core is None or self._context.user is None:
            return
        if not query:
            self.model.set_rows([])
            self.sig_searched.emit("")
            return
        self._context.ops.query(
            person_search.search_persons, core, self._context.actor, query
        ).success(partial(self._on_results, query)).run()

    def _on_results(self, query: str, rows: list[PersonSummary]) -> None:
        if query != self._latest_query:
            return  # an older answer overtaken by what was typed since
        self.force_button.hide()
        self.model.set_rows(rows)
        nobody = _("No one found. Check the spelling, or register a new person.")
        if not rows:
            self.message.setText(nobody)
        elif self.message.text() == nobody:
            self.message.setText("")  # other news (saved, merged) stays until the next
        if rows:
            self.table.selectRow(0)
        self.sig_searched.emit(query)

    def _on_search_enter(self) -> None:
        text = self.search.text()
        if looks_like_mrz_line(text) or self._mrz.collecting:
            self.search.clear()
            result = self._mrz.feed_line(text)
            if isinstance(result, MrzFormatError):
                self.message.setText(result.message)
            elif result is not None:
                self._on_mrz(result)
            return
        self._timer.stop()
        self._run_search()
        self.table.setFocus()

    def _on_mrz(self, mrz: MrzResult) -> None:
        """A passport was read: find its holder by the document, or prepare a new record."""
        if mrz.failed_checks:
            failing = ", ".join(check_label(name) for name in mrz.failed_checks)
            self.message.setText(
                _(
                    "The MRZ was read, but these checks fail: {checks}. Compare "
                    "it with the document."
                ).format(checks=failing)
            )
        self.form.fill_from_mrz(mrz)
        self.search.setText(mrz.document_number)
        core = self._context.core
        if core is None:
            return
        self._latest_query = mrz.document_number
        self._context.ops.query(
            person_search.search_persons, core, self._context.actor, mrz.document_number
        ).success(lambda rows: self._on_mrz_holder(mrz, rows)).run()

    def _on_mrz_holder(self, mrz: MrzResult, rows: list[PersonSummary]) -> None:
        self._on_results(mrz.document_number, rows)
        if not rows:
            self.right.setCurrentWidget(self.form)
            self.form.other_spellings.setFocus()

    # --- the card ----------------------------------------------------------------------------

    def _on_selection(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self._show_selected()

    def selected(self) -> PersonSummary | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _show_selected(self) -> None:
        summary = self.selected()
        core = self._context.core
        if summary is None or core is None:
            return
        self._context.ops.query(_load_card, core, self._context, summary.id).success(
            self._on_card
        ).run()

    def _on_card(
        self, loaded: tuple[Person, list[IdentityDocument], list[ApplicationSummary]]
    ) -> None:
        person, documents, applied = loaded
        lines = [
            f"<h3>{person.full_name}</h3>",
            _("Date of birth: {date}").format(date=_date(person.birth_date)),
            _("Sex: {sex}").format(sex=person.sex.value),
            _("Nationality: {code}").format(code=person.nationality),
        ]
        if person.fin:
            lines.append(_("FIN: {fin}").format(fin=person.fin))
        if person.other_spellings:
            lines.append(_("Also written: {names}").format(names=", ".join(person.other_spellings)))
        for document in documents:
            lines.append(
                _("{kind} {number} ({state}), valid until {date}").format(
                    kind=document.kind.label,
                    number=document.number,
                    state=document.issuing_state,
                    date=_date(document.expiry_date) or "—",
                )
            )
        if applied:
            lines.append("<br><b>" + _("Applications") + "</b>")
        for application in applied:
            day = application.submitted_at or application.updated_at
            lines.append(
                _("{number} · {service} · {state} · {date}").format(
                    number=application.number or _("(draft)"),
                    service=application.service_name.in_language(current_language()),
                    state=application.state.label,
                    date=day.astimezone(office_zone()).strftime("%d.%m.%Y"),
                )
            )
        self.card.setText("<br>".join(lines))
        self._shown = person
        self.edit_button.setEnabled(True)
        self.merge_button.setEnabled(True)
        self._retranslate_merge()
        self.right.setCurrentWidget(self.card)
        self.sig_person_shown.emit(person)

    # --- a new person ------------------------------------------------------------------------

    def start_new_person(self) -> None:
        self.form.clear()
        query = self.search.text().strip()
        if query and not any(ch.isdigit() for ch in query):
            surname, _sep, given = query.partition(" ")
            self.form.surname.setText(surname)
            self.form.given_names.setText(given)
        self.right.setCurrentWidget(self.form)
        self.form.surname.setFocus()

    # --- merging duplicates (a supervisor's correction; the core refuses other roles) --------

    def _retranslate_merge(self) -> None:
        keep, shown = self._merge_keep, self._shown
        if keep is None:
            self.merge_button.setText(_("Merge a duplicate into this record (Ctrl+M)"))
        elif shown is not None and shown.id != keep.id:
            self.merge_button.setText(
                _("Merge this record into {name} (Ctrl+M)").format(name=keep.full_name)
            )
        else:
            self.merge_button.setText(_("Cancel the merge (Ctrl+M)"))

    def merge_step(self) -> None:
        """First press: keep the record shown. Second press, on the duplicate: merge it."""
        shown, keep = self._shown, self._merge_keep
        if shown is None:
            return
        if keep is None:
            self._merge_keep = shown
            self.message.setText(
                _(
                    "Now find and open the duplicate of {name}, then press Ctrl+M again to "
                    "merge it into this record."
                ).format(name=shown.full_name)
            )
        elif keep.id == shown.id:
            self._merge_keep = None
            self.message.setText("")
        elif self._confirm_merge(keep, shown):
            self._merge(keep, shown)
        self._retranslate_merge()

    def _confirm_merge(self, keep: Person, duplicate: Person) -> bool:
        from ui.dialogs.message import ask

        return ask(
            self,
            _("Merge records"),
            _(
                "Merge the record of {duplicate} into that of {keep}? Its documents and "
                "applications move to {keep}, its names are kept as other spellings, and the "
                "merge is recorded in the audit log."
            ).format(duplicate=duplicate.full_name, keep=keep.full_name),
            yes=_("Merge"),
            no=_("Cancel"),
        )

    def _merge(self, keep: Person, duplicate: Person) -> None:
        core = self._context.core
        if core is None:
            return
        self._context.ops.mutate(
            persons.merge_persons, core, self._context.actor, keep.id, duplicate.id
        ).success(self._on_merged).failure(
            lambda error: self.message.setText(describe_error(error))
        ).run()

    def _on_merged(self, person: Person) -> None:
        self._merge_keep = None
        self.message.setText(
            _("The duplicate was merged into the record of {name}.").format(name=person.full_name)
        )
        self._retranslate_merge()
        self.sig_saved.emit(person)

    def edit_shown_person(self) -> None:
        if self._shown is None:
            return
        self.form.edit(self._shown)
        self.right.setCurrentWidget(self.form)

    def _on_form_submitted(self, data: PersonData, documents: tuple[NewDocument, ...]) -> None:
        editing = self.form.editing
        if editing is None:
            self._create(data, documents, force=False)
            return
        core = self._context.core
        if core is None:
            return
        self._context.ops.mutate(
            _save_edit, core, self._context.actor, editing.id, data, documents
        ).success(self._on_edited).failure(self._on_create_failed).run()

    def _on_edited(self, person: Person) -> None:
        self.message.setText(_("The record of {name} was saved.").format(name=person.full_name))
        self.form.clear()
        self._run_search()
        self._show_selected()
        self.sig_saved.emit(person)

    def _create(self, data: PersonData, documents: tuple[NewDocument, ...], *, force: bool) -> None:
        core = self._context.core
        if core is None:
            return
        self._pending_create = (data, documents)
        self._context.ops.mutate(
            persons.create_person, core, self._context.actor, data, documents=documents, force=force
        ).success(self._on_created).failure(self._on_create_failed).run()

    def _on_created(self, person: Person) -> None:
        self._pending_create = None
        self.force_button.hide()
        self.search.setText(person.full_name)
        self.message.setText(_("{name} was registered.").format(name=person.full_name))
        self._run_search()
        self.sig_saved.emit(person)

    def _on_create_failed(self, error: BaseException) -> None:
        if isinstance(error, persons.DuplicateCandidatesError):
            self.model.set_rows(list(error.candidates))
            self.message.setText(error.message)
            self.force_button.show()
            self.table.setFocus()
            self.table.selectRow(0)
            return
        field = getattr(error, "field", "")
        self.form.show_problem(describe_error(error), field)

    def _on_force_create(self) -> None:
        if self._pending_create is not None:
            data, documents = self._pending_create
            self._create(data, documents, force=True)

    def _on_form_cancelled(self) -> None:
        self._pending_create = None
        self.force_button.hide()
        self.right.setCurrentWidget(self.card)
        self.focus_search()

    def _on_changed(self, changes: Changes) -> None:
        if changes.touches(Topic.PERSONS) and self._latest_query:
            self._run_search()
