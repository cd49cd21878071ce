"""The schema revisions this version of the desk knows, without importing Alembic.

Start-up reads the database's revision and compares it with these; Alembic (slow to import)
is loaded only when an upgrade is really due. A test checks this list against the migrations.
"""

from __future__ import annotations

KNOWN_REVISIONS: tuple[str, ...] = (
    "0001",
    "0002",
    "0003",
    "0004",
    "0005",
    "0006",
    "0007",
    "0008",
    "0009",
    "0010",
    "0011",
    "0012",
    "0013",
)
HEAD_REVISION = KNOWN_REVISIONS[-1]
