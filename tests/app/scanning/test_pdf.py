"""Pages into a PDF of about 300 KB or less per A4 page at 300 dpi, read back readable."""

from __future__ import annotations

import cv2
import numpy as np
import pypdfium2 as pdfium
import pytest
from numpy.typing import NDArray
from PIL import Image, ImageDraw

from app.scanning.model import ScannedPage
from app.scanning.pdf import PAGE_BUDGET_BYTES, PageStyle, pages_to_pdf, style_of
from app.tasks import Progress, TaskState
from tests.support.pages import a4_page, with_noise

DPI = 300


@pytest.fixture(scope="module")
def text_page() -> Image.Image:
    return with_noise(a4_page(DPI))  # a dense page of 11 pt text, the hard case for JPEG


def _rendered(data: bytes, index: int) -> Image.Image:
    document = pdfium.PdfDocument(data)
    try:
        return document[index].render(scale=DPI / 72, grayscale=True).to_pil().convert("L")
    finally:
        document.close()


def _likeness(original: Image.Image, back: Image.Image) -> float:
    """How alike the page and its PDF look at 100 dpi, as a person reads it: a correlation
    of 1 is the same picture; blurred or blotched writing pulls it down."""
    size = (original.width // 3, original.height // 3)

    def seen(image: Image.Image) -> NDArray[np.float64]:
        pixels = np.asarray(image.convert("L"), dtype=np.uint8)
        return np.asarray(cv2.resize(pixels, size, interpolation=cv2.INTER_AREA), dtype=float)

    return float(np.corrcoef(seen(original).ravel(), seen(back).ravel())[0, 1])


def test_a_grey_page_fits_its_budget_and_stays_readable(text_page: Image.Image) -> None:
    result = pages_to_pdf([ScannedPage(text_page, DPI, "grey")])
    assert len(result.data) <= PAGE_BUDGET_BYTES
    [page] = result.pages
    assert page.style is PageStyle.GRAY and page.quality is not None
    assert page.dpi >= 200  # still fine enough for small print
    assert _likeness(text_page, _rendered(result.data, 0)) > 0.98


def test_a_black_and_white_page_is_group_4(text_page: Image.Image) -> None:
    bilevel = text_page.point(lambda value: 255 if value > 128 else 0, mode="1")
    result = pages_to_pdf([ScannedPage(bilevel, DPI, "bw")])
    [page] = result.pages
    assert page.style is PageStyle.TEXT and page.dpi == DPI
    assert len(result.data) < 100 * 1024
    assert b"/CCITTFaxDecode" in result.data
    assert _likeness(bilevel, _rendered(result.data, 0)) > 0.98


def test_colour_is_kept_only_where_there_is_colour(text_page: Image.Image) -> None:
    plain = text_page.convert("RGB")
    stamped = plain.copy()
    ImageDraw.Draw(stamped).ellipse((1700, 2600, 2200, 3100), outline=(30, 60, 200), width=25)
    assert style_of(ScannedPage(plain, DPI, "plain")) is PageStyle.GRAY
    assert style_of(ScannedPage(stamped, DPI, "stamped")) is PageStyle.COLOR
    result = pages_to_pdf([ScannedPage(stamped, DPI, "stamped")])
    assert result.pages[0].style is PageStyle.COLOR
    assert len(result.data) <= PAGE_BUDGET_BYTES


def test_pages_keep_their_order_and_sizes(text_page: Image.Image) -> None:
    seen: list[Progress] = []
    small = a4_page(150).point(lambda value: 255 if value > 128 else 0, mode="1")
    pages = [ScannedPage(text_page, DPI, "1"), ScannedPage(small, 150, "2")]
    result = pages_to_pdf(pages, TaskState(seen.append))
    assert result.page_count == 2
    assert len(result.data) <= 2 * PAGE_BUDGET_BYTES
    document = pdfium.PdfDocument(result.data)
    try:
        sizes = [document[index].get_size() for index in range(len(document))]
    finally:
        document.close()
    for width, height in sizes:  # both A4, whatever resolution each page was kept at
        assert width == pytest.approx(595.3, abs=1.5) and height == pytest.approx(841.9, abs=1.5)
    assert [p.message for p in seen] == ["Compressing page 1 of 2", "Compressing page 2 of 2"]


def test_a_photo_page_still_fits() -> None:
    rng = np.random.default_rng(3)
    # The worst case for JPEG: a page of fine detail all over.
    noise = cv2.GaussianBlur(rng.integers(0, 255, (3508, 2480), dtype=np.uint8), (3, 3), 0)
    result = pages_to_pdf([ScannedPage(Image.fromarray(noise), DPI, "photo")])
    assert len(result.data) <= PAGE_BUDGET_BYTES * 1.1  # the last rung is kept even if over
    assert result.pages[0].dpi == 150
