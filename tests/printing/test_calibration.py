"""The card printer's calibration: the test card at exact ID-1 size with its crosshairs and
scales, and an offset that moves a card's content by whole printer dots without scaling it,
seen in the rendered pixels."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageChops

from app.config import Config, load_config
from app.errors import ValidationError
from app.printer_settings import (
    card_offset,
    checked_offset,
    printer_for,
    remember_printer,
    save_card_offset,
)
from printing.calibration import CROSSHAIRS_MM, render_calibration_card
from printing.card import NO_OFFSET, CardOffset, render_card
from printing.demo import demo_card
from printing.layout import PRINTER_DOT_MM
from printing.spool import PaperKind
from tests.printing import reading

DPI = 300  # one pixel is one card printer dot
# 12 dots right and 6 dots down: 1.016 mm and 0.508 mm.
OFFSET = CardOffset(12 * PRINTER_DOT_MM, -6 * PRINTER_DOT_MM)


def test_the_test_card_is_id1_with_bleed() -> None:
    pdf = render_calibration_card(language="en")
    (page,) = reading.reader(pdf).pages
    assert reading.box_mm(page.mediabox) == pytest.approx((0, 0, 87.60, 55.98), abs=0.01)
    assert reading.box_mm(page.trimbox) == pytest.approx((1, 1, 86.60, 54.98), abs=0.01)
    shown = " ".join(reading.text(pdf).split())
    assert "Card printer calibration" in shown
    assert "65.60 mm apart across and 33.98 mm" in shown


def _cross_centre(image: Image.Image, x_mm: float, y_mm: float) -> tuple[float, float]:
    """The middle of the dark lines of the crosshair near (x, y) on the card, in pixels."""
    per_mm = DPI / 25.4
    # Card (trimmed) millimetres from the bottom-left to page pixels from the top-left.
    column = (1 + x_mm) * per_mm
    row = image.height - (1 + y_mm) * per_mm
    # Look along a band through the cross's arm, away from its circle.
    arm = 2.5 * per_mm
    across = image.crop(
        (int(column - arm), int(row + arm * 0.9), int(column + arm), int(row + arm))
    )
    down = image.crop((int(column + arm * 0.9), int(row - arm), int(column + arm), int(row + arm)))
    xs = [x for x in range(across.width) if across.getpixel((x, 0)) < 128]  # type: ignore[operator]
    ys = [y for y in range(down.height) if down.getpixel((0, y)) < 128]  # type: ignore[operator]
    assert xs and ys, "no crosshair there"
    return int(column - arm) + sum(xs) / len(xs), int(row - arm) + sum(ys) / len(ys)


def test_the_crosshairs_are_where_the_card_says() -> None:
    (image,) = reading.render(render_calibration_card(language="en"), dpi=DPI)
    per_mm = DPI / 25.4
    for x_mm, y_mm in CROSSHAIRS_MM:
        column, row = _cross_centre(image, x_mm, y_mm)
        assert column == pytest.approx((1 + x_mm) * per_mm, abs=1.5)
        assert row == pytest.approx(image.height - (1 + y_mm) * per_mm, abs=1.5)


def _shifted_equally(
    plain: Image.Image, moved: Image.Image, dx: int, dy: int, *, top: int = 0
) -> bool:
    """``moved`` is ``plain`` moved right by ``dx`` and down by ``dy`` pixels, inside a margin
    that keeps what slid off or on at the edges out of the comparison (and above ``top``)."""
    margin = 40
    box = (margin, max(margin, top), plain.width - margin, plain.height - margin)
    inner = plain.crop(box)
    shifted = moved.crop((box[0] + dx, box[1] + dy, box[2] + dx, box[3] + dy))
    different = ImageChops.difference(inner, shifted).point(lambda value: 255 * (value > 64))
    # Identical up to a stray anti-aliased pixel; a scale or a wrong shift differs widely.
    return different.histogram()[255] < 20


def test_the_offset_moves_the_calibration_card_by_whole_dots() -> None:
    (plain,) = reading.render(render_calibration_card(language="en"), dpi=DPI)
    (moved,) = reading.render(render_calibration_card(language="en", offset=OFFSET), dpi=DPI)
    assert plain.size == moved.size  # the page is the card, whatever the offset
    # Below the text, which names the offset in force and so differs.
    below_text = plain.height - round(29 * DPI / 25.4)
    assert _shifted_equally(plain, moved, 12, 6, top=below_text)
    assert not _shifted_equally(plain, moved, 0, 0, top=below_text)
    column, row = _cross_centre(moved, *CROSSHAIRS_MM[0])
    plain_column, plain_row = _cross_centre(plain, *CROSSHAIRS_MM[0])
    assert (column - plain_column, row - plain_row) == pytest.approx((12, 6), abs=0.5)


def test_the_permit_card_moves_by_its_printers_offset_and_is_never_scaled() -> None:
    card = demo_card()
    plain_pdf, moved_pdf = render_card(card), render_card(card, offset=OFFSET)
    for page in reading.reader(moved_pdf).pages:
        assert reading.box_mm(page.mediabox) == pytest.approx((0, 0, 87.60, 55.98), abs=0.01)
        assert reading.box_mm(page.trimbox) == pytest.approx((1, 1, 86.60, 54.98), abs=0.01)
    plain_pages = reading.render(plain_pdf, dpi=DPI)
    moved_pages = reading.render(moved_pdf, dpi=DPI)
    for plain, moved in zip(plain_pages, moved_pages, strict=True):
        assert _shifted_equally(plain, moved, 12, 6)
    # The moved back still carries a code that reads.
    assert reading.qr_texts(moved_pages[1]) == [card.qr_text]


def test_offsets_are_rounded_to_printer_dots_and_bounded() -> None:
    assert CardOffset(0.3, -0.3).in_dots() == (4, -4)  # 3.54 dots
    assert NO_OFFSET.in_dots() == (0, 0)
    with pytest.raises(ValueError, match="beyond"):
        CardOffset(6.0, 0)
    with pytest.raises(ValidationError, match="at most 5 mm"):
        checked_offset(0, -7.5)
    assert checked_offset(0.4, -1.2) == CardOffset(0.4, -1.2)


def test_printers_and_offsets_are_kept_in_the_desks_own_settings(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    config = Config(data_dir=tmp_path / "data", config_file=path)
    assert printer_for(config, PaperKind.CARD) is None
    assert card_offset(config, "Evolis Primacy") == NO_OFFSET

    config = remember_printer(config, PaperKind.CARD, "Evolis Primacy")
    config = remember_printer(config, PaperKind.ROLL, "TM-T20 Receipts")
    config = save_card_offset(config, "Evolis Primacy", CardOffset(0.42, -0.85))

    again = load_config(config_file=path, environ={})
    assert printer_for(again, PaperKind.CARD) == "Evolis Primacy"
    assert printer_for(again, PaperKind.ROLL) == "TM-T20 Receipts"
    assert printer_for(again, PaperKind.A4) is None
    assert card_offset(again, "Evolis Primacy") == CardOffset(0.42, -0.85)
    assert card_offset(again, "Another card printer") == NO_OFFSET
