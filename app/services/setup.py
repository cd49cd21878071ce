"""First start: the office this desk belongs to, its first administrator, the demo office."""

from __future__ import annotations

import secrets
import socket
import uuid
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db.models import DeskRow, OfficeRow, UserRow
from app.domain.changes import Changes, Outcome, Topic
from app.domain.masterdata import Office
from app.domain.users import Actor, Role
from app.errors import ConflictError, NotFoundError
from app.i18n import _
from app.ids import new_id
from app.services import masterdata, users
from app.services.core import Core

DEMO_OFFICE = "AGS"
DEMO_USERS: tuple[tuple[str, str, Role], ...] = (
    ("clerk", "Aynur Məmmədova", Role.CLERK),
    ("supervisor", "Rauf Hüseynov", Role.SUPERVISOR),
    ("admin", "Elvin Əliyev", Role.ADMIN),
)


@dataclass(frozen=True, slots=True)
class DeskIdentity:
    desk_id: uuid.UUID
    office: Office


@dataclass(frozen=True, slots=True)
class DemoSetup:
    identity: DeskIdentity
    passwords: tuple[tuple[str, Role, str], ...]  # user name, role, password: shown once


def is_initialized(session: Session) -> bool:
    return bool(session.execute(select(func.count()).select_from(DeskRow)).scalar_one())


def desk_identity(session: Session, desk_id: uuid.UUID | None = None) -> DeskIdentity | None:
    query = select(DeskRow).order_by(DeskRow.created_at)
    if desk_id is not None:
        query = query.where(DeskRow.id == desk_id)
    desk = session.execute(query.limit(1)).scalar_one_or_none()
    if desk is None:
        return None
    office = session.get(OfficeRow, desk.office_id)
    assert office is not None
    return DeskIdentity(desk.id, masterdata.to_office(office))


def ensure_masterdata(core: Core, actor: Actor) -> None:
    with core.reading() as session:
        loaded = masterdata.current_version(session)
    if loaded is None:
        path = masterdata.bundled_masterdata()
        masterdata.import_masterdata(core, actor, path.read_bytes(), source=path.name)


def initialize_office(
    core: Core,
    *,
    office_code: str,
    admin_username: str,
    admin_full_name: str,
    admin_password: str,
    desk_name: str | None = None,
) -> Outcome[DeskIdentity]:
    """Set this desk up for an office, with its first administrator. Only once."""
    actor = Actor.system("setup")
    ensure_masterdata(core, actor)
    code = office_code.strip().upper()
    with core.changing(actor) as tx:
        if is_initialized(tx.session):
            raise ConflictError(_("This desk is set up already."))
        office = tx.session.execute(
            select(OfficeRow).where(OfficeRow.code == code)
        ).scalar_one_or_none()
        if office is None:
            known = ", ".join(
                tx.session.execute(select(OfficeRow.code).order_by(OfficeRow.code)).scalars()
            )
            raise NotFoundError(
                _("There is no office with the code {code}. Known offices: {known}.").format(
                    code=code, known=known
                )
            )
        desk = DeskRow(
            id=new_id(),
            office_id=office.id,
            name=desk_name or socket.gethostname()[:100],
            created_at=core.clock.now(),
        )
        tx.session.add(desk)
        tx.record(
            action="desk.create",
            entity="desk",
            entity_id=desk.id,
            before=None,
            after={"office": code, "name": desk.name},
            topics=(Topic.OFFICE,),
        )
        office_id, desk_id = office.id, desk.id
        office_value = masterdata.to_office(office)
    core.desk_id = desk_id
    created = users.create_user(
        core,
        actor,
        office_id=office_id,
        username=admin_username,
        full_name=admin_full_name,
        role=Role.ADMIN,
        password=admin_password,
    )
    return Outcome(
        DeskIdentity(desk_id, office_value),
        Changes(frozenset({Topic.OFFICE, Topic.USERS})) | created.changes,
    )


def generate_password() -> str:
    # Readable aloud and typed easily: no 0/O or 1/l/I look-alikes.
    alphabet = "abcdefghijkmnpqrstuvwxyz23456789"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(3))


def initialize_demo(core: Core) -> Outcome[DemoSetup]:
    """The demo office: master data, counters 1 to 3, a clerk, a supervisor and an admin."""
    passwords = {name: generate_password() for name, _full, _role in DEMO_USERS}
    admin_name, admin_full, _ = DEMO_USERS[-1]
    setup = initialize_office(
        core,
        office_code=DEMO_OFFICE,
        admin_username=admin_name,
        admin_full_name=admin_full,
        admin_password=passwords[admin_name],
        desk_name="demo desk",
    )
    changes = setup.changes
    for name, full_name, role in DEMO_USERS[:-1]:
        changes |= users.create_user(
            core,
            Actor.system("setup"),
            office_id=setup.value.office.id,
            username=name,
            full_name=full_name,
            role=role,
            password=passwords[name],
        ).changes
    listed = tuple((name, role, passwords[name]) for name, _full, role in DEMO_USERS)
    return Outcome(DemoSetup(setup.value, listed), changes)


def office_users_count(session: Session) -> int:
    return int(session.execute(select(func.count()).select_from(UserRow)).scalar_one())


def available_offices(core: Core) -> list[Office]:
    """The offices a new desk can be set up for (loading the bundled master data if needed)."""
    ensure_masterdata(core, Actor.system("setup"))
    with core.reading() as session:
        return masterdata.list_offices(session)
