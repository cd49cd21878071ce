"""How long the clean-up of a scanned A4 page at 300 dpi takes, and how big its PDF page is.

Run: ``python bench/bench_scan_cleanup.py``. The page is generated: a dense form of 11 pt
text, turned by a few degrees on a dark scanner lid, with sensor noise. Clean-up (deskew,
crop to the paper, blank check) runs while the clerk waits for the preview, so its median
is what matters; the PDF is what is stored and sent to the centre, page by page.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.scanning.cleanup import clean_page
from app.scanning.model import ScannedPage
from app.scanning.pdf import pages_to_pdf
from tests.support.pages import a4_page, on_scanner, with_noise

DPI = 300
ANGLES = (3.0, -1.2, 7.5, -12.0, 0.6)
ROUNDS = 20
WARM_UP = 2
CLEANUP_TARGET_MS = 300.0
PAGE_TARGET_KB = 300.0


def _median_ms(operation: Callable[[int], object]) -> float:
    for number in range(WARM_UP):
        operation(number)
    timings = []
    for number in range(ROUNDS):
        started = time.perf_counter()
        operation(number)
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def main() -> None:
    page = a4_page(DPI)
    scans = [
        ScannedPage(with_noise(on_scanner(page, angle), seed=index), DPI, f"bench {angle}")
        for index, angle in enumerate(ANGLES)
    ]
    worst_error = max(
        abs(clean_page(scan).skew_degrees - angle)
        for scan, angle in zip(scans, ANGLES, strict=True)
    )
    cleanup_ms = _median_ms(lambda number: clean_page(scans[number % len(scans)]))
    cleaned = clean_page(scans[0]).page
    bilevel = ScannedPage(
        cleaned.image.point(lambda value: 255 if value > 128 else 0, mode="1"), DPI, "bw"
    )
    grey_pdf = pages_to_pdf([cleaned])
    bilevel_pdf = pages_to_pdf([bilevel])
    pdf_ms = _median_ms(lambda _number: pages_to_pdf([cleaned]))
    grey_page = grey_pdf.pages[0]
    print(
        f"scan clean-up, A4 at {DPI} dpi: median {cleanup_ms:.0f} ms "
        f"(target: at most {CLEANUP_TARGET_MS:g} ms); skew found within {worst_error:.2f} degrees"
    )
    print(
        f"scan PDF, grey A4 page: {len(grey_pdf.data) / 1024:.0f} KB "
        f"(target: at most {PAGE_TARGET_KB:g} KB), kept at {grey_page.dpi} dpi, "
        f"JPEG quality {grey_page.quality}; compressed in {pdf_ms:.0f} ms"
    )
    print(
        f"scan PDF, black and white A4 page: {len(bilevel_pdf.data) / 1024:.0f} KB "
        f"(target: at most {PAGE_TARGET_KB:g} KB), Group 4 at {bilevel_pdf.pages[0].dpi} dpi"
    )


if __name__ == "__main__":
    main()
