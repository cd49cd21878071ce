"""Master data with trusted keys and revocations, and permits signed by the test central key."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from app.security.central_signer import TestCentralSigner
from app.security.keys import kid_for_public_key, public_key_to_pem
from app.security.qr_codec import Claim, compact_date
from app.services.masterdata import bundled_masterdata

REVOKED_NUMBER = "AZ2026-0000666"


def key_record(
    signer: TestCentralSigner, kinds: Iterable[str] = ("permit", "receipt"), **extra: Any
) -> dict[str, Any]:
    return {
        "kind": "trusted_key",
        "kid": base64.b64encode(kid_for_public_key(signer.public_key)).decode("ascii"),
        "key": public_key_to_pem(signer.public_key).decode("ascii"),
        "kinds": list(kinds),
        "label": "central service (test key)",
        **extra,
    }


def revoked_record(number: str = REVOKED_NUMBER, **extra: Any) -> dict[str, Any]:
    return {
        "kind": "revoked",
        "number": number,
        "revoked_on": "2026-11-20",
        "reason": "card lost",
        **extra,
    }


def masterdata_with(*records: dict[str, Any], step: int = 1) -> bytes:
    """The bundled master data, ``step`` revisions newer, with ``records`` appended."""
    lines = bundled_masterdata().read_text(encoding="utf-8").splitlines()
    header = json.loads(lines[0])
    header["revision"] += step
    lines[0] = json.dumps(header)
    lines += [json.dumps(record, ensure_ascii=False) for record in records]
    return ("\n".join(lines) + "\n").encode("utf-8")


def permit_claims(number: str = "AZ2026-0012345") -> dict[int, Any]:
    return {
        Claim.DOCUMENT_NUMBER: number,
        Claim.DOCUMENT_TYPE: 2,
        Claim.SURNAME: "KƏRİMOV",
        Claim.GIVEN_NAMES: "RÜSTƏM",
        Claim.BIRTH_DATE: compact_date(1991, 3, 14),
        Claim.NATIONALITY: "UZB",
        Claim.OFFICE: "AGS",
    }


def signed_permit(
    signer: TestCentralSigner, number: str = "AZ2026-0012345", now: datetime | None = None
) -> str:
    """A permit valid from yesterday for a year, around ``now`` (the real time by default)."""
    moment = now or datetime.now(UTC)
    return signer.sign_permit(
        permit_claims(number),
        issued_at=moment - timedelta(days=1),
        expires_at=moment + timedelta(days=365),
    )
