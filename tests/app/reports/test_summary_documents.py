"""The daily summary as a person reads it: the A4 PDF read back, the CSV file and the
workbook, each holding the totals the database holds."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from app.i18n import translate_to
from app.services import reports
from app.services.report_files import summary_csv, summary_xlsx
from printing.summary import render_summary
from tests.app.reports import scenario
from tests.app.reports.conftest import Office
from tests.app.reports.reading import (
    csv_sections,
    figure,
    pdf_text,
    row,
    sheet_rows,
    xlsx_sheets,
)
from tests.app.reports.records import counted
from tests.printing import reading


def test_the_pdf_shows_the_totals_of_the_database(day: Office) -> None:
    summary = reports.daily_summary(day.core, day.people.supervisor, scenario.DAY)
    pdf = render_summary(summary, language="en")
    records = counted(day.core, scenario.DAY, scenario.DAY)
    text = pdf_text(pdf)

    assert reading.page_sizes_mm(pdf)[0] == pytest.approx((210, 297), abs=0.01)
    assert all(font.embedded for font in reading.fonts(pdf))
    assert "Daily summary" in text and "24.11.2026" in text
    assert "Aghsu Regional Migration Department" in text
    assert figure(text, "Visitors (tickets issued)") == str(records.visitors)
    assert figure(text, "Tickets served") == str(records.served)
    assert figure(text, "Did not come (no-shows)") == str(records.no_shows)
    assert figure(text, "Applications submitted") == str(records.submitted)
    assert figure(text, "Fees (AZN)") == f"{records.fees:.2f}"
    assert figure(text, "Called within 15 min") == "2"
    assert figure(text, "Service level (%)") == "28.6%"  # 2 of the 7 called
    assert figure(text, "No-show rate (%)") == "25.0%"
    assert figure(text, "Median wait (min)") == "18.0"  # 1080 s
    assert figure(text, "Median service time (min)") == "8.0"  # 480 s

    # Tickets by service: the legs of each queue, and their total.
    assert row(text, "Registration at place of stay", after="Tickets by service")[:5] == [
        "4",
        "3",
        "1",
        "1",
        "33.3%",
    ]
    assert row(text, "Total", after="Tickets by service")[:4] == ["9", "7", "4", "2"]
    # Fees by payment method, and each clerk's work.
    assert row(text, "ASANPAY", after="Fees by payment method") == ["3", "860.00"]
    assert row(text, "bank transfer", after="Fees by payment method") == ["1", "20.00"]
    assert row(text, "Total", after="Fees by payment method") == ["5", f"{records.fees:.2f}"]
    assert row(text, scenario.CLERK_NAME, after="Work of each clerk") == [
        "4",
        "2",
        "1",
        "6.0",
        "3",
        "180.00",
    ]
    assert row(text, scenario.SECOND_CLERK_NAME, after="Work of each clerk") == [
        "3",
        "2",
        "1",
        "18.0",
        "2",
        "700.00",
    ]
    assert row(text, "Total", after="Work of each clerk")[-2:] == ["5", "880.00"]
    # Applications by state: the work permit withdrawn, the residence permit sent on.
    states = text[text.index("Applications by service") :]
    header = " ".join(states[: states.index("Registration at place of stay")].split())
    for label in ("draft", "submitted", "sent", "centre", "withdrawn"):  # in the lifecycle's order
        assert label in header
    assert row(text, "Total", after="Applications by service") == ["1", "5", "1", "1"]
    # The charts' captions and the page numbers.
    assert "median 18.0 min" in text and "Waiting time" in text and "Service time" in text
    assert "Page 1 of" in text


@pytest.mark.parametrize(
    ("language", "office_name", "fees"),
    [("az", "Ağsu Regional Miqrasiya İdarəsi", "880,00"), ("ru", "Агсу", "880,00")],
)
def test_the_pdf_speaks_the_office_language(
    day: Office, language: str, office_name: str, fees: str
) -> None:
    summary = reports.daily_summary(day.core, day.people.supervisor, scenario.DAY)
    pdf = render_summary(summary, language=language)
    text = pdf_text(pdf)

    assert office_name in text
    assert scenario.CLERK_NAME in text  # ə survives, from an embedded DejaVu
    assert fees in text
    assert all(font.embedded for font in reading.fonts(pdf))
    # The same summary gives the same bytes: nothing in it depends on when it was drawn.
    assert render_summary(summary, language=language) == pdf


def test_a_period_prints_each_of_its_days(day: Office) -> None:
    scenario.script_next_day(day.core, day.clock, day.people)
    summary = reports.daily_summary(
        day.core, day.people.supervisor, date(2026, 11, 23), date(2026, 11, 29)
    )
    text = pdf_text(render_summary(summary, language="en"))

    assert "Summary of the period" in text and "23.11.2026 – 29.11.2026" in text
    assert row(text, "24.11.2026", after="Day by day")[-2:] == ["6", "900.00"]
    # A001 called after 5 minutes, B001 after 20: half within the target.
    assert row(text, "25.11.2026", after="Day by day") == ["2", "1", "1", "50.0%", "1", "40.00"]
    assert row(text, "Total", after="Day by day")[0] == str(summary.visitors)
    assert figure(text, "Fees (AZN)") == f"{summary.fees_total:.2f}" == "940.00"


def test_the_csv_file_parses_with_the_same_totals(day: Office) -> None:
    summary = reports.daily_summary(day.core, day.people.supervisor, scenario.DAY)
    data = summary_csv(summary, "en")
    records = counted(day.core, scenario.DAY, scenario.DAY)

    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 for Excel too
    sections = csv_sections(data)
    assert sections[""][0] == ["Daily summary"]
    assert ["Office", "Aghsu Regional Migration Department"] in sections[""]
    figures = {line[0]: line[1] for line in sections["Key figures"][1:]}
    assert figures["Visitors (tickets issued)"] == str(records.visitors)
    assert figures["Fees (AZN)"] == f"{records.fees:.2f}"
    assert figures["Service level (%)"] == "28.6"
    assert figures["Median wait (min)"] == "18.0"
    clerks = {line[0]: line[1:] for line in sections["Work of each clerk"][1:]}
    assert clerks[scenario.CLERK_NAME] == ["4", "2", "1", "6.0", "3", "180.00"]
    assert clerks["Total"][-1] == "880.00"
    waiting = sections["Waiting time"]
    assert waiting[0] == ["Waiting time (min)", "Tickets"]
    assert waiting[-1] == ["Total", str(len(scenario.DAY_FIGURES.waits))]
    assert "Day by day" not in sections  # one day


def test_the_workbook_opens_with_the_same_totals(day: Office) -> None:
    summary = reports.daily_summary(day.core, day.people.supervisor, scenario.DAY)
    records = counted(day.core, scenario.DAY, scenario.DAY)
    sheets = xlsx_sheets(summary_xlsx(summary, "en"))

    assert list(sheets)[:2] == ["Key figures", "Tickets by service"]
    figures = sheet_rows(sheets["Key figures"])
    assert figures["Visitors (tickets issued)"] == [str(records.visitors)]
    assert Decimal(figures["Fees (AZN)"][0]) == records.fees
    assert float(figures["Service level (%)"][0]) == pytest.approx(2 / 7)
    assert figures["Office"] == ["Aghsu Regional Migration Department"]
    payments = sheet_rows(sheets["Fees by payment method"])
    assert payments["ASANPAY"] == ["3", "860"]
    assert payments["Total"] == ["5", "880"]
    clerks = sheet_rows(sheets["Work of each clerk"])
    assert clerks[scenario.SECOND_CLERK_NAME] == ["3", "2", "1", "18", "2", "700"]


def test_a_quiet_day_still_makes_every_document(office: Office) -> None:
    summary = reports.daily_summary(office.core, office.people.supervisor, scenario.DAY)
    text = pdf_text(render_summary(summary, language="en"))

    assert figure(text, "Visitors (tickets issued)") == "0"
    assert figure(text, "Median wait (min)") == "—"
    assert figure(text, "Fees (AZN)") == "0.00"
    assert "Page 1 of" in text
    figures = {line[0]: line[1] for line in csv_sections(summary_csv(summary, "en"))["Key figures"]}
    assert figures["Visitors (tickets issued)"] == "0" and figures["Median wait (min)"] == ""
    # The Russian workbook names its sheets in Russian.
    assert sheet_rows(xlsx_sheets(summary_xlsx(summary, "ru"))[translate_to("ru", "Key figures")])
