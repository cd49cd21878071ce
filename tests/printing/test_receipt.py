"""The receipt on A4 and on the 80 mm roll, read back from the PDF as a visitor and a phone
would read it."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from app.security.keys import RevocationList, TrustedKey, TrustList, generate_signing_key
from app.security.qr_codec import QrKind, VerdictStatus, verify
from printing.demo import demo_receipt
from printing.fonts import MissingGlyphsError
from printing.layout import Paper
from printing.receipt import render_receipt
from tests.printing import reading

LANGUAGES = ("az", "ru", "en")


@pytest.mark.parametrize("paper", list(Paper))
@pytest.mark.parametrize("language", LANGUAGES)
def test_receipt_reads_back_with_every_field(language: str, paper: Paper) -> None:
    data = demo_receipt(language)
    pdf = render_receipt(data, language=language, paper=paper)

    sizes = reading.page_sizes_mm(pdf)
    assert len(sizes) == 1
    width, height = sizes[0]
    if paper is Paper.A4:
        assert (width, height) == pytest.approx((210, 297), abs=0.01)
    else:
        assert width == pytest.approx(80, abs=0.01)
        assert 100 < height < 297  # as long as its content, not a page

    shown = " ".join(reading.text(pdf).split())
    for value in (
        data.office_name,
        data.desk,
        data.clerk,
        data.application_number,
        data.person_name,
        data.payment_reference,
        "19.07.1988",
        "22.12.2026",
        "24.11.2026 10:42",  # 06:42 UTC on the office's clock
        *data.documents_received,
    ):
        assert " ".join(value.split()) in shown, value
    assert {"az": "60,00 AZN", "ru": "60,00 AZN", "en": "60.00 AZN"}[language] in shown
    assert all(font.embedded for font in reading.fonts(pdf))


def test_cyrillic_and_azerbaijani_letters_survive_extraction() -> None:
    shown = reading.text(render_receipt(demo_receipt("ru"), language="ru", paper=Paper.ROLL_80))
    assert "Гусейнов Рашад Ага оглы" in shown
    assert "Əliyeva Şəbnəm" in shown


@pytest.mark.parametrize("paper", list(Paper))
def test_the_qr_code_proves_the_receipt(paper: Paper) -> None:
    key = generate_signing_key()
    data = demo_receipt("az", signing_key=key)
    pdf = render_receipt(data, language="az", paper=paper)

    (page,) = reading.render(pdf, dpi=200)
    assert reading.qr_texts(page) == [data.qr_text]
    trust = TrustList.of(
        TrustedKey.from_public_key(key.public_key(), label="desk", kinds=(QrKind.RECEIPT,))
    )
    verdict = verify(data.qr_text, trust, RevocationList(), data.issued_at + timedelta(hours=1))
    assert verdict.status is VerdictStatus.VALID


def test_the_roll_grows_with_its_content() -> None:
    data = demo_receipt("en")
    more = dataclasses.replace(
        data, documents_received=data.documents_received + ("Employment contract",) * 6
    )
    short = reading.page_sizes_mm(render_receipt(data, language="en", paper=Paper.ROLL_80))
    long = reading.page_sizes_mm(render_receipt(more, language="en", paper=Paper.ROLL_80))
    assert long[0][1] > short[0][1] + 20


def test_a_long_document_list_continues_on_a_second_a4_page() -> None:
    data = dataclasses.replace(
        demo_receipt("en"),
        documents_received=tuple(f"Supporting document number {n}" for n in range(1, 81)),
    )
    pdf = render_receipt(data, language="en", paper=Paper.A4)
    assert len(reading.page_sizes_mm(pdf)) >= 2
    shown = reading.text(pdf)
    assert "80. Supporting document number 80" in shown
    assert "1. Supporting document number 1\n" in shown


def test_text_the_font_cannot_show_is_refused() -> None:
    data = dataclasses.replace(demo_receipt("en"), person_name="Wang 王")
    with pytest.raises(MissingGlyphsError) as refused:
        render_receipt(data, language="en", paper=Paper.A4)
    assert refused.value.missing == frozenset("王")


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="unsupported"):
        render_receipt(demo_receipt("en"), language="de", paper=Paper.A4)
