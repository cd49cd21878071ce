"""Trusted keys and revocations as master data: checked line by line, imported with the rest,
read back as the lists `verify` uses."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from app.bootstrap import Started
from app.domain.users import Actor
from app.errors import MasterDataError
from app.security.central_signer import TestCentralSigner
from app.security.keys import kid_for_certificate
from app.security.qr_codec import QrKind, VerdictStatus
from app.services import masterdata, trust
from app.services.masterdata_file import parse_masterdata
from app.services.setup import DemoSetup
from tests.support.trust import (
    REVOKED_NUMBER,
    key_record,
    masterdata_with,
    revoked_record,
    signed_permit,
)

DATA = Path(__file__).parent / "data"


def _dcc_certificate_pem() -> str:
    vector = json.loads((DATA / "CO3.json").read_text(encoding="utf-8"))
    der = base64.b64decode(vector["TESTCTX"]["CERTIFICATE"])
    return x509.load_der_x509_certificate(der).public_bytes(serialization.Encoding.PEM).decode()


def _certificate_record(**extra: Any) -> dict[str, Any]:
    pem = _dcc_certificate_pem()
    kid = kid_for_certificate(x509.load_pem_x509_certificate(pem.encode()))
    return {
        "kind": "trusted_key",
        "kid": base64.b64encode(kid).decode(),
        "key": pem,
        "kinds": ["permit"],
        **extra,
    }


@pytest.fixture(scope="module")
def central() -> TestCentralSigner:
    return TestCentralSigner()


def test_file_with_keys_and_revocations_parses(central: TestCentralSigner) -> None:
    parsed = parse_masterdata(
        masterdata_with(key_record(central), _certificate_record(), revoked_record(" az1-2 ")),
        source="md.jsonl",
    )

    assert parsed.counts()["trusted_keys"] == 2
    assert parsed.counts()["revoked"] == 1
    assert parsed.revoked[0].normalized_number == "AZ1-2"
    certificate = parsed.trusted_keys[1].trusted_key()
    assert base64.b64encode(certificate.kid).decode() == "wnz28hlOREU="  # the DCC's own kid
    assert certificate.kinds == frozenset({QrKind.PERMIT})


def _bad_cases(central: TestCentralSigner) -> list[tuple[dict[str, Any], str, str]]:
    good = key_record(central)
    other = key_record(TestCentralSigner())
    return [
        (
            {**good, "key": "-----BEGIN PUBLIC KEY-----\nnonsense\n-----END PUBLIC KEY-----"},
            "key",
            "",
        ),
        ({**good, "key": "not PEM at all"}, "key", "PEM"),
        ({**good, "kinds": ["permit", "passport"]}, "kinds.1", "'permit' or 'receipt'"),
        ({**good, "kinds": []}, "kinds", ""),
        ({**good, "kind": "trusted_kye"}, "kind", ""),
        ({**good, "kid": "not base64!"}, "kid", "base64"),
        ({**good, "kid": "AAAA"}, "kid", "8 bytes"),
        ({**good, "kid": other["kid"]}, "kid", "does not fit the key"),
        ({**good, "office": "ZZZ", "kinds": ["receipt"]}, "office", "'ZZZ' is not defined"),
        ({**good, "office": "AGS"}, "kinds", "may sign receipts only"),
        ({**good, "valid_from": "2026-01-01T00:00:00"}, "valid_from", "timezone"),
        (
            {**good, "valid_from": "2027-01-01T00:00:00Z", "valid_until": "2026-01-01T00:00:00Z"},
            "valid_until",
            "ends before it starts",
        ),
        (
            _certificate_record(valid_from="2030-01-01T00:00:00Z"),
            "valid_until",
            "ends before it starts",
        ),
        (revoked_record(number="no spaces inside"), "number", ""),
        (revoked_record(revoked_on="2026-02-30"), "revoked_on", ""),
    ]


def test_bad_records_name_line_and_field(central: TestCentralSigner) -> None:
    for record, field, words in _bad_cases(central):
        content = masterdata_with(key_record(TestCentralSigner(), kinds=["receipt"]), record)
        line = len(content.decode().splitlines())
        with pytest.raises(MasterDataError) as caught:
            parse_masterdata(content, source="bad.jsonl")
        error = caught.value
        assert (error.line, error.field) == (line, field), (record, str(error))
        assert f"bad.jsonl, line {line}, field '{field}'" in str(error)
        assert words in str(error), str(error)


def test_the_same_key_or_number_twice_is_refused(central: TestCentralSigner) -> None:
    for first, second, field in (
        (key_record(central), key_record(central, label="again"), "kid"),
        (revoked_record("A-1"), revoked_record("a-1"), "number"),
    ):
        content = masterdata_with(first, second)
        with pytest.raises(MasterDataError, match="appears twice") as caught:
            parse_masterdata(content, source="bad.jsonl")
        assert caught.value.field == field


def test_imported_lists_verify_and_revoke(
    started: Started, demo: DemoSetup, central: TestCentralSigner
) -> None:
    core = started.core
    now = core.clock.now()
    data = masterdata_with(key_record(central), _certificate_record(), revoked_record())

    report = masterdata.import_masterdata(core, Actor.system(), data, source="md.jsonl").value

    assert report.counts["trusted_keys"] == 2
    assert {key.kid for key in trust.trust_list(core)} >= {central.kid}
    assert REVOKED_NUMBER.lower() in trust.revocation_list(core)
    valid = trust.verify_code(core, signed_permit(central, now=now))
    assert valid.status is VerdictStatus.VALID, valid.message
    revoked = trust.verify_code(core, signed_permit(central, REVOKED_NUMBER, now=now))
    assert revoked.status is VerdictStatus.REVOKED
    stranger = trust.verify_code(core, signed_permit(TestCentralSigner(), now=now))
    assert stranger.status is VerdictStatus.UNKNOWN_KEY


def test_a_key_is_withdrawn_by_a_newer_file(
    started: Started, demo: DemoSetup, central: TestCentralSigner
) -> None:
    core = started.core
    now = core.clock.now()
    permit = signed_permit(central, now=now)
    masterdata.import_masterdata(core, Actor.system(), masterdata_with(key_record(central)))
    assert trust.verify_code(core, permit).is_valid

    ended = (now - timedelta(hours=1)).astimezone(UTC).isoformat()
    withdrawn = masterdata_with(key_record(central, valid_until=ended), step=2)
    masterdata.import_masterdata(core, Actor.system(), withdrawn)

    verdict = trust.verify_code(core, permit)
    assert verdict.status is VerdictStatus.EXPIRED
    assert "certificate expired" in verdict.message


def test_check_code_names_the_office(
    started: Started, demo: DemoSetup, central: TestCentralSigner
) -> None:
    core = started.core
    masterdata.import_masterdata(core, Actor.system(), masterdata_with(key_record(central)))

    checked = trust.check_code(core, signed_permit(central, now=core.clock.now()))

    assert checked.verdict.is_valid
    assert checked.office is not None and checked.office.en.startswith("Aghsu")


def test_verify_at_a_given_moment(
    started: Started, demo: DemoSetup, central: TestCentralSigner
) -> None:
    core = started.core
    masterdata.import_masterdata(core, Actor.system(), masterdata_with(key_record(central)))
    permit = signed_permit(central, now=datetime(2026, 1, 1, tzinfo=UTC))

    assert trust.verify_code(core, permit, at=datetime(2026, 6, 1, tzinfo=UTC)).is_valid
    late = trust.verify_code(core, permit, at=datetime(2027, 6, 1, tzinfo=UTC))
    assert late.status is VerdictStatus.EXPIRED
