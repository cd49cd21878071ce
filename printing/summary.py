"""The daily summary (or a period's) on A4: key figures, the queue by service with the waiting
and service time spread as bar charts, applications by service and state, fees, each clerk's
work, and day by day for a period. Every page names the office and the period, when the
summary was made, and its page number of the whole.

The tables are the ones the CSV and spreadsheet exports carry (`app.domain.report_tables`);
this module only lays them out, with numbers written the language's way.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Sequence
from typing import Any, Final
from xml.sax.saxutils import escape

from babel.numbers import format_decimal, format_percent
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from app.domain.report_tables import (
    APPLICATIONS,
    CLERKS,
    DAYS,
    FEES_BY_PAYMENT,
    FEES_BY_SERVICE,
    FIGURES,
    MADE_ON,
    OFFICE,
    PERIOD,
    SERVICES,
    Cell,
    Minutes,
    Money,
    ReportTable,
    Share,
    bucket_label,
    period_text,
    summary_tables,
    title,
)
from app.domain.reports import DailySummary, Distribution
from app.i18n import N_
from printing.fonts import Face, font, require_glyphs
from printing.layout import MM, fit_text, text_width
from printing.pdf import CREATOR
from printing.wording import moment, translator

_MARGIN: Final = 15 * MM
_WIDTH: Final = A4[0] - 2 * _MARGIN
_FOOTER_SIZE: Final = 7.5
_BODY: Final = 8.5
_HEADER: Final = 7.5
_HEADER_MIN: Final = 5.5
_NOTHING: Final = "—"
# Bars within the target wait, and the others: told apart in grey as well as in colour, as
# the summary is often printed in black and white.
_WITHIN: Final = colors.HexColor("#4f8a5b")
_BEYOND: Final = colors.HexColor("#b9b9b9")
_RULE: Final = colors.HexColor("#808080")
_SHADE: Final = colors.HexColor("#eeeeee")

_PAGE = N_("Page {page} of {pages}")
_MINUTES = N_("minutes")
_DISTRIBUTION = N_("median {median} min, 9 in 10 within {p90} min")
_TARGET_NOTE = N_("darker bars: called within the target of {minutes} min")


def render_summary(summary: DailySummary, *, language: str) -> bytes:
    """The summary as an A4 PDF in ``language``."""
    t = translator(language)
    for face in (Face.SANS, Face.SANS_BOLD):
        font(face)  # registered before reportlab measures any text in it
    styles = _Styles()
    tables = {table.key: table for table in summary_tables(summary, language)}
    numbers = _Numbers(language)

    story: list[Any] = [
        styles.paragraph(title(summary, language), styles.title),
        _heading_table(summary, language, styles),
        Spacer(1, 4 * MM),
        _section(tables[FIGURES], _figures_table(tables[FIGURES], numbers, styles), styles),
        _section(tables[SERVICES], _grid(tables[SERVICES], numbers, styles), styles),
        KeepTogether(
            [
                _charts(summary, language, numbers, styles),
                styles.paragraph(
                    t(_TARGET_NOTE).format(minutes=summary.target_wait_minutes), styles.note
                ),
                Spacer(1, 4 * MM),
            ]
        ),
    ]
    for key in (APPLICATIONS, FEES_BY_SERVICE, FEES_BY_PAYMENT, CLERKS, DAYS):
        table = tables.get(key)
        if table is not None:
            story.append(_section(table, _grid(table, numbers, styles), styles))

    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=_MARGIN,
        rightMargin=_MARGIN,
        topMargin=_MARGIN,
        bottomMargin=_MARGIN + 6 * MM,
        title=title(summary, language),
        author=summary.office_name.in_language(language),
        subject=period_text(summary),
        creator=CREATOR,
        producer=CREATOR,
        # No timestamp or random id in the file: the same summary gives the same bytes.
        invariant=1,
        pageCompression=1,
        initialFontName=Face.SANS.value,
    )
    footer = _footer_text(summary, language)
    page_label = t(_PAGE)

    def canvas_maker(*args: Any, **kwargs: Any) -> Canvas:
        return _NumberedCanvas(*args, footer=footer, page_label=page_label, **kwargs)

    document.build(story, canvasmaker=canvas_maker)
    return buffer.getvalue()


# --- Text and numbers -------------------------------------------------------------------------


class _Styles:
    def __init__(self) -> None:
        sans, bold = Face.SANS.value, Face.SANS_BOLD.value
        self.title = ParagraphStyle("title", fontName=bold, fontSize=16, leading=20)
        self.section = ParagraphStyle(
            "section", fontName=bold, fontSize=11, leading=14, spaceBefore=4, spaceAfter=3
        )
        self.cell = ParagraphStyle("cell", fontName=sans, fontSize=_BODY, leading=_BODY * 1.2)
        self.cell_bold = ParagraphStyle(
            "cell_bold", parent=self.cell, fontName=bold, alignment=TA_LEFT
        )
        self.note = ParagraphStyle("note", fontName=sans, fontSize=7.5, leading=9)

    @staticmethod
    def paragraph(text: str, style: ParagraphStyle) -> Paragraph:
        require_glyphs(text, Face(style.fontName))
        return Paragraph(escape(text), style)


class _Numbers:
    """Cells as text, with the language's separators: "1 234,5" in Russian, "1,234.5" in
    English."""

    def __init__(self, language: str) -> None:
        self.language = language

    def count(self, value: int) -> str:
        return str(format_decimal(value, format="#,##0", locale=self.language))

    def minutes(self, seconds: float | None) -> str:
        if seconds is None:
            return _NOTHING
        return str(format_decimal(round(seconds / 60, 1), format="#,##0.0", locale=self.language))

    def cell(self, cell: Cell) -> str:
        if cell is None:
            return _NOTHING
        if isinstance(cell, Minutes):
            return self.minutes(cell.seconds)
        if isinstance(cell, Share):
            return str(format_percent(cell.value, format="#,##0.0%", locale=self.language))
        if isinstance(cell, Money):
            return str(format_decimal(cell.amount, format="#,##0.00", locale=self.language))
        if isinstance(cell, int):
            return self.count(cell)
        return cell


def _footer_text(summary: DailySummary, language: str) -> str:
    t = translator(language)
    text = " · ".join(
        (
            summary.office_name.in_language(language),
            period_text(summary),
            f"{t(MADE_ON)} {moment(summary.generated_at)}",
        )
    )
    return text


def _heading_table(summary: DailySummary, language: str, styles: _Styles) -> Table:
    t = translator(language)
    rows = [
        (t(OFFICE), summary.office_name.in_language(language)),
        (t(PERIOD), period_text(summary)),
        (t(MADE_ON), moment(summary.generated_at)),
    ]
    data = [
        [styles.paragraph(label, styles.cell), styles.paragraph(value, styles.cell_bold)]
        for label, value in rows
    ]
    table = Table(data, colWidths=(35 * MM, _WIDTH - 35 * MM), hAlign="LEFT")
    table.setStyle(TableStyle([*_BASE, ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


# --- Tables -----------------------------------------------------------------------------------

_CELL_PADDING: Final = 3.0
# First in every table's style: our font (reportlab's default for a cell is Helvetica, named in
# the file even where nothing is drawn in it), then narrow paddings.
_BASE: Final = (
    ("FONT", (0, 0), (-1, -1), Face.SANS.value, _BODY),
    ("TOPPADDING", (0, 0), (-1, -1), 1.5),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ("LEFTPADDING", (0, 0), (-1, -1), _CELL_PADDING),
    ("RIGHTPADDING", (0, 0), (-1, -1), _CELL_PADDING),
)


def _section(table: ReportTable, body: Table, styles: _Styles) -> KeepTogether:
    """The table under its title; a short table stays on one page with its title."""
    return KeepTogether([styles.paragraph(table.title, styles.section), body, Spacer(1, 4 * MM)])


def _figures_table(table: ReportTable, numbers: _Numbers, styles: _Styles) -> Table:
    """The key figures in two columns of label and value, to keep them on a third of a page."""
    pairs = [(str(row[0]), numbers.cell(row[1])) for row in table.rows]
    half = math.ceil(len(pairs) / 2)
    left, right = pairs[:half], pairs[half:]
    data = []
    for index in range(half):
        line: list[Any] = []
        for column in (left, right):
            if index < len(column):
                label, value = column[index]
                line += [styles.paragraph(label, styles.cell), _plain(value, Face.SANS_BOLD)]
            else:
                line += ["", ""]
        data.append(line)
    value_width = 24 * MM
    label_width = _WIDTH / 2 - value_width
    result = Table(data, colWidths=(label_width, value_width) * 2, hAlign="LEFT")
    result.setStyle(
        TableStyle(
            [
                *_BASE,
                ("FONT", (1, 0), (1, -1), Face.SANS_BOLD.value, _BODY),
                ("FONT", (3, 0), (3, -1), Face.SANS_BOLD.value, _BODY),
                ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                ("ALIGN", (3, 0), (3, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, _SHADE),
            ]
        )
    )
    return result


def _plain(text: str, face: Face) -> str:
    return require_glyphs(text, face)


def _grid(table: ReportTable, numbers: _Numbers, styles: _Styles) -> Table:
    """A table with its header repeated on every page it runs over and its total in bold."""
    columns = len(table.header)
    first = _WIDTH * 0.5 if columns <= 3 else (62 if columns <= 5 else 48) * MM
    other = (_WIDTH - first) / max(1, columns - 1)
    header = [
        _header_cell(text, first if index == 0 else other, right=index > 0)
        for index, text in enumerate(table.header)
    ]
    rows: list[list[Any]] = [header]
    for row in table.rows:
        rows.append(_cells(row, numbers, styles, styles.cell))
    if table.total is not None:
        rows.append(_cells(table.total, numbers, styles, styles.cell_bold))
    commands: list[tuple[Any, ...]] = [
        *_BASE,
        ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, 0), "BOTTOM"),
        ("VALIGN", (0, 1), (-1, -1), "MIDDLE"),
        ("LINEBELOW", (0, 0), (-1, 0), 0.75, _RULE),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, _SHADE),
    ]
    if table.total is not None:
        commands += [
            ("FONT", (0, -1), (-1, -1), Face.SANS_BOLD.value, _BODY),
            ("LINEABOVE", (0, -1), (-1, -1), 0.75, _RULE),
        ]
    result = Table(rows, colWidths=(first, *([other] * (columns - 1))), repeatRows=1, hAlign="LEFT")
    result.setStyle(TableStyle(commands))
    return result


def _header_cell(text: str, width: float, *, right: bool) -> Paragraph:
    """A column's title, wrapped between words; smaller when its longest word would not fit
    the column (Russian and Azerbaijani words run long), so no word is cut in two."""
    face = Face.SANS_BOLD
    require_glyphs(text, face)
    room = width - 2 * _CELL_PADDING - 0.5
    longest = max((text_width(word, face, _HEADER) for word in text.split()), default=0.0)
    size = _HEADER if longest <= room else max(_HEADER_MIN, _HEADER * room / longest)
    style = ParagraphStyle(
        "header",
        fontName=face.value,
        fontSize=size,
        leading=size * 1.2,
        alignment=TA_RIGHT if right else TA_LEFT,
    )
    return Paragraph(escape(text), style)


def _cells(
    row: Sequence[Cell], numbers: _Numbers, styles: _Styles, style: ParagraphStyle
) -> list[Any]:
    # The first cell (a service's or a person's name) may be long and wraps; numbers do not.
    face = Face.SANS_BOLD if style is styles.cell_bold else Face.SANS
    first, *rest = row
    return [
        styles.paragraph(numbers.cell(first), style),
        *(_plain(numbers.cell(cell), face) for cell in rest),
    ]


# --- Charts -----------------------------------------------------------------------------------


def _charts(summary: DailySummary, language: str, numbers: _Numbers, styles: _Styles) -> Table:
    """The waiting and service time distributions side by side, each with its median and the
    time nine visitors in ten stayed within."""
    t = translator(language)
    width = _WIDTH / 2 - 3 * MM
    cells = []
    for name, distribution, target in (
        (t(N_("Waiting time")), summary.waiting, summary.target_wait_minutes * 60),
        (t(N_("Service time")), summary.service, None),
    ):
        caption = t(_DISTRIBUTION).format(
            median=numbers.minutes(distribution.median), p90=numbers.minutes(distribution.p90)
        )
        cells.append(
            [
                _bar_chart(
                    name,
                    distribution,
                    target_seconds=target,
                    width=width,
                    unit=t(_MINUTES),
                    numbers=numbers,
                ),
                styles.paragraph(caption, styles.note),
            ]
        )
    table = Table([cells], colWidths=(_WIDTH / 2, _WIDTH / 2), hAlign="LEFT")
    table.setStyle(TableStyle([*_BASE, ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def _step(highest: int) -> int:
    """A round step for the value axis: 1, 2, 5, 10, 20, 50… giving at most about 6 ticks."""
    rough = max(1.0, highest / 6)
    power = 10 ** math.floor(math.log10(rough))
    for factor in (1, 2, 5, 10):
        if factor * power >= rough:
            return int(factor * power)
    return int(10 * power)


def _bar_chart(
    name: str,
    distribution: Distribution,
    *,
    target_seconds: int | None,
    width: float,
    unit: str,
    numbers: _Numbers,
) -> Drawing:
    height = 62 * MM
    # The renderer starts each drawing in Helvetica unless told otherwise.
    drawing = Drawing(width, height, initialFontName=Face.SANS.value, initialFontSize=7)
    counts = [bucket.count for bucket in distribution.buckets]
    chart = VerticalBarChart()
    chart.x, chart.y = 24, 26
    chart.width, chart.height = width - 30, height - 52
    chart.data = [counts]
    chart.barSpacing = 1
    chart.groupSpacing = 4
    chart.bars.strokeColor = None
    chart.bars[0].fillColor = _BEYOND
    for index, bucket in enumerate(distribution.buckets):
        # The service time has no target: its bars are all of one colour.
        within = target_seconds is None or (
            bucket.high is not None and bucket.high <= target_seconds
        )
        chart.bars[(0, index)].fillColor = _WITHIN if within else _BEYOND
    chart.categoryAxis.categoryNames = [
        require_glyphs(bucket_label(bucket.low, bucket.high), Face.SANS)
        for bucket in distribution.buckets
    ]
    for axis in (chart.categoryAxis, chart.valueAxis):
        axis.labels.fontName = Face.SANS.value
        axis.labels.fontSize = 6.5
        axis.strokeWidth = 0.5
    chart.categoryAxis.labels.boxAnchor = "n"
    step = _step(max(counts, default=0))
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueStep = step
    chart.valueAxis.valueMax = max(step, math.ceil(max(counts, default=0) / step) * step)
    chart.valueAxis.labelTextFormat = _axis_label(numbers)
    chart.barLabels.fontName = Face.SANS.value
    chart.barLabels.fontSize = 6.5
    chart.barLabels.nudge = 5
    chart.barLabelFormat = _bar_label(numbers)
    drawing.add(chart)
    drawing.add(
        String(
            0,
            height - 11,
            require_glyphs(name, Face.SANS_BOLD),
            fontName=Face.SANS_BOLD.value,
            fontSize=9,
        )
    )
    drawing.add(
        String(
            chart.x + chart.width / 2,
            4,
            require_glyphs(unit, Face.SANS),
            fontName=Face.SANS.value,
            fontSize=7,
            textAnchor="middle",
        )
    )
    return drawing


def _axis_label(numbers: _Numbers) -> Callable[[float], str]:
    return lambda value: numbers.count(round(value))


def _bar_label(numbers: _Numbers) -> Callable[[float], str]:
    # An empty bucket has no bar: no "0" floating on the axis either.
    return lambda value: numbers.count(round(value)) if value else ""


# --- Pages ------------------------------------------------------------------------------------


class _NumberedCanvas(Canvas):  # type: ignore[misc]  # reportlab has no type hints
    """A canvas that keeps each page until the end, when the number of pages is known, and then
    writes every page's footer: office, period, when made, "page 2 of 3"."""

    def __init__(self, *args: Any, footer: str, page_label: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._footer = footer
        self._page_label = page_label
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self._draw_footer(total)
            super().showPage()
        super().save()

    def _draw_footer(self, total: int) -> None:
        page = require_glyphs(
            self._page_label.format(page=self.getPageNumber(), pages=total), Face.SANS
        )
        room = A4[0] - 2 * _MARGIN - text_width(page, Face.SANS, _FOOTER_SIZE) - 6 * MM
        footer = fit_text(
            self._footer, Face.SANS, width=room, size=_FOOTER_SIZE, min_size=_FOOTER_SIZE * 0.75
        )
        y = _MARGIN - 2 * MM
        self.saveState()
        self.setStrokeColor(_RULE)
        self.setLineWidth(0.5)
        self.line(_MARGIN, y + 3.2 * MM, A4[0] - _MARGIN, y + 3.2 * MM)
        self.setFillGray(0)
        self.setFont(Face.SANS.value, footer.size)
        self.drawString(_MARGIN, y, footer.text)
        self.setFont(Face.SANS.value, _FOOTER_SIZE)
        self.drawRightString(A4[0] - _MARGIN, y, page)
        self.restoreState()
