"""Where the pages come from and how they are scanned: the device (each scanner found, the
network scanners' folder when this computer has one, and "Import files…"), its source,
resolution and colour.

The choices are kept in this computer's settings, so they come back whenever the same device is
listed again, after a restart too; a device that lacks a remembered value falls back to the
usual one (the glass, 300 dpi, grey: what a document needs to be read).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QWidget

from app.i18n import _
from app.scanning.model import (
    DEFAULT_RESOLUTION,
    ColorMode,
    DeviceCapabilities,
    ScanDevice,
    ScanOptions,
    ScanSource,
)

# The device list's entries for files and for the scan folder, beside the scanners' ScanDevice
# values. A scanner's id never looks like these.
IMPORT_FILES = "import-files"
SCAN_FOLDER = "scan-folder"


@dataclass(frozen=True, slots=True)
class Remembered:
    device: str = ""  # a scanner's id, IMPORT_FILES or SCAN_FOLDER; "" until one is chosen
    source: ScanSource = ScanSource.FLATBED
    resolution: int = DEFAULT_RESOLUTION
    color_mode: ColorMode = ColorMode.GRAY

    @classmethod
    def of(cls, table: Mapping[str, str | int]) -> Remembered:
        """The choices as the settings file keeps them; a value no longer known is left out."""
        device, source = table.get("device"), table.get("source")
        resolution, mode = table.get("resolution"), table.get("color_mode")
        return cls(
            device=device if isinstance(device, str) else "",
            source=ScanSource(source) if source in set(ScanSource) else ScanSource.FLATBED,
            resolution=resolution if isinstance(resolution, int) else DEFAULT_RESOLUTION,
            color_mode=ColorMode(mode) if mode in set(ColorMode) else ColorMode.GRAY,
        )

    def table(self) -> dict[str, str | int]:
        return {
            "device": self.device,
            "source": self.source.value,
            "resolution": self.resolution,
            "color_mode": self.color_mode.value,
        }


class ScanSettings(QWidget):
    sig_device_chosen = Signal(object)  # ScanDevice, or None for "Import files…" or the folder
    sig_remembered = Signal(object)  # Remembered: the clerk changed a choice

    def __init__(self, remembered: Remembered | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._remembered = remembered or Remembered()
        self._filling = False  # choices set by code, not by the clerk
        self.device = QComboBox()
        self.device.setAccessibleName("scanner")
        # Scanner names are long ("Brother DCP-L2550DW series"): room for most of them.
        self.device.setMinimumContentsLength(24)
        self.device.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.source = QComboBox()
        self.source.setAccessibleName("source")
        self.resolution = QComboBox()
        self.resolution.setAccessibleName("resolution")
        self.color_mode = QComboBox()
        self.color_mode.setAccessibleName("colour")
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setAccessibleName("scanner note")
        self._labels = (QLabel(), QLabel(), QLabel(), QLabel())
        layout = QFormLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for label, combo in zip(
            self._labels, (self.device, self.source, self.resolution, self.color_mode), strict=True
        ):
            label.setBuddy(combo)
            layout.addRow(label, combo)
        layout.addRow(self.note)
        self.device.currentIndexChanged.connect(self._on_device_changed)
        for combo in (self.source, self.resolution, self.color_mode):
            combo.currentIndexChanged.connect(lambda _index: self._remember())
        self._set_offered(None)
        self.retranslate()

    def retranslate(self) -> None:
        for label, text in zip(
            self._labels,
            (_("Sc&anner:"), _("S&ource:"), _("Resol&ution:"), _("Colou&r:")),
            strict=True,
        ):
            label.setText(text)
        self._filling = True
        index = self.device.findData(IMPORT_FILES)
        if index >= 0:
            self.device.setItemText(index, _("Import files…"))
        index = self.device.findData(SCAN_FOLDER)
        if index >= 0:
            self.device.setItemText(index, _("Network scanner folder"))
        for row in range(self.source.count()):
            self.source.setItemText(row, ScanSource(self.source.itemData(row)).label)
        for row in range(self.color_mode.count()):
            self.color_mode.setItemText(row, ColorMode(self.color_mode.itemData(row)).label)
        for row in range(self.resolution.count()):
            self.resolution.setItemText(row, _dpi(self.resolution.itemData(row)))
        self._filling = False

    # --- what the screen asks -------------------------------------------------------------------

    def current_device(self) -> ScanDevice | None:
        """The scanner chosen; None while "Import files…", the folder (or nothing yet) is."""
        device = self.device.currentData()
        return device if isinstance(device, ScanDevice) else None

    def folder_chosen(self) -> bool:
        """The network scanners' folder is the device chosen."""
        return bool(self.device.currentData() == SCAN_FOLDER)

    def remembered(self) -> Remembered:
        return self._remembered

    def options(self) -> ScanOptions:
        # Enum values are kept in the lists as plain text: Qt would turn them into text anyway.
        return ScanOptions(
            source=ScanSource(self.source.currentData() or ScanSource.FLATBED),
            resolution=int(self.resolution.currentData() or DEFAULT_RESOLUTION),
            color_mode=ColorMode(self.color_mode.currentData() or ColorMode.GRAY),
        )

    def ready_to_scan(self) -> bool:
        """A scanner is chosen and what it can do is known."""
        return self.current_device() is not None and self.source.count() > 0

    # --- what the screen found -----------------------------------------------------------------

    def set_devices(
        self, devices: list[ScanDevice], note: str = "", *, folder: bool = False
    ) -> None:
        """List the scanners found (and the folder, when this computer has one), choosing the
        device chosen before when it is there, else the first."""
        self._filling = True
        self.device.clear()
        for device in devices:
            self.device.addItem(device.label, device)
        if folder:
            self.device.addItem(_("Network scanner folder"), SCAN_FOLDER)
        self.device.addItem(_("Import files…"), IMPORT_FILES)
        ids = [device.id for device in devices] + ([SCAN_FOLDER] if folder else [])
        ids.append(IMPORT_FILES)
        wanted = self._remembered.device
        index = ids.index(wanted) if wanted in ids else 0
        self.device.setCurrentIndex(index)
        self._filling = False
        self.note.setText(note)
        self.note.setVisible(bool(note))
        # Not the clerk's choice: a scanner switched off for now stays the one remembered.
        self._device_shown(by_clerk=False)

    def set_capabilities(self, device: ScanDevice, capabilities: DeviceCapabilities) -> None:
        if device != self.current_device():
            return  # the clerk chose another device meanwhile
        self._set_offered(capabilities)

    def _set_offered(self, capabilities: DeviceCapabilities | None) -> None:
        remembered = self._remembered
        self._filling = True
        for combo in (self.source, self.resolution, self.color_mode):
            combo.clear()
            combo.setEnabled(capabilities is not None)
        if capabilities is not None:
            for source in capabilities.sources:
                self.source.addItem(source.label, source.value)
            resolutions = capabilities.resolutions or (DEFAULT_RESOLUTION,)
            for value in resolutions:
                self.resolution.addItem(_dpi(value), value)
            for mode in capabilities.color_modes:
                self.color_mode.addItem(mode.label, mode.value)
            _choose(self.source, remembered.source.value)
            nearest = min(resolutions, key=lambda value: abs(value - remembered.resolution))
            _choose(self.resolution, nearest)
            _choose(self.color_mode, remembered.color_mode.value)
        self._filling = False

    def _on_device_changed(self, _index: int) -> None:
        if not self._filling:
            self._device_shown(by_clerk=True)

    def _device_shown(self, *, by_clerk: bool) -> None:
        self._set_offered(None)
        if by_clerk:
            self._remember()
        self.sig_device_chosen.emit(self.current_device())

    def _remember(self) -> None:
        if self._filling:
            return
        device = self.current_device()
        data = self.device.currentData()
        chosen = device.id if device is not None else str(data or "")
        if not chosen:
            return
        remembered = replace(self._remembered, device=chosen)
        if device is not None and self.source.count():
            options = self.options()
            remembered = replace(
                remembered,
                source=options.source,
                resolution=options.resolution,
                color_mode=options.color_mode,
            )
        if remembered != self._remembered:
            self._remembered = remembered
            self.sig_remembered.emit(remembered)


def _choose(combo: QComboBox, value: object) -> None:
    index = combo.findData(value)
    combo.setCurrentIndex(index if index >= 0 else 0)


def _dpi(value: int) -> str:
    return _("{dpi} dpi").format(dpi=value)
