"""First start: choose the office, create the first administrator."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.masterdata import Office
from app.i18n import _, current_language
from app.services import setup
from ui.context import DeskContext
from ui.ops import describe_error
from ui.widgets.forms import error_label, heading, password_field, show_error, text_field


class SetupWizard(QDialog):
    sig_set_up = Signal(object)  # DeskIdentity

    def __init__(self, context: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self.setModal(True)
        self.header = heading()
        self.explanation = QLabel()
        self.explanation.setWordWrap(True)
        self.office = QComboBox()
        self.office.setAccessibleName("office")
        self.username = text_field("administrator user name")
        self.full_name = text_field("administrator full name")
        self.password = password_field("password")
        self.repeat = password_field("repeat password")
        self.error = error_label()
        self._labels = [QLabel() for _ in range(5)]
        form = QFormLayout()
        for label, field in zip(
            self._labels,
            (self.office, self.username, self.full_name, self.password, self.repeat),
            strict=True,
        ):
            label.setBuddy(field)
            form.addRow(label, field)
        self.buttons = QDialogButtonBox()
        self.create_button = QPushButton()
        self.create_button.setDefault(True)
        self.cancel_button = QPushButton()
        self.buttons.addButton(self.create_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        box = QVBoxLayout(self)
        box.addWidget(self.header)
        box.addWidget(self.explanation)
        box.addLayout(form)
        box.addWidget(self.error)
        box.addWidget(self.buttons)
        self.create_button.clicked.connect(self._on_create)
        self.cancel_button.clicked.connect(self.reject)
        self.retranslate()
        context.ops.query(setup.available_offices, context.require_core()).success(
            self._on_offices
        ).run()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Set up this desk"))
        self.header.setText(_("Set up this desk"))
        self.explanation.setText(
            _(
                "Choose the office this desk works for and create its first administrator. "
                "The administrator then adds the clerks and supervisors."
            )
        )
        for label, text in zip(
            self._labels,
            (_("&Office"), _("&User name"), _("&Full name"), _("&Password"), _("&Repeat password")),
            strict=True,
        ):
            label.setText(text)
        self.create_button.setText(_("Set up"))
        self.cancel_button.setText(_("Cancel"))

    def _on_offices(self, offices: list[Office]) -> None:
        self.office.clear()
        for office in offices:
            self.office.addItem(
                f"{office.code} — {office.name.in_language(current_language())}", office.code
            )

    def _on_create(self) -> None:
        if self.password.text() != self.repeat.text():
            show_error(self.error, _("The two passwords differ."))
            return
        if not self.username.text().strip() or not self.full_name.text().strip():
            show_error(self.error, _("Enter the administrator's user name and full name."))
            return
        self.create_button.setEnabled(False)
        self._context.ops.mutate(
            setup.initialize_office,
            self._context.require_core(),
            office_code=self.office.currentData() or "",
            admin_username=self.username.text(),
            admin_full_name=self.full_name.text(),
            admin_password=self.password.text(),
        ).success(self._on_done).failure(self._on_failed).run()

    def _on_done(self, identity: setup.DeskIdentity) -> None:
        self.sig_set_up.emit(identity)
        self.accept()

    def _on_failed(self, error: BaseException) -> None:
        self.create_button.setEnabled(True)
        show_error(self.error, describe_error(error))
