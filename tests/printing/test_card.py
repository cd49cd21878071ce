"""The permit card: exact ID-1 pages with bleed, readable text, an MRZ that checks, a QR code
that decodes and verifies, and what happens with long names, big codes and missing photos."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from app.errors import DeskError
from app.mrz import parse_mrz
from app.security.central_signer import TestCentralSigner
from app.security.keys import RevocationList
from app.security.qr_codec import VerdictStatus, verify
from printing.card import (
    MAX_QR_VERSION,
    CardData,
    build_card,
    render_card,
)
from printing.demo import demo_card
from printing.fonts import MissingGlyphsError
from printing.qr import QrTooLargeError
from tests.printing import reading

PRINTER_DOTS_PER_POINT = 300 / 72


@pytest.fixture(scope="module")
def signer() -> TestCentralSigner:
    return TestCentralSigner()


@pytest.fixture(scope="module")
def card(signer: TestCentralSigner) -> CardData:
    return demo_card(signer=signer)


@pytest.fixture(scope="module")
def pdf(card: CardData) -> bytes:
    return render_card(card)


def test_two_pages_at_id1_size_with_one_millimetre_of_bleed(pdf: bytes) -> None:
    pages = reading.reader(pdf).pages
    assert len(pages) == 2
    for page in pages:
        assert reading.box_mm(page.mediabox) == pytest.approx((0, 0, 87.60, 55.98), abs=0.01)
        assert reading.box_mm(page.trimbox) == pytest.approx((1, 1, 86.60, 54.98), abs=0.01)
        assert reading.box_mm(page.bleedbox) == reading.box_mm(page.mediabox)


def test_the_front_shows_the_holder(card: CardData, pdf: bytes) -> None:
    front = " ".join(reading.text(pdf, page=1).split())
    for value in (
        card.surname,
        card.given_names,
        card.permit_number,
        card.issuing_office,
        "GEO",
        "14.03.1991",
        "24.11.2026",
        "23.11.2027",
        "Müvəqqəti yaşama icazəsi",
        "Surname",
        "Given names",
    ):
        assert value in front, value
    assert "Şükürova" in front and "Gülnarə Ağasəf qızı" in front


def test_the_fonts_are_embedded_and_the_mrz_is_in_ocr_b(pdf: bytes) -> None:
    used = reading.fonts(pdf)
    assert used and all(font.embedded for font in used)
    back = {font.base_font.split("+")[-1] for font in used if font.page == 2}
    assert "OCRB-Regular" in back


def test_the_mrz_reads_back_and_its_check_digits_hold(card: CardData, pdf: bytes) -> None:
    back = reading.text(pdf, page=2)
    lines = [line.strip() for line in back.splitlines() if len(line.strip()) == 30]
    assert tuple(lines) == card.mrz
    result = parse_mrz(lines)
    assert result.valid, result.failed_checks
    assert result.document_number == card.permit_number
    assert result.surname == "SUKUROVA"


def test_the_qr_code_decodes_from_the_pixels_and_verifies(
    card: CardData, pdf: bytes, signer: TestCentralSigner
) -> None:
    _front, back = reading.render(pdf, dpi=300)
    assert reading.qr_texts(back) == [card.qr_text]
    verdict = verify(
        card.qr_text, signer.trust_list(), RevocationList(), datetime(2027, 1, 10, tzinfo=UTC)
    )
    assert verdict.status is VerdictStatus.VALID
    assert verdict.document_number == card.permit_number


def test_qr_version_and_module_size_suit_the_card_printer(card: CardData) -> None:
    rendered = build_card(card)
    assert 1 <= rendered.qr_version <= MAX_QR_VERSION
    assert rendered.qr_module_dots >= 3
    # The QR is drawn in module units: the 'cm' before its rectangles scales by one module.
    (qr,) = [p for p in reading.paintings(rendered.pdf, 2) if p.rectangles > 100]
    assert qr.transform is not None
    module_points = qr.transform[0]
    assert module_points * PRINTER_DOTS_PER_POINT == pytest.approx(rendered.qr_module_dots)
    # Its corner lies on the 300 dpi grid counted from the page's corner.
    for offset in qr.transform[4:]:
        dots = offset * PRINTER_DOTS_PER_POINT
        assert dots == pytest.approx(round(dots), abs=0.01)


def test_qr_and_mrz_are_pure_black(pdf: bytes) -> None:
    painted = list(reading.paintings(pdf, 2))
    mrz = [p for p in painted if p.font is not None and p.font.endswith("OCRB-Regular")]
    qr = [p for p in painted if p.rectangles > 100]
    assert len(mrz) == 3 and len(qr) == 1
    assert all(reading.is_pure_black(p.fill) for p in mrz + qr)


def test_a_permit_text_too_long_for_version_13_is_refused(card: CardData) -> None:
    too_long = dataclasses.replace(card, qr_text="AZP1:" + "7Q3K" * 200)
    with pytest.raises(QrTooLargeError) as refused:
        render_card(too_long)
    assert "version 13 at most" in str(refused.value)


def test_a_card_without_photo_is_flagged_and_framed(card: CardData) -> None:
    assert not card.needs_photo
    without = dataclasses.replace(card, photo=None)
    assert without.needs_photo
    rendered = build_card(without)
    assert rendered.photo_missing
    assert not build_card(card).photo_missing
    front = reading.reader(rendered.pdf).pages[0]
    assert "/XObject" not in front["/Resources"]
    assert "Photo" in reading.text(rendered.pdf, page=1)
    with_photo = reading.reader(render_card(card)).pages[0]
    assert len(with_photo["/Resources"]["/XObject"]) == 1


def test_a_long_surname_shrinks_and_a_very_long_one_is_cut(signer: TestCentralSigner) -> None:
    long_name = "Abdurrəhmanova-Quluzadə-Şıxəliyeva"
    longer = build_card(demo_card(signer=signer, surname=long_name))
    assert longer.surname.shrunk and not longer.surname.cut
    assert longer.surname.text == long_name
    assert 6.0 <= longer.surname.size < 9.0

    endless = "Abdurrəhmanova-Quluzadə-Şıxəliyeva-Məmmədbəyova-Hacıağayeva"
    cut = build_card(demo_card(signer=signer, surname=endless))
    assert cut.surname.cut and cut.surname.size == 6.0
    assert cut.surname.text.endswith("…")
    assert endless.startswith(cut.surname.text[:-1])
    assert cut.surname.text in reading.text(cut.pdf, page=1)
    # The MRZ is the caller's, cut by ICAO rules, and still checks.
    assert parse_mrz(demo_card(signer=signer, surname=endless).mrz).valid


def test_a_malformed_mrz_or_photo_is_refused(card: CardData) -> None:
    with pytest.raises(DeskError, match="three lines of 30 characters"):
        render_card(dataclasses.replace(card, mrz=(card.mrz[0], card.mrz[1], "SHORT")))
    with pytest.raises(DeskError, match="not a JPEG or PNG"):
        render_card(dataclasses.replace(card, photo=b"GIF89a..."))
    with pytest.raises(DeskError, match="cannot be read"):
        render_card(dataclasses.replace(card, photo=b"\xff\xd8\xff\xe0 broken"))


def test_a_name_the_font_cannot_show_is_refused(card: CardData) -> None:
    with pytest.raises(MissingGlyphsError):
        render_card(dataclasses.replace(card, given_names="Ли 李"))


def test_a_png_photo_is_accepted(card: CardData) -> None:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (350, 450), (200, 210, 220)).save(buffer, format="PNG")
    rendered = render_card(dataclasses.replace(card, photo=buffer.getvalue()))
    assert len(reading.reader(rendered).pages) == 2
