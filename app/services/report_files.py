"""The summary saved as files for spreadsheets: CSV (one section per table) and XLSX (one sheet
per table), with the same tables as the PDF, in the document's language.

CSV numbers are written plainly (a point before the decimals, no grouping) so that any
program reads them; durations in minutes, shares in percent, money with two decimals, as the
column titles say. The file starts with a byte-order mark: without it, Excel takes UTF-8 for
the local code page and garbles Ə and Cyrillic letters.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any, Final

from app.domain.report_tables import (
    MADE_ON,
    OFFICE,
    PERIOD,
    Cell,
    Minutes,
    Money,
    ReportTable,
    Share,
    period_text,
    summary_tables,
    title,
)
from app.domain.reports import DailySummary
from app.i18n import translate_to
from printing.wording import moment

# Excel refuses these in a sheet's name, and names longer than 31 characters.
_SHEET_FORBIDDEN: Final = re.compile(r"[\[\]:*?/\\]")
_SHEET_NAME_LENGTH: Final = 31


def _heading(summary: DailySummary, language: str) -> list[tuple[str, str]]:
    return [
        (translate_to(language, OFFICE), summary.office_name.in_language(language)),
        (translate_to(language, PERIOD), period_text(summary)),
        (translate_to(language, MADE_ON), moment(summary.generated_at)),
    ]


# --- CSV --------------------------------------------------------------------------------------


def _csv_cell(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, Minutes):
        return f"{cell.minutes:.1f}"
    if isinstance(cell, Share):
        return f"{cell.value * 100:.1f}"
    if isinstance(cell, Money):
        return f"{cell.amount:.2f}"
    return str(cell)


def summary_csv(summary: DailySummary, language: str) -> bytes:
    """The summary as CSV: a heading, then each table under its title, a blank line between."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([title(summary, language)])
    for label, value in _heading(summary, language):
        writer.writerow([label, value])
    for table in summary_tables(summary, language):
        writer.writerow([])
        writer.writerow([table.title])
        writer.writerow(table.header)
        for row in table.rows:
            writer.writerow([_csv_cell(cell) for cell in row])
        if table.total is not None:
            writer.writerow([_csv_cell(cell) for cell in table.total])
    return buffer.getvalue().encode("utf-8-sig")


# --- XLSX -------------------------------------------------------------------------------------


def _sheet_name(text: str, taken: set[str]) -> str:
    base = _SHEET_FORBIDDEN.sub("", text).strip()[:_SHEET_NAME_LENGTH].strip() or "Sheet"
    name, number = base, 2
    # Excel compares sheet names without regard to case.
    while name.casefold() in taken:
        suffix = f" ({number})"
        name = base[: _SHEET_NAME_LENGTH - len(suffix)] + suffix
        number += 1
    taken.add(name.casefold())
    return name


def summary_xlsx(summary: DailySummary, language: str) -> bytes:
    """The summary as a workbook: one sheet per table, numbers as numbers with their format."""
    import xlsxwriter  # loaded only by the commands and screens that save a workbook

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    # The moment the summary was made, not the moment it was saved: the same summary gives
    # the same workbook.
    workbook.set_properties(
        {
            "title": title(summary, language),
            "created": summary.generated_at.replace(tzinfo=None),
        }
    )
    bold = workbook.add_format({"bold": True})
    heading = workbook.add_format({"bold": True, "font_size": 13})
    header = workbook.add_format({"bold": True, "text_wrap": True, "bottom": 1})
    formats: dict[tuple[type, bool], Any] = {}
    for kind, number_format in ((Minutes, "0.0"), (Share, "0.0%"), (Money, "#,##0.00")):
        for is_total in (False, True):
            properties: dict[str, Any] = {"num_format": number_format}
            if is_total:
                properties.update(bold=True, top=1)
            formats[(kind, is_total)] = workbook.add_format(properties)
    total_text = workbook.add_format({"bold": True, "top": 1})

    def write(sheet: Any, row: int, column: int, cell: Cell, *, is_total: bool) -> None:
        plain = total_text if is_total else None
        if cell is None:
            sheet.write_blank(row, column, None, plain)
        elif isinstance(cell, Minutes):
            sheet.write_number(row, column, round(cell.minutes, 1), formats[(Minutes, is_total)])
        elif isinstance(cell, Share):
            sheet.write_number(row, column, cell.value, formats[(Share, is_total)])
        elif isinstance(cell, Money):
            sheet.write_number(row, column, float(cell.amount), formats[(Money, is_total)])
        elif isinstance(cell, int):
            sheet.write_number(row, column, cell, plain)
        else:
            sheet.write_string(row, column, cell, plain)

    taken: set[str] = set()
    tables: list[ReportTable] = list(summary_tables(summary, language))
    for table in tables:
        sheet = workbook.add_worksheet(_sheet_name(table.title, taken))
        sheet.write_string(0, 0, table.title, heading)
        for offset, (label, value) in enumerate(_heading(summary, language), start=1):
            sheet.write_string(offset, 0, label, bold)
            sheet.write_string(offset, 1, value)
        top = 5
        sheet.write_row(top, 0, table.header, header)
        for index, row in enumerate(table.rows, start=top + 1):
            for column, cell in enumerate(row):
                write(sheet, index, column, cell, is_total=False)
        if table.total is not None:
            last = top + 1 + len(table.rows)
            for column, cell in enumerate(table.total):
                write(sheet, last, column, cell, is_total=True)
        sheet.set_column(0, 0, 42)
        sheet.set_column(1, max(1, len(table.header) - 1), 16)
        sheet.freeze_panes(top + 1, 1)
    workbook.close()
    return buffer.getvalue()
