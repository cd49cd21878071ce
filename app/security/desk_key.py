"""The desk's own key: it signs the QR codes of the receipts this desk prints.

Permits are signed by the central service alone (`app.security.central_signer`); a receipt only
proves that this desk took an application, so the desk signs it itself, offline. The key pair
is made on first need, kept in the data folder's keys folder readable by the desk's user only,
and its public key is trusted in the desk's own trust list for receipts only. It goes to the
centre when the desk enrols, so that other desks can check this desk's receipts too.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

from sqlalchemy import select

from app.clock import office_zone
from app.config import Config
from app.db.models import TrustedKeyRow
from app.domain.changes import Topic
from app.domain.users import Actor
from app.errors import StorageError
from app.i18n import _
from app.security.keys import (
    KeyFormatError,
    SigningKey,
    generate_signing_key,
    kid_for_public_key,
    load_signing_key,
    public_key_to_pem,
    save_signing_key,
)
from app.security.qr_codec import Claim, QrKind, encode
from app.services import setup
from app.services.core import Core
from app.services.trust import ORIGIN_DESK, kid_text

DESK_KEY_FILE: Final = "desk-receipts.pem"
# A receipt is shown again when the permit card is handed over: the longest decision takes 60
# working days, and a card may wait for its holder. A year covers both with room to spare.
RECEIPT_VALID_DAYS: Final = 365

# One desk process makes the key once, even if two operations ask for it at the same moment.
_creating = threading.Lock()


@dataclass(frozen=True, slots=True)
class DeskKey:
    signing_key: SigningKey
    path: Path

    @property
    def kid(self) -> bytes:
        return kid_for_public_key(self.signing_key.public_key())

    @property
    def public_pem(self) -> str:
        return public_key_to_pem(self.signing_key.public_key()).decode("ascii")


@dataclass(frozen=True, slots=True)
class ReceiptClaims:
    """What a receipt's code says; the office comes from the desk itself."""

    application_number: str
    amount: Decimal  # the fee in manat; 0 when none is due
    service: str = ""  # the service's code
    surname: str = ""
    given_names: str = ""
    last_valid_day: date | None = None  # None: RECEIPT_VALID_DAYS after the day of issue


def desk_key_path(config: Config) -> Path:
    return config.keys_dir / DESK_KEY_FILE


def load_or_create(config: Config) -> DeskKey:
    """The desk's key pair from its file, made there first if there is none (mode 0600)."""
    path = desk_key_path(config)
    with _creating:
        if not path.exists():
            try:
                save_signing_key(generate_signing_key(), path)
            except FileExistsError:
                pass  # another process on this data folder made it first: use theirs
            except OSError as error:
                raise StorageError(
                    _("The desk's receipt key cannot be saved in {path}: {problem}.").format(
                        path=path.parent, problem=error.strerror or error
                    ),
                    detail=repr(error),
                ) from error
    try:
        return DeskKey(load_signing_key(path), path)
    except (OSError, KeyFormatError) as error:
        raise StorageError(
            _(
                "The desk's receipt key {path} cannot be read. Ask the administrator: the "
                "desk needs its key to sign receipts."
            ).format(path=path),
            detail=repr(error),
        ) from error


def ensure_desk_key(core: Core, config: Config) -> DeskKey:
    """The desk's key, trusted in this desk's trust list for receipts (registered once)."""
    key = load_or_create(config)
    kid = kid_text(key.kid)
    with core.reading() as session:
        known = session.execute(
            select(TrustedKeyRow.id).where(TrustedKeyRow.kid == kid)
        ).scalar_one_or_none()
    if known is None:
        _register(core, key)
    return key


def _register(core: Core, key: DeskKey) -> None:
    kid = kid_text(key.kid)
    # The desk acts on its own here: whoever prints the first receipt, the key is the desk's.
    with core.changing(Actor.system("desk-key")) as tx:
        if tx.session.execute(
            select(TrustedKeyRow.id).where(TrustedKeyRow.kid == kid)
        ).scalar_one_or_none():
            return  # registered meanwhile by another operation
        identity = setup.desk_identity(tx.session, core.desk_id)
        office = identity.office.code if identity else None
        row = TrustedKeyRow(
            kid=kid,
            public_key=key.public_pem,
            kinds=["receipt"],
            valid_from=None,
            valid_until=None,
            office_code=office,
            label=f"desk {core.desk_id or ''} ({office or '-'})",
            origin=ORIGIN_DESK,
            updated_at=core.clock.now(),
        )
        tx.session.add(row)
        # Kept on this desk for now: enrolment sends the key to the centre with the desk's
        # request, and the centre publishes it back in the master data.
        tx.record(
            action="trust.desk_key",
            entity="trusted_key",
            entity_id=kid,
            before=None,
            after={"kid": kid, "public_key": row.public_key, "kinds": row.kinds, "office": office},
            topics=(Topic.MASTER_DATA,),
            sync=False,
        )


def _end_of_day(day: date) -> datetime:
    # As permits do: a code is valid up to the end of its last day in the office's zone.
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=office_zone()).astimezone(UTC)


def receipt_claims(receipt: ReceiptClaims, office: str | None) -> Mapping[Any, Any]:
    amount = receipt.amount * 100
    if amount != amount.to_integral_value() or amount < 0:
        raise ValueError(f"not an amount of manat and qəpik: {receipt.amount}")
    claims: dict[Any, Any] = {
        Claim.DOCUMENT_NUMBER: receipt.application_number,
        Claim.AMOUNT: int(amount),
    }
    optional = {
        Claim.DOCUMENT_TYPE: receipt.service,
        Claim.SURNAME: receipt.surname,
        Claim.GIVEN_NAMES: receipt.given_names,
        Claim.OFFICE: office or "",
    }
    # Empty claims are left out: every byte makes the printed code denser.
    claims.update({key: value for key, value in optional.items() if value})
    return claims


def sign_receipt(
    core: Core, config: Config, receipt: ReceiptClaims, *, issued_at: datetime | None = None
) -> str:
    """The text of a receipt's QR code, signed with the desk's key (made on first need)."""
    key = ensure_desk_key(core, config)
    with core.reading() as session:
        identity = setup.desk_identity(session, core.desk_id)
    issued = issued_at or core.clock.now()
    last_day = receipt.last_valid_day or (
        issued.astimezone(office_zone()).date() + timedelta(days=RECEIPT_VALID_DAYS)
    )
    return encode(
        receipt_claims(receipt, identity.office.code if identity else None),
        kind=QrKind.RECEIPT,
        signing_key=key.signing_key,
        kid=key.kid,
        issued_at=issued,
        expires_at=_end_of_day(last_day),
    )
