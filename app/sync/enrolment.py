"""Enrolling this desk with the central server.

The desk makes its key pair itself (the desk key, `app.security.desk_key`: the private half
stays in the data folder, readable by the desk's user only) and sends the public half with the
one-time code the centre gave; from then on it signs every request with that key.
"""

from __future__ import annotations

import logging
from typing import Final
from urllib.parse import urlsplit

from app.config import Config
from app.db.models import DeskRow, SyncStateRow
from app.domain.changes import Outcome, Topic
from app.domain.users import Actor, Permission
from app.errors import ConflictError, ValidationError
from app.i18n import _
from app.security.desk_key import load_or_create
from app.services import setup
from app.services.core import Core, require
from app.sync.client import SyncClient
from app.sync.protocol import CLOCK_WARNING_SECONDS, EnrolRequest
from app.sync.state import STATE_ID, Enrolment, state_row

log = logging.getLogger(__name__)
_SCHEMES: Final = ("http", "https")


def _checked_url(url: str) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme not in _SCHEMES or not parts.netloc:
        raise ValidationError(
            _("“{url}” is not a server address: write it as https://server.example:8080.").format(
                url=url.strip()
            ),
            field="server",
        )
    return url.strip().rstrip("/")


def enrol(
    core: Core,
    config: Config,
    actor: Actor,
    *,
    server_url: str,
    code: str,
    client: SyncClient | None = None,
) -> Outcome[Enrolment]:
    """Register this desk with the centre using its one-time code."""
    url = _checked_url(server_url)
    # Checked again in the transaction below; asking first spares a code spent for nothing.
    require(actor, Permission.MANAGE_OFFICE)
    with core.reading() as session:
        if state_row(session) is not None:
            raise ConflictError(_("This desk is enrolled already."))
        identity = setup.desk_identity(session, core.desk_id)
        desk = session.get(DeskRow, identity.desk_id) if identity else None
        desk_name = desk.name if desk else "desk"
        # The office row is made once per database: desks sharing the office's PostgreSQL
        # share it, a desk on its own SQLite file has its own. The centre tells them apart.
        database_id = desk.office_id if desk else None
    key = load_or_create(config)
    own_client = client is None
    http = client or SyncClient(url)
    try:
        http.server_time()
        answer = http.enrol(
            EnrolRequest(
                code=code.strip(),
                desk_name=desk_name,
                public_key_pem=key.public_pem,
                database_id=database_id,
            )
        )
    finally:
        if own_client:
            http.close()
    if identity is not None and identity.office.code != answer.office_code:
        log.warning(
            "enrolled for office %s but the desk is set up for %s",
            answer.office_code,
            identity.office.code,
        )
    with core.changing(actor, Permission.MANAGE_OFFICE) as tx:
        row = SyncStateRow(
            id=STATE_ID,
            server_url=url,
            remote_desk_id=answer.desk_id,
            office_code=answer.office_code,
            enrolled_at=core.clock.now(),
            feed_cursor=0,
            last_push_at=None,
            last_pull_at=None,
            last_error=None,
            clock_offset_seconds=http.clock_offset,
        )
        tx.session.add(row)
        tx.record(
            action="sync.enrol",
            entity="desk",
            entity_id=str(answer.desk_id),
            before=None,
            after={"server": url, "office": answer.office_code, "kid": key.kid.hex()},
            topics=(Topic.SYNC,),
            sync=False,
        )
        enrolment = Enrolment(url, answer.desk_id, answer.office_code, row.enrolled_at)
        return Outcome(enrolment, tx.changes)


def clock_warning(offset_seconds: float) -> str | None:
    """A sentence for the clerk when this computer's clock is far from the centre's."""
    if abs(offset_seconds) < CLOCK_WARNING_SECONDS:
        return None
    minutes = round(abs(offset_seconds) / 60)
    if offset_seconds > 0:
        return _(
            "This computer's clock is {minutes} minutes behind the centre's: tickets, receipts "
            "and deadlines carry wrong times. Ask the administrator to correct it."
        ).format(minutes=minutes)
    return _(
        "This computer's clock is {minutes} minutes ahead of the centre's: tickets, receipts "
        "and deadlines carry wrong times. Ask the administrator to correct it."
    ).format(minutes=minutes)
