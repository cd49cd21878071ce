"""Decisions on applications and the permits they give, signed with the central key.

The central key signs every permit's QR code. It lives only here, in the server's home folder
(mode 0600); desks get its public half through the feed and check permits offline with it.
"""

from __future__ import annotations

import calendar
import contextlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Final
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.intake.lifecycle import ApplicationState
from app.mrz import generate_td1
from app.security.central_signer import KeyCentralSigner, PermitSigner
from app.security.keys import (
    generate_signing_key,
    load_signing_key,
    save_signing_key,
)
from app.security.qr_codec import Claim, compact_date_of
from app.services.masterdata_file import parse_masterdata
from app.sync.protocol import FeedKind, FeedOperation
from server import store
from server.models import EntityRow, OfficeRow, PermitRow

CENTRAL_KEY_FILE: Final = "central-permits.pem"
# The QR code's document type of a permit (the receipt is 1), as the desk's codec reads it.
PERMIT_DOCUMENT_TYPE: Final = 2
_DECIDABLE: Final = frozenset({ApplicationState.SUBMITTED.value, ApplicationState.SENT.value})


def load_or_create_central_key(keys_dir: Path) -> KeyCentralSigner:
    path = keys_dir / CENTRAL_KEY_FILE
    if not path.exists():
        keys_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        # Another process may make it first: then its key is used.
        with contextlib.suppress(FileExistsError):
            save_signing_key(generate_signing_key(), path)
    return KeyCentralSigner(load_signing_key(path))


def publish_central_key(session: Session, signer: KeyCentralSigner, now: datetime) -> int:
    """Tell every desk to trust this key for permits (and for receipts printed centrally)."""
    kid = signer.kid.hex()
    return store.publish(
        session,
        kind=FeedKind.TRUSTED_KEY,
        key=kid,
        payload={
            "kid": kid,
            "public_key": signer.public_pem,
            # The names master data uses for what a key may sign.
            "kinds": ["permit", "receipt"],
            "label": "central service",
        },
        now=now,
    )


@dataclass(frozen=True, slots=True)
class Decision:
    application_id: str
    number: str
    office_code: str
    approved: bool
    permit_number: str | None


def _application(session: Session, reference: str) -> EntityRow:
    row = session.get(EntityRow, ("application", reference))
    if row is None:
        row = session.execute(
            select(EntityRow).where(
                EntityRow.entity == "application",
                EntityRow.ref == reference,
            )
        ).scalar_one_or_none()
    if row is None:
        raise store.ProblemError(404, "unknown_application", f"No application {reference} arrived.")
    return row


def decide(
    session: Session, signer: PermitSigner, reference: str, approve: bool, now: datetime
) -> Decision:
    """Approve or refuse an application that a desk submitted; an approval signs its permit."""
    application = _application(session, reference)
    payload = application.payload
    state = payload.get("state")
    decided = session.execute(
        select(PermitRow.number).where(PermitRow.application_id == application.entity_id)
    ).scalar_one_or_none()
    if state not in _DECIDABLE or decided is not None:
        raise store.ProblemError(
            409,
            "not_decidable",
            f"The application {payload.get('number')} is {state}: it cannot be decided now.",
        )
    permit_number: str | None = None
    permit_payload: dict[str, Any] | None = None
    if approve:
        permit_number, permit_payload = _permit(session, signer, application, now)
    decision = "approved" if approve else "refused"
    store.publish(
        session,
        kind=FeedKind.DECISION,
        key=application.entity_id,
        payload={
            "application_id": application.entity_id,
            "number": payload.get("number"),
            "decision": decision,
            "decided_at": now.isoformat(),
            "permit_number": permit_number,
        },
        now=now,
        office_code=application.office_code,
    )
    if permit_payload is not None and permit_number is not None:
        store.publish(
            session,
            kind=FeedKind.PERMIT,
            key=permit_number,
            payload=permit_payload,
            now=now,
            office_code=application.office_code,
        )
    # The centre's copy of the application moves on too, so that it is not decided twice.
    application.payload = {**payload, "state": decision}
    return Decision(
        application.entity_id,
        str(payload.get("number")),
        application.office_code,
        approve,
        permit_number,
    )


def _add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _service_names(session: Session, service_code: str) -> dict[str, str]:
    text = store.latest_masterdata(session)
    if text is not None:
        for service in parse_masterdata(text).services:
            if service.code == service_code:
                return {"az": service.name.az, "ru": service.name.ru, "en": service.name.en}
    return {"az": service_code, "ru": service_code, "en": service_code}


def _permit(
    session: Session, signer: PermitSigner, application: EntityRow, now: datetime
) -> tuple[str, dict[str, Any]]:
    payload = application.payload
    person_id = payload.get("person_id")
    person = session.get(EntityRow, ("person", person_id)) if person_id else None
    if person is None:
        raise store.ProblemError(
            409, "person_missing", "The applicant's record has not arrived: sync the desk first."
        )
    holder = person.payload
    office = session.get(OfficeRow, application.office_code)
    zone = ZoneInfo(office.timezone if office else "Asia/Baku")
    count = session.execute(select(func.count()).select_from(PermitRow)).scalar_one()
    permit_number = f"AZR{int(count) + 1:06d}"
    valid_from = now.astimezone(zone).date()
    months = int(payload.get("duration_months") or 12)
    valid_until = _add_months(valid_from, months) - timedelta(days=1)
    birth_date = date.fromisoformat(holder["birth_date"])
    mrz = generate_td1(
        document_type="IR",
        issuing_state="AZE",
        surname=holder["surname"],
        given_names=holder.get("given_names") or "",
        document_number=permit_number,
        nationality=holder["nationality"],
        birth_date=birth_date,
        sex=holder.get("sex") or "X",
        expiry_date=valid_until,
    )
    qr_text = signer.sign_permit(
        {
            Claim.DOCUMENT_NUMBER: permit_number,
            Claim.DOCUMENT_TYPE: PERMIT_DOCUMENT_TYPE,
            Claim.SURNAME: str(holder["surname"]).upper(),
            Claim.GIVEN_NAMES: str(holder.get("given_names") or "").upper(),
            Claim.BIRTH_DATE: compact_date_of(birth_date),
            Claim.NATIONALITY: holder["nationality"],
            Claim.OFFICE: application.office_code,
        },
        issued_at=now,
        not_before=datetime.combine(valid_from, time.min, zone),
        expires_at=datetime.combine(valid_until, time.max, zone),
    )
    permit = {
        "number": permit_number,
        "application_id": application.entity_id,
        "application_number": payload.get("number"),
        "person_id": person_id,
        "service_code": payload.get("service_code"),
        "permit_type": _service_names(session, str(payload.get("service_code"))),
        "surname": holder["surname"],
        "given_names": holder.get("given_names") or "",
        "nationality": holder["nationality"],
        "birth_date": birth_date.isoformat(),
        "sex": holder.get("sex") or "X",
        "valid_from": valid_from.isoformat(),
        "valid_until": valid_until.isoformat(),
        "office_code": application.office_code,
        "mrz": list(mrz),
        "qr_text": qr_text,
    }
    session.add(
        PermitRow(
            number=permit_number,
            application_id=application.entity_id,
            office_code=application.office_code,
            payload=permit,
            issued_at=now,
            revoked_at=None,
        )
    )
    session.flush()
    return permit_number, permit


def revoke_permit(session: Session, number: str, now: datetime, reason: str = "") -> None:
    permit = session.get(PermitRow, number)
    if permit is None:
        raise store.ProblemError(404, "unknown_permit", f"There is no permit {number}.")
    if permit.revoked_at is not None:
        return
    permit.revoked_at = now
    # Every office: a revoked permit must fail at any desk's Verify screen.
    store.publish(
        session,
        kind=FeedKind.REVOCATION,
        key=number,
        payload={"document_number": number, "revoked_at": now.isoformat(), "reason": reason},
        now=now,
    )
    store.publish(
        session,
        kind=FeedKind.PERMIT,
        key=number,
        payload={"number": number},
        now=now,
        office_code=permit.office_code,
        operation=FeedOperation.DELETE,
    )
