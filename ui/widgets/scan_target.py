"""Where a scanned document goes: the application, and the item of its service's checklist.

Loaded through the operations layer, and again whenever applications change, so an item
attached here (or ticked at another desk) shows as received at once.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QWidget
from shiboken6 import isValid

from app.domain.applications import Application
from app.domain.changes import Changes, Topic
from app.domain.masterdata import ChecklistItem, LocalizedText
from app.domain.users import Actor
from app.i18n import _, current_language
from ui.context import DeskContext
from ui.ops import describe_error

if TYPE_CHECKING:
    from app.services.core import Core


@dataclass(frozen=True, slots=True)
class ScanTarget:
    """The application the pages go to, and its service's checklist."""

    application: Application
    checklist: tuple[ChecklistItem, ...]
    service_name: LocalizedText | None

    @property
    def takes_documents(self) -> bool:
        from app.services.attachments import takes_documents

        return takes_documents(self.application.state)


def _target_of(core: Core, actor: Actor, application_id: uuid.UUID) -> ScanTarget:
    from app.services import applications

    application = applications.get_application(core, actor, application_id)
    service = next(
        (s for s in applications.services(core, actor) if s.code == application.service_code),
        None,
    )
    return ScanTarget(
        application, service.checklist if service else (), service.name if service else None
    )


class TargetChooser(QWidget):
    sig_shown = Signal(object)  # ScanTarget, once it is on screen
    sig_failed = Signal(str)

    def __init__(self, context: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self.target: ScanTarget | None = None
        self.application = QLabel()
        self.application.setWordWrap(True)
        self.application.setAccessibleName("application")
        self.item_label = QLabel()
        self.item = QComboBox()
        self.item.setAccessibleName("checklist item")
        self.item_label.setBuddy(self.item)
        layout = QFormLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addRow(self.application)
        layout.addRow(self.item_label, self.item)
        context.bus.sig_changed.connect(self._on_changed)
        self.retranslate()

    def retranslate(self) -> None:
        self.item_label.setText(_("Chec&klist item:"))
        self._show(self.item_key())

    def item_key(self) -> str | None:
        key = self.item.currentData()
        return str(key) if key is not None else None

    def item_text(self) -> str:
        return self.item.currentText()

    def load(self, application_id: uuid.UUID, item_key: str | None = None) -> None:
        """Show the application, with ``item_key`` (or the first item still missing) chosen."""
        core = self._context.core
        if core is None or self._context.user is None:
            return

        def loaded(target: ScanTarget) -> None:
            if isValid(self):
                self.target = target
                self._show(item_key)
                self.sig_shown.emit(target)

        def failed(error: BaseException) -> None:
            if isValid(self):
                self.sig_failed.emit(describe_error(error))

        self._context.ops.query(_target_of, core, self._context.actor, application_id).success(
            loaded
        ).failure(failed).run()

    def _show(self, key: str | None) -> None:
        target = self.target
        self.item.clear()
        if target is None:
            self.application.setText(
                _("No application chosen: on the Applications screen, select one and press Ctrl+D.")
            )
            return
        application, language = target.application, current_language()
        service = target.service_name.in_language(language) if target.service_name else ""
        text = _("Application {number}: {service}, {state}").format(
            number=application.number or _("(draft)"),
            service=service or application.service_code,
            state=application.state.label,
        )
        if not target.takes_documents:
            text += " — " + _("it no longer takes documents.")
        self.application.setText(text)
        for item in target.checklist:
            label = item.label.in_language(language)
            if item.key in application.received:
                label = _("{document} — received").format(document=label)
            self.item.addItem(label, item.key)
        # The item asked for, else the first one still missing.
        index = self.item.findData(key) if key else -1
        if index < 0:
            missing = [i.key for i in target.checklist if i.key not in application.received]
            index = self.item.findData(missing[0]) if missing else 0
        self.item.setCurrentIndex(max(0, index))

    def _on_changed(self, changes: Changes) -> None:
        if changes.touches(Topic.APPLICATIONS) and self.target is not None:
            self.load(self.target.application.id, self.item_key())
