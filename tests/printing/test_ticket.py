"""The queue ticket: 80 mm wide, the number large, every line readable in each language."""

from __future__ import annotations

import dataclasses

import pytest

from printing.demo import demo_ticket
from printing.fonts import MissingGlyphsError
from printing.ticket import render_ticket
from tests.printing import reading


@pytest.mark.parametrize("language", ["az", "ru", "en"])
def test_ticket_reads_back(language: str) -> None:
    data = demo_ticket(language)
    pdf = render_ticket(data, language=language)

    ((width, height),) = reading.page_sizes_mm(pdf)
    assert width == pytest.approx(80, abs=0.01)
    assert 50 < height < 150
    shown = " ".join(reading.text(pdf).split())
    for value in (data.number, data.office_name, data.service, "24.11.2026 10:42", "B", "3–5"):
        assert value in shown, value
    assert all(font.embedded for font in reading.fonts(pdf))


def test_the_number_is_the_largest_text() -> None:
    pdf = render_ticket(demo_ticket("en"), language="en")
    sizes: dict[str, float] = {}

    def seen(text: str, cm: object, tm: list[float], font: object, size: float) -> None:
        if text.strip():
            sizes[text.strip()] = size * tm[3]

    reading.reader(pdf).pages[0].extract_text(visitor_text=seen)
    assert sizes["A017"] >= 40
    assert sizes["A017"] == max(sizes.values())


def test_people_ahead_and_the_wait_or_your_turn() -> None:
    shown = reading.text(render_ticket(demo_ticket("en"), language="en"))
    assert "People ahead of you: 6" in shown
    assert "about 25 min" in shown
    nobody = dataclasses.replace(demo_ticket("en"), people_ahead=0, hall=None, counter=None)
    shown = reading.text(render_ticket(nobody, language="en"))
    assert "You are next." in shown
    assert "People ahead" not in shown and "Hall" not in shown


def test_a_service_name_the_font_cannot_show_is_refused() -> None:
    with pytest.raises(MissingGlyphsError):
        render_ticket(dataclasses.replace(demo_ticket("en"), service="签证"), language="en")
