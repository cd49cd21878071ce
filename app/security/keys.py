"""Signing keys, key ids, the trust list and the revocation list of the signed QR codes.

Key ids follow the EU Digital COVID Certificate (DCC): the first 8 bytes of the SHA-256 of the
signer certificate's DER. Our own keys have no certificate, so their kid is the first 8 bytes of
the SHA-256 of the public key's SubjectPublicKeyInfo DER: as stable as the DCC's, computed from
what a desk actually holds, and just as short in the QR code.

Our keys are ECDSA on P-256 (COSE ES256). Keys from certificates may also be RSA (PS256), since
some DCC signers use it.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from app.errors import DeskError
from app.i18n import _

if TYPE_CHECKING:
    from app.security.qr_codec import QrKind

KID_LENGTH = 8
PRIVATE_KEY_FILE_MODE = 0o600
# A public key is no secret; other accounts on the machine may read it.
PUBLIC_KEY_FILE_MODE = 0o644
# RSA keys weaker than this are refused outright, whatever a certificate says.
MIN_RSA_KEY_BITS = 2048

SigningKey: TypeAlias = ec.EllipticCurvePrivateKey
VerifyingKey: TypeAlias = ec.EllipticCurvePublicKey | rsa.RSAPublicKey


class KeyFormatError(DeskError, ValueError):
    """Key or certificate data that cannot be used: unreadable, or of a kind we do not accept."""


def generate_signing_key() -> SigningKey:
    """A fresh P-256 key pair (ES256)."""
    return ec.generate_private_key(ec.SECP256R1())


def _short_hash(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()[:KID_LENGTH]


def kid_for_certificate(certificate: x509.Certificate | bytes) -> bytes:
    """The DCC key id: the first 8 bytes of the SHA-256 of the certificate's DER."""
    if isinstance(certificate, x509.Certificate):
        certificate = certificate.public_bytes(serialization.Encoding.DER)
    return _short_hash(certificate)


def kid_for_public_key(public_key: VerifyingKey) -> bytes:
    """Our key id for a key without certificate: first 8 bytes of SHA-256 of its SPKI DER."""
    spki = public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return _short_hash(spki)


def _checked_signing_key(key: object) -> SigningKey:
    if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve, ec.SECP256R1):
        raise KeyFormatError(_("The signing key must be an ECDSA P-256 private key."))
    return key


def _checked_verifying_key(key: object) -> VerifyingKey:
    if isinstance(key, ec.EllipticCurvePublicKey):
        if not isinstance(key.curve, ec.SECP256R1):
            raise KeyFormatError(_("Only P-256 is accepted among elliptic curve keys."))
        return key
    if isinstance(key, rsa.RSAPublicKey):
        if key.key_size < MIN_RSA_KEY_BITS:
            raise KeyFormatError(
                _("RSA keys need at least {bits} bits.").format(bits=MIN_RSA_KEY_BITS)
            )
        return key
    raise KeyFormatError(_("Only ECDSA P-256 and RSA public keys are accepted."))


def private_key_to_pem(key: SigningKey, *, password: bytes | None = None) -> bytes:
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(password)
        if password
        else serialization.NoEncryption()
    )
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )


def public_key_to_pem(key: VerifyingKey) -> bytes:
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def signing_key_from_pem(data: bytes, *, password: bytes | None = None) -> SigningKey:
    try:
        key = serialization.load_pem_private_key(data, password=password)
    except (ValueError, TypeError) as error:
        # Wrong password, missing password, or not a PEM private key at all.
        raise KeyFormatError(
            _("The private key cannot be read: wrong password or not a PEM key."),
            detail=str(error),
        ) from error
    return _checked_signing_key(key)


def verifying_key_from_pem(data: bytes | str) -> VerifyingKey:
    if isinstance(data, str):
        data = data.encode("ascii")
    try:
        key = serialization.load_pem_public_key(data)
    except ValueError as error:
        raise KeyFormatError(_("The public key cannot be read."), detail=str(error)) from error
    return _checked_verifying_key(key)


def _write_file(path: Path, data: bytes, *, mode: int, overwrite: bool) -> None:
    if path.exists() and not overwrite:
        raise FileExistsError(f"{path} exists already; a key file is never replaced silently")
    path.parent.mkdir(parents=True, exist_ok=True)
    # mkstemp creates the file readable by its owner only, so the key is never readable by
    # others, not even for a moment; the rename then makes it appear whole or not at all.
    handle, temporary_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        # On Windows chmod only sets the read-only flag; there the user's profile folder,
        # where the data folder lives, keeps the key private.
        os.chmod(temporary_name, mode)
        os.replace(temporary_name, path)
    except BaseException:
        Path(temporary_name).unlink(missing_ok=True)
        raise


def save_signing_key(
    key: SigningKey, path: Path, *, password: bytes | None = None, overwrite: bool = False
) -> None:
    """Write the private key as PKCS#8 PEM, readable and writable by the owner only (0600)."""
    _write_file(
        path,
        private_key_to_pem(key, password=password),
        mode=PRIVATE_KEY_FILE_MODE,
        overwrite=overwrite,
    )


def load_signing_key(path: Path, *, password: bytes | None = None) -> SigningKey:
    return signing_key_from_pem(path.read_bytes(), password=password)


def save_verifying_key(key: VerifyingKey, path: Path, *, overwrite: bool = False) -> None:
    """Write the public key as SubjectPublicKeyInfo PEM."""
    _write_file(path, public_key_to_pem(key), mode=PUBLIC_KEY_FILE_MODE, overwrite=overwrite)


def load_verifying_key(path: Path) -> VerifyingKey:
    return verifying_key_from_pem(path.read_bytes())


def load_certificate(data: bytes | str) -> x509.Certificate:
    """An X.509 certificate from PEM text or DER bytes."""
    if isinstance(data, str):
        data = data.encode("ascii")
    try:
        if data.lstrip().startswith(b"-----BEGIN"):
            return x509.load_pem_x509_certificate(data)
        return x509.load_der_x509_certificate(data)
    except ValueError as error:
        raise KeyFormatError(_("The certificate cannot be read."), detail=str(error)) from error


@dataclass(frozen=True, slots=True)
class TrustedKey:
    """A public key that may sign QR codes, under its key id.

    ``kinds`` limits what the key may sign (None: any kind): a desk's own key is trusted for
    receipts only, so a stolen desk key cannot make a permit. ``not_before``/``not_after`` come
    from the signer certificate; outside them the key is not trusted.
    """

    kid: bytes
    public_key: VerifyingKey
    label: str = ""
    kinds: frozenset[QrKind] | None = None
    not_before: datetime | None = None
    not_after: datetime | None = None

    def may_sign(self, kind: QrKind | None) -> bool:
        return self.kinds is None or (kind is not None and kind in self.kinds)

    @classmethod
    def from_certificate(
        cls, certificate: x509.Certificate | bytes | str, *, kinds: Iterable[QrKind] | None = None
    ) -> TrustedKey:
        """Trust the key of an X.509 certificate (PEM or DER) under the DCC's kid."""
        if not isinstance(certificate, x509.Certificate):
            certificate = load_certificate(certificate)
        try:
            public_key = certificate.public_key()
        except ValueError as error:
            raise KeyFormatError(
                _("The certificate's key cannot be read."), detail=str(error)
            ) from error
        return cls(
            kid=kid_for_certificate(certificate),
            public_key=_checked_verifying_key(public_key),
            label=certificate.subject.rfc4514_string(),
            kinds=None if kinds is None else frozenset(kinds),
            not_before=certificate.not_valid_before_utc,
            not_after=certificate.not_valid_after_utc,
        )

    @classmethod
    def from_public_key(
        cls,
        public_key: VerifyingKey | bytes | str,
        *,
        label: str = "",
        kinds: Iterable[QrKind] | None = None,
        not_before: datetime | None = None,
        not_after: datetime | None = None,
    ) -> TrustedKey:
        """Trust a bare public key (object or PEM) under the SPKI-based kid."""
        if isinstance(public_key, bytes | str):
            public_key = verifying_key_from_pem(public_key)
        else:
            public_key = _checked_verifying_key(public_key)
        for moment in (not_before, not_after):
            if moment is not None and moment.tzinfo is None:
                raise ValueError("validity bounds must be timezone-aware")
        return cls(
            kid=kid_for_public_key(public_key),
            public_key=public_key,
            label=label,
            kinds=None if kinds is None else frozenset(kinds),
            not_before=not_before,
            not_after=not_after,
        )


def _later(first: datetime | None, second: datetime | None) -> datetime | None:
    return second if first is None else first if second is None else max(first, second)


def _earlier(first: datetime | None, second: datetime | None) -> datetime | None:
    return second if first is None else first if second is None else min(first, second)


def trusted_key_from_pem(
    pem: str | bytes,
    *,
    kinds: Iterable[QrKind] | None = None,
    label: str = "",
    not_before: datetime | None = None,
    not_after: datetime | None = None,
) -> TrustedKey:
    """A trusted key as master data gives it: a PEM certificate or a bare PEM public key.

    A certificate keeps the DCC's kid (its DER hash) and is trusted only where both its own
    validity and the bounds given here allow; a bare key gets the SPKI kid and the bounds given.
    """
    if isinstance(pem, str):
        try:
            pem = pem.encode("ascii")
        except UnicodeEncodeError as error:
            raise KeyFormatError(_("The public key cannot be read."), detail=str(error)) from error
    if b"-----BEGIN CERTIFICATE-----" not in pem:
        return TrustedKey.from_public_key(
            pem, label=label, kinds=kinds, not_before=not_before, not_after=not_after
        )
    for moment in (not_before, not_after):
        if moment is not None and moment.tzinfo is None:
            raise ValueError("validity bounds must be timezone-aware")
    trusted = TrustedKey.from_certificate(pem, kinds=kinds)
    return replace(
        trusted,
        label=label or trusted.label,
        not_before=_later(trusted.not_before, not_before),
        not_after=_earlier(trusted.not_after, not_after),
    )


def _same_key(first: VerifyingKey, second: VerifyingKey) -> bool:
    return public_key_to_pem(first) == public_key_to_pem(second)


@dataclass(frozen=True, slots=True)
class TrustList:
    """The keys whose signatures a desk accepts, by key id. Immutable: ``with_keys`` makes a
    new list, so a list being replaced while a scan is verified never changes under it."""

    _by_kid: dict[bytes, TrustedKey] = field(default_factory=dict)

    @classmethod
    def of(cls, *keys: TrustedKey) -> TrustList:
        return cls().with_keys(*keys)

    @classmethod
    def from_certificate(
        cls, certificate: x509.Certificate | bytes | str, *, kinds: Iterable[QrKind] | None = None
    ) -> TrustList:
        return cls.of(TrustedKey.from_certificate(certificate, kinds=kinds))

    @classmethod
    def from_public_key(
        cls, public_key: VerifyingKey | bytes | str, *, kinds: Iterable[QrKind] | None = None
    ) -> TrustList:
        return cls.of(TrustedKey.from_public_key(public_key, kinds=kinds))

    def with_keys(self, *keys: TrustedKey) -> TrustList:
        by_kid = dict(self._by_kid)
        for key in keys:
            known = by_kid.get(key.kid)
            # Two different keys under one 8-byte kid would make every lookup ambiguous.
            if known is not None and not _same_key(known.public_key, key.public_key):
                raise KeyFormatError(
                    _("Another key is trusted under the key id {kid}.").format(kid=key.kid.hex())
                )
            by_kid[key.kid] = key
        return TrustList(by_kid)

    def get(self, kid: bytes) -> TrustedKey | None:
        return self._by_kid.get(kid)

    def __contains__(self, kid: object) -> bool:
        return kid in self._by_kid

    def __iter__(self) -> Iterator[TrustedKey]:
        return iter(self._by_kid.values())

    def __len__(self) -> int:
        return len(self._by_kid)


def normalize_document_number(number: str) -> str:
    """Document numbers compare without case and surrounding spaces, as people type them."""
    return number.strip().upper()


@dataclass(frozen=True, slots=True)
class RevocationList:
    """Numbers of documents (permits, receipts) withdrawn before their expiry."""

    numbers: frozenset[str] = frozenset()

    @classmethod
    def of(cls, numbers: Iterable[str]) -> RevocationList:
        return cls(frozenset(normalize_document_number(number) for number in numbers))

    def with_revoked(self, *numbers: str) -> RevocationList:
        return RevocationList(
            self.numbers | {normalize_document_number(number) for number in numbers}
        )

    def is_revoked(self, number: str) -> bool:
        return normalize_document_number(number) in self.numbers

    def __contains__(self, number: object) -> bool:
        return isinstance(number, str) and self.is_revoked(number)

    def __len__(self) -> int:
        return len(self.numbers)
