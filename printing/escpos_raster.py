"""Roll documents straight to an ESC/POS thermal printer, as a raster image.

A thermal printer's own fonts know a code page or two, never Azerbaijani and Cyrillic
together; an image of the page prints every letter the PDF shows. The first page of the
roll PDF is rendered by poppler's ``pdftoppm`` at the printer's resolution, made pure black
and white, and sent with python-escpos (``GS v 0`` raster), then the paper is cut.

Any python-escpos printer object will do: ``escpos.printer.Network``, ``Usb``, ``Serial``,
``File`` or ``Dummy``. The tests use ``Dummy`` and read the bytes it would send: no thermal
printer can be attached to the machines the tests run on.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from typing import TYPE_CHECKING

from PIL import Image

from app.i18n import _
from printing.spool import PrinterError, kept

if TYPE_CHECKING:
    from escpos.escpos import Escpos

# An 80 mm roll printer at 203 dpi prints 72 mm of it: 576 dots.
DEFAULT_DPI = 203
DEFAULT_WIDTH_DOTS = 576
# Grey (pictures, tinted boxes) darker than this prints black, lighter prints nothing: a
# thermal head has no grey. Text is rendered without anti-aliasing, so it has no grey edges.
BLACK_BELOW = 160
RENDER_TIMEOUT_SECONDS = 30.0


def printer_geometry(printer: Escpos) -> tuple[int, int]:
    """(dots per inch, printable width in dots) from the printer's python-escpos profile,
    or those of a common 80 mm printer where the profile does not say."""
    media = printer.profile.profile_data.get("media", {})
    dpi, pixels = media.get("dpi"), media.get("width", {}).get("pixels")
    if isinstance(dpi, int) and isinstance(pixels, int):
        return dpi, pixels
    return DEFAULT_DPI, DEFAULT_WIDTH_DOTS


def render_roll_raster(
    pdf: bytes, *, dpi: int = DEFAULT_DPI, width_dots: int = DEFAULT_WIDTH_DOTS
) -> Image.Image:
    """The first page of ``pdf`` as a 1-bit image exactly ``width_dots`` wide.

    The page prints at 100 %: its middle ``width_dots`` are kept, as a driver keeps the
    printable band of an 80 mm page; a narrower page is centred on white.
    """
    gray = _render_first_page(pdf, dpi)
    page_width, height = gray.size
    band = Image.new("L", (width_dots, height), 255)
    left = (page_width - width_dots) // 2
    if left >= 0:
        band.paste(gray.crop((left, 0, left + width_dots, height)), (0, 0))
    else:
        band.paste(gray, (-left, 0))
    lookup = [0 if level < BLACK_BELOW else 255 for level in range(256)]
    return band.point(lookup, "1")


def print_roll(printer: Escpos, pdf: bytes, *, name: str = "", cut: bool = True) -> None:
    """Print the roll document ``pdf`` on an ESC/POS ``printer`` and cut the paper.

    ``name`` is how the clerk knows the printer, for messages. Raises PrinterError, carrying
    the PDF, when the page cannot be rendered or the printer cannot be reached.
    """
    dpi, width_dots = printer_geometry(printer)
    try:
        raster = render_roll_raster(pdf, dpi=dpi, width_dots=width_dots)
    except PrinterError as error:
        raise PrinterError(
            kept(error.message), printer=name, pdf=pdf, detail=error.detail
        ) from error
    from escpos.exceptions import Error as EscposError

    try:
        # ESC @ first: a job cut short earlier may have left the printer in another mode.
        printer.hw("INIT")
        printer.image(raster, impl="bitImageRaster")
        if cut:
            printer.cut()
    except (EscposError, OSError) as error:
        if name:
            message = _(
                "The receipt printer “{printer}” cannot be reached: check that it is switched "
                "on, has paper and is connected, or choose another printer."
            ).format(printer=name)
        else:
            message = _(
                "The receipt printer cannot be reached: check that it is switched on, has "
                "paper and is connected, or choose another printer."
            )
        raise PrinterError(kept(message), printer=name, pdf=pdf, detail=repr(error)) from error


def _render_first_page(pdf: bytes, dpi: int) -> Image.Image:
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        raise PrinterError(
            _(
                "The receipt cannot be prepared for the thermal printer: the program "
                "“pdftoppm” (poppler-utils) is missing. Install it or ask the administrator."
            )
        )
    # Anti-aliasing off: hard edges survive the step down to black and white.
    command = [pdftoppm, "-f", "1", "-l", "1", "-r", str(dpi), "-gray", "-aa", "no"]
    command += ["-aaVector", "no", "-"]
    try:
        result = subprocess.run(
            command, input=pdf, capture_output=True, timeout=RENDER_TIMEOUT_SECONDS, check=False
        )
    except subprocess.TimeoutExpired as error:
        raise PrinterError(_unrenderable(), detail="pdftoppm timed out") from error
    if result.returncode != 0 or not result.stdout:
        raise PrinterError(_unrenderable(), detail=result.stderr.decode("utf-8", "replace"))
    with Image.open(io.BytesIO(result.stdout)) as page:
        return page.convert("L")


def _unrenderable() -> str:
    return _(
        "The receipt could not be turned into an image for the thermal printer: print it on "
        "a system printer instead."
    )
