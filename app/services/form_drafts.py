"""The intake form as the clerk types it, kept so that a crash or a power cut loses nothing.

One scratchpad row per user on this desk, overwritten as the form changes and removed when
the form is saved, submitted or abandoned. It is the clerk's own unfinished typing, not a
record of the service: it is neither audited nor sent to the centre (the application made from
it is both). Only its owner reads it back.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import delete

from app.db.models import FormDraftRow
from app.domain.applications import ApplicationForm, FormDraft, PaymentMethod
from app.domain.changes import Changes, Topic
from app.domain.users import Actor, Permission
from app.services.core import Core, require

_CHANGES = Changes(frozenset({Topic.DRAFTS}))


def form_to_json(form: ApplicationForm) -> dict[str, Any]:
    return {
        "service_code": form.service_code,
        "person_id": str(form.person_id) if form.person_id else None,
        "values": dict(form.values),
        "received": list(form.received),
        "full_time_student": form.full_time_student,
        "payment_method": form.payment_method.value if form.payment_method else None,
        "payment_reference": form.payment_reference,
        "note": form.note,
    }


def form_from_json(data: dict[str, Any]) -> ApplicationForm:
    person = data.get("person_id")
    method = data.get("payment_method")
    return ApplicationForm(
        service_code=str(data.get("service_code", "")),
        person_id=uuid.UUID(person) if person else None,
        values={str(k): str(v) for k, v in dict(data.get("values") or {}).items()},
        received=tuple(str(k) for k in data.get("received") or ()),
        full_time_student=bool(data.get("full_time_student", False)),
        payment_method=PaymentMethod(method) if method else None,
        payment_reference=str(data.get("payment_reference", "")),
        note=str(data.get("note", "")),
    )


def _owner(actor: Actor) -> uuid.UUID:
    require(actor, Permission.WORK_AT_DESK)
    if actor.user_id is None:
        raise ValueError("only a logged-in user types forms")
    return actor.user_id


def keep(
    core: Core, actor: Actor, form: ApplicationForm, *, application_id: uuid.UUID | None = None
) -> Changes:
    """Overwrite the user's scratchpad with the form as it stands now."""
    user_id = _owner(actor)
    with core.database.writing() as session:
        row = session.get(FormDraftRow, user_id)
        if row is None:
            row = FormDraftRow(user_id=user_id)
            session.add(row)
        row.form = form_to_json(form)
        row.application_id = application_id
        row.saved_at = core.clock.now()
    return _CHANGES


def recover(core: Core, actor: Actor) -> FormDraft | None:
    """The form the user was typing when the desk last stopped, if any."""
    user_id = _owner(actor)
    with core.database.reading() as session:
        row = session.get(FormDraftRow, user_id)
        if row is None:
            return None
        return FormDraft(user_id, form_from_json(row.form), row.application_id, row.saved_at)


def discard(core: Core, actor: Actor) -> Changes:
    user_id = _owner(actor)
    with core.database.writing() as session:
        session.execute(delete(FormDraftRow).where(FormDraftRow.user_id == user_id))
    return _CHANGES
