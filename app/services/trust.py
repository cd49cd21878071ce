"""The desk's trust and revocation lists, read from the database, and checking a code by them.

The keys and revocations arrive with the master data (`app.services.masterdata`); the desk's
own receipt key is added by `app.security.desk_key`. Verifying needs no network: a desk in an
office cut off from the centre checks permits and receipts all the same.
"""

from __future__ import annotations

import base64
import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import OfficeRow, RevocationRow, ServiceRow, TrustedKeyRow
from app.domain.masterdata import LocalizedText
from app.security.keys import (
    KeyFormatError,
    RevocationList,
    TrustedKey,
    TrustList,
    trusted_key_from_pem,
)
from app.security.qr_codec import Claim, QrKind, Verdict, verify
from app.services.core import Core

log = logging.getLogger(__name__)

ORIGIN_MASTERDATA = "masterdata"
ORIGIN_DESK = "desk"

_KIND_NAMES = {"permit": QrKind.PERMIT, "receipt": QrKind.RECEIPT}


def kid_text(kid: bytes) -> str:
    """A key id as the DCC's lists and our master data write it: base64."""
    return base64.b64encode(kid).decode("ascii")


def _trusted_key(row: TrustedKeyRow) -> TrustedKey | None:
    kinds = {_KIND_NAMES[name] for name in row.kinds if name in _KIND_NAMES}
    if row.office_code is not None or row.origin == ORIGIN_DESK:
        # A desk's key signs receipts only, whatever a row says: a key copied from a desk
        # must never make a permit that verifies.
        kinds &= {QrKind.RECEIPT}
    try:
        trusted = trusted_key_from_pem(
            row.public_key,
            kinds=kinds,
            label=row.label,
            not_before=row.valid_from,
            not_after=row.valid_until,
        )
    except (KeyFormatError, ValueError) as error:
        # Checked when imported; a row that no longer reads was damaged since. Leaving it out
        # makes its codes "unknown signer", and the rest still verify.
        log.error("trusted key %s cannot be read, left out: %s", row.kid, error)
        return None
    if kid_text(trusted.kid) != row.kid:
        log.error("trusted key %s does not fit its key id, left out", row.kid)
        return None
    return trusted


def trust_list_of(session: Session) -> TrustList:
    rows = session.execute(select(TrustedKeyRow).order_by(TrustedKeyRow.kid)).scalars()
    return TrustList.of(*(key for row in rows if (key := _trusted_key(row)) is not None))


def revocation_list_of(session: Session) -> RevocationList:
    return RevocationList.of(session.execute(select(RevocationRow.number)).scalars())


def trust_list(core: Core) -> TrustList:
    with core.reading() as session:
        return trust_list_of(session)


def revocation_list(core: Core) -> RevocationList:
    with core.reading() as session:
        return revocation_list_of(session)


def verify_code(
    core: Core, text: str, *, at: datetime | None = None, prefix: str | None = None
) -> Verdict:
    """Check a scanned code against this desk's lists, at ``at`` or the core's clock."""
    with core.reading() as session:
        trust = trust_list_of(session)
        revoked = revocation_list_of(session)
    return verify(text, trust, revoked, at or core.clock.now(), prefix=prefix)


@dataclass(frozen=True, slots=True)
class CheckedCode:
    """A verdict with the names a person reads in place of the codes the claims carry."""

    text: str
    verdict: Verdict
    office: LocalizedText | None = None  # the issuing office, when the code names a known one
    service: LocalizedText | None = None  # a receipt's service, when known


def check_code(core: Core, text: str, *, at: datetime | None = None) -> CheckedCode:
    """`verify_code` for the Verify screen: one read of the lists and the names it shows."""
    with core.reading() as session:
        trust = trust_list_of(session)
        revoked = revocation_list_of(session)
        verdict = verify(text, trust, revoked, at or core.clock.now())
        office_code = (
            verdict.claims.get(Claim.OFFICE) if verdict.kind and verdict.kind.is_ours else None
        )
        service_code = (
            verdict.claims.get(Claim.DOCUMENT_TYPE) if verdict.kind is QrKind.RECEIPT else None
        )
        office = (
            session.execute(select(OfficeRow).where(OfficeRow.code == office_code)).scalar()
            if isinstance(office_code, str)
            else None
        )
        service = (
            session.execute(select(ServiceRow).where(ServiceRow.code == service_code)).scalar()
            if isinstance(service_code, str)
            else None
        )
        return CheckedCode(
            text,
            verdict,
            LocalizedText(office.name_az, office.name_ru, office.name_en) if office else None,
            LocalizedText(service.name_az, service.name_ru, service.name_en) if service else None,
        )
