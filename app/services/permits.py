"""Permits the centre signed for this office's applications, and their cards.

The centre signs a permit and sends it down with everything its card shows; the desk adds the
holder's photo from the application's "photos" item and prints. A card is never issued without
a photo, and a revoked permit's card is not printed at all.
"""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final

from PIL import Image, UnidentifiedImageError
from sqlalchemy import select

from app.config import Config
from app.db.models import AttachmentRow, OfficeRow, PermitRow
from app.domain.changes import Changes, Outcome
from app.domain.day_close import VoidKind
from app.domain.prints import PrintEntry, PrintKind
from app.domain.users import Actor, Permission
from app.errors import ConflictError, NotFoundError
from app.filestore import FileStore
from app.i18n import _, current_language
from app.intake.lifecycle import ApplicationState
from app.services import applications, corrections
from app.services.core import Core
from app.services.printouts import Printable, PrintOrder, RenderRequest, print_document
from printing.card import CardData, render_card
from printing.spool import PaperKind, PrinterBackend

PHOTO_ITEM: Final = "photos"
_PHOTO_TYPES: Final = frozenset({"image/jpeg", "image/png"})


@dataclass(frozen=True, slots=True)
class Permit:
    number: str
    application_id: uuid.UUID | None
    surname: str
    given_names: str
    valid_from: date
    valid_until: date
    received_at: datetime
    revoked_at: datetime | None


def _to_permit(row: PermitRow) -> Permit:
    payload = row.payload
    return Permit(
        number=row.number,
        application_id=row.application_id,
        surname=str(payload.get("surname", "")),
        given_names=str(payload.get("given_names", "")),
        valid_from=date.fromisoformat(payload["valid_from"]),
        valid_until=date.fromisoformat(payload["valid_until"]),
        received_at=row.received_at,
        revoked_at=row.revoked_at,
    )


def permit_of_application(core: Core, actor: Actor, application_id: uuid.UUID) -> Permit | None:
    with core.reading(actor, Permission.WORK_AT_DESK) as session:
        row = session.execute(
            select(PermitRow).where(PermitRow.application_id == application_id)
        ).scalar_one_or_none()
        return _to_permit(row) if row else None


def _photo(session: Any, files: FileStore, application_id: uuid.UUID | None) -> bytes | None:
    if application_id is None:
        return None
    rows = session.execute(
        select(AttachmentRow.sha256, AttachmentRow.media_type)
        .where(
            AttachmentRow.application_id == application_id,
            AttachmentRow.checklist_key == PHOTO_ITEM,
        )
        .order_by(AttachmentRow.created_at.desc())
    ).all()
    for sha256, media_type in rows:
        if media_type not in _PHOTO_TYPES:
            continue
        data = files.read(sha256)
        try:
            Image.open(io.BytesIO(data)).verify()
        except (UnidentifiedImageError, OSError):
            continue
        return data
    return None


def card_data(core: Core, actor: Actor, config: Config, number: str) -> CardData:
    """What the card of a permit shows; its photo is None when the application has none."""
    with core.reading(actor, Permission.WORK_AT_DESK) as session:
        row = session.get(PermitRow, number.strip().upper())
        if row is None:
            raise NotFoundError(
                _("No permit {number} has come from the centre.").format(number=number.strip())
            )
        if row.revoked_at is not None:
            raise ConflictError(
                _("The permit {number} was revoked by the centre: its card is not printed.").format(
                    number=row.number
                )
            )
        corrections.ensure_not_void(session, VoidKind.CARD, row.number)
        payload = dict(row.payload)
        office = session.execute(
            select(OfficeRow).where(OfficeRow.code == payload.get("office_code"))
        ).scalar_one_or_none()
        photo = _photo(session, FileStore.of(config), row.application_id)
    names = payload.get("permit_type") or {}
    language = current_language()
    mrz = payload["mrz"]
    return CardData(
        surname=payload["surname"],
        given_names=payload.get("given_names", ""),
        nationality=payload["nationality"],
        birth_date=date.fromisoformat(payload["birth_date"]),
        sex=payload.get("sex", "X"),
        permit_type=f"{names.get('az', '')} / {names.get('en', '')}".strip(" /"),
        permit_number=row.number,
        valid_from=date.fromisoformat(payload["valid_from"]),
        valid_until=date.fromisoformat(payload["valid_until"]),
        issuing_office=(
            {"az": office.name_az, "ru": office.name_ru, "en": office.name_en}.get(
                language, office.name_az
            )
            if office
            else str(payload.get("office_code", ""))
        ),
        mrz=(mrz[0], mrz[1], mrz[2]),
        qr_text=payload["qr_text"],
        photo=photo,
    )


def card_printable(core: Core, actor: Actor, config: Config, number: str) -> Printable:
    """The permit's card, to preview (with or without its photo) and print."""
    data = card_data(core, actor, config, number)
    with core.reading() as session:
        row = session.get(PermitRow, data.permit_number)
        application_id = row.application_id if row else None
    record_id = application_id or uuid.uuid5(uuid.NAMESPACE_URL, f"permit:{data.permit_number}")

    def render(request: RenderRequest) -> bytes:
        return render_card(data, offset=request.card_offset)

    return Printable(
        kind=PrintKind.CARD,
        record_id=record_id,
        number=data.permit_number,
        title=_("Permit card {number}").format(number=data.permit_number),
        papers=(PaperKind.CARD,),
        render=render,
    )


def require_photo(data: CardData) -> None:
    """A card may be previewed without its photo, never issued."""
    if data.needs_photo:
        raise ConflictError(
            _(
                "The application has no photo among its documents: scan the photo into the "
                "“photos” item, then print the card."
            )
        )


def print_card(
    core: Core,
    actor: Actor,
    config: Config,
    number: str,
    *,
    order: PrintOrder,
    backend: PrinterBackend,
) -> Outcome[PrintEntry]:
    """Print the card, log it, and move its application to "card printed" (once)."""
    require_photo(card_data(core, actor, config, number))
    document = card_printable(core, actor, config, number)
    outcome = print_document(core, actor, document, order, backend)
    return Outcome(outcome.value, outcome.changes | mark_card_printed(core, actor, number))


def mark_card_printed(core: Core, actor: Actor, number: str) -> Changes:
    with core.reading() as session:
        row = session.get(PermitRow, number.strip().upper())
        application_id = row.application_id if row else None
    if application_id is None:
        return Changes()
    current = applications.get_application(core, actor, application_id)
    if current.state is not ApplicationState.APPROVED:
        return Changes()  # a reprint: the card was printed before
    return applications.change_state(
        core, actor, application_id, ApplicationState.CARD_PRINTED
    ).changes
