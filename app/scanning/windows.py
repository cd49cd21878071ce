"""Scanners on Windows through WIA 2.0 automation (``WIA.DeviceManager``, via pywin32).

Written against the same interface as the SANE backend, but it cannot run on the Linux
machines the tests run on: no WIA there. Its imports of ``win32com`` happen only on Windows,
and elsewhere :meth:`WiaBackend.availability` says so and every call raises
:class:`ScannerUnavailableError`. The tests check that dispatch; the WIA calls themselves
follow Microsoft's WIA automation reference and wait for a Windows desk to be tried on.
TWAIN-only scanners are reached through WIA's TWAIN compatibility layer.
"""

from __future__ import annotations

import io
import logging
import sys
from collections.abc import Iterator
from typing import Any

from PIL import Image

from app.i18n import _, ngettext
from app.scanning.model import (
    COMMON_RESOLUTIONS,
    MAX_PAGES,
    MM_PER_INCH,
    Availability,
    ColorMode,
    DeviceCapabilities,
    Fault,
    ScanDevice,
    ScanError,
    ScannedPage,
    ScannerUnavailableError,
    ScanOptions,
    ScanSource,
    device_error,
    dpi_of,
    feeder_empty_error,
    normalised,
)
from app.tasks import TaskState

log = logging.getLogger(__name__)

BACKEND_NAME = "wia"
WIA_FORMAT_PNG = "{B96B3CAF-0728-11D3-9D7B-0000F81EF32E}"
SCANNER_DEVICE_TYPE = 1
# WIA property ids (wiadef.h).
PROP_DEVICE_NAME = 7
PROP_MANUFACTURER = 3
PROP_DOCUMENT_HANDLING_CAPABILITIES = 3086
PROP_DOCUMENT_HANDLING_SELECT = 3088
PROP_PAGES = 3096
PROP_CURRENT_INTENT = 6146
PROP_HORIZONTAL_RESOLUTION = 6147
PROP_VERTICAL_RESOLUTION = 6148
PROP_HORIZONTAL_EXTENT = 6151
PROP_VERTICAL_EXTENT = 6152
FEEDER, FLATBED = 1, 2  # the bits of WIA_DPS_DOCUMENT_HANDLING_SELECT and _CAPABILITIES
RANGE_SUBTYPE = 1  # WIA_PROP_RANGE: a property's values given as a minimum and a maximum
INTENTS = {ColorMode.COLOR: 1, ColorMode.GRAY: 2, ColorMode.BLACK_WHITE: 4}
# WIA error codes (HRESULTs, wia.h) that end a scan.
WIA_PAPER_EMPTY = 0x80210003
_WIA_FAULTS = {
    0x80210002: Fault.JAMMED,
    0x80210005: Fault.CONNECTION_LOST,  # offline
    0x80210006: Fault.BUSY,
    0x8021000A: Fault.CONNECTION_LOST,  # device communication
    0x80210016: Fault.COVER_OPEN,
}


def _wia_code(error: BaseException) -> int:
    """The HRESULT inside a pywin32 COM error, as an unsigned number."""
    args: tuple[Any, ...] = getattr(error, "args", ())
    for value in args:
        if isinstance(value, int):
            return value & 0xFFFFFFFF
    excepinfo = args[2] if len(args) > 2 and isinstance(args[2], tuple) else ()
    if len(excepinfo) > 5 and isinstance(excepinfo[5], int):
        return excepinfo[5] & 0xFFFFFFFF
    return 0


class WiaBackend:
    def __init__(self, *, platform: str = sys.platform) -> None:
        self._platform = platform

    @property
    def name(self) -> str:
        return BACKEND_NAME

    def availability(self) -> Availability:
        if self._platform != "win32":
            return Availability(False, _("Windows scanners (WIA) can only be used on Windows."))
        try:
            import win32com.client  # noqa: F401
        except ImportError:
            return Availability(
                False,
                _("The Windows scanner support (pywin32) is missing. Reinstall the desk."),
            )
        return Availability(True)

    def _manager(self) -> Any:
        availability = self.availability()
        if not availability.available:
            raise ScannerUnavailableError(availability.reason)
        import win32com.client

        return win32com.client.Dispatch("WIA.DeviceManager")

    def devices(self) -> list[ScanDevice]:
        found = []
        for info in self._manager().DeviceInfos:
            if info.Type != SCANNER_DEVICE_TYPE:
                continue
            properties = {prop.PropertyID: prop.Value for prop in info.Properties}
            found.append(
                ScanDevice(
                    BACKEND_NAME,
                    str(info.DeviceID),
                    str(properties.get(PROP_MANUFACTURER, "")),
                    str(properties.get(PROP_DEVICE_NAME, "")),
                )
            )
        return found

    def _connect(self, device: ScanDevice) -> Any:
        for info in self._manager().DeviceInfos:
            if str(info.DeviceID) == device.id:
                return info.Connect()
        raise ScanError(_("The scanner {name} is no longer connected.").format(name=device.label))

    def capabilities(self, device: ScanDevice) -> DeviceCapabilities:
        connected = self._connect(device)
        handling = _value(connected.Properties, PROP_DOCUMENT_HANDLING_CAPABILITIES)
        sources = [ScanSource.FLATBED]
        if handling is not None and int(handling) & FEEDER:
            sources.append(ScanSource.FEEDER)
        return DeviceCapabilities(
            sources=tuple(sources),
            color_modes=tuple(ColorMode),
            resolutions=_resolutions(connected.Items[1].Properties),
        )

    def scan(
        self, device: ScanDevice, options: ScanOptions, task: TaskState
    ) -> Iterator[ScannedPage]:
        connected = self._connect(device)
        feeder = options.source is ScanSource.FEEDER
        _set(connected.Properties, PROP_DOCUMENT_HANDLING_SELECT, FEEDER if feeder else FLATBED)
        if feeder:
            _set(connected.Properties, PROP_PAGES, 1)  # one page per transfer, looped below
        item = connected.Items[1]
        _set(item.Properties, PROP_CURRENT_INTENT, INTENTS[options.color_mode])
        _set(item.Properties, PROP_HORIZONTAL_RESOLUTION, options.resolution)
        _set(item.Properties, PROP_VERTICAL_RESOLUTION, options.resolution)
        _set(item.Properties, PROP_HORIZONTAL_EXTENT, _pixels(options.area_mm[0], options))
        _set(item.Properties, PROP_VERTICAL_EXTENT, _pixels(options.area_mm[1], options))
        limit = min(options.max_pages or MAX_PAGES, MAX_PAGES) if feeder else 1
        done = 0
        while done < limit and not task.cancelled:
            task.set_progress(
                None if feeder else 0.0,
                _("Scanning page {number}…").format(number=done + 1),
            )
            try:
                picture = item.Transfer(WIA_FORMAT_PNG)
            except Exception as error:  # pywin32 raises com_error, known only on Windows
                code = _wia_code(error)
                if code == WIA_PAPER_EMPTY and done > 0:
                    return  # the feeder has given its last page
                raise _scan_error(code, done, error) from error
            done += 1
            yield _page(picture, device, options, done)
        task.set_progress(
            1.0, ngettext("{count} page scanned", "{count} pages scanned", done).format(count=done)
        )


def _set(properties: Any, property_id: int, value: int) -> None:
    for prop in properties:
        if prop.PropertyID == property_id:
            try:
                prop.Value = value
            except Exception as error:  # read-only on this device: its own value stays
                log.info("WIA property %s stays as the device has it: %s", property_id, error)
            return


def _value(properties: Any, property_id: int) -> Any:
    for prop in properties:
        if prop.PropertyID == property_id:
            return prop.Value
    return None


def _resolutions(properties: Any) -> tuple[int, ...]:
    for prop in properties:
        if prop.PropertyID != PROP_HORIZONTAL_RESOLUTION:
            continue
        if prop.SubType == RANGE_SUBTYPE:
            low, high = int(prop.SubTypeMin), int(prop.SubTypeMax)
            return tuple(value for value in COMMON_RESOLUTIONS if low <= value <= high)
        return tuple(sorted(int(value) for value in prop.SubTypeValues or ()))
    return COMMON_RESOLUTIONS


def _pixels(millimetres: float, options: ScanOptions) -> int:
    return round(millimetres / MM_PER_INCH * options.resolution)


def _page(picture: Any, device: ScanDevice, options: ScanOptions, number: int) -> ScannedPage:
    data = bytes(picture.FileData.BinaryData)
    with Image.open(io.BytesIO(data)) as opened:
        opened.load()
        image = opened.copy()
        image.info = dict(opened.info)
    return ScannedPage(
        normalised(image),
        dpi_of(image, options.resolution),
        _("{device}, page {number}").format(device=device.label, number=number),
    )


def _scan_error(code: int, done: int, error: BaseException) -> ScanError:
    detail = f"WIA {code:#x}: {error!r}"
    if code == WIA_PAPER_EMPTY:
        return feeder_empty_error(detail)
    fault = _WIA_FAULTS.get(code)
    reason = (
        fault.reason
        if fault
        else _("the scanner reported an error ({code})").format(code=f"{code:#x}")
    )
    return device_error(reason, pages_kept=done, detail=detail)
