"""Who signs permits: the central service, never a desk.

A permit's QR code proves that the migration service issued it. If a desk's own key could sign
permits, anyone who copied a desk's key file could print genuine-looking permits; so permits are
signed by the central service's key only, and desks trust that key for permits (see
`TrustedKey.kinds`). A desk's own key signs at most receipts.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, ClassVar, Protocol

from app.security.keys import (
    SigningKey,
    TrustedKey,
    TrustList,
    VerifyingKey,
    generate_signing_key,
    kid_for_public_key,
    public_key_to_pem,
)
from app.security.qr_codec import QrKind, encode


class PermitSigner(Protocol):
    """Signs a permit's claims and returns the QR text. The real one asks the central service,
    which alone holds the permit key."""

    @property
    def kid(self) -> bytes:
        """The key id the signed codes carry."""
        ...

    def sign_permit(
        self,
        claims: Mapping[Any, Any],
        *,
        issued_at: datetime,
        expires_at: datetime,
        not_before: datetime | None = None,
    ) -> str: ...


class KeyCentralSigner:
    """Signs permits with the central key it holds: what the central server runs. The key
    never leaves the centre; desks get its public half through sync."""

    __slots__ = ("_kid", "_signing_key")

    def __init__(self, signing_key: SigningKey) -> None:
        self._signing_key = signing_key
        self._kid = kid_for_public_key(signing_key.public_key())

    @property
    def kid(self) -> bytes:
        return self._kid

    @property
    def public_key(self) -> VerifyingKey:
        return self._signing_key.public_key()

    @property
    def public_pem(self) -> str:
        return public_key_to_pem(self.public_key).decode("ascii")

    def sign_permit(
        self,
        claims: Mapping[Any, Any],
        *,
        issued_at: datetime,
        expires_at: datetime,
        not_before: datetime | None = None,
    ) -> str:
        return encode(
            claims,
            kind=QrKind.PERMIT,
            signing_key=self._signing_key,
            kid=self._kid,
            issued_at=issued_at,
            expires_at=expires_at,
            not_before=not_before,
        )


class TestCentralSigner(KeyCentralSigner):
    """Stands in for the central service's permit key in tests and the demo.

    It holds a test key pair in memory (a fresh one unless given): codes it signs are genuine
    only for a desk that trusts its public key, which no production trust list does.
    Production code must not use it.
    """

    # Not a test case, whatever its name: keeps pytest from trying to collect it.
    __test__: ClassVar[bool] = False
    __slots__ = ()

    def __init__(self, signing_key: SigningKey | None = None) -> None:
        super().__init__(signing_key if signing_key is not None else generate_signing_key())

    def trusted_key(self) -> TrustedKey:
        """How a desk trusts this signer: for permits and receipts."""
        return TrustedKey.from_public_key(
            self.public_key,
            label="central service (test key)",
            kinds=(QrKind.PERMIT, QrKind.RECEIPT),
        )

    def trust_list(self) -> TrustList:
        return TrustList.of(self.trusted_key())
