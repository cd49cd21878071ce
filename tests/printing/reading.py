"""Reading a PDF back as a person or a machine would: its boxes, text, fonts, pixels, codes.

The text comes from poppler's ``pdftotext`` and the pixels from ``pdftoppm`` (Debian's
poppler-utils); QR codes are decoded from those pixels with zxing-cpp, as a phone would.
"""

from __future__ import annotations

import io
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import zxingcpp
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import ContentStream, RectangleObject

POINTS_PER_MM = 72 / 25.4


def reader(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def box_mm(box: RectangleObject) -> tuple[float, float, float, float]:
    """(left, bottom, right, top) in millimetres."""
    left, bottom, right, top = (
        float(value) / POINTS_PER_MM for value in (box.left, box.bottom, box.right, box.top)
    )
    return left, bottom, right, top


def page_sizes_mm(pdf: bytes) -> list[tuple[float, float]]:
    return [
        (float(page.mediabox.width) / POINTS_PER_MM, float(page.mediabox.height) / POINTS_PER_MM)
        for page in reader(pdf).pages
    ]


def text(pdf: bytes, *, page: int | None = None, layout: bool = False) -> str:
    """The text poppler extracts (pages counted from 1)."""
    command = ["pdftotext", "-enc", "UTF-8"]
    if layout:
        command.append("-layout")
    if page is not None:
        command += ["-f", str(page), "-l", str(page)]
    return subprocess.run(
        [*command, "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode("utf-8")


@dataclass(frozen=True)
class FontUse:
    page: int
    base_font: str
    subtype: str
    embedded: bool


def fonts(pdf: bytes) -> list[FontUse]:
    found = []
    for number, page in enumerate(reader(pdf).pages, start=1):
        for reference in page["/Resources"].get("/Font", {}).values():
            font = reference.get_object()
            descriptor = font.get("/FontDescriptor")
            descendants = font.get("/DescendantFonts")
            if descriptor is None and descendants is not None:
                descriptor = descendants[0].get_object().get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            embedded = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
            found.append(FontUse(number, str(font["/BaseFont"]), str(font["/Subtype"]), embedded))
    return found


def render(pdf: bytes, *, dpi: int = 300) -> list[Image.Image]:
    """Every page as pixels, by poppler."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "document.pdf"
        source.write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-r", str(dpi), "-png", str(source), str(Path(folder) / "page")],
            check=True,
        )
        images = []
        for path in sorted(Path(folder).glob("page-*.png")):
            with Image.open(path) as image:
                images.append(image.convert("L"))
        return images


def qr_texts(image: Image.Image) -> list[str]:
    return [
        result.text
        for result in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    ]


@dataclass(frozen=True)
class Painting:
    """Something painted, with the fill colour in force: text in a font, or a filled path."""

    operator: str
    font: str | None  # the BaseFont, for text
    rectangles: int  # 're' operators in the path, for fills
    fill: tuple[str, tuple[float, ...]]  # colour operator and its operands
    transform: tuple[float, ...] | None  # the last 'cm' before it


def paintings(pdf: bytes, page: int) -> Iterator[Painting]:
    """What the page's content stream paints, in order, with the colour each is painted in."""
    document = reader(pdf)
    pdf_page = document.pages[page - 1]
    font_names = {
        str(name): str(reference.get_object()["/BaseFont"])
        for name, reference in pdf_page["/Resources"].get("/Font", {}).items()
    }
    fill: tuple[str, tuple[float, ...]] = ("g", (0.0,))
    transform: tuple[float, ...] | None = None
    font: str | None = None
    stack: list[tuple[tuple[str, tuple[float, ...]], tuple[float, ...] | None]] = []
    rectangles = 0
    for operands, operator in ContentStream(pdf_page.get_contents(), document).operations:
        op = operator.decode("latin-1")
        if op == "q":
            stack.append((fill, transform))
        elif op == "Q":
            fill, transform = stack.pop()
        elif op in ("g", "rg", "k"):
            fill = (op, tuple(float(value) for value in operands))
        elif op == "cm":
            transform = tuple(float(value) for value in operands)
        elif op == "Tf":
            font = font_names.get(str(operands[0]))
        elif op == "re":
            rectangles += 1
        elif op in ("Tj", "TJ", "'", '"'):
            yield Painting(op, font, 0, fill, transform)
        elif op in ("f", "f*", "F", "B", "B*", "b", "b*"):
            yield Painting(op, None, rectangles, fill, transform)
            rectangles = 0
        elif op in ("S", "s", "n"):
            rectangles = 0


def is_pure_black(fill: tuple[str, tuple[float, ...]]) -> bool:
    operator, values = fill
    return (
        (operator == "g" and values == (0.0,))
        or (operator == "rg" and values == (0.0, 0.0, 0.0))
        or (operator == "k" and values == (0.0, 0.0, 0.0, 1.0))
    )
