"""Signed QR codes in the manner of the EU Digital COVID Certificate (DCC).

A code is ``PREFIX + base45(zlib(COSE_Sign1(CBOR claims)))``:

- the claims are a CWT claims map (RFC 8392): the registered ``iss``/``iat``/``exp`` that the
  codec sets, plus the document's own claims (`Claim`) under small negative integer keys, one
  CBOR byte each, so that a permit fits a small QR code;
- the map is signed as COSE_Sign1 (RFC 9052) with ES256 (ECDSA P-256, SHA-256) as the DCC
  does; the protected header holds the algorithm and the key id (see `app.security.keys`);
- the COSE bytes are zlib-compressed and Base45-encoded (RFC 9285): Base45 and the prefixes use
  only the QR alphanumeric alphabet, which packs 5.5 bits a character instead of 8.

The prefix says what the code is (`QrKind`). For our own kinds it is also the COSE "external
additional data" of the signature: relabelling a signed receipt as a permit breaks the signature,
at no cost in size. Foreign codes (the DCC's ``HC1:``) are signed with empty external data, and
verify with ES256 or PS256.

`decode` reads a code without trusting it; `verify` checks it against a trust list, a revocation
list and a moment, and answers with a `Verdict`, never an exception, whatever the input.
"""

from __future__ import annotations

import io
import math
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from enum import Enum, IntEnum
from typing import Any, Final

import base45
import cbor2
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

from app.clock import office_zone
from app.errors import DeskError
from app.i18n import N_, _
from app.security.keys import (
    RevocationList,
    SigningKey,
    TrustedKey,
    TrustList,
    VerifyingKey,
    kid_for_public_key,
)


class QrKind(Enum):
    """What a code is, told by its prefix. The digit is the version of the claims layout."""

    PERMIT = "AZP1:"
    RECEIPT = "AZR1:"
    EU_DCC = "HC1:"

    @property
    def prefix(self) -> str:
        return self.value

    @property
    def is_ours(self) -> bool:
        return self in _OUR_KINDS

    @classmethod
    def for_prefix(cls, prefix: str) -> QrKind | None:
        return _KIND_BY_PREFIX.get(prefix)


_OUR_KINDS: Final = frozenset({QrKind.PERMIT, QrKind.RECEIPT})
_KIND_BY_PREFIX: Final = {kind.prefix: kind for kind in QrKind}


class Claim(IntEnum):
    """Keys of the claims map.

    1..7 are the CWT registry's; the codec writes ISSUER, ISSUED_AT, NOT_BEFORE and EXPIRES_AT
    itself. A document's validity is those CWT times, not dates of its own: NOT_BEFORE is the
    start of its first day and EXPIRES_AT the end of its last day in the office's zone, so there
    is one truth, checked by `verify`, and no duplicate bytes in the code.

    The document's claims use -1..-24, which CBOR writes in a single byte, key and sign
    included. Our prefixes tell a reader that the map follows this layout, not a generic CWT
    profile.
    """

    ISSUER = 1
    EXPIRES_AT = 4
    NOT_BEFORE = 5
    ISSUED_AT = 6

    DOCUMENT_NUMBER = -1  # permit or receipt number; what the revocation list names
    DOCUMENT_TYPE = -2  # permit type or receipt subject, as a short code
    SURNAME = -3
    GIVEN_NAMES = -4
    BIRTH_DATE = -5  # compact date (see compact_date), day or month 0 when unknown
    NATIONALITY = -6  # ISO 3166-1 alpha-3, as in travel documents
    OFFICE = -7  # code of the issuing office
    AMOUNT = -8  # a receipt's fee in qəpik (1/100 manat): an integer, exact and short


_RESERVED_CLAIMS: Final = frozenset(
    {Claim.ISSUER, Claim.EXPIRES_AT, Claim.NOT_BEFORE, Claim.ISSUED_AT}
)

DEFAULT_ISSUER: Final = "AZ"


class CoseAlgorithm(IntEnum):
    ES256 = -7
    PS256 = -37


_HEADER_ALGORITHM: Final = 1
_HEADER_KID: Final = 4
_COSE_SIGN1_TAG: Final = 18
_ES256_COORDINATE_BYTES: Final = 32

# A DCC needs at most a few kilobytes; anything much larger is not a document but an attack on
# memory (a zlib bomb, a CBOR length that claims gigabytes).
MAX_TEXT_LENGTH: Final = 8192
MAX_COSE_BYTES: Final = 65536
_MAX_CBOR_DEPTH: Final = 16

# The central service's clock and a desk's may differ a little; a code issued "in a minute" by
# a clock ahead of ours is still genuine. Expiry is not softened: it is a date people read.
DEFAULT_CLOCK_LEEWAY: Final = timedelta(minutes=5)


class QrFormatError(DeskError, ValueError):
    """A code that cannot be read: wrong prefix, Base45, zlib, CBOR or COSE structure."""


def compact_date(year: int, month: int = 0, day: int = 0) -> int:
    """A date as the integer YYYYMMDD: 5 CBOR bytes, readable in a dump. Month and day may be
    0 when unknown, as birth dates in migration records often are (and MRZ's "XX")."""
    if not 1 <= year <= 9999 or not 0 <= month <= 12 or not 0 <= day <= 31:
        raise ValueError(f"not a date: {year}-{month}-{day}")
    if month and day:
        date(year, month, day)  # raises for 31 April and the like
    elif day:
        raise ValueError("a day without a month")
    return year * 10000 + month * 100 + day


def compact_date_of(value: date) -> int:
    return compact_date(value.year, value.month, value.day)


def date_from_compact(value: int) -> date | None:
    """The date of a compact date, or None when its month or day is unknown."""
    year, rest = divmod(value, 10000)
    month, day = divmod(rest, 100)
    compact_date(year, month, day)  # validates
    return date(year, month, day) if month and day else None


class VerdictStatus(Enum):
    VALID = "valid"
    INVALID_SIGNATURE = "invalid_signature"
    UNKNOWN_KEY = "unknown_key"
    REVOKED = "revoked"
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    MALFORMED = "malformed"

    @property
    def title(self) -> str:
        """A short heading for the verdict, in the current language."""
        return _(_STATUS_TITLES[self])


_STATUS_TITLES: Final = {
    VerdictStatus.VALID: N_("Valid"),
    VerdictStatus.INVALID_SIGNATURE: N_("Forged or altered"),
    VerdictStatus.UNKNOWN_KEY: N_("Unknown signer"),
    VerdictStatus.REVOKED: N_("Revoked"),
    VerdictStatus.EXPIRED: N_("Expired"),
    VerdictStatus.NOT_YET_VALID: N_("Not yet valid"),
    VerdictStatus.MALFORMED: N_("Unreadable"),
}


@dataclass(frozen=True, slots=True)
class DecodedQr:
    """A code taken apart, not yet trusted: nothing here is proven until `verify` says VALID."""

    prefix: str
    kind: QrKind | None
    algorithm: int | None
    kid: bytes | None
    claims: Mapping[Any, Any]
    issued_at: datetime | None
    expires_at: datetime | None
    not_before: datetime | None
    protected_header: Mapping[Any, Any]
    unprotected_header: Mapping[Any, Any]
    raw: bytes  # the COSE_Sign1 message
    protected_bytes: bytes
    payload: bytes
    signature: bytes

    @property
    def document_number(self) -> str | None:
        return _document_number(self.kind, self.claims)


@dataclass(frozen=True, slots=True)
class Verdict:
    """The answer of `verify`. ``claims`` is filled only once the signature has been checked,
    so nothing unproven can be shown as if it were the document's."""

    status: VerdictStatus
    message: str
    kind: QrKind | None = None
    kid: bytes | None = None
    claims: Mapping[Any, Any] = field(default_factory=dict)
    signer: str = ""
    issued_at: datetime | None = None
    expires_at: datetime | None = None

    @property
    def is_valid(self) -> bool:
        return self.status is VerdictStatus.VALID

    @property
    def document_number(self) -> str | None:
        return _document_number(self.kind, self.claims)


def _document_number(kind: QrKind | None, claims: Mapping[Any, Any]) -> str | None:
    if kind is None or not kind.is_ours:
        return None
    number = claims.get(Claim.DOCUMENT_NUMBER)
    return number if isinstance(number, str) else None


def _external_aad(kind: QrKind | None) -> bytes:
    return kind.prefix.encode("ascii") if kind is not None and kind.is_ours else b""


def _sig_structure(protected_bytes: bytes, external_aad: bytes, payload: bytes) -> bytes:
    # RFC 9052 section 4.4: what COSE_Sign1 actually signs.
    return cbor2.dumps(["Signature1", protected_bytes, external_aad, payload])


def _timestamp(moment: datetime, name: str) -> int:
    if moment.tzinfo is None:
        raise ValueError(f"{name} must be timezone-aware")
    return math.floor(moment.timestamp())


def encode(
    claims: Mapping[Any, Any],
    *,
    kind: QrKind,
    signing_key: SigningKey,
    issued_at: datetime,
    expires_at: datetime,
    not_before: datetime | None = None,
    kid: bytes | None = None,
    issuer: str | None = DEFAULT_ISSUER,
) -> str:
    """Sign ``claims`` with ES256 and return the text of the QR code.

    ``not_before`` is for a document valid from a later moment than its issue. ``kid``
    defaults to the key id of ``signing_key``'s public key. The claims must not set iss, iat,
    nbf or exp: the codec writes them from the arguments.
    """
    if kind not in _OUR_KINDS:
        raise ValueError(f"the desk issues only its own kinds of code, not {kind.name}")
    if any(isinstance(key, bool) or not isinstance(key, int | str) for key in claims):
        raise ValueError("claim keys are integers or text")
    clashing = sorted(str(key) for key in claims if key in _RESERVED_CLAIMS)
    if clashing:
        raise ValueError(f"claims set by the codec itself: {', '.join(clashing)}")
    issued = _timestamp(issued_at, "issued_at")
    expires = _timestamp(expires_at, "expires_at")
    if expires <= issued:
        raise ValueError("a code must expire after it is issued")
    starts = None if not_before is None else _timestamp(not_before, "not_before")
    if starts is not None and starts >= expires:
        raise ValueError("a code must expire after it becomes valid")
    if kid is None:
        kid = kid_for_public_key(signing_key.public_key())
    if not kid:
        raise ValueError("the key id must not be empty")

    # Claim members become plain integers: the bytes must not depend on Python's enum types.
    cwt: dict[int | str, Any] = {
        (int(key) if isinstance(key, int) else key): value for key, value in claims.items()
    }
    if issuer:
        cwt[int(Claim.ISSUER)] = issuer
    cwt[int(Claim.ISSUED_AT)] = issued
    if starts is not None:
        cwt[int(Claim.NOT_BEFORE)] = starts
    cwt[int(Claim.EXPIRES_AT)] = expires
    # Canonical CBOR: the same claims give the same bytes, whatever the order of the mapping.
    payload = cbor2.dumps(cwt, canonical=True)
    protected_bytes = cbor2.dumps(
        {_HEADER_ALGORITHM: int(CoseAlgorithm.ES256), _HEADER_KID: kid}, canonical=True
    )
    to_sign = _sig_structure(protected_bytes, _external_aad(kind), payload)
    der_signature = signing_key.sign(to_sign, ec.ECDSA(hashes.SHA256()))
    r, s = decode_dss_signature(der_signature)
    # COSE wants r and s side by side at fixed width, not the DER that OpenSSL gives.
    signature = r.to_bytes(_ES256_COORDINATE_BYTES, "big") + s.to_bytes(
        _ES256_COORDINATE_BYTES, "big"
    )
    cose = cbor2.dumps(cbor2.CBORTag(_COSE_SIGN1_TAG, [protected_bytes, {}, payload, signature]))
    compressed = zlib.compress(cose, 9)
    return kind.prefix + bytes(base45.b45encode(compressed)).decode("ascii")


# --- decoding ---------------------------------------------------------------------------------


def _refuse_tag(value: object, immutable: bool) -> object:
    raise cbor2.CBORDecodeError("shared and string references are not accepted")


# Value sharing (tags 28/29) can build cyclic structures, and string references (25/256) make
# data depend on far-away parts: neither belongs in a signed document, so both are refused.
_REFUSED_TAGS: Final = {28: _refuse_tag, 29: _refuse_tag, 25: _refuse_tag, 256: _refuse_tag}


def _cbor_loads(data: bytes) -> Any:
    """One CBOR item filling ``data`` exactly: duplicate map keys and trailing bytes are
    refused, since a verifier must see exactly what was signed, with one meaning."""
    stream = io.BytesIO(data)
    decoder = cbor2.CBORDecoder(
        stream,
        semantic_decoders=_REFUSED_TAGS,
        max_depth=_MAX_CBOR_DEPTH,
        allow_duplicate_keys=False,
    )
    item = decoder.decode()
    if stream.tell() != len(data):
        raise cbor2.CBORDecodeError("trailing bytes after the CBOR item")
    return item


def _malformed(message: str, detail: str = "") -> QrFormatError:
    return QrFormatError(message, detail=detail)


def _split_prefix(text: str, prefix: str | None) -> tuple[str, QrKind | None, str]:
    if prefix is not None:
        if not text.startswith(prefix):
            raise _malformed(_("The code does not start with {prefix}.").format(prefix=prefix))
        return prefix, QrKind.for_prefix(prefix), text[len(prefix) :]
    for kind in QrKind:
        if text.startswith(kind.prefix):
            return kind.prefix, kind, text[len(kind.prefix) :]
    known = ", ".join(kind.prefix for kind in QrKind)
    raise _malformed(
        _("The code does not start with a known prefix ({prefixes}).").format(prefixes=known)
    )


def _decompress(data: bytes) -> bytes:
    decompressor = zlib.decompressobj()
    try:
        cose = decompressor.decompress(data, MAX_COSE_BYTES)
    except zlib.error as error:
        raise _malformed(_("The code's data is not compressed as expected."), str(error)) from None
    if decompressor.unconsumed_tail:
        raise _malformed(_("The code's data is too large to be a document."))
    if not decompressor.eof or decompressor.unused_data:
        raise _malformed(_("The code's data is not compressed as expected."), "truncated or padded")
    return cose


def _numeric_date(claims: Mapping[Any, Any], key: Claim) -> datetime | None:
    value = claims.get(key)
    if value is None:
        return None
    # NumericDate (RFC 8392): seconds since the epoch, integer or float; bool is an int in
    # Python but never a date.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _malformed(_("The code's dates are invalid."), f"claim {int(key)} is {value!r}")
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError) as error:
        raise _malformed(_("The code's dates are invalid."), str(error)) from None


def decode(text: str, *, prefix: str | None = None) -> DecodedQr:
    """Take a code apart without checking its signature.

    ``prefix`` names the expected prefix, any string (a foreign one too); without it the prefix
    must be one of `QrKind`'s. Raises `QrFormatError` for anything that is not a well-formed
    COSE_Sign1 code.
    """
    # Scanners working as keyboards end the text with a line break; Base45 has a space in its
    # alphabet, so only line breaks are stripped.
    text = text.strip("\r\n")
    if len(text) > MAX_TEXT_LENGTH:
        raise _malformed(_("The code is too long to be a document."))
    found_prefix, kind, body = _split_prefix(text, prefix)
    try:
        compressed = bytes(base45.b45decode(body))
    except ValueError as error:
        raise _malformed(
            _("The code contains characters that are not Base45."), str(error)
        ) from None
    cose = _decompress(compressed)

    try:
        message = _cbor_loads(cose)
    except (cbor2.CBORError, ValueError, TypeError, OverflowError, RecursionError) as error:
        raise _malformed(_("The code's data is not valid CBOR."), str(error)) from None
    if isinstance(message, cbor2.CBORTag):
        if message.tag != _COSE_SIGN1_TAG:
            raise _malformed(
                _("The code is not a signed message (COSE_Sign1)."), f"tag {message.tag}"
            )
        message = message.value
    if not isinstance(message, list | tuple) or len(message) != 4:
        raise _malformed(_("The code is not a signed message (COSE_Sign1)."))
    protected_bytes, unprotected, payload, signature = message
    if (
        not isinstance(protected_bytes, bytes)
        or not isinstance(unprotected, Mapping)
        or not isinstance(payload, bytes)
        or not isinstance(signature, bytes)
    ):
        raise _malformed(_("The code is not a signed message (COSE_Sign1)."), "field types")

    try:
        # An empty protected header is sent as an empty byte string (RFC 9052 section 3).
        protected = _cbor_loads(protected_bytes) if protected_bytes else {}
        claims = _cbor_loads(payload)
    except (cbor2.CBORError, ValueError, TypeError, OverflowError, RecursionError) as error:
        raise _malformed(_("The code's data is not valid CBOR."), str(error)) from None
    if not isinstance(protected, Mapping):
        raise _malformed(_("The code's signature header is invalid."), "protected header")
    if not isinstance(claims, Mapping):
        raise _malformed(_("The code does not hold a claims map."))

    algorithm = protected.get(_HEADER_ALGORITHM)
    if algorithm is not None and (isinstance(algorithm, bool) or not isinstance(algorithm, int)):
        raise _malformed(_("The code's signature header is invalid."), "alg is not an integer")
    # As the DCC rules: the protected kid wins; the unprotected one counts only when the
    # protected header has none.
    kid = protected.get(_HEADER_KID, unprotected.get(_HEADER_KID))
    if kid is not None and not isinstance(kid, bytes):
        raise _malformed(_("The code's signature header is invalid."), "kid is not bytes")

    return DecodedQr(
        prefix=found_prefix,
        kind=kind,
        algorithm=algorithm,
        kid=kid,
        claims=claims,
        issued_at=_numeric_date(claims, Claim.ISSUED_AT),
        expires_at=_numeric_date(claims, Claim.EXPIRES_AT),
        not_before=_numeric_date(claims, Claim.NOT_BEFORE),
        protected_header=protected,
        unprotected_header=unprotected,
        raw=cose,
        protected_bytes=protected_bytes,
        payload=payload,
        signature=signature,
    )


# --- verification -----------------------------------------------------------------------------


def _signature_matches(
    public_key: VerifyingKey, algorithm: int, signature: bytes, to_sign: bytes
) -> bool:
    try:
        if algorithm == CoseAlgorithm.ES256 and isinstance(public_key, ec.EllipticCurvePublicKey):
            if len(signature) != 2 * _ES256_COORDINATE_BYTES:
                return False
            r = int.from_bytes(signature[:_ES256_COORDINATE_BYTES], "big")
            s = int.from_bytes(signature[_ES256_COORDINATE_BYTES:], "big")
            public_key.verify(encode_dss_signature(r, s), to_sign, ec.ECDSA(hashes.SHA256()))
            return True
        if algorithm == CoseAlgorithm.PS256 and isinstance(public_key, rsa.RSAPublicKey):
            # RFC 8230: PSS with MGF1 and a salt as long as the hash.
            pss = padding.PSS(
                mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.DIGEST_LENGTH
            )
            public_key.verify(signature, to_sign, pss, hashes.SHA256())
            return True
    except (InvalidSignature, ValueError):
        return False
    return False


def _algorithm_fits_key(algorithm: int, public_key: VerifyingKey) -> bool:
    if algorithm == CoseAlgorithm.ES256:
        return isinstance(public_key, ec.EllipticCurvePublicKey)
    if algorithm == CoseAlgorithm.PS256:
        return isinstance(public_key, rsa.RSAPublicKey)
    return False


def _office_time(moment: datetime) -> str:
    return moment.astimezone(office_zone()).strftime("%Y-%m-%d %H:%M")


def verify(
    text: str,
    trust: TrustList,
    revoked: RevocationList,
    at: datetime,
    *,
    prefix: str | None = None,
    leeway: timedelta = DEFAULT_CLOCK_LEEWAY,
) -> Verdict:
    """Check a scanned code at the moment ``at`` (timezone-aware).

    In order: the code must be readable (else MALFORMED), signed by a trusted key allowed to
    sign its kind (UNKNOWN_KEY), with a matching signature (INVALID_SIGNATURE), not revoked
    (REVOKED), and within its own and its signer's validity (NOT_YET_VALID, EXPIRED).
    Revocation comes before the dates: a withdrawn permit says so even once expired.
    """
    if at.tzinfo is None:
        raise ValueError("the moment of verification must be timezone-aware")
    try:
        decoded = decode(text, prefix=prefix)
    except QrFormatError as error:
        return Verdict(VerdictStatus.MALFORMED, error.message)

    signer = _trusted_signer(decoded, trust)
    if isinstance(signer, Verdict):
        return signer
    refusal = _signature_refusal(decoded, signer)
    if refusal is not None:
        return refusal
    return _validity_verdict(decoded, signer, revoked, at, leeway)


def _trusted_signer(decoded: DecodedQr, trust: TrustList) -> TrustedKey | Verdict:
    kind, kid = decoded.kind, decoded.kid
    if kid is None:
        return Verdict(
            VerdictStatus.UNKNOWN_KEY, _("The code does not name the key that signed it."), kind
        )
    trusted = trust.get(kid)
    if trusted is None:
        return Verdict(
            VerdictStatus.UNKNOWN_KEY,
            _("The code was signed by an unknown key ({kid}).").format(kid=kid.hex()),
            kind,
            kid,
        )
    if not trusted.may_sign(kind):
        return Verdict(
            VerdictStatus.UNKNOWN_KEY,
            _("The key {kid} is not trusted to sign this kind of document.").format(kid=kid.hex()),
            kind,
            kid,
            signer=trusted.label,
        )
    return trusted


def _signature_refusal(decoded: DecodedQr, trusted: TrustedKey) -> Verdict | None:
    algorithm = decoded.algorithm
    if algorithm is None or not _algorithm_fits_key(algorithm, trusted.public_key):
        message = _("The code is signed with an algorithm that does not fit its key.")
    else:
        to_sign = _sig_structure(
            decoded.protected_bytes, _external_aad(decoded.kind), decoded.payload
        )
        if _signature_matches(trusted.public_key, algorithm, decoded.signature, to_sign):
            return None
        message = _("The signature does not match: the code was altered or forged.")
    return Verdict(
        VerdictStatus.INVALID_SIGNATURE,
        message,
        decoded.kind,
        decoded.kid,
        signer=trusted.label,
    )


def _validity_verdict(
    decoded: DecodedQr,
    trusted: TrustedKey,
    revoked: RevocationList,
    at: datetime,
    leeway: timedelta,
) -> Verdict:
    issued_at, expires_at = decoded.issued_at, decoded.expires_at
    if issued_at is None or expires_at is None:
        # Every document we accept ends: a code without expiry would be valid forever.
        return Verdict(
            VerdictStatus.MALFORMED,
            _("The code does not say when it was issued and when it expires."),
            decoded.kind,
            decoded.kid,
            signer=trusted.label,
        )

    number = decoded.document_number
    if number is not None and revoked.is_revoked(number):
        status = VerdictStatus.REVOKED
        message = _("Document {number} has been revoked.").format(number=number)
    else:
        starts_at = max(issued_at, decoded.not_before or issued_at)
        status, message = _date_check(trusted, starts_at, expires_at, at, leeway)
    return Verdict(
        status,
        message,
        decoded.kind,
        decoded.kid,
        claims=decoded.claims,
        signer=trusted.label,
        issued_at=issued_at,
        expires_at=expires_at,
    )


def _date_check(
    trusted: TrustedKey,
    starts_at: datetime,
    expires_at: datetime,
    at: datetime,
    leeway: timedelta,
) -> tuple[VerdictStatus, str]:
    # The signer's certificate first: outside it the key vouches for nothing.
    if trusted.not_before is not None and at < trusted.not_before:
        return VerdictStatus.NOT_YET_VALID, _(
            "The signer's certificate is valid only from {moment}."
        ).format(moment=_office_time(trusted.not_before))
    if trusted.not_after is not None and at >= trusted.not_after:
        return VerdictStatus.EXPIRED, _("The signer's certificate expired on {moment}.").format(
            moment=_office_time(trusted.not_after)
        )
    if at + leeway < starts_at:
        return VerdictStatus.NOT_YET_VALID, _("The code is valid only from {moment}.").format(
            moment=_office_time(starts_at)
        )
    if at >= expires_at:
        return VerdictStatus.EXPIRED, _("The code expired on {moment}.").format(
            moment=_office_time(expires_at)
        )
    return VerdictStatus.VALID, _("The code is genuine and valid until {moment}.").format(
        moment=_office_time(expires_at)
    )
