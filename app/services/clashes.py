"""Clashes from the centre: a person's field that two offices changed differently.

The centre kept one value and sent the clash to both offices; a supervisor settles it by
choosing a value, which then goes up as an ordinary edit of the person.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from app.db.models import PersonClashRow
from app.domain.changes import Outcome, Topic
from app.domain.users import Actor, Permission
from app.errors import ConflictError, NotFoundError, ValidationError
from app.i18n import _
from app.services import persons
from app.services.core import Core, Transaction


@dataclass(frozen=True, slots=True)
class PersonClash:
    id: uuid.UUID
    person_id: uuid.UUID
    field: str
    centre_value: Any
    desk_value: Any
    desk_office: str
    received_at: datetime


def record_clash_in(tx: Transaction, payload: dict[str, Any]) -> None:
    """Keep a clash the feed brought (the same one again changes nothing)."""
    clash_id = uuid.UUID(str(payload["id"]))
    if tx.session.get(PersonClashRow, clash_id) is not None:
        return
    row = PersonClashRow(
        id=clash_id,
        person_id=uuid.UUID(str(payload["entity_id"])),
        field=str(payload["field"]),
        centre_value=payload.get("centre_value"),
        desk_value=payload.get("desk_value"),
        desk_office=str(payload.get("desk_office") or ""),
        received_at=tx.core.clock.now(),
        settled_at=None,
        settled_by=None,
    )
    tx.session.add(row)
    tx.record(
        action="person.clash",
        entity="person",
        entity_id=row.person_id,
        before=None,
        after={"field": row.field, "centre": row.centre_value, "desk": row.desk_value},
        topics=(Topic.PERSONS, Topic.SYNC),
        sync=False,
    )


def open_clashes(core: Core, actor: Actor) -> list[PersonClash]:
    with core.reading(actor, Permission.CORRECT_RECORDS) as session:
        rows = session.execute(
            select(PersonClashRow)
            .where(PersonClashRow.settled_at.is_(None))
            .order_by(PersonClashRow.received_at)
        ).scalars()
        return [
            PersonClash(
                row.id,
                row.person_id,
                row.field,
                row.centre_value,
                row.desk_value,
                row.desk_office,
                row.received_at,
            )
            for row in rows
        ]


def settle(core: Core, actor: Actor, clash_id: uuid.UUID, value: Any) -> Outcome[None]:
    """Give the field the chosen value (one of the two, or one the supervisor typed); the edit
    goes to the centre as any other, and the clash is closed."""
    with core.reading(actor, Permission.CORRECT_RECORDS) as session:
        row = session.get(PersonClashRow, clash_id)
        if row is None:
            raise NotFoundError(_("There is no such clash."))
        if row.settled_at is not None:
            raise ConflictError(_("This clash was settled already."))
        field, person_id = row.field, row.person_id
    person = persons.get_person(core, actor, person_id)
    data = persons.person_data_of(person)
    try:
        changed = persons.with_field(data, field, value)
    except (KeyError, ValueError, TypeError) as error:
        raise ValidationError(
            _("“{value}” cannot be given to this field.").format(value=value), field=field
        ) from error
    outcome = persons.update_person(core, actor, person_id, changed)
    with core.changing(actor, Permission.CORRECT_RECORDS) as tx:
        clash = tx.session.get(PersonClashRow, clash_id)
        assert clash is not None
        clash.settled_at, clash.settled_by = core.clock.now(), actor.username
        tx.record(
            action="person.clash_settled",
            entity="person",
            entity_id=person_id,
            before={"field": field, "centre": clash.centre_value, "desk": clash.desk_value},
            after={"field": field, "value": value},
            topics=(Topic.PERSONS, Topic.SYNC),
            sync=False,
        )
        return Outcome(None, tx.changes | outcome.changes)
