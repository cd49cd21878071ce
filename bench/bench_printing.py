"""How long the printouts take to render as PDF: a receipt and a permit card.

Run: ``python bench/bench_printing.py``. A document is rendered while a person waits at the
counter, one at a time, so the median of single renderings is what matters. Fonts load once
per process (the warm-up pays for it, and for the QR mask tables of each code version);
every rendering encodes its QR code afresh.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from app.security.central_signer import TestCentralSigner
from printing.card import render_card
from printing.demo import demo_card, demo_receipt
from printing.layout import Paper
from printing.receipt import render_receipt

ROUNDS = 100
WARM_UP = 5
RECEIPT_TARGET_MS = 20.0
CARD_TARGET_MS = 30.0


def _median_ms(operation: Callable[[], object]) -> float:
    for _ in range(WARM_UP):
        operation()
    timings = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        operation()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def main() -> None:
    receipt = demo_receipt("az")
    card = demo_card(signer=TestCentralSigner())

    a4_ms = _median_ms(lambda: render_receipt(receipt, language="az", paper=Paper.A4))
    roll_ms = _median_ms(lambda: render_receipt(receipt, language="az", paper=Paper.ROLL_80))
    card_ms = _median_ms(lambda: render_card(card))
    print(f"receipt PDF, A4: median {a4_ms:.1f} ms (target: at most {RECEIPT_TARGET_MS:g} ms)")
    print(
        f"receipt PDF, 80 mm roll: median {roll_ms:.1f} ms "
        f"(target: at most {RECEIPT_TARGET_MS:g} ms)"
    )
    print(f"permit card PDF: median {card_ms:.1f} ms (target: at most {CARD_TARGET_MS:g} ms)")


if __name__ == "__main__":
    main()
