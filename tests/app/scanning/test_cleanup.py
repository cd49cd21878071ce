"""Clean-up of generated scans: a known tilt found and undone, the page cut from the lid,
blank pages told from written ones."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from app.scanning.cleanup import CleanupSettings, clean_page, is_blank
from app.scanning.model import ScannedPage
from tests.support.pages import PAPER, a4_page, blank_page, on_scanner, with_noise

DPI = 150  # A4 at 150 dpi keeps the tests quick; the benchmark runs 300 dpi
A4_PIXELS = (1240, 1754)


@pytest.fixture(scope="module")
def page() -> Image.Image:
    return a4_page(DPI)


@pytest.mark.parametrize("angle", [0.0, 0.4, -1.5, 3.0, -7.25, 12.0, -19.0])
def test_the_tilt_is_found_within_half_a_degree(page: Image.Image, angle: float) -> None:
    scan = with_noise(on_scanner(page, angle, background=50))
    cleaned = clean_page(ScannedPage(scan, DPI, "test"))
    assert cleaned.skew_degrees == pytest.approx(angle, abs=0.5)
    assert cleaned.cropped
    width, height = cleaned.page.image.size
    # Cut to the paper, its shadowed edge and nothing of the lid left.
    assert width == pytest.approx(A4_PIXELS[0], rel=0.015)
    assert height == pytest.approx(A4_PIXELS[1], rel=0.015)
    pixels = np.asarray(cleaned.page.image)
    assert pixels[:3].mean() > 200 and pixels[-3:].mean() > 200  # paper, not the dark lid


@pytest.mark.parametrize("angle", [2.0, -11.0])
def test_on_a_white_lid_the_page_keeps_its_size(page: Image.Image, angle: float) -> None:
    scan = on_scanner(page, angle, background=PAPER)
    cleaned = clean_page(ScannedPage(scan, DPI, "test"))
    assert cleaned.skew_degrees == pytest.approx(angle, abs=0.5)
    assert not cleaned.cropped
    assert cleaned.page.image.size == scan.size


def test_a_straight_page_is_left_as_it_is(page: Image.Image) -> None:
    cleaned = clean_page(ScannedPage(page, DPI, "test"))
    assert cleaned.skew_degrees == 0.0
    assert not cleaned.cropped
    assert cleaned.page.image.tobytes() == page.tobytes()


def test_a_turned_page_reads_straight_after(page: Image.Image) -> None:
    cleaned = clean_page(ScannedPage(on_scanner(page, 5.0), DPI, "test"))
    again = clean_page(cleaned.page)
    assert abs(again.skew_degrees) <= 0.5


def test_beyond_the_limit_nothing_is_turned(page: Image.Image) -> None:
    scan = on_scanner(page, 35.0, background=PAPER)
    cleaned = clean_page(ScannedPage(scan, DPI, "test"))
    assert abs(cleaned.skew_degrees) <= 20.0


def test_colour_and_black_and_white_pages_keep_their_mode(page: Image.Image) -> None:
    colour = clean_page(ScannedPage(on_scanner(page.convert("RGB"), 2.0), DPI, "c"))
    assert colour.page.image.mode == "RGB" and colour.skew_degrees == pytest.approx(2.0, abs=0.5)
    bilevel = page.point(lambda value: 255 if value > 128 else 0, mode="1")
    cleaned = clean_page(ScannedPage(on_scanner(bilevel, -2.0, background=0), DPI, "b"))
    assert cleaned.page.image.mode == "1"
    assert cleaned.skew_degrees == pytest.approx(-2.0, abs=0.5)


def test_switched_off_it_changes_nothing(page: Image.Image) -> None:
    scan = on_scanner(page, 4.0)
    cleaned = clean_page(ScannedPage(scan, DPI, "x"), CleanupSettings(crop=False, deskew=False))
    assert cleaned.page.image.size == scan.size and cleaned.skew_degrees == 0.0


def test_a_blank_page_on_the_lid_is_blank() -> None:
    scan = with_noise(on_scanner(blank_page(DPI), 3.0, background=40), sigma=6.0)
    cleaned = clean_page(ScannedPage(scan, DPI, "blank"))
    assert cleaned.blank
    assert cleaned.ink_coverage < 0.0015


def test_marks_in_the_margin_do_not_make_a_page_written() -> None:
    sheet = blank_page(DPI)
    draw = ImageDraw.Draw(sheet)
    for y in (300, 900, 1500):  # punched holes along the edge
        draw.ellipse((8, y, 38, y + 30), fill=0)
    draw.rectangle((0, 0, sheet.width, 3), fill=90)  # the paper's shadowed top edge
    assert is_blank(ScannedPage(sheet, DPI, "holes"))


def test_a_page_with_a_few_lines_is_not_blank() -> None:
    cleaned = clean_page(ScannedPage(with_noise(a4_page(DPI, lines=3)), DPI, "short"))
    assert not cleaned.blank
    assert cleaned.ink_coverage > 0.0015


def test_a_page_with_one_short_line_counts_as_blank_as_naps2_would() -> None:
    # The threshold is NAPS2's: a line or two of small print on an empty page is below it.
    sheet = blank_page(DPI)
    ImageDraw.Draw(sheet).text((200, 800), "page 2", fill=0)
    assert is_blank(ScannedPage(sheet, DPI, "almost"))
