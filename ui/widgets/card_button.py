"""The "Print card" button (and Ctrl+K) of the Applications screen: the permit card of an
approved application, once the centre's signed permit has come by sync."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QPushButton, QWidget
from shiboken6 import isValid

from app.domain.applications import Application
from app.domain.changes import Changes, Topic
from app.i18n import _
from app.intake.lifecycle import ApplicationState
from app.services import permits
from ui.context import DeskContext
from ui.dialogs.print_preview import PrintPreviewDialog, card_preview

log = logging.getLogger(__name__)

_WITH_CARD = frozenset({ApplicationState.APPROVED, ApplicationState.CARD_PRINTED})


class CardButton(QObject):
    sig_opened = Signal(object)  # PrintPreviewDialog

    def __init__(self, context: DeskContext, screen: QWidget) -> None:
        super().__init__(screen)
        self._context = context
        self._screen = screen
        self._application: Application | None = None
        self._permit: str | None = None
        self.dialog: PrintPreviewDialog | None = None
        self.button = QPushButton()
        self.button.setAccessibleName("print card")
        self.button.clicked.connect(self.open_preview)
        QShortcut(QKeySequence("Ctrl+K"), screen, self.open_preview)
        context.bus.sig_changed.connect(self._on_changed)
        self.offer(None)

    def offer(self, application: Application | None) -> None:
        """Offer the card of ``application`` once its permit is here."""
        self._application = application if application and application.state in _WITH_CARD else None
        self._permit = None
        self.button.setEnabled(False)
        self.retranslate()
        self._ask_for_permit()

    def retranslate(self) -> None:
        self.button.setText(_("Print card… (Ctrl+K)"))
        self.button.setToolTip(
            _("The permit card, as the centre signed it; it needs the holder's photo")
            if self._permit
            else _("The card can be printed once the centre's permit has come")
        )

    def open_preview(self) -> None:
        if self._permit is None or self._context.core is None:
            return
        self.dialog = card_preview(self._context, self._permit, self._screen)
        self.sig_opened.emit(self.dialog)

    def _ask_for_permit(self) -> None:
        core, application = self._context.core, self._application
        if core is None or application is None or self._context.user is None:
            return

        def answered(permit: permits.Permit | None) -> None:
            if not isValid(self.button) or application is not self._application:
                return
            usable = permit is not None and permit.revoked_at is None
            self._permit = permit.number if permit is not None and usable else None
            self.button.setEnabled(self._permit is not None)
            self.retranslate()

        self._context.ops.query(
            permits.permit_of_application, core, self._context.actor, application.id
        ).success(answered).failure(
            lambda error: log.info("could not look for the permit: %s", error)
        ).run()

    def _on_changed(self, changes: Changes) -> None:
        if changes.touches(Topic.PERMITS, Topic.APPLICATIONS):
            self._ask_for_permit()
