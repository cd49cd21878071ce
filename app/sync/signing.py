"""Signed requests: how the server knows which desk is asking, and that nobody replays it.

Every request after enrolment carries the desk's id, the time it was made, a random nonce and
an ECDSA P-256 signature (the desk's own key pair, made at the desk; the private half never
leaves it) over the method, the path with its query, the time, the nonce and the SHA-256 of the
body exactly as sent. The server checks the signature with the public key the desk enrolled,
refuses a time outside the window and a nonce it has seen: a forged request fails the
signature, a replayed one the nonce or the window.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from app.security.keys import SigningKey, VerifyingKey
from app.sync.protocol import HEADER_DESK, HEADER_NONCE, HEADER_SIGNATURE, HEADER_TIME


def signed_text(method: str, target: str, timestamp: int, nonce: str, body: bytes) -> bytes:
    """What is signed: one line each, the body by its hash (it may be megabytes)."""
    digest = hashlib.sha256(body).hexdigest()
    return f"{method.upper()}\n{target}\n{timestamp}\n{nonce}\n{digest}".encode()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign_request(
    key: SigningKey,
    desk_id: uuid.UUID,
    *,
    method: str,
    target: str,
    body: bytes,
    timestamp: int,
) -> dict[str, str]:
    """The headers that authenticate one request; ``target`` is the path with its query."""
    nonce = secrets.token_urlsafe(18)
    signature = key.sign(
        signed_text(method, target, timestamp, nonce, body), ec.ECDSA(hashes.SHA256())
    )
    return {
        HEADER_DESK: str(desk_id),
        HEADER_TIME: str(timestamp),
        HEADER_NONCE: nonce,
        HEADER_SIGNATURE: _b64(signature),
    }


@dataclass(frozen=True, slots=True)
class SignedHeaders:
    desk_id: uuid.UUID
    timestamp: int
    nonce: str
    signature: bytes


class BadSignatureHeadersError(ValueError):
    """The request does not carry well-formed signature headers."""


def read_headers(headers: Mapping[str, str]) -> SignedHeaders:
    try:
        desk = uuid.UUID(headers[HEADER_DESK])
        timestamp = int(headers[HEADER_TIME])
        nonce = headers[HEADER_NONCE]
        signature = _unb64(headers[HEADER_SIGNATURE])
    except (KeyError, ValueError) as error:
        raise BadSignatureHeadersError(str(error)) from error
    if not 16 <= len(nonce) <= 64:
        raise BadSignatureHeadersError("nonce length")
    return SignedHeaders(desk, timestamp, nonce, signature)


def signature_valid(
    public_key: VerifyingKey, signed: SignedHeaders, method: str, target: str, body: bytes
) -> bool:
    if not isinstance(public_key, ec.EllipticCurvePublicKey):
        return False
    try:
        public_key.verify(
            signed.signature,
            signed_text(method, target, signed.timestamp, signed.nonce, body),
            ec.ECDSA(hashes.SHA256()),
        )
    except InvalidSignature:
        return False
    return True
