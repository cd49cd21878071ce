"""The form of a new person: names as in the passport, other spellings, birth, sex,
nationality, FIN, the identity document. Filled by hand or from a passport's MRZ."""

from __future__ import annotations

import itertools
from datetime import date

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.persons import Contacts, DocumentKind, NewDocument, Person, PersonData, Sex
from app.i18n import _
from app.mrz import MrzResult
from app.search import transliterate_az_to_cyrillic
from ui.widgets.forms import enter_moves_to, error_label, heading, show_error, text_field

NO_DATE = QDate(1900, 1, 1)


def _date_edit(name: str) -> QDateEdit:
    edit = QDateEdit()
    edit.setDisplayFormat("dd.MM.yyyy")
    edit.setCalendarPopup(True)
    edit.setMinimumDate(NO_DATE)
    edit.setSpecialValueText(" ")  # the minimum shows empty: "not known"
    edit.setDate(NO_DATE)
    edit.setAccessibleName(name)
    return edit


def _read_date(edit: QDateEdit) -> date | None:
    value = edit.date()
    return None if value == NO_DATE else date(value.year(), value.month(), value.day())


class PersonForm(QWidget):
    sig_submitted = Signal(object, object)  # PersonData, tuple[NewDocument, ...]
    sig_cancelled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.header = heading(size_delta=3)
        # The person being edited; None for a new one.
        self.editing: Person | None = None
        self.surname = text_field("surname")
        self.given_names = text_field("given names")
        self.other_spellings = text_field("other spellings")
        self.birth_date = _date_edit("date of birth")
        self.sex = QComboBox()
        self.sex.setAccessibleName("sex")
        for value in Sex:
            self.sex.addItem(value.value, value.value)
        self.nationality = text_field("nationality")
        self.nationality.setMaxLength(3)
        self.fin = text_field("FIN")
        self.fin.setMaxLength(7)
        self.phone = text_field("phone")
        self.email = text_field("email")
        self.address = text_field("address")
        self.document_kind = QComboBox()
        self.document_kind.setAccessibleName("document kind")
        self.document_number = text_field("document number")
        self.issuing_state = text_field("issuing state")
        self.issuing_state.setMaxLength(3)
        self.expiry_date = _date_edit("expiry date")
        self.error = error_label()
        self.save_button = QPushButton()
        self.save_button.setDefault(True)
        self.cancel_button = QPushButton()
        self._labels = [QLabel() for _ in range(14)]
        fields: list[QWidget] = [
            self.surname,
            self.given_names,
            self.other_spellings,
            self.birth_date,
            self.sex,
            self.nationality,
            self.fin,
            self.phone,
            self.email,
            self.address,
            self.document_kind,
            self.document_number,
            self.issuing_state,
            self.expiry_date,
        ]
        form = QFormLayout()
        for label, field in zip(self._labels, fields, strict=True):
            label.setBuddy(field)
            form.addRow(label, field)
        for line_edit, following in itertools.pairwise(fields):
            if isinstance(line_edit, QLineEdit):
                enter_moves_to(line_edit, following)
        self.expiry_date.editingFinished.connect(self.save_button.setFocus)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)
        box = QVBoxLayout(self)
        box.addWidget(self.header)
        box.addLayout(form)
        box.addWidget(self.error)
        box.addLayout(buttons)
        box.addStretch(1)
        self.surname.editingFinished.connect(self._suggest_spelling)
        self.save_button.clicked.connect(self._on_save)
        self.cancel_button.clicked.connect(self.sig_cancelled)
        self.retranslate()

    def retranslate(self) -> None:
        self.header.setText(_("Edit person") if self.editing is not None else _("New person"))
        texts = (
            _("&Surname"),
            _("&Given names"),
            _("&Other spellings"),
            _("Date of &birth"),
            _("Se&x"),
            _("&Nationality"),
            _("&FIN"),
            _("&Phone"),
            _("E-&mail"),
            _("&Address"),
            _("Document &kind"),
            _("Document n&umber"),
            _("&Issuing state"),
            _("Valid &until"),
        )
        for label, text in zip(self._labels, texts, strict=True):
            label.setText(text)
        current = self.document_kind.currentData()
        self.document_kind.clear()
        for kind in DocumentKind:
            self.document_kind.addItem(kind.label, kind.value)
        if current is not None:
            self.document_kind.setCurrentIndex(self.document_kind.findData(current))
        self.other_spellings.setPlaceholderText(_("e.g. the name in Cyrillic; separate with ;"))
        self.nationality.setPlaceholderText(_("AZE, RUS, XXA …"))
        self.save_button.setText(_("&Save"))
        self.cancel_button.setText(_("Cancel"))

    def edit(self, person: Person) -> None:
        """Fill the form with ``person`` to correct it; a document typed in is added."""
        self.clear()
        self.editing = person
        self.surname.setText(person.surname)
        self.given_names.setText(person.given_names)
        self.other_spellings.setText("; ".join(person.other_spellings))
        if person.birth_date is not None:
            self.birth_date.setDate(QDate(person.birth_date))
        self.sex.setCurrentIndex(max(0, self.sex.findData(person.sex.value)))
        self.nationality.setText(person.nationality)
        self.fin.setText(person.fin or "")
        self.phone.setText(person.contacts.phone or "")
        self.email.setText(person.contacts.email or "")
        self.address.setText(person.address or "")
        self.retranslate()
        self.surname.setFocus()

    def clear(self) -> None:
        self.editing = None
        self.header.setText(_("New person"))
        for field in (
            self.surname,
            self.given_names,
            self.other_spellings,
            self.nationality,
            self.fin,
            self.phone,
            self.email,
            self.address,
            self.document_number,
            self.issuing_state,
        ):
            field.clear()
        self.birth_date.setDate(NO_DATE)
        self.expiry_date.setDate(NO_DATE)
        self.sex.setCurrentIndex(0)
        self.document_kind.setCurrentIndex(0)
        show_error(self.error, "")
        self.surname.setFocus()

    def fill_from_mrz(self, mrz: MrzResult) -> None:
        self.clear()
        self.surname.setText(mrz.surname)
        self.given_names.setText(mrz.given_names)
        if mrz.birth_date is not None:
            self.birth_date.setDate(QDate(mrz.birth_date))
        self.sex.setCurrentIndex(max(0, self.sex.findData(mrz.sex)))
        self.nationality.setText(mrz.nationality)
        kind = (
            DocumentKind.PASSPORT
            if mrz.document_type.startswith("P")
            else (DocumentKind.ID_CARD if mrz.document_type.startswith("I") else DocumentKind.OTHER)
        )
        self.document_kind.setCurrentIndex(self.document_kind.findData(kind.value))
        self.document_number.setText(mrz.document_number)
        self.issuing_state.setText(mrz.issuing_state)
        if mrz.expiry_date is not None:
            self.expiry_date.setDate(QDate(mrz.expiry_date))
        self._suggest_spelling()
        self.other_spellings.setFocus()

    def _suggest_spelling(self) -> None:
        # The Cyrillic form is how the person is often known in older records: offer it.
        if self.other_spellings.text().strip() or not self.surname.text().strip():
            return
        name = f"{self.surname.text().strip()} {self.given_names.text().strip()}".strip()
        self.other_spellings.setText(transliterate_az_to_cyrillic(name.title()))

    def show_problem(self, message: str, field: str = "") -> None:
        show_error(self.error, message)
        target = {
            "surname": self.surname,
            "given_names": self.given_names,
            "birth_date": self.birth_date,
            "nationality": self.nationality,
            "fin": self.fin,
            "document_number": self.document_number,
            "issuing_state": self.issuing_state,
        }.get(field)
        if target is not None:
            target.setFocus()

    def _on_save(self) -> None:
        data = PersonData(
            surname=self.surname.text(),
            given_names=self.given_names.text(),
            birth_date=_read_date(self.birth_date),
            sex=Sex(self.sex.currentData()),
            nationality=self.nationality.text(),
            other_spellings=tuple(s for s in self.other_spellings.text().split(";") if s.strip()),
            fin=self.fin.text() or None,
            contacts=Contacts(phone=self.phone.text() or None, email=self.email.text() or None),
            address=self.address.text() or None,
        )
        documents: tuple[NewDocument, ...] = ()
        if self.document_number.text().strip():
            documents = (
                NewDocument(
                    kind=DocumentKind(self.document_kind.currentData()),
                    number=self.document_number.text(),
                    issuing_state=self.issuing_state.text() or self.nationality.text(),
                    expiry_date=_read_date(self.expiry_date),
                ),
            )
        show_error(self.error, "")
        self.sig_submitted.emit(data, documents)
