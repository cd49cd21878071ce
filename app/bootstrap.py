"""Starting the core: settings, data folder, log, database. Shared by the desk, the command
line and the tests, so that each starts the same way."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from app.clock import Clock, SystemClock
from app.config import Config
from app.db.lifecycle import OpenReport, open_database
from app.services import setup
from app.services.core import Core

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Started:
    core: Core
    report: OpenReport
    identity: setup.DeskIdentity | None


def start_core(config: Config, *, clock: Clock | None = None) -> Started:
    """Open (and if due, back up and upgrade) the database and find which desk this is."""
    clock = clock or SystemClock()
    report = open_database(config, now=clock.now())
    core = Core(report.database, clock=clock)
    with core.reading() as session:
        identity = setup.desk_identity(session)
    if identity is not None:
        core.desk_id = identity.desk_id
    log.info(
        "core started on %s (desk %s)",
        report.database.dialect,
        identity.desk_id if identity else "not set up",
    )
    return Started(core, report, identity)
