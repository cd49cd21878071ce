"""Printing through Qt's QPrinter, the desk's path to the Windows spooler. On Linux Qt prints
through CUPS, so the same code is checked here against the session's private scheduler: the
printers Qt lists, a card at its own size (never fitted to a page), an A4 receipt, and a
printer that does not exist. The Windows spooler itself cannot run here."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.printing import reading
from tests.support.cups import PdfQueue, PrivateCups

ROOT = Path(__file__).resolve().parents[2]
_names = itertools.count(1)


def _print_through_qt(cups: PrivateCups, printer: str, document: str) -> dict[str, object]:
    result = subprocess.run(
        [sys.executable, "-m", "tests.support.qt_printing", printer, document],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
        cwd=ROOT,
        env={**os.environ, "CUPS_SERVER": cups.server, "QT_QPA_PLATFORM": "offscreen"},
    )
    answer: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return answer


def _printed(queue: PdfQueue, timeout: float = 30) -> bytes:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = sorted(queue.output.glob("*.pdf"))
        if found and found[0].stat().st_size > 0:
            time.sleep(0.3)  # cups-pdf writes the file, then closes it
            return found[0].read_bytes()
        time.sleep(0.2)
    raise TimeoutError(f"nothing printed on {queue.name}")


@pytest.fixture
def queue(private_cups: PrivateCups) -> PdfQueue:
    return private_cups.add_pdf_queue(f"Qt_Printer_{next(_names)}")


def test_a_card_prints_through_qt_at_its_own_size(
    private_cups: PrivateCups, queue: PdfQueue
) -> None:
    answer = _print_through_qt(private_cups, queue.name, "card")
    assert queue.name in answer["printers"]  # type: ignore[operator]
    assert answer.get("sent") is True, answer
    pdf = _printed(queue)
    sizes = reading.page_sizes_mm(pdf)
    assert len(sizes) == 2
    for width, height in sizes:
        # Qt gives CUPS the custom size in whole points (0.35 mm).
        assert width == pytest.approx(87.60, abs=0.4)
        assert height == pytest.approx(55.98, abs=0.4)
    (back,) = reading.render(pdf, dpi=300)[1:]
    assert len(reading.qr_texts(back)) == 1


def test_an_a4_receipt_prints_through_qt(private_cups: PrivateCups, queue: PdfQueue) -> None:
    answer = _print_through_qt(private_cups, queue.name, "receipt")
    assert answer.get("sent") is True, answer
    ((width, height),) = reading.page_sizes_mm(_printed(queue))
    assert (width, height) == pytest.approx((210, 297), abs=1)


def test_an_unknown_printer_is_named_and_the_document_kept(private_cups: PrivateCups) -> None:
    answer = _print_through_qt(private_cups, "No_Such_Printer", "card")
    assert answer["error"] == (
        "There is no printer “No_Such_Printer” (any more): choose another printer. "
        "The document is kept and can be printed again."
    )
    assert answer["kept"] is True
