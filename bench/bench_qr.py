"""How long a permit's QR code takes to sign and encode, and to verify.

Run: ``python bench/bench_qr.py``. The desk signs and verifies one code at a time, while a
person waits at the counter, so the median of single operations is what matters.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from app.security.central_signer import TestCentralSigner
from app.security.keys import RevocationList
from app.security.qr_codec import Claim, VerdictStatus, compact_date, verify

ROUNDS = 500
WARM_UP = 20
SIGN_TARGET_MS = 5.0


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
    signer = TestCentralSigner()
    trust = signer.trust_list()
    revoked = RevocationList.of(f"AZ2025-{number:07d}" for number in range(1000))
    issued_at = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    expires_at = issued_at + timedelta(days=365)
    claims = {
        Claim.DOCUMENT_NUMBER: "AZ2026-0012345",
        Claim.DOCUMENT_TYPE: 2,
        Claim.SURNAME: "ABDURRAHMANOVA-QULUZADƏ",
        Claim.GIVEN_NAMES: "GÜLNARƏ SEVİNC",
        Claim.BIRTH_DATE: compact_date(1991, 3, 14),
        Claim.NATIONALITY: "UZB",
        Claim.OFFICE: "BAK01",
    }

    def sign() -> str:
        return signer.sign_permit(claims, issued_at=issued_at, expires_at=expires_at)

    text = sign()
    if verify(text, trust, revoked, issued_at).status is not VerdictStatus.VALID:
        raise SystemExit("the benchmark's own permit does not verify")

    sign_ms = _median_ms(sign)
    verify_ms = _median_ms(lambda: verify(text, trust, revoked, issued_at))
    print(f"qr sign+encode: median {sign_ms:.3f} ms (target: at most {SIGN_TARGET_MS:g} ms)")
    print(f"qr verify: median {verify_ms:.3f} ms")
    print(f"qr text: {len(text)} characters")


if __name__ == "__main__":
    main()
