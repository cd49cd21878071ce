"""What every scanner backend speaks: devices, options, pages, and the errors a clerk reads.

A backend (SANE, Windows WIA, files) lists its devices, says what each can do, and scans:
``scan(device, options, task)`` yields pages one by one as they come out of the scanner, so
the pages already scanned are the caller's even when the scanner fails half-way.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from PIL import Image

from app.errors import DeskError, ValidationError
from app.i18n import N_, _, ngettext
from app.tasks import TaskState

MM_PER_INCH = 25.4
A4_MM = (210.0, 297.0)
# Files larger than this are refused before they are read: a scan of a few pages is far
# smaller, and decoding a bigger file could take the desk's memory.
MAX_FILE_BYTES = 50 * 1024 * 1024
# One scan or import holds its pages in memory for the preview: a thick file is split instead.
MAX_PAGES = 100
DEFAULT_RESOLUTION = 300
# What a screen offers when a device takes any resolution in a range.
COMMON_RESOLUTIONS = (100, 150, 200, 300, 400, 600)


class ScanSource(StrEnum):
    FLATBED = "flatbed"
    FEEDER = "feeder"  # the automatic document feeder: as many pages as it holds

    @property
    def label(self) -> str:
        return _(_SOURCE_LABELS[self])


class ColorMode(StrEnum):
    COLOR = "color"
    GRAY = "gray"
    BLACK_WHITE = "black_white"

    @property
    def label(self) -> str:
        return _(_COLOR_LABELS[self])


_SOURCE_LABELS = {ScanSource.FLATBED: N_("Flatbed"), ScanSource.FEEDER: N_("Document feeder")}
_COLOR_LABELS = {
    ColorMode.COLOR: N_("Colour"),
    ColorMode.GRAY: N_("Grey"),
    ColorMode.BLACK_WHITE: N_("Black and white"),
}


@dataclass(frozen=True, slots=True)
class ScanDevice:
    backend: str  # the name of the backend that found it
    id: str  # what the backend opens it by, e.g. SANE's "genesys:libusb:001:004"
    vendor: str = ""
    model: str = ""

    @property
    def label(self) -> str:
        name = " ".join(part for part in (self.vendor, self.model) if part)
        return name or self.id


@dataclass(frozen=True, slots=True)
class DeviceCapabilities:
    sources: tuple[ScanSource, ...]
    color_modes: tuple[ColorMode, ...]
    resolutions: tuple[int, ...]  # what a screen offers; a backend rounds other values
    max_area_mm: tuple[float, float] | None = None  # width, height of the largest scan area


@dataclass(frozen=True, slots=True)
class ScanOptions:
    source: ScanSource = ScanSource.FLATBED
    resolution: int = DEFAULT_RESOLUTION
    color_mode: ColorMode = ColorMode.GRAY
    # The area scanned, in millimetres from the top left corner; cut to what the device has.
    area_mm: tuple[float, float] = A4_MM
    # The feeder scans until it is empty, or this many pages.
    max_pages: int | None = None


@dataclass(frozen=True, slots=True)
class ScannedPage:
    """One page as it came from a scanner or a file: the picture and its resolution."""

    image: Image.Image
    dpi: int
    origin: str  # where it came from, for the log and the screen: "test:0 page 2", "a.pdf p. 3"

    def png_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.image.save(buffer, "PNG", dpi=(self.dpi, self.dpi))
        return buffer.getvalue()

    @property
    def size_mm(self) -> tuple[float, float]:
        width, height = self.image.size
        return width * MM_PER_INCH / self.dpi, height * MM_PER_INCH / self.dpi


@dataclass(frozen=True, slots=True)
class Availability:
    available: bool
    reason: str = ""  # why not, for the person at the desk


class ScanError(DeskError):
    """The scan could not go on. ``pages_kept`` pages came out before it stopped."""

    def __init__(self, message: str, *, pages_kept: int = 0, detail: str = "") -> None:
        super().__init__(message, detail=detail)
        self.pages_kept = pages_kept


class Fault(StrEnum):
    """Why a device stopped, whatever the driver's own words for it."""

    CONNECTION_LOST = "connection_lost"
    JAMMED = "jammed"
    FEEDER_EMPTY = "feeder_empty"
    COVER_OPEN = "cover_open"
    BUSY = "busy"
    DENIED = "denied"
    OUT_OF_MEMORY = "out_of_memory"
    SETTINGS_REFUSED = "settings_refused"
    UNSUPPORTED = "unsupported"
    STOPPED_AT_DEVICE = "stopped_at_device"
    PROGRAM_DIED = "program_died"
    NOT_RESPONDING = "not_responding"

    @property
    def reason(self) -> str:
        return _(_FAULT_REASONS[self])


_FAULT_REASONS = {
    Fault.CONNECTION_LOST: N_("the connection to the scanner was lost"),
    Fault.JAMMED: N_("the paper is jammed in the feeder"),
    Fault.FEEDER_EMPTY: N_("the feeder is empty"),
    Fault.COVER_OPEN: N_("the scanner's cover is open"),
    Fault.BUSY: N_("the scanner is busy with another program"),
    Fault.DENIED: N_("this user may not use the scanner"),
    Fault.OUT_OF_MEMORY: N_("the computer ran out of memory"),
    Fault.SETTINGS_REFUSED: N_("the scanner refused the settings, or it is no longer connected"),
    Fault.UNSUPPORTED: N_("the scanner does not support these settings"),
    Fault.STOPPED_AT_DEVICE: N_("the scan was stopped at the scanner"),
    Fault.PROGRAM_DIED: N_("the scanning program stopped unexpectedly"),
    Fault.NOT_RESPONDING: N_("the scanner stopped answering"),
}


def device_error(reason: str, *, pages_kept: int, detail: str) -> ScanError:
    """The error for a device that stopped, saying whether the pages before were kept."""
    if pages_kept:
        message = ngettext(
            "The scanner stopped after {count} page: {reason}. The page scanned is kept; "
            "check the scanner (cable, power, paper) and scan the rest.",
            "The scanner stopped after {count} pages: {reason}. The pages scanned are "
            "kept; check the scanner (cable, power, paper) and scan the rest.",
            pages_kept,
        ).format(count=pages_kept, reason=reason)
    else:
        message = _(
            "The scanner could not scan: {reason}. Check that it is switched on and "
            "connected, then try again."
        ).format(reason=reason)
    return ScanError(message, pages_kept=pages_kept, detail=detail)


def feeder_empty_error(detail: str) -> ScanError:
    return ScanError(
        _("The document feeder is empty: put the pages in and scan again."), detail=detail
    )


class ScannerUnavailableError(ScanError):
    """This kind of scanner cannot be used on this computer (not installed, other system)."""


class FileRefusedError(ValidationError):
    """A file that cannot be imported: too large, not a picture or a PDF, damaged."""


class ScannerBackend(Protocol):
    """A way to get pages: a kind of scanner driver, or files."""

    @property
    def name(self) -> str: ...

    def availability(self) -> Availability: ...

    def devices(self) -> list[ScanDevice]: ...

    def capabilities(self, device: ScanDevice) -> DeviceCapabilities: ...

    def scan(
        self, device: ScanDevice, options: ScanOptions, task: TaskState
    ) -> Iterator[ScannedPage]:
        """Yield the pages as they are scanned.

        Stops early, without an error, when ``task`` is cancelled; raises :class:`ScanError`
        when the device fails, after yielding every page it finished.
        """
        ...


def normalised(image: Image.Image) -> Image.Image:
    """The picture in one of the modes every later step handles: "1", "L" or "RGB"."""
    if image.mode in ("1", "L", "RGB"):
        return image
    if image.mode.startswith("I"):
        # 16-bit grey: keep the high byte (Pillow's own conversion would clip it to white).
        import numpy as np

        values = np.asarray(image.convert("I"), dtype=np.int64)
        shift = 8 if values.max() > 255 else 0
        result = Image.fromarray((values >> shift).clip(0, 255).astype(np.uint8), "L")
    elif image.mode in ("LA", "La"):
        result = image.convert("L")
    else:  # RGBA, CMYK, palette, YCbCr, ...
        result = image.convert("RGB")
    result.info = dict(image.info)
    return result


def dpi_of(image: Image.Image, default: int) -> int:
    """The resolution a picture file says it has, or ``default`` (many phones write none)."""
    value: Any = image.info.get("dpi")
    try:
        dpi = float(value[0])  # TIFF gives a rational number, PNG and JPEG a float or an int
    except (TypeError, ValueError, IndexError):
        return default
    return round(dpi) if dpi > 1 else default
