"""The "Print receipt" button (and Ctrl+P) of the screens that show an application.

It says "Reprint" once the receipt was printed, since that copy comes out marked as a
duplicate. One small object, so that a screen adds it with a line or two: place ``button``,
call ``offer`` with the application in view (or None), and ``retranslate``.
"""

from __future__ import annotations

import logging
import uuid

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QPushButton, QWidget
from shiboken6 import isValid

from app.domain.applications import Application
from app.domain.changes import Changes, Topic
from app.domain.prints import PrintKind
from app.i18n import _
from app.intake.lifecycle import ApplicationState
from app.services import print_log
from ui.context import DeskContext
from ui.dialogs.print_preview import PrintPreviewDialog, receipt_preview

log = logging.getLogger(__name__)


class ReceiptButton(QObject):
    sig_opened = Signal(object)  # PrintPreviewDialog

    def __init__(self, context: DeskContext, screen: QWidget, *, hidden_when_idle: bool) -> None:
        super().__init__(screen)
        self._context = context
        self._screen = screen
        self._hidden_when_idle = hidden_when_idle
        self._application: uuid.UUID | None = None
        self._printed = False
        self.dialog: PrintPreviewDialog | None = None
        self.button = QPushButton()
        self.button.setAccessibleName("print receipt")
        self.button.clicked.connect(self.open_preview)
        QShortcut(QKeySequence("Ctrl+P"), screen, self.open_preview)
        context.bus.sig_changed.connect(self._on_changed)
        self.offer(None)

    def offer(self, application: Application | None) -> None:
        """Offer the receipt of ``application`` if it has one (it was submitted)."""
        has_receipt = application is not None and application.state is not ApplicationState.DRAFT
        self._application = application.id if application is not None and has_receipt else None
        self._printed = False
        self.button.setEnabled(self._application is not None)
        if self._hidden_when_idle:
            self.button.setVisible(self._application is not None)
        self.retranslate()
        self._ask_if_printed()

    def retranslate(self) -> None:
        self.button.setText(
            _("Reprint receipt… (Ctrl+P)") if self._printed else _("Print receipt… (Ctrl+P)")
        )

    def open_preview(self) -> None:
        if self._application is None or self._context.core is None:
            return
        self.dialog = receipt_preview(self._context, self._application, self._screen)
        self.sig_opened.emit(self.dialog)

    def _ask_if_printed(self) -> None:
        core, application = self._context.core, self._application
        if core is None or application is None or self._context.user is None:
            return

        def answered(count: int) -> None:
            # The screen may be gone by now (a new login rebuilds the screens).
            if isValid(self.button) and application == self._application:
                self._printed = count > 0
                self.retranslate()

        self._context.ops.query(
            print_log.sent_count, core, self._context.actor, PrintKind.RECEIPT, application
        ).success(answered).failure(
            lambda error: log.info("could not tell whether the receipt was printed: %s", error)
        ).run()

    def _on_changed(self, changes: Changes) -> None:
        if changes.touches(Topic.PRINTS):
            self._ask_if_printed()
