"""Scanned pages into one small PDF: about 300 KB or less per A4 page, still readable.

Each page is compressed on its own, by what it holds:

- black and white scans: CCITT Group 4, the fax code made for text (an A4 page of text at
  300 dpi takes some 50 KB);
- grey pages, and colour scans without colour: grey JPEG;
- pages with colour (stamps, photos): colour JPEG.

A JPEG page tries the rungs of ``JPEG_LADDER`` in turn (quality first, then resolution) and
keeps the first that fits its budget. Pillow writes each page as a PDF of its own and PDFium
joins them without decoding the pictures again, so every page keeps its own resolution.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import cv2
import numpy as np
from PIL import Image

from app.i18n import _
from app.scanning.model import A4_MM, MM_PER_INCH, ScannedPage
from app.tasks import TaskState

PAGE_BUDGET_BYTES = 300 * 1024  # per A4 page; a larger page may take more in proportion
MAX_DPI = 300  # finer scans are stored at this resolution: no clerk reads the difference
# (share of the page's resolution, JPEG quality), from the best to the smallest.
JPEG_LADDER: tuple[tuple[float, int], ...] = (
    (1.0, 60),
    (1.0, 45),
    (0.75, 45),
    (2 / 3, 40),
    (0.5, 40),
    (0.5, 25),
)
# A page shows colour when this share of its pixels is clearly coloured (a stamp, a photo);
# the faint colour noise of a scanner on white paper stays far below this saturation.
COLOUR_SATURATION = 60
COLOUR_SHARE = 0.001
_A4_SQUARE_INCHES = (A4_MM[0] / MM_PER_INCH) * (A4_MM[1] / MM_PER_INCH)


class PageStyle(StrEnum):
    TEXT = "text"  # black and white, Group 4
    GRAY = "gray"  # grey JPEG
    COLOR = "color"  # colour JPEG


@dataclass(frozen=True, slots=True)
class PdfPage:
    style: PageStyle
    dpi: int
    quality: int | None  # JPEG quality; None for Group 4
    size: int  # bytes of this page's own PDF
    budget: int


@dataclass(frozen=True, slots=True)
class ScanPdf:
    data: bytes
    pages: tuple[PdfPage, ...]

    @property
    def page_count(self) -> int:
        return len(self.pages)


def style_of(page: ScannedPage) -> PageStyle:
    if page.image.mode == "1":
        return PageStyle.TEXT
    if page.image.mode == "RGB" and _is_colourful(page.image):
        return PageStyle.COLOR
    return PageStyle.GRAY


def budget_of(page: ScannedPage) -> int:
    width_mm, height_mm = page.size_mm
    square_inches = (width_mm / MM_PER_INCH) * (height_mm / MM_PER_INCH)
    return round(PAGE_BUDGET_BYTES * max(1.0, square_inches / _A4_SQUARE_INCHES))


def pages_to_pdf(pages: Sequence[ScannedPage], task: TaskState | None = None) -> ScanPdf:
    """One PDF of the pages, in their order; each page compressed to fit its budget."""
    if not pages:
        raise ValueError("a PDF needs at least one page")
    import pypdfium2 as pdfium

    parts: list[tuple[bytes, PdfPage]] = []
    for number, page in enumerate(pages, start=1):
        if task is not None:
            task.set_progress(
                (number - 1) / len(pages),
                _("Compressing page {number} of {total}").format(number=number, total=len(pages)),
            )
        parts.append(compress_page(page))
    joined = pdfium.PdfDocument.new()
    try:
        for data, _info in parts:
            single = pdfium.PdfDocument(data)
            try:
                joined.import_pages(single)
            finally:
                single.close()
        buffer = io.BytesIO()
        joined.save(buffer)
    finally:
        joined.close()
    return ScanPdf(buffer.getvalue(), tuple(info for _data, info in parts))


def compress_page(page: ScannedPage) -> tuple[bytes, PdfPage]:
    """One page as a single-page PDF, the smallest rung that fits its budget (or the last)."""
    budget = budget_of(page)
    style = style_of(page)
    if style is PageStyle.TEXT:
        data = _pdf(page.image, float(page.dpi), None)
        if len(data) <= budget:
            return data, PdfPage(style, page.dpi, None, len(data), budget)
        style = PageStyle.GRAY  # speckled black and white compresses better as grey
    image = page.image.convert("RGB" if style is PageStyle.COLOR else "L")
    start = min(1.0, MAX_DPI / page.dpi)
    data, resolution, quality = b"", float(page.dpi), 0
    for share, quality in JPEG_LADDER:
        scaled, resolution = _scaled(image, page.dpi, start * share)
        data = _pdf(scaled, resolution, quality)
        if len(data) <= budget:
            break
    return data, PdfPage(style, round(resolution), quality, len(data), budget)


def _scaled(image: Image.Image, dpi: int, share: float) -> tuple[Image.Image, float]:
    """The picture at ``share`` of its resolution, and that resolution: the page's size in
    the PDF comes from both, so it is kept exact rather than rounded."""
    if share >= 0.999:
        return image, float(dpi)
    size = (max(1, round(image.width * share)), max(1, round(image.height * share)))
    pixels = cv2.resize(np.asarray(image), size, interpolation=cv2.INTER_AREA)
    return Image.fromarray(pixels), dpi * size[0] / image.width


def _pdf(image: Image.Image, resolution: float, quality: int | None) -> bytes:
    buffer = io.BytesIO()
    if quality is None:  # Pillow writes a bilevel picture with Group 4
        image.save(buffer, "PDF", resolution=resolution)
    else:
        image.save(buffer, "PDF", resolution=resolution, quality=quality)
    return buffer.getvalue()


def _is_colourful(image: Image.Image) -> bool:
    small = image.reduce(4) if min(image.size) >= 400 else image
    hsv = cv2.cvtColor(np.asarray(small), cv2.COLOR_RGB2HSV)
    saturation, value = hsv[..., 1], hsv[..., 2]
    coloured = np.count_nonzero((saturation > COLOUR_SATURATION) & (value > 40))
    return bool(coloured > COLOUR_SHARE * saturation.size)
