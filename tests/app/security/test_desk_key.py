"""The desk's own receipt key: made once, private on disk, trusted for receipts and nothing else."""

from __future__ import annotations

import stat
import sys
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select, update

from app.bootstrap import Started
from app.config import Config
from app.db.models import AuditRow, TrustedKeyRow
from app.errors import StorageError
from app.security import desk_key
from app.security.desk_key import ReceiptClaims, sign_receipt
from app.security.qr_codec import Claim, QrKind, VerdictStatus, decode, encode
from app.services import trust
from app.services.setup import DemoSetup
from tests.support.trust import permit_claims

RECEIPT = ReceiptClaims(
    application_number="AGS-261124-0007",
    amount=Decimal("160.00"),
    service="temp_residence",
    surname="ƏLİYEVA",
    given_names="LEYLA",
)


def test_the_key_is_made_once_and_readable_by_its_user_only(
    started: Started, demo: DemoSetup, backend_config: Config
) -> None:
    path = desk_key.desk_key_path(backend_config)
    assert not path.exists()

    first = desk_key.ensure_desk_key(started.core, backend_config)
    again = desk_key.ensure_desk_key(started.core, backend_config)

    assert path.parent == backend_config.keys_dir
    assert first.kid == again.kid
    assert [p.name for p in path.parent.iterdir()] == [path.name]
    if sys.platform != "win32":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with started.core.reading() as session:
        rows = session.execute(select(TrustedKeyRow)).scalars().all()
        audited = session.execute(
            select(AuditRow.action).where(AuditRow.action == "trust.desk_key")
        ).scalars()
        assert len(list(audited)) == 1
    assert [(row.kid, row.kinds, row.office_code, row.origin) for row in rows] == [
        (trust.kid_text(first.kid), ["receipt"], "AGS", "desk")
    ]


def test_a_signed_receipt_verifies_with_its_claims(
    started: Started, demo: DemoSetup, backend_config: Config
) -> None:
    core = started.core
    text = sign_receipt(core, backend_config, RECEIPT)

    verdict = trust.verify_code(core, text)

    assert text.startswith("AZR1:")
    assert verdict.status is VerdictStatus.VALID, verdict.message
    assert verdict.kind is QrKind.RECEIPT
    assert verdict.claims[Claim.DOCUMENT_NUMBER] == "AGS-261124-0007"
    assert verdict.claims[Claim.AMOUNT] == 16000
    assert verdict.claims[Claim.OFFICE] == "AGS"
    assert verdict.claims[Claim.DOCUMENT_TYPE] == "temp_residence"
    # Valid to the end of the day a year on, in Baku: 24 Nov 2027 ends at 20:00 UTC.
    assert verdict.expires_at is not None
    assert verdict.expires_at.isoformat() == "2027-11-24T20:00:00+00:00"
    later = trust.verify_code(core, text, at=verdict.expires_at + timedelta(seconds=1))
    assert later.status is VerdictStatus.EXPIRED


def test_a_desk_key_never_verifies_as_a_permit_signer(
    started: Started, demo: DemoSetup, backend_config: Config
) -> None:
    core = started.core
    key = desk_key.ensure_desk_key(core, backend_config)
    now = core.clock.now()
    permit = encode(
        permit_claims(),
        kind=QrKind.PERMIT,
        signing_key=key.signing_key,
        issued_at=now,
        expires_at=now + timedelta(days=365),
    )

    assert trust.verify_code(core, permit).status is VerdictStatus.UNKNOWN_KEY
    # Not even when its row is altered to say otherwise.
    with core.database.writing() as session:
        session.execute(update(TrustedKeyRow).values(kinds=["permit", "receipt"]))
    verdict = trust.verify_code(core, permit)
    assert verdict.status is VerdictStatus.UNKNOWN_KEY
    assert "not trusted to sign" in verdict.message


def test_a_receipt_relabelled_as_a_permit_is_refused(
    started: Started, demo: DemoSetup, backend_config: Config
) -> None:
    receipt = sign_receipt(started.core, backend_config, RECEIPT)

    relabelled = "AZP1:" + receipt.removeprefix("AZR1:")

    assert trust.verify_code(started.core, relabelled).status is not VerdictStatus.VALID


def test_amounts_are_whole_qepik(started: Started, demo: DemoSetup, backend_config: Config) -> None:
    free = sign_receipt(
        started.core, backend_config, ReceiptClaims("AGS-261124-0008", Decimal("0"))
    )
    assert decode(free).claims[Claim.AMOUNT] == 0
    with pytest.raises(ValueError, match="qəpik"):
        sign_receipt(
            started.core, backend_config, ReceiptClaims("AGS-261124-0009", Decimal("1.005"))
        )


def test_an_unreadable_key_file_is_explained(
    started: Started, demo: DemoSetup, backend_config: Config
) -> None:
    path = desk_key.desk_key_path(backend_config)
    path.write_bytes(b"not a key")

    with pytest.raises(StorageError, match="receipt key"):
        sign_receipt(started.core, backend_config, RECEIPT)
