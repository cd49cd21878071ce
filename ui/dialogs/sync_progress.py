"""Sync now's progress: what is being sent or received, a bar, and Cancel (Esc).

Not modal: the clerk may go on working while the desk syncs. Cancel asks the sync to stop at
its next check; what was sent and acknowledged by then stays sent, the rest waits for the next
sync. A failure stays on screen in the clerk's words until closed.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from app.i18n import _
from app.tasks import TaskState
from ui.sync_agent import SyncAgent

PERCENT = 100


class SyncProgressDialog(QDialog):
    def __init__(self, agent: SyncAgent, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._task: TaskState | None = None
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setMinimumWidth(380)
        self.bar = QProgressBar()
        self.bar.setAccessibleName("sync progress")
        self.cancel_button = QPushButton()
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.reject)
        box = QVBoxLayout(self)
        box.addWidget(self.message)
        box.addWidget(self.bar)
        box.addWidget(self.cancel_button)
        agent.sig_progress.connect(self._on_progress)
        agent.sig_finished.connect(self._on_finished)
        agent.sig_failed.connect(self._on_failed)
        self.retranslate()

    @property
    def following(self) -> bool:
        return self._task is not None

    def follow(self, task: TaskState) -> None:
        """Show the sync that ``task`` belongs to, from where it stands now."""
        self._task = task
        self.bar.setRange(0, 0)  # moving until the first batch says how far along it is
        self.message.setText(task.progress.message or _("Connecting to the centre…"))
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Sync with the centre"))
        self.cancel_button.setText(_("Cancel (Esc)") if self.following else _("Close (Esc)"))
        self.message.setAccessibleName(self.message.text())

    def _on_progress(self, fraction: float | None, message: str) -> None:
        if not self.following:
            return
        if fraction is None:
            self.bar.setRange(0, 0)
        else:
            self.bar.setRange(0, PERCENT)
            self.bar.setValue(round(fraction * PERCENT))
        self.message.setText(message)
        self.message.setAccessibleName(message)

    def _on_finished(self, _report: object) -> None:
        if self.following:
            self._task = None
            self.accept()  # the status bar says what was done

    def _on_failed(self, message: str) -> None:
        if not self.following:
            return
        self._task = None
        self.bar.setRange(0, PERCENT)
        self.bar.setValue(0)
        self.message.setText(message)
        self.retranslate()

    def reject(self) -> None:
        """Cancel, or Esc: the sync stops at its next check; the dialog closes at once."""
        if self._task is not None:
            self._task.cancel()
            self._task = None
        super().reject()
