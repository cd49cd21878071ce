from __future__ import annotations

import base64
import hashlib
import json
import stat
import zlib
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import base45
import cbor2
import pytest
import qrcode
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from hypothesis import given, settings
from hypothesis import strategies as st

from app.security.central_signer import PermitSigner, TestCentralSigner
from app.security.keys import (
    KeyFormatError,
    RevocationList,
    SigningKey,
    TrustedKey,
    TrustList,
    generate_signing_key,
    kid_for_certificate,
    kid_for_public_key,
    load_signing_key,
    load_verifying_key,
    save_signing_key,
    save_verifying_key,
)
from app.security.qr_codec import (
    DEFAULT_CLOCK_LEEWAY,
    Claim,
    QrKind,
    VerdictStatus,
    compact_date,
    compact_date_of,
    date_from_compact,
    decode,
    encode,
    verify,
)

DATA = Path(__file__).parent / "data"
ISSUED = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
EXPIRES = datetime(2027, 11, 23, 20, 0, tzinfo=UTC)  # end of 23 Nov 2027 in Baku (UTC+4)
NOBODY_REVOKED = RevocationList()
BASE45_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"


def permit_claims(
    surname: str = "KƏRİMOV", given_names: str = "RÜSTƏM", number: str = "AZ2026-0012345"
) -> dict[int | str, Any]:
    return {
        Claim.DOCUMENT_NUMBER: number,
        Claim.DOCUMENT_TYPE: 2,
        Claim.SURNAME: surname,
        Claim.GIVEN_NAMES: given_names,
        Claim.BIRTH_DATE: compact_date(1991, 3, 14),
        Claim.NATIONALITY: "UZB",
        Claim.OFFICE: "BAK01",
    }


@pytest.fixture(scope="module")
def central() -> TestCentralSigner:
    return TestCentralSigner()


@pytest.fixture(scope="module")
def permit_text(central: TestCentralSigner) -> str:
    signer: PermitSigner = central
    return signer.sign_permit(permit_claims(), issued_at=ISSUED, expires_at=EXPIRES)


@pytest.fixture(scope="module")
def desk_key() -> SigningKey:
    return generate_signing_key()


def recode(cose: bytes, prefix: str) -> str:
    return prefix + bytes(base45.b45encode(zlib.compress(cose))).decode("ascii")


def rebuild(text: str, **replace: Any) -> str:
    """The same code with some COSE_Sign1 fields replaced, keeping the original signature."""
    decoded = decode(text)
    fields = {
        "protected": decoded.protected_bytes,
        "unprotected": dict(decoded.unprotected_header),
        "payload": decoded.payload,
        "signature": decoded.signature,
    }
    fields.update(replace)
    message = [fields["protected"], fields["unprotected"], fields["payload"], fields["signature"]]
    return recode(cbor2.dumps(cbor2.CBORTag(18, message)), decoded.prefix)


def sign_by_hand(
    payload: bytes, key: SigningKey, *, kind: QrKind = QrKind.PERMIT, kid: bytes | None = None
) -> str:
    """COSE_Sign1 written out from RFC 9052 here, independently of the codec."""
    kid = kid if kid is not None else kid_for_public_key(key.public_key())
    protected = cbor2.dumps({1: -7, 4: kid})
    to_sign = cbor2.dumps(["Signature1", protected, kind.prefix.encode(), payload])
    r, s = decode_dss_signature(key.sign(to_sign, ec.ECDSA(hashes.SHA256())))
    signature = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    return recode(cbor2.dumps(cbor2.CBORTag(18, [protected, {}, payload, signature])), kind.prefix)


# --- round trips --------------------------------------------------------------------------------


def test_permit_round_trip(central: TestCentralSigner, permit_text: str) -> None:
    assert permit_text.startswith("AZP1:")
    verdict = verify(permit_text, central.trust_list(), NOBODY_REVOKED, ISSUED + timedelta(days=1))

    assert verdict.status is VerdictStatus.VALID, verdict.message
    assert verdict.is_valid
    assert verdict.kind is QrKind.PERMIT
    assert verdict.kid == central.kid
    assert verdict.document_number == "AZ2026-0012345"
    assert verdict.claims[Claim.SURNAME] == "KƏRİMOV"
    assert verdict.claims[Claim.ISSUER] == "AZ"
    assert verdict.issued_at == ISSUED
    assert verdict.expires_at == EXPIRES
    assert {key: verdict.claims[key] for key in permit_claims()} == permit_claims()
    assert "2027-11-24 00:00" in verdict.message  # shown in the office's zone

    decoded = decode(permit_text)
    assert decoded.algorithm == -7
    assert decoded.kid == central.kid
    assert decoded.protected_header == {1: -7, 4: central.kid}


def test_receipt_round_trip_with_a_desk_key(desk_key: SigningKey) -> None:
    claims = {Claim.DOCUMENT_NUMBER: "R-000042", Claim.SURNAME: "ƏLİYEVA", Claim.OFFICE: "GNC02"}
    text = encode(
        claims,
        kind=QrKind.RECEIPT,
        signing_key=desk_key,
        issued_at=ISSUED,
        expires_at=ISSUED + timedelta(days=30),
        issuer=None,
    )
    trust = TrustList.from_public_key(desk_key.public_key(), kinds=[QrKind.RECEIPT])

    verdict = verify(text, trust, NOBODY_REVOKED, ISSUED)

    assert text.startswith("AZR1:")
    assert verdict.status is VerdictStatus.VALID, verdict.message
    assert verdict.kind is QrKind.RECEIPT
    assert verdict.kid == kid_for_public_key(desk_key.public_key())
    assert verdict.claims == {**claims, Claim.ISSUED_AT: 1795510800, Claim.EXPIRES_AT: 1798102800}


def test_codec_signs_what_rfc_9052_describes(desk_key: SigningKey) -> None:
    payload = cbor2.dumps({-1: "R-1", 6: 1795510800, 4: 1798102800})
    text = sign_by_hand(payload, desk_key, kind=QrKind.RECEIPT)
    trust = TrustList.from_public_key(desk_key.public_key())

    assert verify(text, trust, NOBODY_REVOKED, ISSUED).status is VerdictStatus.VALID


def test_untagged_cose_sign1_is_accepted(central: TestCentralSigner, permit_text: str) -> None:
    decoded = decode(permit_text)
    message = [decoded.protected_bytes, {}, decoded.payload, decoded.signature]
    untagged = recode(cbor2.dumps(message), "AZP1:")

    assert verify(untagged, central.trust_list(), NOBODY_REVOKED, ISSUED).is_valid


def test_same_claims_in_any_order_give_the_same_payload(desk_key: SigningKey) -> None:
    def payload(claims: Mapping[Any, Any]) -> bytes:
        text = encode(
            claims, kind=QrKind.PERMIT, signing_key=desk_key, issued_at=ISSUED, expires_at=EXPIRES
        )
        return decode(text).payload

    claims = permit_claims()
    assert payload(claims) == payload(dict(reversed(list(claims.items()))))


# --- refusals -----------------------------------------------------------------------------------


def test_tampered_payload_is_an_invalid_signature(
    central: TestCentralSigner, permit_text: str
) -> None:
    claims = dict(decode(permit_text).claims)
    claims[Claim.SURNAME] = "KƏRİMOVA"
    forged = rebuild(permit_text, payload=cbor2.dumps(claims))

    verdict = verify(forged, central.trust_list(), NOBODY_REVOKED, ISSUED)

    assert verdict.status is VerdictStatus.INVALID_SIGNATURE
    assert verdict.claims == {}  # nothing unproven is handed on
    assert "altered or forged" in verdict.message


def test_every_single_byte_change_is_refused(central: TestCentralSigner, permit_text: str) -> None:
    cose = decode(permit_text).raw
    trust = central.trust_list()
    for index in range(len(cose)):
        changed = bytearray(cose)
        changed[index] ^= 0x01
        verdict = verify(recode(bytes(changed), "AZP1:"), trust, NOBODY_REVOKED, ISSUED)
        assert verdict.status is not VerdictStatus.VALID, index


def test_receipt_relabelled_as_permit_breaks_the_signature(desk_key: SigningKey) -> None:
    receipt = encode(
        {Claim.DOCUMENT_NUMBER: "R-7"},
        kind=QrKind.RECEIPT,
        signing_key=desk_key,
        issued_at=ISSUED,
        expires_at=EXPIRES,
    )
    relabelled = "AZP1:" + receipt.removeprefix("AZR1:")
    trusted_for_anything = TrustList.from_public_key(desk_key.public_key())

    verdict = verify(relabelled, trusted_for_anything, NOBODY_REVOKED, ISSUED)

    assert verdict.status is VerdictStatus.INVALID_SIGNATURE


def test_unknown_kid(permit_text: str, desk_key: SigningKey) -> None:
    other = TrustList.from_public_key(desk_key.public_key())

    verdict = verify(permit_text, other, NOBODY_REVOKED, ISSUED)

    kid = decode(permit_text).kid
    assert kid is not None
    assert verdict.status is VerdictStatus.UNKNOWN_KEY
    assert verdict.kid == kid
    assert kid.hex() in verdict.message


def test_code_without_kid_is_from_an_unknown_key(
    central: TestCentralSigner, permit_text: str
) -> None:
    no_kid = rebuild(permit_text, protected=cbor2.dumps({1: -7}))

    verdict = verify(no_kid, central.trust_list(), NOBODY_REVOKED, ISSUED)

    assert verdict.status is VerdictStatus.UNKNOWN_KEY


def test_a_desk_key_never_makes_a_valid_permit(desk_key: SigningKey) -> None:
    # A desk trusts its own key for receipts only: a permit signed with it is refused even
    # though the signature itself is sound.
    permit = encode(
        permit_claims(),
        kind=QrKind.PERMIT,
        signing_key=desk_key,
        issued_at=ISSUED,
        expires_at=EXPIRES,
    )
    trust = TrustList.of(TrustedKey.from_public_key(desk_key.public_key(), kinds=[QrKind.RECEIPT]))

    verdict = verify(permit, trust, NOBODY_REVOKED, ISSUED)

    assert verdict.status is VerdictStatus.UNKNOWN_KEY
    assert "not trusted to sign" in verdict.message


def test_algorithm_must_fit_the_key(central: TestCentralSigner, permit_text: str) -> None:
    kid = central.kid
    as_ps256 = rebuild(permit_text, protected=cbor2.dumps({1: -37, 4: kid}))
    as_unknown = rebuild(permit_text, protected=cbor2.dumps({1: -8, 4: kid}))

    for text in (as_ps256, as_unknown):
        verdict = verify(text, central.trust_list(), NOBODY_REVOKED, ISSUED)
        assert verdict.status is VerdictStatus.INVALID_SIGNATURE


def test_revoked_permit(central: TestCentralSigner, permit_text: str) -> None:
    revoked = RevocationList.of(["AZ2025-0000001"]).with_revoked(" az2026-0012345 ")

    verdict = verify(permit_text, central.trust_list(), revoked, ISSUED)

    assert verdict.status is VerdictStatus.REVOKED
    assert "AZ2026-0012345" in verdict.message
    assert verdict.claims[Claim.SURNAME] == "KƏRİMOV"  # the desk may show whose permit it is


def test_revocation_is_reported_even_after_expiry(
    central: TestCentralSigner, permit_text: str
) -> None:
    revoked = RevocationList.of(["AZ2026-0012345"])

    verdict = verify(permit_text, central.trust_list(), revoked, EXPIRES + timedelta(days=1))

    assert verdict.status is VerdictStatus.REVOKED


def test_expired_at_and_after_exp(central: TestCentralSigner, permit_text: str) -> None:
    trust = central.trust_list()

    assert verify(permit_text, trust, NOBODY_REVOKED, EXPIRES - timedelta(seconds=1)).is_valid
    for moment in (EXPIRES, EXPIRES + timedelta(days=400)):
        verdict = verify(permit_text, trust, NOBODY_REVOKED, moment)
        assert verdict.status is VerdictStatus.EXPIRED
        assert "expired on 2027-11-24 00:00" in verdict.message


def test_not_yet_valid_beyond_the_clock_leeway(
    central: TestCentralSigner, permit_text: str
) -> None:
    trust = central.trust_list()
    just_inside = ISSUED - DEFAULT_CLOCK_LEEWAY
    outside = just_inside - timedelta(seconds=1)

    assert verify(permit_text, trust, NOBODY_REVOKED, just_inside).is_valid
    assert verify(permit_text, trust, NOBODY_REVOKED, outside).status is (
        VerdictStatus.NOT_YET_VALID
    )


def test_not_before_delays_validity(central: TestCentralSigner) -> None:
    starts = datetime(2026, 11, 30, 20, 0, tzinfo=UTC)
    text = central.sign_permit(
        permit_claims(), issued_at=ISSUED, not_before=starts, expires_at=EXPIRES
    )
    trust = central.trust_list()

    assert verify(text, trust, NOBODY_REVOKED, ISSUED).status is VerdictStatus.NOT_YET_VALID
    assert verify(text, trust, NOBODY_REVOKED, starts).is_valid


def test_signer_validity_bounds_the_key(central: TestCentralSigner, permit_text: str) -> None:
    retired = TrustedKey.from_public_key(central.public_key, not_after=ISSUED + timedelta(days=10))
    trust = TrustList.of(retired)

    assert verify(permit_text, trust, NOBODY_REVOKED, ISSUED).is_valid
    verdict = verify(permit_text, trust, NOBODY_REVOKED, ISSUED + timedelta(days=10))
    assert verdict.status is VerdictStatus.EXPIRED
    assert "certificate" in verdict.message


def test_signed_code_without_expiry_is_malformed(desk_key: SigningKey) -> None:
    text = sign_by_hand(cbor2.dumps({-1: "AZ1", 6: 1795510800}), desk_key)

    verdict = verify(text, TrustList.from_public_key(desk_key.public_key()), NOBODY_REVOKED, ISSUED)

    assert verdict.status is VerdictStatus.MALFORMED


# --- malformed input ----------------------------------------------------------------------------


def _cose(message: Any) -> bytes:
    return cbor2.dumps(message)


MALFORMED_CASES: dict[str, Callable[[str], str]] = {
    "empty": lambda good: "",
    "unknown prefix": lambda good: "AZX9:" + good[5:],
    "only a prefix": lambda good: "AZP1:",
    "no prefix": lambda good: good[5:],
    "lower-case text": lambda good: good.lower(),
    "not base45": lambda good: "AZP1:" + good[5:-3] + "ÄÖÜ",
    "impossible base45 length": lambda good: good + "A",
    "impossible base45 triple": lambda good: "AZP1:" + good[5:-3] + ":::",
    "truncated": lambda good: good[:-30],
    "not compressed": lambda good: "AZP1:" + base45.b45encode(decode(good).raw).decode(),
    "compressed junk": lambda good: recode(b"\xff\xfe\xfd", "AZP1:"),
    "padded after zlib": lambda good: (
        "AZP1:" + base45.b45encode(zlib.compress(decode(good).raw) + b"\0").decode()
    ),
    "zlib bomb": lambda good: recode(b"\0" * 1_000_000, "AZP1:"),
    "trailing bytes after CBOR": lambda good: recode(decode(good).raw + b"\x00", "AZP1:"),
    "not COSE_Sign1 but a map": lambda good: recode(_cose({1: 2}), "AZP1:"),
    "COSE_Sign (tag 98)": lambda good: recode(
        _cose(cbor2.CBORTag(98, [b"", {}, b"", []])), "AZP1:"
    ),
    "three elements": lambda good: recode(_cose(cbor2.CBORTag(18, [b"", {}, b""])), "AZP1:"),
    "payload is a text string": lambda good: recode(
        _cose(cbor2.CBORTag(18, [b"", {}, "claims", b"sig"])), "AZP1:"
    ),
    "detached payload": lambda good: recode(
        _cose(cbor2.CBORTag(18, [b"", {}, None, b"sig"])), "AZP1:"
    ),
    "protected header not a map": lambda good: rebuild(good, protected=cbor2.dumps([1, -7])),
    "protected header not CBOR": lambda good: rebuild(good, protected=b"\xff"),
    "kid not bytes": lambda good: rebuild(good, protected=cbor2.dumps({1: -7, 4: "kid"})),
    "claims not a map": lambda good: rebuild(good, payload=cbor2.dumps([1, 2, 3])),
    "duplicate claim": lambda good: rebuild(good, payload=b"\xa2\x20\x61A\x20\x61B"),
    "date not a number": lambda good: rebuild(good, payload=cbor2.dumps({4: "tomorrow"})),
    "shared references": lambda good: rebuild(good, payload=b"\xd8\x1c\xa1\x01\xd8\x1d\x00"),
}


@pytest.mark.parametrize("case", list(MALFORMED_CASES))
def test_malformed_input(case: str, central: TestCentralSigner, permit_text: str) -> None:
    text = MALFORMED_CASES[case](permit_text)

    verdict = verify(text, central.trust_list(), NOBODY_REVOKED, ISSUED)

    assert verdict.status is VerdictStatus.MALFORMED, verdict
    assert verdict.message
    assert verdict.claims == {}


def test_scanner_line_break_is_ignored(central: TestCentralSigner, permit_text: str) -> None:
    assert verify(permit_text + "\r\n", central.trust_list(), NOBODY_REVOKED, ISSUED).is_valid


@settings(max_examples=150, deadline=None)
@given(body=st.text(alphabet=BASE45_ALPHABET, max_size=400))
def test_random_base45_never_raises(body: str) -> None:
    verdict = verify("AZP1:" + body, TrustList(), NOBODY_REVOKED, ISSUED)
    assert verdict.status in {VerdictStatus.MALFORMED, VerdictStatus.UNKNOWN_KEY}


@settings(max_examples=150, deadline=None)
@given(data=st.binary(max_size=300))
def test_random_compressed_bytes_never_raise(data: bytes) -> None:
    verdict = verify(recode(data, "AZR1:"), TrustList(), NOBODY_REVOKED, ISSUED)
    assert verdict.status in {VerdictStatus.MALFORMED, VerdictStatus.UNKNOWN_KEY}


# --- EU DCC test vectors ------------------------------------------------------------------------


def _vector(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))
    return loaded


def _certificate_der(vector: Mapping[str, Any]) -> bytes:
    return base64.b64decode(vector["TESTCTX"]["CERTIFICATE"])


def _validation_clock(vector: Mapping[str, Any]) -> datetime:
    return datetime.fromisoformat(vector["TESTCTX"]["VALIDATIONCLOCK"])


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("CO3", VerdictStatus.VALID),  # ES256
        ("CO1", VerdictStatus.VALID),  # PS256, RSA 2048
        ("CO5", VerdictStatus.INVALID_SIGNATURE),
        ("CO22", VerdictStatus.UNKNOWN_KEY),  # wrong kid in the protected header
        ("CO16", VerdictStatus.NOT_YET_VALID),  # clock before the signer's validity
        ("CO17", VerdictStatus.EXPIRED),  # clock after the signer's validity
    ],
)
def test_dcc_vector(name: str, expected: VerdictStatus) -> None:
    vector = _vector(name)
    trust = TrustList.from_certificate(_certificate_der(vector))

    verdict = verify(vector["PREFIX"], trust, NOBODY_REVOKED, _validation_clock(vector))

    assert verdict.status is expected, verdict.message
    assert verdict.kind is QrKind.EU_DCC
    results = vector["EXPECTEDRESULTS"]
    if results.get("EXPECTEDVERIFY") is False:
        assert verdict.status in {VerdictStatus.INVALID_SIGNATURE, VerdictStatus.UNKNOWN_KEY}
    if results.get("EXPECTEDEXPIRATIONCHECK") is False:
        assert verdict.status in {VerdictStatus.EXPIRED, VerdictStatus.NOT_YET_VALID}
    if results.get("EXPECTEDVERIFY") is True:
        assert verdict.is_valid
        assert verdict.claims[-260][1]["nam"]["fnt"] == "MUSTERFRAU<GOESSINGER"


def test_dcc_vector_decodes_to_its_published_parts() -> None:
    vector = _vector("CO3")

    decoded = decode(vector["PREFIX"])

    assert decoded.prefix == "HC1:"
    assert decoded.raw.hex() == vector["COSE"]
    assert decoded.payload.hex() == vector["CBOR"]
    assert decoded.algorithm == -7
    assert decoded.kid == kid_for_certificate(_certificate_der(vector))


def test_foreign_prefix_can_be_named() -> None:
    vector = _vector("CO3")
    trust = TrustList.from_certificate(_certificate_der(vector))
    renamed = "XY1:" + vector["PREFIX"].removeprefix("HC1:")

    named = verify(renamed, trust, NOBODY_REVOKED, _validation_clock(vector), prefix="XY1:")
    unnamed = verify(renamed, trust, NOBODY_REVOKED, _validation_clock(vector))

    assert named.is_valid
    assert named.kind is None
    assert unnamed.status is VerdictStatus.MALFORMED


# --- size ---------------------------------------------------------------------------------------


def _qr_version(text: str) -> int:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(text)
    code.make(fit=True)
    version: int = code.version
    return version


def test_typical_permit_is_short(permit_text: str) -> None:
    # Printed on the permit: the shorter, the larger and easier to scan each module is.
    assert len(permit_text) <= 300, f"{len(permit_text)} characters"


def test_long_name_permit_fits_qr_version_13_at_level_m(central: TestCentralSigner) -> None:
    claims = permit_claims(
        surname="ABDURRAHMANOVA-QULUZADƏ", given_names="GÜLNARƏ SEVİNC", number="AZ2026-9876543"
    )
    text = central.sign_permit(claims, issued_at=ISSUED, expires_at=EXPIRES)

    assert _qr_version(text) <= 13, f"{len(text)} characters"


# --- claims helpers and argument checks ---------------------------------------------------------


def test_compact_dates() -> None:
    assert compact_date(1991, 3, 14) == 19910314
    assert compact_date(1991) == 19910000
    assert date_from_compact(19910314) == datetime(1991, 3, 14).date()
    assert date_from_compact(19910300) is None
    assert compact_date_of(datetime(2027, 1, 2).date()) == 20270102
    for bad in ((1991, 2, 30), (1991, 13, 1), (1991, 0, 5), (0, 1, 1)):
        with pytest.raises(ValueError):
            compact_date(*bad)


def test_encode_refuses_bad_arguments(desk_key: SigningKey) -> None:
    def attempt(**changes: Any) -> None:
        arguments: dict[str, Any] = {
            "kind": QrKind.PERMIT,
            "signing_key": desk_key,
            "issued_at": ISSUED,
            "expires_at": EXPIRES,
        }
        arguments.update(changes)
        claims = arguments.pop("claims", permit_claims())
        encode(claims, **arguments)

    with pytest.raises(ValueError, match="codec"):
        attempt(claims={Claim.EXPIRES_AT: 1})
    with pytest.raises(ValueError, match="timezone"):
        attempt(issued_at=datetime(2026, 11, 24, 9, 0))
    with pytest.raises(ValueError, match="expire"):
        attempt(expires_at=ISSUED)
    with pytest.raises(ValueError, match="own kinds"):
        attempt(kind=QrKind.EU_DCC)


def test_verify_needs_an_aware_moment(permit_text: str) -> None:
    with pytest.raises(ValueError, match="timezone"):
        verify(permit_text, TrustList(), NOBODY_REVOKED, datetime(2026, 11, 24))


# --- keys -----------------------------------------------------------------------------------


def test_kid_of_a_bare_key_is_the_spki_hash(desk_key: SigningKey) -> None:
    spki = desk_key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    assert kid_for_public_key(desk_key.public_key()) == hashlib.sha256(spki).digest()[:8]


def test_private_key_file_is_private_and_never_replaced(tmp_path: Path) -> None:
    key = generate_signing_key()
    path = tmp_path / "keys" / "desk.pem"

    save_signing_key(key, path, password=b"correct horse")

    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert list(path.parent.iterdir()) == [path]  # no temporary file left behind
    loaded = load_signing_key(path, password=b"correct horse")
    assert kid_for_public_key(loaded.public_key()) == kid_for_public_key(key.public_key())
    with pytest.raises(FileExistsError):
        save_signing_key(generate_signing_key(), path)
    with pytest.raises(KeyFormatError):
        load_signing_key(path, password=b"wrong")


def test_public_key_file_round_trip(tmp_path: Path, desk_key: SigningKey) -> None:
    path = tmp_path / "desk.pub.pem"
    save_verifying_key(desk_key.public_key(), path)

    trusted = TrustedKey.from_public_key(path.read_text())

    assert load_verifying_key(path) == desk_key.public_key()
    assert trusted.kid == kid_for_public_key(desk_key.public_key())


def test_trust_from_certificate_pem_or_der() -> None:
    der = _certificate_der(_vector("CO3"))
    pem = x509.load_der_x509_certificate(der).public_bytes(serialization.Encoding.PEM)

    from_der = TrustedKey.from_certificate(der)
    from_pem = TrustedKey.from_certificate(pem.decode("ascii"))

    assert from_der.kid == from_pem.kid == bytes.fromhex("c27cf6f2194e4445")
    assert from_der.not_after == datetime(2021, 6, 2, 18, 0, tzinfo=UTC)
    with pytest.raises(KeyFormatError):
        TrustedKey.from_certificate(b"not a certificate")


def test_trust_list_refuses_two_keys_under_one_kid(desk_key: SigningKey) -> None:
    trusted = TrustedKey.from_public_key(desk_key.public_key())
    impostor = TrustedKey(kid=trusted.kid, public_key=generate_signing_key().public_key())

    trust = TrustList.of(trusted, trusted)  # the same key twice is harmless

    assert len(trust) == 1
    with pytest.raises(KeyFormatError):
        trust.with_keys(impostor)
