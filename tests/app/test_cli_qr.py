"""``reception-admin qr verify`` as a real process: the EU certificate's public test vectors with
their own signer certificate and clock, and permits against a desk's lists in its database."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from app.security.central_signer import TestCentralSigner
from app.security.keys import kid_for_certificate
from tests.app.test_cli import _run
from tests.support.trust import (
    REVOKED_NUMBER,
    key_record,
    masterdata_with,
    revoked_record,
    signed_permit,
)

VECTORS = Path(__file__).parent / "security" / "data"


def _answer(stdout: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(stdout)
    return loaded


@pytest.mark.parametrize(
    ("name", "status", "exit_status"),
    [
        ("CO1", "valid", 0),  # PS256, RSA 2048
        ("CO3", "valid", 0),  # ES256
        ("CO5", "invalid_signature", 1),
        ("CO16", "not_yet_valid", 1),  # clock before the signer's validity
        ("CO17", "expired", 1),  # clock after the signer's validity
        ("CO22", "unknown_key", 1),  # wrong kid in the protected header
    ],
)
def test_dcc_vectors(tmp_path: Path, name: str, status: str, exit_status: int) -> None:
    vector = json.loads((VECTORS / f"{name}.json").read_text(encoding="utf-8"))
    der = base64.b64decode(vector["TESTCTX"]["CERTIFICATE"])
    certificate = tmp_path / "signer.pem"
    certificate.write_bytes(
        x509.load_der_x509_certificate(der).public_bytes(serialization.Encoding.PEM)
    )
    data = tmp_path / "no desk here"

    result = _run(
        "qr",
        "verify",
        "--prefix",
        "HC1:",
        "--trust-cert",
        str(certificate),
        "--at",
        vector["TESTCTX"]["VALIDATIONCLOCK"],
        stdin=vector["PREFIX"] + "\n",
        data_dir=data,
    )

    assert result.returncode == exit_status, result.stderr
    answer = _answer(result.stdout)
    assert answer["status"] == status
    assert answer["kind"] == "eu_dcc"
    assert answer["message"]
    assert not data.exists()  # this mode needs no desk and leaves no folder behind
    if status == "valid":
        assert answer["kid"] == base64.b64encode(kid_for_certificate(der)).decode("ascii")
        assert answer["claims"]["-260"]["1"]["nam"]["fnt"] == "MUSTERFRAU<GOESSINGER"
        assert answer["claims"]["issuer"] == "AT"
    elif status in {"invalid_signature", "unknown_key"}:
        assert answer["claims"] == {}  # nothing unproven is printed as the document's


def test_malformed_input_exits_with_2(tmp_path: Path) -> None:
    certificate = tmp_path / "none.pem"
    vector = json.loads((VECTORS / "CO3.json").read_text(encoding="utf-8"))
    certificate.write_bytes(base64.b64decode(vector["TESTCTX"]["CERTIFICATE"]))  # DER works too

    for text in ("", "hello\n", "AZP1:%%%%\n"):
        result = _run("qr", "verify", "--trust-cert", str(certificate), stdin=text)
        assert result.returncode == 2, text
        assert _answer(result.stdout)["status"] == "malformed"

    bad_clock = _run("qr", "verify", "--trust-cert", str(certificate), "--at", "soon", stdin="x")
    assert bad_clock.returncode == 2
    assert "--at soon" in bad_clock.stderr and "Traceback" not in bad_clock.stderr


def test_permits_against_the_desks_lists(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert _run("init", "--demo", data_dir=data).returncode == 0
    central = TestCentralSigner()
    file = tmp_path / "masterdata.jsonl"
    file.write_bytes(masterdata_with(key_record(central), revoked_record()))
    imported = _run("masterdata", "import", str(file), data_dir=data)
    assert imported.returncode == 0, imported.stderr
    assert "trusted_keys 1" in imported.stdout

    valid = _run("qr", "verify", stdin=signed_permit(central) + "\n", data_dir=data)
    revoked = _run("qr", "verify", stdin=signed_permit(central, REVOKED_NUMBER), data_dir=data)
    stranger = _run("qr", "verify", stdin=signed_permit(TestCentralSigner()), data_dir=data)

    assert valid.returncode == 0, valid.stdout + valid.stderr
    answer = _answer(valid.stdout)
    assert (answer["status"], answer["kind"]) == ("valid", "permit")
    assert answer["kid"] == key_record(central)["kid"]
    assert answer["claims"]["surname"] == "KƏRİMOV"
    assert answer["claims"]["document_number"] == "AZ2026-0012345"
    assert answer["claims"]["birth_date"] == 19910314
    assert revoked.returncode == 1
    assert _answer(revoked.stdout)["status"] == "revoked"
    assert REVOKED_NUMBER in _answer(revoked.stdout)["message"]
    assert stranger.returncode == 1
    assert _answer(stranger.stdout)["status"] == "unknown_key"
    assert _answer(stranger.stdout)["claims"] == {}
