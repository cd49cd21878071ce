"""The office's counters and this computer's devices, for supervisors and administrators:
which services each counter calls, the printer for each paper, the waiting-room display's
screen, the folder network scanners save into.

Counters live in the office's database; printers, the display screen and the scan folder in
this computer's
own settings file, since their names and screens are the computer's. Either way the core
checks the role before anything is saved.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from app.config import Config
from app.domain.changes import Changes, Topic
from app.domain.queue import ServiceQueueStatus
from app.i18n import _, current_language
from app.printer_settings import (
    choose_display_screen,
    choose_printer,
    choose_scan_folder,
    printer_for,
)
from app.services import queue_counters, queue_measures
from app.services.queue_store import CounterRef
from printing.spool import PaperKind, PrinterInfo
from ui.context import DeskContext
from ui.dialogs.print_preview import PAPER_LABELS
from ui.ops import describe_error
from ui.widgets.forms import error_label, show_error

if TYPE_CHECKING:
    from app.domain.users import Actor
    from app.services.core import Core


def _office_setup(
    core: Core, actor: Actor
) -> tuple[list[CounterRef], tuple[ServiceQueueStatus, ...]]:
    counters = queue_counters.list_counters(core, actor)  # refuses a clerk first
    return counters, queue_measures.queue_status(core, actor).services


class DevicesWidget(QWidget):
    sig_done = Signal(str, object)  # the action, what was saved
    sig_refused = Signal(str)

    def __init__(self, context: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._counters: list[CounterRef] = []
        self.counter = QComboBox()
        self.counter.setAccessibleName("counter")
        self.services = QListWidget()
        self.services.setAccessibleName("counter services")
        self.printers = {paper: QComboBox() for paper in PaperKind}
        for paper, box in self.printers.items():
            box.setEditable(True)  # a printer not listed yet can be typed
            box.setAccessibleName(f"printer {paper.value}")
        self.display_screen = QSpinBox()
        self.display_screen.setRange(0, 8)
        self.display_screen.setAccessibleName("display screen")
        self.scan_folder = QLineEdit()
        self.scan_folder.setAccessibleName("scan folder")
        self.buttons = {key: QPushButton() for key in ("counter", "add_counter", "devices")}
        self.error = error_label()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self._counter_box, self._devices_box = QGroupBox(), QGroupBox()
        self._counter_label = QLabel()
        self._counter_label.setBuddy(self.counter)
        self._paper_labels = {paper: QLabel() for paper in PaperKind}
        self._screen_label = QLabel()
        self._screen_label.setBuddy(self.display_screen)
        self._folder_label = QLabel()
        self._folder_label.setBuddy(self.scan_folder)

        top = QHBoxLayout()
        top.addWidget(self._counter_label)
        top.addWidget(self.counter, 1)
        top.addWidget(self.buttons["add_counter"])
        counters = QVBoxLayout(self._counter_box)
        counters.addLayout(top)
        counters.addWidget(self.services, 1)
        counters.addWidget(self.buttons["counter"])
        devices = QFormLayout(self._devices_box)
        for paper, box in self.printers.items():
            self._paper_labels[paper].setBuddy(box)
            devices.addRow(self._paper_labels[paper], box)
        devices.addRow(self._screen_label, self.display_screen)
        devices.addRow(self._folder_label, self.scan_folder)
        devices.addRow("", self.buttons["devices"])
        layout = QVBoxLayout(self)
        layout.addWidget(self._counter_box, 1)
        layout.addWidget(self._devices_box)
        layout.addWidget(self.error)
        layout.addWidget(self.message)

        self.counter.currentIndexChanged.connect(lambda _i: self._show_counter())
        self.buttons["counter"].clicked.connect(self.save_counter)
        self.buttons["add_counter"].clicked.connect(self.add_counter)
        self.buttons["devices"].clicked.connect(self.save_devices)
        context.bus.sig_changed.connect(self._on_changed)

    def retranslate(self) -> None:
        self._counter_box.setTitle(_("Counters and their services"))
        self._devices_box.setTitle(_("This computer's printers and display"))
        self._counter_label.setText(_("C&ounter:"))
        for paper, label in self._paper_labels.items():
            label.setText(_("Printer for {paper}:").format(paper=_(PAPER_LABELS[paper])))
        self._screen_label.setText(_("Waiting-room display on screen:"))
        self._folder_label.setText(_("Network scanner folder:"))
        self.scan_folder.setPlaceholderText(_("None: scanners save nowhere on this computer"))
        self.buttons["counter"].setText(_("Save the counter's services"))
        self.buttons["add_counter"].setText(_("Add a counter"))
        self.buttons["devices"].setText(_("Save printers and display"))

    def refresh(self) -> None:
        core = self._context.core
        if core is None or self._context.user is None:
            return
        self._context.ops.query(_office_setup, core, self._context.actor).success(
            self._on_setup
        ).failure(self._on_refused).run()
        self._show_devices(self._context.config, [])
        from ui.printers import printer_backend

        config = self._context.config  # its ESC/POS printers are listed with the system's
        self._context.ops.io(lambda: printer_backend(config).list_printers()).success(
            lambda found: self._show_devices(self._context.config, found)
        ).failure(lambda _error: None).run()  # typed names still work without the list

    def _on_setup(self, loaded: tuple[list[CounterRef], tuple[ServiceQueueStatus, ...]]) -> None:
        if not isValid(self):
            return
        self._counters, services = loaded
        chosen = self.counter.currentData()
        self.counter.blockSignals(True)
        self.counter.clear()
        for counter in self._counters:
            self.counter.addItem(str(counter.number), counter.number)
        self.counter.setCurrentIndex(max(0, self.counter.findData(chosen)))
        self.counter.blockSignals(False)
        self.services.clear()
        for service in services:
            item = QListWidgetItem(
                f"{service.prefix} · {service.name.in_language(current_language())}"
            )
            item.setData(Qt.ItemDataRole.UserRole, service.code)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            self.services.addItem(item)
        self._show_counter()

    def _show_counter(self) -> None:
        number = self.counter.currentData()
        counter = next((c for c in self._counters if c.number == number), None)
        codes = set(counter.service_codes) if counter else set()
        for row in range(self.services.count()):
            item = self.services.item(row)
            served = item.data(Qt.ItemDataRole.UserRole) in codes
            item.setCheckState(Qt.CheckState.Checked if served else Qt.CheckState.Unchecked)

    def _show_devices(self, config: Config, found: list[PrinterInfo]) -> None:
        if not isValid(self):
            return
        for paper, box in self.printers.items():
            current = printer_for(config, paper) or ""
            box.clear()
            box.addItems(["", *(info.name for info in found)])
            box.setCurrentText(current)
        self.display_screen.setValue(config.display_screen)
        self.scan_folder.setText(config.scan_folder)

    def _on_changed(self, changes: Changes) -> None:
        if changes.touches(Topic.MASTER_DATA):
            self.refresh()

    # --- actions -----------------------------------------------------------------------------

    def checked_services(self) -> list[str]:
        return [
            str(self.services.item(row).data(Qt.ItemDataRole.UserRole))
            for row in range(self.services.count())
            if self.services.item(row).checkState() is Qt.CheckState.Checked
        ]

    def save_counter(self) -> None:
        number = self.counter.currentData()
        if number is not None:
            self._mutate("counter", queue_counters.set_counter_services, int(number))

    def add_counter(self) -> None:
        number = max((c.number for c in self._counters), default=0) + 1
        self._mutate("add_counter", queue_counters.set_counter_services, number)

    def _mutate(self, key: str, function: Any, number: int) -> None:
        core = self._context.core
        if core is None or self._context.user is None:
            return
        show_error(self.error, "")
        self._context.ops.mutate(
            function, core, self._context.actor, number, self.checked_services()
        ).success(lambda value: self._on_done(key, value)).failure(self._on_refused).run()

    def save_devices(self) -> None:
        if self._context.user is None:
            return
        show_error(self.error, "")
        chosen = {paper: box.currentText() for paper, box in self.printers.items()}
        self._context.ops.io(
            _save_devices,
            self._context.config,
            self._context.actor,
            chosen,
            self.display_screen.value(),
            self.scan_folder.text(),
        ).success(self._on_devices_saved).failure(self._on_refused).run()

    def _on_devices_saved(self, config: Config) -> None:
        self._context.config = config  # the desk's settings, for every screen from now on
        self._on_done("devices", config)

    def _on_done(self, key: str, value: object) -> None:
        if not isValid(self):
            return
        self.message.setText(_("Saved."))
        self.sig_done.emit(key, value)

    def _on_refused(self, error: BaseException) -> None:
        if not isValid(self):
            return
        message = describe_error(error)
        show_error(self.error, message)
        self.sig_refused.emit(message)


def _save_devices(
    config: Config, actor: Actor, printers: dict[PaperKind, str], screen: int, folder: str
) -> Config:
    for paper, printer in printers.items():
        if printer != (printer_for(config, paper) or ""):
            config = choose_printer(config, actor, paper, printer)
    config = choose_display_screen(config, actor, screen)
    return choose_scan_folder(config, actor, folder)
