"""How long checking a whole intake form takes: the clerk opens, edits and re-checks forms all
day, so a check must stay far below what a person notices (the target: opening an intake form
within 100 ms).

Checks a full temporary residence form, with every field filled, thousands of times and
prints the median. Run from the repository root: python bench/bench_intake_rules.py
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.i18n import set_language
from app.intake.records import service_from_record
from app.intake.validation import validate_form
from app.services.masterdata import bundled_masterdata
from app.services.masterdata_file import parse_masterdata

TARGET_MS = 100.0
ROUNDS = 5_000
TODAY = date(2026, 3, 19)
FORM = {
    "request": "Extension",
    "ground": "work",
    "duration_months": "12",
    "working_days": "15",
    "address": "  Bakı şəhəri, Nəsimi rayonu, Nizami küçəsi 10, mənzil 5  ",
    "phone": "050 123 45 67",
}


def main() -> int:
    set_language("az")
    parsed = parse_masterdata(bundled_masterdata().read_bytes())
    service = next(
        service_from_record(record) for record in parsed.services if record.code == "temp_residence"
    )
    assert validate_form(service, FORM, today=TODAY).ok
    timings = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        validate_form(service, FORM, today=TODAY)
        timings.append(time.perf_counter() - started)
    median_ms = statistics.median(timings) * 1000
    verdict = "ok" if median_ms <= TARGET_MS else "TOO SLOW"
    print(
        f"intake form validation: median {median_ms:.3f} ms"
        f" (target: opening an intake form at most {TARGET_MS:.0f} ms) {verdict}"
    )
    return 0 if median_ms <= TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
