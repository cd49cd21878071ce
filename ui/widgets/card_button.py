"""The "Print card" button (and Ctrl+K) of the Applications screen: the permit card of an
approved application, once the centre's signed permit has come by sync."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QInputDialog, QPushButton, QWidget
from shiboken6 import isValid

from app.domain.applications import Application
from app.domain.changes import Changes, Topic
from app.domain.day_close import Void
from app.domain.users import Permission
from app.i18n import _
from app.intake.lifecycle import ApplicationState
from app.services import corrections, permits
from ui.context import DeskContext
from ui.dialogs.print_preview import PrintPreviewDialog, card_preview
from ui.ops import describe_error

log = logging.getLogger(__name__)

_WITH_CARD = frozenset({ApplicationState.APPROVED, ApplicationState.CARD_PRINTED})


class CardButton(QObject):
    sig_opened = Signal(object)  # PrintPreviewDialog
    sig_voided = Signal(object)  # Void
    sig_message = Signal(str)  # for the screen's message line

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
        # A supervisor's correction: offered to them only, refused by the core to others.
        self.void_button = QPushButton()
        self.void_button.setAccessibleName("void card")
        self.void_button.clicked.connect(lambda _checked=False: self.void_card())
        context.bus.sig_changed.connect(self._on_changed)
        self.offer(None)

    def offer(self, application: Application | None) -> None:
        """Offer the card of ``application`` once its permit is here."""
        self._application = application if application and application.state in _WITH_CARD else None
        self._permit = None
        self.button.setEnabled(False)
        self.void_button.setEnabled(False)
        self.retranslate()
        self._ask_for_permit()

    def retranslate(self) -> None:
        self.void_button.setText(_("Void card…"))
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

    def void_card(self, reason: str | None = None) -> None:
        """Declare the printed card void, with the reason the supervisor gives."""
        core, number = self._context.core, self._permit
        if core is None or number is None:
            return
        if reason is None:
            reason, accepted = QInputDialog.getText(
                self._screen,
                _("Void card"),
                _("Why is the card {number} voided? The reason is audited.").format(number=number),
            )
            if not accepted:
                return
        self._context.ops.mutate(
            corrections.void_card, core, self._context.actor, number, reason
        ).success(self._on_voided).failure(
            lambda error: self.sig_message.emit(describe_error(error))
        ).run()

    def _on_voided(self, void: Void) -> None:
        self.sig_message.emit(
            _("The card {number} is void: {reason}").format(number=void.number, reason=void.reason)
        )
        self.sig_voided.emit(void)

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
            user = self._context.user
            self.void_button.setEnabled(
                self._permit is not None
                and application.state is ApplicationState.CARD_PRINTED
                and user is not None
                and user.may(Permission.CORRECT_RECORDS)
            )
            self.retranslate()

        self._context.ops.query(
            permits.permit_of_application, core, self._context.actor, application.id
        ).success(answered).failure(
            lambda error: log.info("could not look for the permit: %s", error)
        ).run()

    def _on_changed(self, changes: Changes) -> None:
        if changes.touches(Topic.PERMITS, Topic.APPLICATIONS):
            self._ask_for_permit()
