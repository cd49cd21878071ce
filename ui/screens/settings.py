"""Settings: the desk's language, a backup on demand with progress, and the link to the
central server (its enrolment)."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.config import Config
from app.db.backup import BackupFile, backup_sqlite
from app.domain.users import Permission
from app.errors import DeskError
from app.i18n import _
from app.services.core import require
from ui.context import DeskContext
from ui.ops import describe_error
from ui.widgets.enrolment import EnrolmentBox
from ui.widgets.forms import heading
from ui.widgets.language import LanguageBox


def _backup(config: Config, context: DeskContext) -> BackupFile:
    require(context.actor, Permission.BACKUP)
    if not config.uses_sqlite:
        raise DeskError(_("The office's PostgreSQL database is backed up on its server."))
    return backup_sqlite(config, now=datetime.now(UTC), reason="manual")


class SettingsScreen(QWidget):
    sig_language_chosen = Signal(str)

    def __init__(self, context: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self.header = heading()
        self.language = LanguageBox()
        self.language.sig_language_chosen.connect(self.sig_language_chosen)
        self.data_dir = QLabel(str(context.config.data_dir))
        self.data_dir.setAccessibleName("data folder")
        self.backup_button = QPushButton()
        self.backup_result = QLabel()
        self.backup_result.setWordWrap(True)
        self._language_label = QLabel()
        self._language_label.setBuddy(self.language)
        self._data_label = QLabel()
        self.enrolment = EnrolmentBox(context)
        form = QFormLayout()
        form.addRow(self._language_label, self.language)
        form.addRow(self._data_label, self.data_dir)
        form.addRow("", self.backup_button)
        form.addRow("", self.backup_result)
        box = QVBoxLayout(self)
        box.addWidget(self.header)
        box.addLayout(form)
        box.addWidget(self.enrolment)
        box.addStretch(1)
        self.backup_button.clicked.connect(self._on_backup)
        self.retranslate()

    def retranslate(self) -> None:
        self.header.setText(_("Settings"))
        self._language_label.setText(_("&Language"))
        self._data_label.setText(_("Data folder"))
        self.backup_button.setText(_("&Back up the database now"))
        self.backup_button.setAccessibleName(_("Back up the database now"))
        self.language.retranslate()
        self.enrolment.retranslate()

    def refresh(self) -> None:
        self.language.show_current()
        self.enrolment.refresh()

    def _on_backup(self) -> None:
        self.backup_button.setEnabled(False)
        self.backup_result.setText(_("Backing up…"))
        self._context.ops.query(_backup, self._context.config, self._context).success(
            self._on_backed_up
        ).failure(self._on_failed).run()

    def _on_backed_up(self, made: BackupFile) -> None:
        self.backup_button.setEnabled(True)
        self.backup_result.setText(_("Backup written: {path}").format(path=made.path))

    def _on_failed(self, error: BaseException) -> None:
        self.backup_button.setEnabled(True)
        self.backup_result.setText(describe_error(error))
