"""Roll documents to an ESC/POS printer as a raster image.

No thermal printer can be attached here: python-escpos's ``Dummy`` printer stands in and
keeps the bytes a real one would receive; a refused TCP connection stands in for a network
printer that is switched off.
"""

from __future__ import annotations

import io
import shutil
import socket
from pathlib import Path

import pytest
from escpos.printer import Dummy, Network
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from printing.escpos_raster import print_roll, render_roll_raster
from printing.spool import PrinterError

GS_V_0 = b"\x1dv0"  # GS v 0: print a raster bit image
FULL_CUT = b"\x1dV\x00"  # GS V 0: full cut

pytestmark = pytest.mark.skipif(not shutil.which("pdftoppm"), reason="poppler-utils missing")


def _roll_pdf(height_mm: float, *, width_mm: float = 80) -> bytes:
    """A roll page with a black band across exactly the printable 72 mm, 10 mm from the top."""
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=(width_mm * mm, height_mm * mm))
    page.rect(4 * mm, (height_mm - 15) * mm, 72 * mm, 5 * mm, stroke=0, fill=1)
    page.setFont("Helvetica", 10)
    page.drawString(6 * mm, (height_mm - 25) * mm, "Ticket A-042")
    page.showPage()
    page.save()
    return buffer.getvalue()


def _raster_headers(output: bytes) -> list[tuple[int, int, int]]:
    """(position, bytes per row, rows) of every GS v 0 command in ``output``."""
    found = []
    position = output.find(GS_V_0)
    while position >= 0:
        header = output[position + 4 : position + 8]
        width_bytes = int.from_bytes(header[0:2], "little")
        rows = int.from_bytes(header[2:4], "little")
        found.append((position, width_bytes, rows))
        position = output.find(GS_V_0, position + 8 + width_bytes * rows)
    return found


def test_the_page_becomes_a_576_dot_raster_image_then_the_paper_is_cut() -> None:
    printer = Dummy()

    print_roll(printer, _roll_pdf(60))

    output = printer.output
    ((position, width_bytes, rows),) = _raster_headers(output)
    assert output[position + 3] == 0  # normal density: one dot per dot
    assert width_bytes == 576 // 8
    assert rows == pytest.approx(60 / 25.4 * 203, abs=1)
    assert output.rfind(FULL_CUT) > position + 8 + width_bytes * rows


def test_the_raster_keeps_the_printable_band_at_full_size() -> None:
    raster = render_roll_raster(_roll_pdf(60))

    assert raster.mode == "1"
    assert raster.width == 576
    band_row = round(12.5 / 25.4 * 203)  # the middle of the black band
    black = [x for x in range(raster.width) if raster.getpixel((x, band_row)) == 0]
    # The band spans the 72 mm printable width, edge to edge, give or take a dot.
    assert min(black) <= 2
    assert max(black) >= 573
    assert raster.getpixel((288, 2)) != 0  # above the band: white


def test_a_long_receipt_is_sent_in_fragments_of_the_same_width() -> None:
    printer = Dummy()

    print_roll(printer, _roll_pdf(250))

    headers = _raster_headers(printer.output)
    assert len(headers) > 1
    assert {width for _position, width, _rows in headers} == {72}
    assert sum(rows for _position, _width, rows in headers) == pytest.approx(
        250 / 25.4 * 203, abs=1
    )


def test_the_printer_profile_decides_the_width() -> None:
    printer = Dummy(profile="TM-T88V")  # 180 dpi, 512 dots across

    print_roll(printer, _roll_pdf(60), cut=False)

    ((_position, width_bytes, rows),) = _raster_headers(printer.output)
    assert width_bytes == 512 // 8
    assert rows == pytest.approx(60 / 25.4 * 180, abs=1)
    assert FULL_CUT not in printer.output


def test_a_narrow_page_is_centred() -> None:
    raster = render_roll_raster(_roll_pdf(40, width_mm=58))

    assert raster.width == 576
    assert raster.getpixel((10, 100)) != 0  # white margin left of the 58 mm page


def test_a_printer_that_cannot_be_reached_gives_a_clear_message_and_keeps_the_receipt() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    printer = Network("127.0.0.1", port=port, timeout=2)
    pdf = _roll_pdf(40)

    with pytest.raises(PrinterError) as raised:
        print_roll(printer, pdf, name="Front desk roll")

    assert str(raised.value) == (
        "The receipt printer “Front desk roll” cannot be reached: check that it is switched "
        "on, has paper and is connected, or choose another printer. "
        "The document is kept and can be printed again."
    )
    assert raised.value.pdf == pdf
    assert raised.value.detail


def test_without_pdftoppm_there_is_a_clear_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    printer = Dummy()

    with pytest.raises(PrinterError, match="“pdftoppm” \\(poppler-utils\\) is missing") as raised:
        print_roll(printer, b"%PDF-1.4")

    assert raised.value.pdf == b"%PDF-1.4"
    assert printer.output == b""  # nothing half-sent


def test_a_damaged_pdf_gives_a_clear_message() -> None:
    with pytest.raises(PrinterError, match="could not be turned into an image"):
        print_roll(Dummy(), b"not a pdf")
