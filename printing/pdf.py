"""A reportlab canvas writing to memory, set up the same way for every document."""

from __future__ import annotations

import io
import re
from typing import Any

from reportlab import rl_config
from reportlab.pdfgen.canvas import Canvas

from printing.fonts import Face, font

CREATOR = "Reception Desk"
POINTS_PER_MM = 72 / 25.4
_MEDIA_BOX = re.compile(rb"/MediaBox\s*\[\s*([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s*\]")

# reportlab wraps binary streams (the photo, compressed pages) in ASCII85 by default, a relic
# of 7-bit mail: 25 % larger and, in pure Python, a third of a card's rendering time. The
# setting is process-wide; printing is the only user of reportlab in the desk.
rl_config.useA85 = 0


class PdfCanvas:
    """A canvas of one page size whose `finish` returns the PDF's bytes."""

    def __init__(self, width: float, height: float, *, title: str) -> None:
        self._buffer = io.BytesIO()
        # invariant: no timestamp or random id in the file, so the same document gives the
        # same bytes (a reprint can be compared with the first print; tests are stable).
        # The initial font is one of ours: reportlab's default, Helvetica, would otherwise be
        # named on every page, a font not embedded and without Ə or Cyrillic.
        self.canvas: Any = Canvas(
            self._buffer,
            pagesize=(width, height),
            invariant=True,
            pageCompression=1,
            initialFontName=font(Face.SANS).fontName,
        )
        self.canvas.setTitle(title)
        self.canvas.setCreator(CREATOR)
        self.canvas.setProducer(CREATOR)

    def finish(self) -> bytes:
        self.canvas.showPage()
        self.canvas.save()
        return self._buffer.getvalue()


def first_page_size_mm(pdf: bytes) -> tuple[float, float]:
    """The width and height of the first page of a PDF made by `PdfCanvas`, in millimetres.

    Roll documents are as long as their content, and a printer must be told the length.
    Only for this module's own output, whose page objects reportlab writes uncompressed.
    """
    found = _MEDIA_BOX.search(pdf)
    if found is None:
        raise ValueError("no page size in this PDF")
    left, bottom, right, top = (float(value) for value in found.groups())
    return (right - left) / POINTS_PER_MM, (top - bottom) / POINTS_PER_MM
